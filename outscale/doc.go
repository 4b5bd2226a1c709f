// Package outscale is the OUTSCALE adapter of iamkit: Elastic Identity
// Management (EIM) users, user groups, managed and inline policies and
// access keys through the official SDK github.com/outscale/osc-sdk-go/v2.
//
// A tour:
//
//	import _ "github.com/iamkit/iamkit/outscale"      // registers outscale://
//	p, err := provider.Open(ctx, "outscale://eu-west-2?profile=default")
//	acct, err := iam.Provision(ctx, p, iam.ServiceAccount{User: "watcher_1", Group: "monitoring",
//		Policy: policy.ReadOnly(policy.Compute)})
//
// or, building it in Go: outscale.New(ctx, outscale.Options{Region: "eu-west-2"}).
//
// # Credentials and configuration
//
// As the Outscale SDKs and CLI read them, never from the URL: explicit
// Options.AccessKey/SecretKey; else the profile Options.Profile (the URL's
// ?profile=) of ~/.osc/config.json; else OSC_ACCESS_KEY and
// OSC_SECRET_KEY; else the profile named by OSC_PROFILE, or "default".
// The region is Options.Region (the URL's host), OSC_REGION, the profile's
// "region", or eu-west-2; the endpoint Options.Endpoint (?endpoint=),
// OSC_ENDPOINT_API, the profile's endpoints.api, or
// https://api.REGION.outscale.com/api/v1.
//
// # The model mapping
//
//	iam.User         EIM user (CreateUser, ReadUsers, DeleteUser); Path supported, no tags
//	iam.Group        user group (CreateUserGroup, ReadUserGroup…); ID is its ORN
//	iam.Policy       managed policy; ID is its ORN orn:ows:idauth::<account>:policy<path><name>
//	                 (policy/iamkit/<name> for iamkit's); Version is the default
//	                 version (v1, v2…); Native is the EIM document
//	AttachPolicy     LinkPolicy (user) / LinkManagedPolicyToUserGroup (group)
//	UpdatePolicy     CreatePolicyVersion with SetAsDefault, deleting the oldest
//	                 non-default version first when the policy has 5
//	inline policies  PutUserPolicy / PutUserGroupPolicy… (iam.InlinePolicies)
//	iam.AccessKey    access key with ExpirationDate and ACTIVE/INACTIVE; at most 2 per user
//
// Paths: users, groups and managed policies are created under the
// provider's Path (Options.Path, default iam.DefaultPath "/iamkit/"; an
// explicit iam.UserOptions.Path wins for a user), which is how iam tells
// what iamkit owns (Plan, Deprovision WithCleanup). EIM addresses users
// and groups by name and path; calls that take a path try the iamkit path
// first, so iamkit's own cost no extra request, then "/" (made outside
// iamkit), then the path a listing finds: a "not found" costs up to two
// more requests and a listing (AddUserToGroup and RemoveUserFromGroup,
// which name both, up to three and two listings). Managed policies are
// found by name in ReadPolicies, whatever their path, and addressed by the
// ORN it answers.
//
// GetUser and GetPolicy page through ReadUsers and ReadPolicies (the API
// has no filter by name). Listings use FirstItem/ResultsPerPage; the base
// of FirstItem is not documented, so the pager detects it on the second
// page and de-duplicates (see list.go). ReadUserGroup answers a group's
// members all at once: ListGroupMembers makes one request.
//
// Quirks handled: UpdateAccessKey without ExpirationDate clears the
// expiry, so SetAccessKeyStatus sends the current one again; an EIM user's
// key must be INACTIVE before DeleteAccessKey, so DeleteAccessKey
// deactivates it first; DeletePolicy refuses a policy with non-default
// versions, so those are deleted first (after checking the policy is not
// linked, iam.ErrConflict otherwise); linking a policy or adding a member
// twice answers 409, which AttachPolicy and AddUserToGroup check and treat
// as success.
//
// # Signing in every region
//
// osc-sdk-go v2.35.0 signs requests (SigV4, service "oapi") with the
// region "eu-west-2" hard-coded (client.go, prepareRequest), so requests to
// any other region fail authentication. The provider never puts
// osc.ContextAWSv4 in its contexts; its HTTP transport signs each request
// with aws-sdk-go-v2's v4.Signer for the provider's own region instead.
//
// # Propagation
//
// Outscale documents that link and put operations can take up to 15
// seconds to apply. Like the aws adapter with IAM's eventual consistency,
// the provider retries a "not found" about something it created less than
// RetryOptions.Window (15 s) ago, until that window has passed (at most
// 12 tries; see RetryOptions), and
// Capabilities.EventualConsistency is true: a new key may be refused, or
// a new link not yet honoured, for a few seconds; callers retry
// iam.ErrDenied briefly after Provision.
//
// # Translation
//
// Translator turns a portable policy into an EIM document. The catalog of
// portable service:level → api:<Call> is generated from the SDK module's
// api/openapi.yaml by internal/gencatalog (go generate) into
// catalog_gen.go: each operation's service comes from its tag in the spec,
// its level from its verb (Read* → Read, Create/Update/Delete/Link/…
// → Write, tag calls → Tag, EIM and API-access calls → iam:Read or
// iam:Permissions, UpdateImage/UpdateSnapshot → Permissions since they
// share resources). Secret-revealing reads (ReadAdminPassword,
// ReadConsoleOutput) belong to no level: only a native
// "outscale:api:<Call>" action or "*" grants them. See Translator for the
// rules; EIM has no resource scoping and no conditions, so an Allow that
// restricts either is refused unless the caller accepts widening.
//
// # Errors
//
// Errors are *iam.Error values whose Err is an *APIError (HTTP status and
// the ErrorResponse's Type, Code, Details, RequestId; the SDK's error
// behind it). Kinds come from the Type and the status, never the Code:
// 400 InvalidResource → ErrNotFound; 409 ResourceConflict →
// ErrAlreadyExists for creates, ErrConflict otherwise; 424
// DependencyProblem → ErrConflict; TooManyResources/QuotaExceeded →
// ErrLimit; 401/403 AccessDenied/AuthFailure → ErrDenied; 429/503 and 5xx
// → ErrThrottled (retried); other 400s (InvalidParameterValue,
// MissingParameter…) → ErrInvalid.
package outscale
