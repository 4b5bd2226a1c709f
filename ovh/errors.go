package ovh

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"

	goovh "github.com/ovh/go-ovh/ovh"
	"golang.org/x/oauth2"

	"github.com/iamkit/iamkit/iam"
)

// fail returns an *iam.Error of the given kind without a cause.
func fail(op, resource string, kind error, msg string) error {
	return &iam.Error{Op: op, Provider: providerName, Resource: resource, Kind: kind, Msg: msg}
}

// wrap maps an error of go-ovh (or of the transport) to an *iam.Error of
// one kind, keeping it reachable with errors.As (*goovh.APIError).
func wrap(op, resource string, err error) error {
	if err == nil {
		return nil
	}
	var ie *iam.Error
	if errors.As(err, &ie) {
		return err
	}
	e := &iam.Error{Op: op, Provider: providerName, Resource: resource, Err: err}
	var ae *goovh.APIError
	switch {
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		// The context's own error, without a kind: the caller gave up.
		return e
	case errors.As(err, &ae):
		e.Kind = KindOf(ae.Code, ae.Class, ae.Message)
		if isInvalidURN(ae) {
			e.Msg = "OVHcloud IAM does not know this identity URN yet: a service account (OAuth2 client) that was just created " +
				"can take a few seconds to be known to IAM; retry briefly (or check that the client id and account NIC are right)"
		}
	case errors.As(err, new(*oauth2.RetrieveError)):
		e.Kind = iam.ErrDenied
		e.Msg = "the OAuth2 token endpoint refused the client credentials"
	default:
		var ne net.Error
		if errors.As(err, &ne) {
			e.Kind = iam.ErrThrottled
			e.Msg = "network error talking to the OVHcloud API"
		} else {
			e.Kind = iam.ErrInvalid
		}
	}
	return e
}

// KindOf returns the iamkit error kind of an OVHcloud API error, from its
// HTTP status, class (such as "Client::NotFound") and message.
func KindOf(status int, class, message string) error {
	c := strings.ToLower(class)
	switch {
	case status == http.StatusNotFound || strings.Contains(c, "notfound"):
		return iam.ErrNotFound
	case status == http.StatusConflict || strings.Contains(c, "conflict") || strings.Contains(c, "alreadyexists"):
		if strings.Contains(c, "alreadyexists") || strings.Contains(strings.ToLower(message), "already exists") {
			return iam.ErrAlreadyExists
		}
		return iam.ErrConflict
	case status == http.StatusTooManyRequests:
		return iam.ErrThrottled
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return iam.ErrDenied
	case status >= 500:
		return iam.ErrThrottled
	}
	return iam.ErrInvalid
}

// isInvalidURN reports the known trap: IAM refuses a policy naming the
// identity URN of a service account it has not learnt of yet.
func isInvalidURN(ae *goovh.APIError) bool {
	s := ae.Class + " " + ae.Message
	for _, v := range ae.Details {
		s += " " + v
	}
	return strings.Contains(s, "INVALID_RESOURCE_URN") && strings.Contains(s, ":identity:")
}

// urnNotYetKnown reports whether err is IAM refusing an identity URN it
// does not know (yet).
func urnNotYetKnown(err error) bool {
	var ae *goovh.APIError
	return errors.As(err, &ae) && isInvalidURN(ae)
}
