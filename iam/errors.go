package iam

import (
	"errors"
	"strings"

	"github.com/iamkit/iamkit/internal/kind"
)

// The error kinds. Every error a provider returns satisfies errors.Is with
// exactly one of them, except that of a cancelled or expired context,
// which has none (it satisfies errors.Is with context.Canceled or
// context.DeadlineExceeded); programs act on the kind, never on the
// message. The policy package's ErrInvalid is the same value as ErrInvalid
// here.
var (
	// ErrNotFound: the user, group, policy or key does not exist.
	ErrNotFound = kind.NotFound
	// ErrAlreadyExists: a resource with that name exists already.
	ErrAlreadyExists = kind.AlreadyExists
	// ErrConflict: the resource is in use or has dependents.
	ErrConflict = kind.Conflict
	// ErrInvalid: a bad name, a malformed document, a bad argument.
	ErrInvalid = kind.Invalid
	// ErrDenied: the caller's credentials may not do this.
	ErrDenied = kind.Denied
	// ErrLimit: a quota is reached, such as the keys allowed per user.
	ErrLimit = kind.Limit
	// ErrThrottled: the cloud asks the caller to slow down; retryable.
	ErrThrottled = kind.Throttled
	// ErrUnsupported: the cloud has no such thing.
	ErrUnsupported = kind.Unsupported
)

// KindOf returns the kind of err (one of the Err… values above), or nil
// when err is nil or carries no kind.
func KindOf(err error) error { return kind.Of(err) }

// Error is the error type providers and workflows return. It names the
// operation, the provider and the resource, and wraps both its Kind and the
// underlying cause (typically the SDK's error, reachable with errors.As).
//
// Its message never contains a secret.
type Error struct {
	// Op is the operation, such as "CreateUser".
	Op string
	// Provider is the provider's Name, such as "aws" or "memory".
	Provider string
	// Resource names what the operation was about: "user/watcher_1".
	Resource string
	// Kind is one of the Err… kinds, or nil for the error of a done
	// context (then Err is ctx.Err()).
	Kind error
	// Msg is an optional human explanation ("2 keys per user").
	Msg string
	// Err is the underlying cause, or nil.
	Err error
}

// Error returns "PROVIDER: OP RESOURCE: KIND: MSG: CAUSE", leaving out
// what is empty.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Provider != "" {
		b.WriteString(e.Provider)
		b.WriteString(": ")
	}
	b.WriteString(e.Op)
	if e.Resource != "" {
		b.WriteByte(' ')
		b.WriteString(e.Resource)
	}
	b.WriteString(": ")
	switch {
	case e.Kind != nil:
		b.WriteString(e.Kind.Error())
	case e.Err == nil:
		b.WriteString("error")
	}
	if e.Msg != "" {
		if e.Kind != nil {
			b.WriteString(": ")
		}
		b.WriteString(e.Msg)
	}
	if e.Err != nil {
		if e.Kind != nil || e.Msg != "" {
			b.WriteString(": ")
		}
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the kind and the cause, so that errors.Is finds the kind
// and errors.As finds the cause.
func (e *Error) Unwrap() []error {
	switch {
	case e.Kind == nil && e.Err == nil:
		return nil
	case e.Kind == nil:
		return []error{e.Err}
	case e.Err == nil:
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

// NewError returns an *Error of the given kind.
func NewError(provider, op, resource string, kind error, msg string, cause error) *Error {
	return &Error{Op: op, Provider: provider, Resource: resource, Kind: kind, Msg: msg, Err: cause}
}

// IsRetryable reports whether err is worth retrying as it is: throttling.
func IsRetryable(err error) bool { return errors.Is(err, ErrThrottled) }
