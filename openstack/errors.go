package openstack

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/iamkit/iamkit/iam"
)

// KeystoneError is Keystone's answer to a refused call: its HTTP status
// and the error body's message. It is the Err of the *iam.Error a call
// returns (reach it with errors.As); gophercloud's own error is wrapped in
// it.
type KeystoneError struct {
	// Status is the HTTP status.
	Status int
	// Title and Message are those of Keystone's {"error": {...}} body.
	Title, Message string
	// Err is gophercloud's error (a gophercloud.ErrUnexpectedResponseCode).
	Err error
}

func (e *KeystoneError) Error() string {
	s := http.StatusText(e.Status)
	if e.Title != "" && e.Title != s {
		s += " (" + e.Title + ")"
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Unwrap returns gophercloud's error.
func (e *KeystoneError) Unwrap() error { return e.Err }

// keystoneError decodes err when it is an HTTP error answer, or returns
// nil.
func keystoneError(err error) *KeystoneError {
	var ue gophercloud.ErrUnexpectedResponseCode
	if !errors.As(err, &ue) {
		return nil
	}
	ke := &KeystoneError{Status: ue.Actual, Err: err}
	var body struct {
		Error struct {
			Title   string `json:"title"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(ue.Body, &body) == nil {
		ke.Title, ke.Message = body.Error.Title, body.Error.Message
	}
	return ke
}

// kindOf classifies a Keystone answer by its HTTP status.
func kindOf(err error) error {
	if k := iam.KindOf(err); k != nil {
		return k
	}
	ke := keystoneError(err)
	if ke == nil {
		return nil
	}
	k, _ := statusKind(ke.Status)
	return k
}

// statusKind is the package's one table from an HTTP status of Keystone
// (or of an identity provider) to an iamkit kind, with a short
// explanation for messages. Keystone answers 409 both for a duplicate name
// and for a conflicting change: it is ErrConflict here, and callers that
// create pass iam.ErrAlreadyExists to wrapAs. Authentication reads a 404
// otherwise (authStatusKind).
func statusKind(status int) (error, string) {
	switch {
	case status == http.StatusBadRequest:
		return iam.ErrInvalid, "bad request (400)"
	case status == http.StatusUnauthorized:
		return iam.ErrDenied, "credentials refused (401)"
	case status == http.StatusForbidden:
		return iam.ErrDenied, "forbidden (403)"
	case status == http.StatusNotFound:
		return iam.ErrNotFound, "not found (404)"
	case status == http.StatusConflict:
		return iam.ErrConflict, "conflict (409)"
	case status == http.StatusRequestEntityTooLarge:
		return iam.ErrLimit, "too large (413)"
	case status == http.StatusUnprocessableEntity:
		return iam.ErrInvalid, "unprocessable (422)"
	case status == http.StatusTooManyRequests:
		return iam.ErrThrottled, "throttled (429)"
	case status >= 500:
		return iam.ErrThrottled, "server error, retryable"
	}
	return iam.ErrInvalid, "request refused"
}

// authStatusKind is statusKind for the answers of authentication (Keystone's
// token and federation endpoints, the identity provider's): there only a
// refusal (ErrDenied) or a retryable failure (ErrThrottled) is not the
// configuration's fault; any other status, a 404 included, means a wrong
// URL, name or setting: iam.ErrInvalid.
func authStatusKind(status int) (error, string) {
	if status == http.StatusNotFound {
		return iam.ErrInvalid, "not found (404): check the URL and names"
	}
	k, why := statusKind(status)
	if k != iam.ErrDenied && k != iam.ErrThrottled {
		k = iam.ErrInvalid
	}
	return k, why
}

// wrap turns an error of a call into an *iam.Error of the right kind.
func wrap(op, res string, err error) error {
	return wrapAs(op, res, nil, err)
}

// wrapAs is wrap where a 409 means onConflict (such as
// iam.ErrAlreadyExists on a create) rather than iam.ErrConflict.
func wrapAs(op, res string, onConflict, err error) error {
	if err == nil {
		return nil
	}
	var ie *iam.Error
	if errors.As(err, &ie) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &iam.Error{Provider: providerName, Op: op, Resource: res, Err: err}
	}
	ke := keystoneError(err)
	if ke == nil {
		// Transport failures (connection refused, reset…) are worth a retry.
		return &iam.Error{Provider: providerName, Op: op, Resource: res, Kind: iam.ErrThrottled, Msg: "Keystone could not be reached", Err: err}
	}
	k, _ := statusKind(ke.Status)
	if ke.Status == http.StatusConflict && onConflict != nil {
		k = onConflict
	}
	return &iam.Error{Provider: providerName, Op: op, Resource: res, Kind: k, Err: ke}
}

// fail returns an *iam.Error of kind k with message msg.
func fail(op, res string, k error, msg string) error {
	return &iam.Error{Provider: providerName, Op: op, Resource: res, Kind: k, Msg: msg}
}
