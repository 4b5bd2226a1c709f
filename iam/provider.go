package iam

import (
	"context"
	"iter"
	"time"

	"github.com/iamkit/iamkit/policy"
)

// Provider is one cloud's identity service. Each adapter (aws, outscale,
// ovh, openstack, and the in-memory fake) implements it.
//
// Every method honours ctx; every error satisfies errors.Is with exactly
// one of the Err… kinds, except the error of a cancelled or expired ctx,
// which has no kind and satisfies errors.Is with ctx.Err() instead. Names
// are validated before any call is sent.
type Provider interface {
	// Name is the provider's short name, such as "aws" or "memory".
	Name() string
	// Capabilities says what this cloud has.
	Capabilities() Capabilities
	Users
	Groups
	Policies
	AccessKeys
}

// UserOptions are the optional settings of a new user.
type UserOptions struct {
	// Path, where the cloud has paths; providers default to their own
	// iamkit path.
	Path string
	// Tags, where the cloud has them.
	Tags map[string]string
}

// Users manages users.
type Users interface {
	// CreateUser creates user name. ErrAlreadyExists if it exists.
	CreateUser(ctx context.Context, name string, opts *UserOptions) (*User, error)
	// GetUser returns user name, or ErrNotFound.
	GetUser(ctx context.Context, name string) (*User, error)
	// ListUsers lists every user, paging as needed.
	ListUsers(ctx context.Context) iter.Seq2[*User, error]
	// DeleteUser deletes user name. ErrConflict while it still has keys,
	// attached policies or group memberships.
	DeleteUser(ctx context.Context, name string) error
}

// Groups manages groups and their members.
type Groups interface {
	// CreateGroup creates group name. ErrAlreadyExists if it exists.
	CreateGroup(ctx context.Context, name string) (*Group, error)
	// GetGroup returns group name, or ErrNotFound.
	GetGroup(ctx context.Context, name string) (*Group, error)
	// ListGroups lists every group, paging as needed.
	ListGroups(ctx context.Context) iter.Seq2[*Group, error]
	// DeleteGroup deletes group name. ErrConflict while it still has
	// members or attached policies.
	DeleteGroup(ctx context.Context, name string) error
	// AddUserToGroup makes user a member of group; adding a member again
	// is not an error.
	AddUserToGroup(ctx context.Context, group, user string) error
	// RemoveUserFromGroup ends a membership; ErrNotFound if there is none.
	RemoveUserFromGroup(ctx context.Context, group, user string) error
	// ListGroupMembers lists the users of group.
	ListGroupMembers(ctx context.Context, group string) iter.Seq2[*User, error]
	// ListGroupsForUser lists the groups user belongs to.
	ListGroupsForUser(ctx context.Context, user string) iter.Seq2[*Group, error]
}

// PolicyInput describes a managed policy to create.
type PolicyInput struct {
	// Name is the policy's name, unique in the account.
	Name string
	// Description is stored with the policy where the cloud has one.
	Description string
	// Document is translated by the provider into the cloud's own format.
	Document policy.Document
	// Translate tunes the translation (for example to accept widening).
	Translate policy.TranslateOptions
}

// Policies manages managed policies and their attachments.
type Policies interface {
	// CreatePolicy translates in.Document and stores it. The translation
	// is refused with ErrInvalid when it would widen the policy (unless
	// in.Translate allows it), and with ErrLimit when it is too large.
	CreatePolicy(ctx context.Context, in PolicyInput) (*Policy, error)
	// GetPolicy returns policy name, or ErrNotFound.
	GetPolicy(ctx context.Context, name string) (*Policy, error)
	// ListPolicies lists every managed policy, paging as needed.
	ListPolicies(ctx context.Context) iter.Seq2[*Policy, error]
	// UpdatePolicy replaces the document of policy name: a new default
	// version where the cloud has versions, pruning the oldest when the
	// cloud's cap is reached.
	UpdatePolicy(ctx context.Context, name string, doc policy.Document, opts policy.TranslateOptions) (*Policy, error)
	// DeletePolicy deletes policy name. ErrConflict while attached.
	DeletePolicy(ctx context.Context, name string) error
	// AttachPolicy attaches policy name to a user or group; attaching it
	// again is not an error.
	AttachPolicy(ctx context.Context, name string, to Principal) error
	// DetachPolicy detaches it; ErrNotFound if it was not attached.
	DetachPolicy(ctx context.Context, name string, from Principal) error
	// ListAttachedPolicies lists the policies attached to a principal.
	ListAttachedPolicies(ctx context.Context, p Principal) iter.Seq2[*Policy, error]
	// Translator returns the translator the provider uses, so that a
	// caller can preview the native document and its fidelity report.
	Translator() policy.Translator
}

// KeyOptions are the optional settings of a new access key.
type KeyOptions struct {
	// ExpiresAt makes the key expire, where the cloud supports it
	// (Capabilities.KeyExpiry); otherwise ErrUnsupported.
	ExpiresAt time.Time
}

// AccessKeys manages users' access keys.
type AccessKeys interface {
	// CreateAccessKey creates a key for user; the answer is the only one
	// that carries the secret. ErrLimit when the user has
	// Capabilities.MaxKeysPerUser keys already.
	CreateAccessKey(ctx context.Context, user string, opts *KeyOptions) (*AccessKey, error)
	// ListAccessKeys lists user's keys, without their secrets.
	ListAccessKeys(ctx context.Context, user string) iter.Seq2[*AccessKey, error]
	// SetAccessKeyStatus activates or deactivates a key.
	SetAccessKeyStatus(ctx context.Context, user, keyID string, status KeyStatus) error
	// DeleteAccessKey deletes a key.
	DeleteAccessKey(ctx context.Context, user, keyID string) error
}
