package oscfake

import (
	"fmt"
	"net/http"
)

// An apiError is one entry of the error table: what the fake answers, as
// the spec's ErrorResponse {"Errors":[{"Code","Type","Details"}]}.
type apiError struct {
	Status  int    // HTTP status
	Code    string // Errors[0].Code
	Type    string // Errors[0].Type
	Details string // Errors[0].Details
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%d %s %s: %s", e.Status, e.Code, e.Type, e.Details)
}

// with returns a copy of e whose Details are formatted from format and args.
func (e apiError) with(format string, args ...any) *apiError {
	e.Details = fmt.Sprintf(format, args...)
	return &e
}

// The error table: every error the fake answers comes from here.
//
// Sources, per entry:
//   - [doc] docs.outscale.com/api-errors.html (code, type and HTTP status
//     listed there).
//   - [qa] Outscale's own API test suite asserting (status, type, code) of
//     the live OUTSCALE API for the same condition on another resource.
//   - [family] the Type and HTTP status are those the API uses for this
//     family of errors (from [doc] or [qa]); the exact Code for this EIM
//     condition is not published in any source we could read, so it is a
//     value of the family's range, chosen here. Adapters must classify
//     errors by Type (and HTTP status), never by these Codes.
//
// The OpenAPI spec documents only the 200 response of every EIM call, so
// error bodies are validated against components.schemas.ErrorResponse.
var (
	// Authentication and authorization.
	errAuthFailed      = apiError{Status: http.StatusUnauthorized, Code: "1", Type: "AccessDenied"}     // [doc] ErrorAuthenticationFailed
	errUnknownAuthType = apiError{Status: http.StatusUnauthorized, Code: "12", Type: "AccessDenied"}    // [doc] ErrorUnknownAuthorizationType
	errNotAuthorized   = apiError{Status: http.StatusUnauthorized, Code: "5", Type: "AccessDenied"}     // [doc] ErrorNotAuthorized (EIM policy denies the call)
	errThrottled       = apiError{Status: http.StatusTooManyRequests, Code: "25", Type: "AccessDenied"} // [doc] ErrorOperationThrottledPerCall

	// Malformed requests.
	errMissingParameter      = apiError{Status: http.StatusBadRequest, Code: "7000", Type: "MissingParameter"}      // [qa]
	errInvalidParameterValue = apiError{Status: http.StatusBadRequest, Code: "4047", Type: "InvalidParameterValue"} // [qa] malformed value
	errInvalidParameter      = apiError{Status: http.StatusBadRequest, Code: "3002", Type: "InvalidParameter"}      // [qa] invalid combination / unsupported parameter
	errMethodNotAllowed      = apiError{Status: http.StatusMethodNotAllowed, Code: "2", Type: "AccessDenied"}       // [doc] ErrorHttpMethodNotAllowed (v1.28.5 list)
	errUnknownOperation      = apiError{Status: http.StatusBadRequest, Code: "0", Type: "DefaultError"}             // [doc] ErrorDefaultError

	// Unknown resources: the OUTSCALE API answers 400 InvalidResource (5xxx).
	errNoSuchAccessKey     = apiError{Status: http.StatusBadRequest, Code: "5076", Type: "InvalidResource"} // [qa] DeleteAccessKey of an unknown ID
	errNoSuchUser          = apiError{Status: http.StatusBadRequest, Code: "5102", Type: "InvalidResource"} // [family]
	errNoSuchUserGroup     = apiError{Status: http.StatusBadRequest, Code: "5103", Type: "InvalidResource"} // [family]
	errNoSuchPolicy        = apiError{Status: http.StatusBadRequest, Code: "5104", Type: "InvalidResource"} // [family]
	errNoSuchPolicyVersion = apiError{Status: http.StatusBadRequest, Code: "5105", Type: "InvalidResource"} // [family]
	errNoSuchInlinePolicy  = apiError{Status: http.StatusBadRequest, Code: "5106", Type: "InvalidResource"} // [family]
	errNoSuchVm            = apiError{Status: http.StatusBadRequest, Code: "5063", Type: "InvalidResource"} // [family]
	errNotLinked           = apiError{Status: http.StatusBadRequest, Code: "5107", Type: "InvalidResource"} // [family] unlink/remove of a link that does not exist

	// Conflicts: 409 ResourceConflict (9xxx); deletion blocked by dependents: 424 DependencyProblem (1xxx).
	errAlreadyExists     = apiError{Status: http.StatusConflict, Code: "9073", Type: "ResourceConflict"}                   // [qa] duplicate name (CreateServerCertificate, UpdateAccount)
	errInUse             = apiError{Status: http.StatusConflict, Code: "9074", Type: "ResourceConflict"}                   // [family] e.g. deleting the default version, an ACTIVE EIM key
	errHasDependencies   = apiError{Status: http.StatusFailedDependency, Code: "1010", Type: "DependencyProblem"}          // [family] "'{id}' has dependencies and cannot be deleted"
	errTooManyResources  = apiError{Status: http.StatusBadRequest, Code: "10029", Type: "TooManyResources (QuotaExceded)"} // [family] 10021, 10023, 10046 observed for other quotas
	errInternal          = apiError{Status: http.StatusInternalServerError, Code: "0", Type: "InternalError"}              // injected only (FailNext); not a documented entry
	errDocumentMalformed = apiError{Status: http.StatusBadRequest, Code: "4118", Type: "InvalidParameterValue"}            // [family] policy document refused
)

// Error names accepted by FailNext, so that tests can inject the very
// errors the fake would answer.
var namedErrors = map[string]*apiError{
	"AccessDenied":      &errNotAuthorized,
	"AuthFailure":       &errAuthFailed,
	"Throttled":         &errThrottled,
	"MissingParameter":  &errMissingParameter,
	"InvalidParameter":  &errInvalidParameterValue,
	"NotFound":          &errNoSuchUser,
	"AlreadyExists":     &errAlreadyExists,
	"Conflict":          &errInUse,
	"DependencyProblem": &errHasDependencies,
	"TooManyResources":  &errTooManyResources,
	"InternalError":     &errInternal,
}
