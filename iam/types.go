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
	Path string
	// Tags are the user's tags, where the cloud has them.
	Tags map[string]string
	// CreatedAt is when the user was created.
	CreatedAt time.Time
}

// Group is a set of users that policies can be attached to.
type Group struct {
	// Name is the group's name, unique in the account.
	Name string
	// ID is the cloud's own identifier (ARN, ORN, URN, Keystone ID).
	ID string
	// Path is the group's path where the cloud has them ("/iamkit/").
	Path string
	// CreatedAt is when the group was created.
	CreatedAt time.Time
}

// Policy is a managed policy stored in the cloud.
type Policy struct {
	// Name is the policy's name, unique in the account.
	Name string
	// ID is the cloud's identifier (ARN, ORN, URN…).
	ID string
	// Path is the policy's path where the cloud has them ("/iamkit/").
	Path string
	// Description is the policy's description, where the cloud has one.
	Description string
	// Document is the portable document the policy was made from, as the
	// provider reads it back. Providers that cannot read a native policy
	// back into the portable model leave it empty and set Native.
	Document policy.Document
	// Native is the policy as the cloud stores it.
	Native []byte
	// Version names the default version where the cloud versions policies.
	Version string
	// CreatedAt is when the policy was created.
	CreatedAt time.Time
	// UpdatedAt is when its document last changed.
	UpdatedAt time.Time
}

// KeyStatus is the state of an access key.
type KeyStatus string

// The key states.
const (
	KeyActive   KeyStatus = "Active"
	KeyInactive KeyStatus = "Inactive"
)

// KeyKind is the kind of credential an access key is. It tells a Sink
// what to write: the same ID and secret go under different names in an
// OVHcloud service account's file and a local user's.
type KeyKind string

// The kinds of access keys.
const (
	// KeyAccessKey is an access key ID and a secret access key that sign
	// requests (AWS, Outscale, the memory provider).
	KeyAccessKey KeyKind = "access-key"
	// KeyOAuth2Client is an OAuth2 client ID and secret, exchanged for
	// tokens by the client-credentials flow (OVHcloud service accounts).
	KeyOAuth2Client KeyKind = "oauth2-client"
	// KeyPersonalAccessToken is a bearer token (the secret) known by its
	// name (the ID): OVHcloud local users' keys.
	KeyPersonalAccessToken KeyKind = "personal-access-token"
	// KeyApplicationCredential is a Keystone application credential: ID
	// and secret (OpenStack's default).
	KeyApplicationCredential KeyKind = "application-credential"
	// KeyEC2Credential is a Keystone EC2 credential: an access and a
	// secret key for the EC2- and S3-compatible APIs (OpenStack, with
	// openstack.EC2Credentials).
	KeyEC2Credential KeyKind = "ec2-credential"
)

// AccessKey is a credential of a user: an access key pair on AWS and
// Outscale, a client id and secret or a personal access token on
// OVHcloud, an application credential or an EC2 credential on OpenStack.
type AccessKey struct {
	// ID is the public part (access key ID, client ID, token name).
	ID string
	// Kind is what kind of credential the key is. Providers set it on
	// every key they return; an empty Kind means the provider's default
	// kind (see DefaultKeyKind).
	Kind KeyKind
	// Secret is set only in the answer to CreateAccessKey: clouds show a
	// secret once. It never prints.
	Secret Secret
	// User is the name of the user the key belongs to.
	User string
	// Status is KeyActive or KeyInactive (always KeyActive where keys
	// cannot be deactivated).
	Status KeyStatus
	// CreatedAt is when the key was created.
	CreatedAt time.Time
	// ExpiresAt is zero for a key that does not expire.
	ExpiresAt time.Time
}

// DefaultKeyKind returns the kind of key a provider makes unless told
// otherwise: KeyAccessKey for "aws", "outscale" and "memory",
// KeyOAuth2Client for "ovh", KeyApplicationCredential for "openstack", and
// "" for a provider it does not know.
func DefaultKeyKind(provider string) KeyKind {
	switch provider {
	case "aws", "outscale", "memory":
		return KeyAccessKey
	case "ovh":
		return KeyOAuth2Client
	case "openstack":
		return KeyApplicationCredential
	}
	return ""
}

// KindOrDefault returns k.Kind, or the provider's default kind when k has
// none.
func (k *AccessKey) KindOrDefault(provider string) KeyKind {
	if k.Kind != "" {
		return k.Kind
	}
	return DefaultKeyKind(provider)
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
	// Kind is PrincipalUser or PrincipalGroup.
	Kind PrincipalKind
	// Name is the user's or group's name.
	Name string
}

// UserPrincipal names user name as a Principal.
func UserPrincipal(name string) Principal { return Principal{Kind: PrincipalUser, Name: name} }

// GroupPrincipal names group name as a Principal.
func GroupPrincipal(name string) Principal { return Principal{Kind: PrincipalGroup, Name: name} }

// String returns "user/NAME" or "group/NAME".
func (p Principal) String() string { return string(p.Kind) + "/" + p.Name }
