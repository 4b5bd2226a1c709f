package aws

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"

	"github.com/iamkit/iamkit/iam"
)

// codeKinds maps every IAM and STS error code (and the common AWS query
// protocol codes) to an iamkit error kind. Decisions worth knowing:
//
//   - UnmodifiableEntity (an AWS-managed entity) is ErrDenied: nobody may
//     change it, whatever the arguments.
//   - PolicyNotAttachable (a service-linked role's policy) is ErrInvalid:
//     the caller named a policy that cannot be used that way.
//   - EntityTemporarilyUnmodifiable (a name just deleted and being
//     recreated), ServiceFailure, ServiceUnavailable, InternalFailure and
//     the IdP communication errors are ErrThrottled, the one retryable
//     kind: AWS documents each as likely to succeed when tried again later.
//   - ConcurrentModification is ErrConflict: two writers raced.
//   - Feature and organisation switches that are off (FeatureDisabled,
//     NotSupportedService…) are ErrUnsupported.
var codeKinds = map[string]error{
	// Not found.
	"NoSuchEntity":                  iam.ErrNotFound,
	"NoSuchEntityException":         iam.ErrNotFound,
	"ReportNotPresent":              iam.ErrNotFound,
	"ReportExpired":                 iam.ErrNotFound,
	"OrganizationNotFoundException": iam.ErrNotFound,

	// Already exists.
	"EntityAlreadyExists":          iam.ErrAlreadyExists,
	"EntityAlreadyExistsException": iam.ErrAlreadyExists,
	"DuplicateCertificate":         iam.ErrAlreadyExists,
	"DuplicateSSHPublicKey":        iam.ErrAlreadyExists,
	"NameConflict":                 iam.ErrAlreadyExists,

	// Conflict: in use, has dependents, raced.
	"DeleteConflict":          iam.ErrConflict,
	"DeleteConflictException": iam.ErrConflict,
	"ConcurrentModification":  iam.ErrConflict,
	"FeatureEnabled":          iam.ErrConflict,
	"ReportInProgress":        iam.ErrConflict,
	"RoleModified":            iam.ErrConflict,

	// Limit: a quota.
	"LimitExceeded":                   iam.ErrLimit,
	"LimitExceededException":          iam.ErrLimit,
	"ReportGenerationLimitExceeded":   iam.ErrLimit,
	"PackedPolicyTooLarge":            iam.ErrLimit,
	"JWTPayloadSizeExceededException": iam.ErrLimit,

	// Invalid: the request itself is wrong.
	"MalformedPolicyDocument":              iam.ErrInvalid,
	"MalformedPolicyDocumentException":     iam.ErrInvalid,
	"InvalidInput":                         iam.ErrInvalid,
	"InvalidInputException":                iam.ErrInvalid,
	"ValidationError":                      iam.ErrInvalid,
	"ValidationException":                  iam.ErrInvalid,
	"InvalidParameterValue":                iam.ErrInvalid,
	"InvalidParameterCombination":          iam.ErrInvalid,
	"InvalidQueryParameter":                iam.ErrInvalid,
	"MalformedQueryString":                 iam.ErrInvalid,
	"MissingParameter":                     iam.ErrInvalid,
	"MissingAction":                        iam.ErrInvalid,
	"InvalidAuthenticationCode":            iam.ErrInvalid,
	"InvalidCertificate":                   iam.ErrInvalid,
	"MalformedCertificate":                 iam.ErrInvalid,
	"KeyPairMismatch":                      iam.ErrInvalid,
	"InvalidPublicKey":                     iam.ErrInvalid,
	"UnrecognizedPublicKeyEncoding":        iam.ErrInvalid,
	"InvalidUserType":                      iam.ErrInvalid,
	"PasswordPolicyViolation":              iam.ErrInvalid,
	"PolicyEvaluation":                     iam.ErrInvalid,
	"PolicyNotAttachable":                  iam.ErrInvalid,
	"InvalidIdentityToken":                 iam.ErrInvalid,
	"InvalidAuthorizationMessageException": iam.ErrInvalid,
	"SessionDurationEscalationException":   iam.ErrInvalid,

	// Denied: the credentials may not do this, or are not valid.
	"AccessDenied":                 iam.ErrDenied,
	"AccessDeniedException":        iam.ErrDenied,
	"UnauthorizedOperation":        iam.ErrDenied,
	"InvalidClientTokenId":         iam.ErrDenied,
	"InvalidAccessKeyId":           iam.ErrDenied,
	"SignatureDoesNotMatch":        iam.ErrDenied,
	"IncompleteSignature":          iam.ErrDenied,
	"MissingAuthenticationToken":   iam.ErrDenied,
	"AuthFailure":                  iam.ErrDenied,
	"RequestExpired":               iam.ErrDenied,
	"ExpiredToken":                 iam.ErrDenied,
	"ExpiredTokenException":        iam.ErrDenied,
	"ExpiredTradeInTokenException": iam.ErrDenied,
	"UnrecognizedClientException":  iam.ErrDenied,
	"OptInRequired":                iam.ErrDenied,
	"RegionDisabledException":      iam.ErrDenied,
	"IDPRejectedClaim":             iam.ErrDenied,
	"UnmodifiableEntity":           iam.ErrDenied,
	"AccountNotManagementOrDelegatedAdministratorException": iam.ErrDenied,
	"CallerIsNotManagementAccountException":                 iam.ErrDenied,

	// Throttled: slow down or try again later.
	"Throttling":                    iam.ErrThrottled,
	"ThrottlingException":           iam.ErrThrottled,
	"ThrottledException":            iam.ErrThrottled,
	"RequestThrottled":              iam.ErrThrottled,
	"RequestThrottledException":     iam.ErrThrottled,
	"RequestLimitExceeded":          iam.ErrThrottled,
	"TooManyRequestsException":      iam.ErrThrottled,
	"EntityTemporarilyUnmodifiable": iam.ErrThrottled,
	"ServiceFailure":                iam.ErrThrottled,
	"ServiceUnavailable":            iam.ErrThrottled,
	"InternalFailure":               iam.ErrThrottled,
	"InternalError":                 iam.ErrThrottled,
	"RequestTimeout":                iam.ErrThrottled,
	"IDPCommunicationError":         iam.ErrThrottled,
	"OpenIdIdpCommunicationError":   iam.ErrThrottled,

	// Unsupported: the account or the endpoint has no such thing.
	"FeatureDisabled":                                iam.ErrUnsupported,
	"NotSupportedService":                            iam.ErrUnsupported,
	"RoleTemplateDisabled":                           iam.ErrUnsupported,
	"ServiceAccessNotEnabledException":               iam.ErrUnsupported,
	"OrganizationNotInAllFeaturesModeException":      iam.ErrUnsupported,
	"OutboundWebIdentityFederationDisabledException": iam.ErrUnsupported,
	"InvalidAction":                                  iam.ErrUnsupported,
	"NotImplemented":                                 iam.ErrUnsupported,
}

