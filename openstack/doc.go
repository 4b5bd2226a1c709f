// Package openstack is the OpenStack adapter of iamkit: the iam.Provider of
// Keystone (identity v3) over github.com/gophercloud/gophercloud/v2.
// Importing it registers the "openstack" scheme with package provider:
//
//	import _ "github.com/iamkit/iamkit/openstack"
//
//	p, err := provider.Open(ctx, "openstack://?cloud=ovhcloud") // clouds.yaml
//	p, err := provider.Open(ctx, "openstack://")                // the OS_* variables
//
// Credentials are read as the OpenStack CLI reads them (LoadAuth):
// clouds.yaml and secure.yaml, or OS_CLOUD and the OS_* variables, never
// the URL. Auth types: password, application credential, token, and
// v3oidcclientcredentials (OVHcloud service accounts: a client-credentials
// grant at the OIDC token endpoint, the token exchanged at Keystone's
// OS-FEDERATION auth endpoint, then a project-scoped token), which
// gophercloud lacks. New takes an Auth, or a gophercloud client the caller
// authenticated.
//
// The URL's query may set the other Options (ParseURL): project=,
// domain= and region=; reader=, member= and admin=, the names of the
// cloud's default roles where they differ from Keystone's (Options.Roles);
// keys=ec2 for EC2 credentials instead of application credentials
// (keys=application_credential, the default); allow_wide_keys=true
// (Options.AllowWideKeys). An unknown, repeated or empty setting, or a bad
// value, is iam.ErrInvalid before any request:
//
//	p, err := provider.Open(ctx, "openstack://?cloud=ovhcloud&keys=ec2")
//
// # Model
//
// The provider works on one project (Options.Project, default the token's)
// and one domain (Options.Domain, default the project's).
//
//   - Users and groups are Keystone's own, in the domain. iamkit marks its
//     own with extra attributes (iamkit_path, plus iamkit_tags and the
//     creation time): ListUsers and ListGroups list only those, and
//     Deprovision cleans up only those. Names keep to letters, digits and
//     _+=,.@- (Keystone takes more). A new user is enabled, has no
//     password, and holds the reader role on the project: Keystone issues
//     a project-scoped token, hence an application credential, only to a
//     user with a role there.
//   - A policy is a domain-specific Keystone role of the same name, which
//     implies the default reader or member role (Options.Roles renames
//     them for clouds that name theirs otherwise). The portable document,
//     its translation and the access rules are kept on the role as extra
//     attributes and read back by GetPolicy. Attaching a policy assigns
//     the role to the user or group on the project; a domain-specific role
//     shows in tokens only as the roles it implies. Roles have no versions:
//     UpdatePolicy changes the role in place.
//   - Access keys are application credentials of the user, scoped to the
//     project, with the access rules of every policy attached to the user
//     or its groups (less what a Deny of another of them refuses, since
//     each policy's rules were translated alone), and an optional expiry
//     (Capabilities.KeyExpiry). They
//     cannot be deactivated (KeyStatus false) and have no cap. Keystone
//     lets only the user itself create them: CreateAccessKey sets a random
//     password on the user, authenticates as it, creates the credential and
//     sets another random password that nobody keeps; so it refuses
//     (iam.ErrConflict) a user iamkit did not make, whose own password this
//     would destroy. Keystone revokes a
//     user's tokens when its password changes (by an event that covers the
//     same second), so CreateAccessKey takes one to two seconds, and
//     tokens already issued to the user's other keys must be renewed (the
//     SDKs do so on the 401). Two processes making keys for the same user
//     at once replace each other's password; the one that loses (a 401)
//     tries again after a random pause (full jitter, doubling from 1 s to
//     8 s), up to eight times. A key holds only the roles iamkit's policies
//     imply (reader, and member when one needs writes); roles given to the
//     user outside iamkit, admin or another service's, stay out. A key
//     holding member whose rules read Swift's account or containers, while
//     its policies allow no object writes, is refused (iam.ErrInvalid)
//     unless Options.AllowWideKeys: Swift shows the temp-URL keys there to
//     its operator roles, often member, and they sign URLs that write.
//   - On request (Options.Keys = EC2Credentials), access keys are EC2
//     credentials on the project instead: an access and secret key for
//     S3- and EC2-compatible APIs, without expiry. They have no access
//     rules and carry the user's roles, so CreateAccessKey refuses one
//     (iam.ErrInvalid) when the roles would allow a catalog call that the
//     user's policies do not, or reach services outside the catalog (the
//     key manager, orchestration, load balancers…) that the policies do
//     not allow as "*" (in practice, only "*:*" on "*" passes), unless
//     Options.AllowWideKeys. Prefer application credentials.
//
// # Translation
//
// Keystone has no policy documents. What a key may call is set by its
// application credential's access rules (service type, HTTP method, path;
// enforced by each service's keystonemiddleware), capped by its user's
// roles. Translator turns a portable document into Native: the level role
// the rules need (reader for rules that only read, member otherwise) and
// the rules, from a catalog of each service's calls per portable level
// (Nova, Glance, Cinder, Neutron, Swift; see catalog.go). Secrets are not
// Read: a server's password is compute:Permissions. What Keystone cannot
// express is dropped and reported as narrowed: conditions, object-level
// resources, other projects; and, unless AllowWidening keeps them and
// reports them widened, rules that would also match calls the document
// does not allow (GET /v2.1/servers/{id} also matches GET
// /v2.1/servers/detail, a List call) and identity management, which
// Keystone does not restrict by access rules and would need a policy role
// implying admin (which Keystone's default [assignment]
// prohibited_implied_role refuses: CreatePolicy is then
// iam.ErrUnsupported). A native action
// "openstack:<service-type>:<METHOD>:<path>" is an access rule, kept as is
// unless a Deny could touch it. A key whose user has no policy gets a rule
// that matches no API, because Keystone reads an empty rule list as no
// restriction.
//
// Access rules are fixed when a credential is created. So that narrowing
// takes effect at once, UpdatePolicy, DetachPolicy and RemoveUserFromGroup
// delete the iamkit keys whose rules the user's policies no longer all
// grant (iam.Rotate gives the tool a new one); a widened policy applies to
// keys made after it.
//
// # Errors
//
// HTTP statuses map to kinds (400 ErrInvalid, 401 and 403 ErrDenied, 404
// ErrNotFound, 409 ErrAlreadyExists on a create and ErrConflict otherwise,
// 413 ErrLimit, 429 and 5xx ErrThrottled); Keystone's error body is
// reachable as a *KeystoneError with errors.As. Keystone answers identity
// listings in one page; a listing it truncates at its list_limit is
// ErrLimit rather than silently short.
package openstack
