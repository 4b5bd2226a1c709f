package iam

// Capabilities says honestly what a cloud's identity service has. The
// workflows read it to choose the path that works; the conformance suite
// reads it to skip what a cloud lacks, with the reason.
type Capabilities struct {
	// Groups: the cloud has user groups that policies attach to.
	Groups bool
	// GroupsForServiceAccounts: service accounts can join groups (false on
	// OVHcloud, where a policy names the account directly).
	GroupsForServiceAccounts bool
	// ManagedPolicies: standalone policies attached to users and groups.
	ManagedPolicies bool
	// InlinePolicies: policies embedded in a user or group.
	InlinePolicies bool
	// PolicyVersions is how many versions of a managed policy the cloud
	// keeps (AWS and Outscale: 5); 0 when policies are not versioned.
	PolicyVersions int
	// AttachToUsers: a managed policy can be attached to a user directly.
	AttachToUsers bool
	// ResourceScoping: statements can name resources other than "*".
	ResourceScoping bool
	// Conditions: statements can carry conditions.
	Conditions bool
	// KeyExpiry: access keys can be given an expiry date.
	KeyExpiry bool
	// KeyStatus: access keys can be deactivated without being deleted.
	KeyStatus bool
	// MaxKeysPerUser is the cap on access keys per user (AWS: 2).
	MaxKeysPerUser int
	// MaxPolicySize is the largest native policy document accepted, in the
	// cloud's own measure (AWS: 6,144 non-whitespace characters); 0 when
	// there is no documented limit.
	MaxPolicySize int
	// Tags: users can carry tags.
	Tags bool
	// Paths: users and groups can carry a path.
	Paths bool
	// EventualConsistency: new users and keys may take a while to be
	// visible everywhere; callers should retry ErrNotFound and ErrDenied
	// for a short time after creating.
	EventualConsistency bool
}