// KindOfCode returns the iamkit error kind of an IAM or STS error code, or
// nil for a code the table does not know.
func KindOfCode(code string) error { return codeKinds[code] }

// kindOfStatus is the fallback for an error code the table does not know:
// the kind its HTTP status suggests.
func kindOfStatus(status int) error {
	switch {
	case status == http.StatusNotFound:
		return iam.ErrNotFound
	case status == http.StatusConflict:
		return iam.ErrConflict
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return iam.ErrDenied
	case status == http.StatusTooManyRequests || status >= 500:
		return iam.ErrThrottled
	case status >= 400:
		return iam.ErrInvalid
	}
	return nil
}

// kindOf returns the kind of an error the SDK returned. Errors that got no
// answer at all (network failures, exhausted retry quota) are
// ErrThrottled, the retryable kind; credentials that cannot be found or
// refreshed are ErrDenied.
func kindOf(err error) error {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		if k := codeKinds[ae.ErrorCode()]; k != nil {
			return k
		}
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		if k := kindOfStatus(re.HTTPStatusCode()); k != nil {
			return k
		}
	}
	var se *v4.SigningError
	if errors.As(err, &se) {
		// Credentials could not be found or refreshed.
		return iam.ErrDenied
	}
	if ae != nil {
		if ae.ErrorFault() == smithy.FaultServer {
			return iam.ErrThrottled
		}
		return iam.ErrInvalid
	}
	return iam.ErrThrottled
}

// fail returns an error of the given kind for op on res.
func fail(op, res string, kind error, msg string, cause error) error {
	return iam.NewError(name, op, res, kind, msg, cause)
}

// ctxError reports a cancelled or expired context: no kind, and a cause
// that satisfies errors.Is with ctxErr (and keeps the SDK's error, if any,
// reachable).
func ctxError(op, res string, ctxErr, cause error) error {
	if cause == nil || !errors.Is(cause, ctxErr) {
		cause = errors.Join(ctxErr, cause)
	}
	return iam.NewError(name, op, res, nil, "", cause)
}

// wrap turns an SDK error into the *iam.Error of op on res. A cancelled or
// expired context wins over whatever the SDK made of it.
func (p *Provider) wrap(ctx context.Context, op, res string, err error) error {
	if err == nil {
		return nil
	}
	if cerr := ctx.Err(); cerr != nil {
		return ctxError(op, res, cerr, err)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return iam.NewError(name, op, res, nil, "", err)
	}
	return iam.NewError(name, op, res, kindOf(err), "", err)
}

// codeOf returns the API error code of err, or "".
func codeOf(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// isNotFound reports whether err is an IAM NoSuchEntity (or one mapped to
// iam.ErrNotFound).
func isNotFound(err error) bool {
	return errors.Is(err, iam.ErrNotFound) || codeKinds[codeOf(err)] == iam.ErrNotFound
}

// plural formats n with the noun's singular or plural form.
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
