package ovhfake

import (
	"fmt"
	"net/http"
)

// An apiError is one entry of the error table: the HTTP status and the
// JSON body the fake answers.
//
// OVHcloud API errors come in two shapes. Errors of the API proper carry
// {"class":"Client::NotFound","message":"…"} (go-ovh's APIError reads class
// and message); errors of the authentication layer, answered before any API
// code runs, carry {"errorCode":"INVALID_SIGNATURE","httpCode":"400 Bad
// Request","message":"…"} instead.
type apiError struct {
	Status    int               `json:"-"`
	Class     string            `json:"class,omitempty"`
	ErrorCode string            `json:"errorCode,omitempty"`
	HTTPCode  string            `json:"httpCode,omitempty"`
	Message   string            `json:"message"`
	Details   map[string]string `json:"details,omitempty"`
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%d %s%s: %s", e.Status, e.Class, e.ErrorCode, e.Message)
}

// with returns a copy of e whose message is formatted from format and args.
func (e apiError) with(format string, args ...any) *apiError {
	e.Message = fmt.Sprintf(format, args...)
	return &e
}

// authErr builds an authentication-layer entry.
func authErr(status int, code, msg string) apiError {
	return apiError{Status: status, ErrorCode: code, HTTPCode: fmt.Sprintf("%d %s", status, http.StatusText(status)), Message: msg}
}

// The error table: every error the fake answers comes from here.
//
// Sources, per entry:
//   - [seen] the class (and status) appears in error output of the live API
//     quoted in public bug reports (go-ovh's error format "OVHcloud API error
//     (status code N): <class>: <message>");
//   - [3p] the body is the one third-party OVHcloud fakes and clients assert
//     for the condition (not an OVHcloud publication);
//   - [family] only the family is known (status and the Client::<Kind>
//     prefix); the exact suffix and message are chosen here.
//
// Adapters must classify by HTTP status and class prefix (Client::NotFound,
// Client::Conflict, Client::BadRequest, Client::Forbidden), never by
// message.
var (
	// Authentication layer.
	errNotCredential     = authErr(http.StatusUnauthorized, "NOT_CREDENTIAL", "You must login first")                                   // [3p] unsigned call
	errInvalidKey        = authErr(http.StatusForbidden, "INVALID_KEY", "This application key is invalid")                              // [3p]
	errInvalidCredential = authErr(http.StatusForbidden, "INVALID_CREDENTIAL", "This credential is not valid")                          // [3p] unknown consumer key
	errInvalidSignature  = authErr(http.StatusBadRequest, "INVALID_SIGNATURE", "Invalid signature")                                     // [3p]
	errQueryTimeDrift    = authErr(http.StatusBadRequest, "QUERY_TIME_OUT", "Query out of time")                                        // [family] timestamp too far from the server's clock
	errInvalidToken      = authErr(http.StatusUnauthorized, "INVALID_CREDENTIAL", "This access token is not valid")                     // [family] unknown or expired bearer token
	errTooManyRequests   = apiError{Status: http.StatusTooManyRequests, Class: "Client::TooManyRequests", Message: "Too many requests"} // [family]

	// API errors.
	errNotFound   = apiError{Status: http.StatusNotFound, Class: "Client::NotFound"}                                                         // [seen] "This service does not exist"
	errBadRequest = apiError{Status: http.StatusBadRequest, Class: "Client::BadRequest"}                                                     // [seen]
	errForbidden  = apiError{Status: http.StatusForbidden, Class: "Client::Forbidden", Message: "This call has not been granted"}            // [seen]/[3p]
	errConflict   = apiError{Status: http.StatusConflict, Class: "Client::Conflict"}                                                         // [family] in use (group with users)
	errExists     = apiError{Status: http.StatusConflict, Class: "Client::Conflict::AlreadyExists"}                                          // [family] duplicate name
	errInvalidURN = apiError{Status: http.StatusBadRequest, Class: "Client::BadRequest::INVALID_RESOURCE_URN"}                               // [seen] terraform-provider-ovh#779
	errMethod     = apiError{Status: http.StatusMethodNotAllowed, Class: "Client::MethodNotAllowed"}                                         // [family]
	errInternal   = apiError{Status: http.StatusInternalServerError, Class: "Server::InternalServerError", Message: "Internal server error"} // injected only
)

// OAuth2 token endpoint errors (RFC 6749 section 5.2 bodies).
type oauthError struct {
	Status int    `json:"-"`
	Error  string `json:"error"`
	Desc   string `json:"error_description,omitempty"`
}

var (
	errOAuthInvalidClient  = oauthError{Status: http.StatusUnauthorized, Error: "invalid_client", Desc: "client authentication failed"}
	errOAuthInvalidScope   = oauthError{Status: http.StatusBadRequest, Error: "invalid_scope", Desc: "the token endpoint requires scope=all"} // [3p] external-secrets#6931
	errOAuthUnsupportedGrt = oauthError{Status: http.StatusBadRequest, Error: "unsupported_grant_type"}
)
