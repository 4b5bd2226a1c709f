package iam

import (
	"context"
	"iter"

	"github.com/iamkit/iamkit/policy"
)

// Optional interfaces, in the manner of database/sql drivers: a provider
// implements them where its cloud has the feature, and the workflows use
// them when present. Check with a type assertion.

// InlinePolicies is implemented by providers whose cloud has policies
// embedded in a user or a group (AWS, Outscale). Capabilities.InlinePolicies
// says the same.
type InlinePolicies interface {
	// PutInlinePolicy creates or replaces the inline policy name of a
	// principal, translated as CreatePolicy does.
	PutInlinePolicy(ctx context.Context, of Principal, name string, doc policy.Document, opts policy.TranslateOptions) (*Policy, error)
	// GetInlinePolicy returns it, or ErrNotFound.
	GetInlinePolicy(ctx context.Context, of Principal, name string) (*Policy, error)
	// ListInlinePolicies lists a principal's inline policies.
	ListInlinePolicies(ctx context.Context, of Principal) iter.Seq2[*Policy, error]
	// DeleteInlinePolicy deletes it; ErrNotFound if there is none.
	DeleteInlinePolicy(ctx context.Context, of Principal, name string) error
}

// UserDependents is implemented by providers whose users can hold things
// beyond access keys, memberships and policies, which the cloud requires
// to be removed before the user (on AWS: login profile, MFA devices,
// signing certificates, SSH public keys, service-specific credentials).
// Deprovision calls it before deleting the user.
type UserDependents interface {
	// DeleteUserDependents removes them; removing nothing is not an error.
	DeleteUserDependents(ctx context.Context, user string) error
}
