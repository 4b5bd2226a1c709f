package outscale

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	osc "github.com/outscale/osc-sdk-go/v2"

	"github.com/iamkit/iamkit/iam"
)

// APIError is the OUTSCALE API's answer to a refused call, decoded from
// the spec's ErrorResponse. It is the Err of the *iam.Error a call
// returns (reach it with errors.As); the SDK's own error is wrapped in it.
type APIError struct {
	// Status is the HTTP status.
	Status int
	// Type, Code and Details are those of the first entry of Errors.
	Type, Code, Details string
	// RequestID is the ResponseContext's RequestId.
	RequestID string
	// Err is the SDK's error (an osc.GenericOpenAPIError).
	Err error
}

// Error returns the HTTP status text, Type and Code, Details and the
// request ID, as far as they are known.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString(http.StatusText(e.Status))
	if e.Type != "" {
		b.WriteString(" (" + e.Type)
		if e.Code != "" {
			b.WriteString(" " + e.Code)
		}
		b.WriteString(")")
	}
	if e.Details != "" {
		b.WriteString(": " + e.Details)
	}
	if e.RequestID != "" {
		b.WriteString(" [request " + e.RequestID + "]")
	}
	return b.String()
}

// Unwrap returns the SDK's error.
func (e *APIError) Unwrap() error { return e.Err }

// decodeAPIError reads the ErrorResponse of a failed call. The SDK has no
// decoded model for the EIM calls' errors (the spec documents only their
// 200 answers), so the body is parsed here.
func decodeAPIError(resp *http.Response, err error) *APIError {
	ae := &APIError{Err: err}
	if resp != nil {
		ae.Status = resp.StatusCode
	}
	var ge osc.GenericOpenAPIError
	if errors.As(err, &ge) {
		var body osc.ErrorResponse
		if json.Unmarshal(ge.Body(), &body) == nil {
			if body.Errors != nil && len(*body.Errors) > 0 {
				first := (*body.Errors)[0]
				ae.Type, ae.Code, ae.Details = first.GetType(), first.GetCode(), first.GetDetails()
			}
			if body.ResponseContext != nil {
				ae.RequestID = body.ResponseContext.GetRequestId()
			}
		}
	}
	return ae
}

// classify maps an OUTSCALE API error to an iam kind, by Type and HTTP
// status, never by Code (codes are not published for every EIM
// condition). conflict is what a 409 ResourceConflict means for the call:
// a duplicate (iam.ErrAlreadyExists) for creates, a resource in use
// (iam.ErrConflict, the default when nil) otherwise.
func classify(ae *APIError, conflict error) error {
	t := ae.Type
	switch {
	case ae.Status == http.StatusTooManyRequests || ae.Status == http.StatusServiceUnavailable ||
		strings.Contains(t, "Throttl") || t == "RequestLimitExceeded":
		return iam.ErrThrottled
	case strings.HasPrefix(t, "TooManyResources") || strings.Contains(t, "QuotaExce") || strings.Contains(t, "LimitExceeded"):
		return iam.ErrLimit
	case ae.Status == http.StatusUnauthorized || ae.Status == http.StatusForbidden ||
		t == "AccessDenied" || t == "AuthFailure" || t == "UnauthorizedOperation":
		return iam.ErrDenied
	case ae.Status == http.StatusConflict || t == "ResourceConflict":
		if conflict == nil {
			return iam.ErrConflict
		}
		return conflict
	case ae.Status == http.StatusFailedDependency || t == "DependencyProblem":
		return iam.ErrConflict
	case t == "InvalidResource" || ae.Status == http.StatusNotFound:
		return iam.ErrNotFound
	case t == "InvalidParameterValue" || t == "MissingParameter" || t == "InvalidParameter" ||
		t == "InvalidParameterCombination" || t == "UnknownParameter" || ae.Status == http.StatusBadRequest:
		return iam.ErrInvalid
	case ae.Status == http.StatusNotImplemented:
		return iam.ErrUnsupported
	case ae.Status >= 500:
		// Server-side failures are transient as far as a caller can tell:
		// retryable, like throttling.
		return iam.ErrThrottled
	}
	return iam.ErrInvalid
}

// wrap returns the *iam.Error of a failed SDK call.
func wrap(ctx context.Context, op, resource string, resp *http.Response, err error, conflict error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil && (resp == nil || errors.Is(err, ctx.Err())) {
		return &iam.Error{Provider: providerName, Op: op, Resource: resource, Err: ctx.Err()}
	}
	if resp == nil {
		// No answer at all: a network failure. Retryable.
		return &iam.Error{Provider: providerName, Op: op, Resource: resource, Kind: iam.ErrThrottled, Msg: "no answer from the OUTSCALE API", Err: err}
	}
	ae := decodeAPIError(resp, err)
	return &iam.Error{Provider: providerName, Op: op, Resource: resource, Kind: classify(ae, conflict), Err: ae}
}

// fail returns an *iam.Error made by iamkit itself (no call was sent).
func fail(op, resource string, kind error, msg string) error {
	return &iam.Error{Provider: providerName, Op: op, Resource: resource, Kind: kind, Msg: msg}
}

// relabel puts an error of a helper call under op and resource.
func relabel(err error, op, resource string) error {
	var ie *iam.Error
	if errors.As(err, &ie) {
		c := *ie
		c.Provider, c.Op, c.Resource = providerName, op, resource
		return &c
	}
	return err
}

// isKind reports whether err is an iamkit error of kind k.
func isKind(err, k error) bool { return err != nil && errors.Is(err, k) }
