package iam

import (
	"time"

	"github.com/iamkit/iamkit/policy"
)

// User is an identity that automation runs as: an IAM user on AWS, an EIM
// user on Outscale, a service account (OAuth2 client) on OVHcloud, a
// Keystone user on OpenStack.
type User struct {
	// Name is the user's name, unique in the account.
	Name string
	// ID is the cloud's own identifier (ARN, ORN, URN, Keystone ID).
	ID string
	// Path is the user's path where the cloud has them ("/iamkit/").
	Path      string
	Tags      map[string]string
	CreatedAt time.Time
}

// Group is a set of users that policies can be attached to.
type Group struct {
	Name      string
	ID        string
	Path      string
	CreatedAt time.Time
}

// Policy is a managed policy stored in the cloud.
type Policy struct {
	// Name is the policy's name, unique in the account.
	Name string
	// ID is the cloud's identifier (ARN, ORN, URN…).
	ID string
	// Path is the policy's path where the cloud has them ("/iamkit/").
	Path        string
	Description string
	// Document is the portable document the policy was made from, as the
	// provider reads it back. Providers that cannot read a native policy
	// back into the portable model leave it empty and set Native.
	Document policy.Document
	// Native is the policy as the cloud stores it.
	Native []byte
	// Version names the default version where the cloud versions policies.
	Version   string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// KeyStatus is the state of an access key.
type KeyStatus string

// The key states.
const (
	KeyActive   KeyStatus = "Active"
	KeyInactive KeyStatus = "Inactive"
)

// AccessKey is a credential of a user: an access key pair on AWS and
// Outscale, a client id and secret on OVHcloud, an application credential
// on OpenStack.
type AccessKey struct {
	// ID is the public part (access key ID, client ID).
	ID string
	// Secret is set only in the answer to CreateAccessKey: clouds show a
	// secret once. It never prints.
	Secret    Secret
	User      string
	Status    KeyStatus
	CreatedAt time.Time
	// ExpiresAt is zero for a key that does not expire.
	ExpiresAt time.Time
}

// Expired reports whether the key has expired at time now.
func (k *AccessKey) Expired(now time.Time) bool {
	return !k.ExpiresAt.IsZero() && !now.Before(k.ExpiresAt)
}

// PrincipalKind says what a Principal is.
type PrincipalKind string

// The principals policies attach to.
const (
	PrincipalUser  PrincipalKind = "user"
	PrincipalGroup PrincipalKind = "group"
)

// Principal is what a policy is attached to: a user or a group.
type Principal struct {
	Kind PrincipalKind
	Name string
}

// UserPrincipal names user name as a Principal.
func UserPrincipal(name string) Principal { return Principal{Kind: PrincipalUser, Name: name} }

// GroupPrincipal names group name as a Principal.
func GroupPrincipal(name string) Principal { return Principal{Kind: PrincipalGroup, Name: name} }

// String returns "user/NAME" or "group/NAME".
func (p Principal) String() string { return string(p.Kind) + "/" + p.Name }
