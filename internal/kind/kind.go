// Package kind holds the error kinds shared by every iamkit package.
//
// They live here, below both iam and policy, so that a policy parse error
// and a provider error are classified by the very same sentinel values:
// iam.ErrInvalid and policy.ErrInvalid are one variable under two names.
package kind

import "errors"

// The kinds. Each provider error satisfies errors.Is with exactly one.
var (
	NotFound      = errors.New("not found")
	AlreadyExists = errors.New("already exists")
	Conflict      = errors.New("conflict")
	Invalid       = errors.New("invalid")
	Denied        = errors.New("denied")
	Limit         = errors.New("limit exceeded")
	Throttled     = errors.New("throttled")
	Unsupported   = errors.New("unsupported")
)

// All lists the kinds, in a fixed order.
var All = []error{NotFound, AlreadyExists, Conflict, Invalid, Denied, Limit, Throttled, Unsupported}

// Of returns the kind err carries, or nil when it carries none.
func Of(err error) error {
	if err == nil {
		return nil
	}
	for _, k := range All {
		if errors.Is(err, k) {
			return k
		}
	}
	return nil
}
