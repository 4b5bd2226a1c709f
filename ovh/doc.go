// Package ovh is the OVHcloud adapter of iamkit: the iam.Provider of
// OVHcloud IAM (API v1 /me and API v2 /iam) over github.com/ovh/go-ovh.
// Importing it registers the "ovh" scheme with package provider:
//
//	import _ "github.com/iamkit/iamkit/ovh"
//
//	p, err := provider.Open(ctx, "ovh://ovh-eu") // or ovh-ca, ovh-us, ovh://?endpoint=URL
//
// Credentials are read as OVHcloud's own tools read them, by go-ovh: the
// OVH_* variables (OVH_ENDPOINT, OVH_APPLICATION_KEY,
// OVH_APPLICATION_SECRET, OVH_CONSUMER_KEY, or OVH_CLIENT_ID and
// OVH_CLIENT_SECRET for a service account managing others) and ovh.conf
// (./ovh.conf, ~/.ovh.conf, /etc/ovh.conf), never from the URL. New takes
// them explicitly, or a go-ovh client the caller built. New reads the
// account's NIC handle with GET /me; the IAM region of URNs ("eu", "ca",
// "us") comes from the endpoint, else from the account's subsidiary, unless
// Options.Region (or ?region=) says it.
//
// # Model
//
// Users are service accounts: OAuth2 clients with the CLIENT_CREDENTIALS
// flow (/me/api/oauth2/client), named by the client's name. OVHcloud does
// not keep client names unique; the adapter refuses a duplicate and lists
// only the clients it made (their description starts with "iamkit service
// account"). A user's ID is its identity URN,
// urn:v1:<region>:identity:credential:<nic>/oauth2-<clientId>.
// OVHcloud lists clients by id alone, so finding one by name reads the
// clients: a Provider reads each client once and remembers its name (an
// id never changes hands, and iamkit never renames a client), and reads
// one again when it needs its current key state. A client renamed outside
// iamkit keeps its old name for a Provider that had read it.
//
// Access keys are a service account's credential: its client id and
// secret, one per account (Capabilities.MaxKeysPerUser is 1). OVHcloud
// shows the secret once, when the client is created, and cannot
// regenerate it; so:
//   - CreateUser creates the client and keeps its secret in memory;
//     the user has no key yet.
//   - CreateAccessKey hands that secret out, once, and records in the
//     client's description that the credential is issued (ListAccessKeys
//     then lists it, without secret). A second key is ErrLimit. When this
//     provider does not hold the secret (another process made the user),
//     the client is replaced by a new one of the same name that takes over
//     the old one's policy identities; the user's ID changes.
//   - DeleteAccessKey revokes the credential the same way: a new client
//     replaces the old, keyless until CreateAccessKey.
//   - Keys cannot be deactivated (KeyStatus false) nor given an expiry
//     (KeyExpiry false: clients have no expiry; policies have expiredAt).
//   - iam.Rotate goes through RotateAccessKey (iam.KeyRotator): a new
//     client, added to the policies beside the old one, delivered, then
//     the old one removed.
//
// Groups are local identity groups (/me/identity/group), made with the
// role NONE. Only local users can join them, not service accounts:
// Capabilities.GroupsForServiceAccounts is false, AddUserToGroup is
// ErrUnsupported, and iam.Provision names the service account in its
// policy directly. Policies attach to groups all the same.
//
// Local users, on request (Options.LocalUsers, for the whole provider):
// the provider's users are then local identity users (/me/identity/user),
// named by their login (1 to 32 letters, digits and _.-), created in the
// DEFAULT group and marked as iamkit's by their description (the adapter
// lists and acts on no other). A user's ID is its identity URN,
// urn:v1:<region>:identity:user:<nic>/<login>. Local users can join groups,
// one group each: Capabilities.GroupsForServiceAccounts is true,
// AddUserToGroup sets the user's group (ErrConflict while it is in another
// non-default group), RemoveUserFromGroup puts it back in DEFAULT,
// ListGroupsForUser lists its group unless it is a default one, and
// iam.Provision names the group's URN in the group's policy. A group's
// role (ADMIN, REGULAR, UNPRIVILEGED or NONE) gives its members rights on
// the whole account beyond their IAM policies, so a local user goes only
// into groups of role NONE: AddUserToGroup refuses any other group with
// ErrInvalid, before any change, and CreateUser and RemoveUserFromGroup,
// which put the user in DEFAULT, are refused the same way while DEFAULT's
// role is not NONE (OVHcloud does not document it: the provider reads it
// at its first need and remembers it). Options.AllowPrivilegedGroups
// lifts the refusal, and with it iamkit's no-widening guarantee for those
// users.
//
// A local user's access keys are its personal access tokens (PATs,
// /me/identity/user/{user}/token): bearer tokens that authenticate API
// calls as the user ("Authorization: Bearer <token>"), with the rights the
// IAM policies naming the user or its group give it.
//   - CreateAccessKey creates a token named "iamkit-<random hex>" (the key
//     ID) with the description "iamkit access key"; the token is the
//     secret, which OVHcloud shows once. KeyOptions.ExpiresAt becomes the
//     token's expiresAt (Capabilities.KeyExpiry is true); without it the
//     token does not expire.
//   - ListAccessKeys lists every token of the user, by name, without
//     value; DeleteAccessKey deletes (revokes) one; tokens cannot be
//     deactivated (KeyStatus false). DeleteUser is ErrConflict while the
//     user has a token.
//   - OVHcloud documents no cap on tokens per user; iamkit caps them at
//     two (Capabilities.MaxKeysPerUser), enough for a rotation without
//     downtime. The cap is checked before each creation under the
//     provider's lock: two processes adding keys to one user at once may
//     both pass it.
//   - iam.Rotate takes its own path: a new token, delivered, then the old
//     ones deleted; the user keeps its identity and policies.
//   - Authorize asks the authorization check with the token as bearer.
//
// Policies are IAM v2 policies (/v2/iam/policy). Attaching one to a user
// or group adds its identity URN to the policy's identities; detaching
// removes it; ListAttachedPolicies lists the policies naming the URN.
// Policies have no versions (UpdatePolicy replaces in place), and neither
// path nor tags: the description marks what iamkit owns. CreatePolicy
// stores "created by iamkit", followed by ": " and the caller's
// description when there is one; a policy whose description is the mark,
// or starts with the mark and ": ", is reported under iam.DefaultPath (so
// that Deprovision may delete it once unused) with the caller's part as
// its Description; UpdatePolicy keeps the mark. Any other policy is not
// iamkit's, whatever its name: Deprovision detaches it and leaves it.
// (Policies an earlier version made without a description carry the same
// mark; one it made with a caller's description has none and counts as
// the caller's: prefix its description with "created by iamkit: " to hand
// it to iamkit.) A policy naming a
// service account created moments ago may be refused with
// INVALID_RESOURCE_URN while IAM learns of the account: the adapter retries
// for Options.IdentityWait, then explains the error.
//
// # Translation
//
// Translator turns portable documents into the permissions of one OVHcloud
// policy. OpenStack access on OVHcloud is granted by coarse role actions
// on a Public Cloud project (publicCloudProject:openstack:administrator,
// computeOperator, infrastructureSupervisor…, publicCloudProject:ai:…),
// each granting the OpenStack rights of the table in OVHcloud's guide "How
// to use service accounts to connect to OpenStack" (see Roles; every cell
// checked against the guide's Markdown source). Each right is read as
// portable levels of one service (compute_read: compute:List and
// compute:Read; compute_manage: compute:Write and compute:Tag;
// objectstore_all: every objectstorage level; network_secgroup_*:
// network). An Allow statement becomes the set of roles granting exactly
// what it asks; where only a wider set exists the translation is refused
// (ErrInvalid) unless TranslateOptions.AllowWidening, and then
// the least wide set is used (reads preferred to writes) and reported
// Widened with the extra rights. policy.OVHInfrastructureSupervisor(project)
// becomes exactly publicCloudProject:openstack:infrastructureSupervisor on
// the project, as in the guide. Native "ovh:" actions pass through
// verbatim; "*" becomes the action "*".
//
// The iam service becomes OVHcloud API actions on the account
// (account:apiovh:…), from the x-iam-actions that OVHcloud's OpenAPI
// documents give each operation (catalog_gen.go, made by go generate with
// internal/gencatalog, whose comment states the rules): reads of users,
// groups, OAuth2 clients, tokens, policies, permissions groups, resource
// groups and the identity provider are List (collections) or Read (items);
// changes of OAuth2 clients are Write; changes of policies, permissions
// groups, resource groups and the identity provider are Permissions;
// changes of local users and groups are Write and Permissions (a group's
// role grants rights). As the …/get actions serve both listings and
// reads, an action is granted only when the statement asks every level it
// belongs to: iam:List and iam:Read together become every …/get action,
// iam:Read alone is refused (or Widened). iam:Tag has no action.
//
// Resources: "project/<id>" becomes
// urn:v1:<region>:resource:publicCloudProject:<id>; native URNs pass
// through. "*" becomes every resource of the types the statement's actions
// act on: urn:v1:<region>:resource:publicCloudProject:* (OVHcloud accepts
// * in resource URNs) for the roles, the account's URN
// urn:v1:<region>:resource:account:<nic> for the iam service and account
// actions, urn:v1:<region>:resource:<type>:* for a native action of
// another type; with the action "*", the projects and the account only
// (reported Narrowed). The iam service acts on the account only: on a
// project it is dropped (Narrowed). Portable references have no OVHcloud
// URN and are dropped (Narrowed). One OVHcloud policy grants all its
// actions on all its resources under one condition, so Allow statements
// that differ in resources or conditions are refused: split them into
// several policies.
//
// Conditions: IpAddress of single addresses becomes request.IP matches;
// resource-tag StringEquals becomes resource.Tag(K) matches
// (StringEqualsIfExists: Narrowed); DateLessThan becomes expiredAt. Other
// conditions (address ranges, not-before dates…) are refused in an Allow.
// Deny statements become permissions.deny, over-approximated: every role
// and every account action that grants anything denied is denied, on
// every resource of the policy, whatever the statement's conditions
// (reported Narrowed when wider).
package ovh
