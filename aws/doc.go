// Package aws is the AWS IAM adapter of iamkit: an iam.Provider over the
// official aws-sdk-go-v2, with the translation of portable policies into
// IAM policy documents.
//
// # Opening
//
// A program imports the package for its side effect and opens it by URL,
// or builds it with New:
//
//	import _ "github.com/iamkit/iamkit/aws"
//
//	p, err := provider.Open(ctx, "aws://?region=eu-west-3&profile=ci")
//
//	p, err := aws.New(ctx, aws.Options{Config: &cfg}) // the caller's aws.Config, as is
//
// The URL takes region, profile, endpoint (a custom IAM and STS endpoint:
// a moto server, an IAM-compatible cloud) and path; anything else, or
// credentials in the URL, is iam.ErrInvalid. Credentials come from the AWS
// default chain (environment, ~/.aws files, SSO, instance and container
// roles), or from the caller's aws.Config. New sends no request: the
// account ID that policy ARNs need is read once, when first needed, with
// sts:GetCallerIdentity, unless Options.AccountID gives it.
//
// # The model on IAM
//
//   - iam.User is an IAM user, iam.Group an IAM group (users join groups:
//     Capabilities.GroupsForServiceAccounts), iam.AccessKey an access key
//     pair (at most 2 per user: iam.ErrLimit; keys cannot expire:
//     KeyOptions.ExpiresAt is iam.ErrUnsupported; they can be deactivated).
//   - iam.Policy is a customer-managed policy. Its ARN is built from the
//     account ID, the provider's path and the name. GetPolicy reads the
//     default version's document, URL-decodes it and returns its
//     canonical JSON as Native and, when Import reads it back exactly, its
//     portable Document. UpdatePolicy creates a new default version,
//     deleting the oldest non-default version first when the policy has
//     its 5. DeletePolicy refuses an attached policy (iam.ErrConflict)
//     before touching anything, then deletes the non-default versions and
//     the policy.
//   - Inline user and group policies are offered through the optional
//     iam.InlinePolicies interface; their size is checked before the call
//     (2,048 non-whitespace characters for a user, 5,120 for a group).
//   - iam.UserDependents removes what IAM hangs on a user besides keys,
//     memberships and policies (login profile, MFA devices, signing
//     certificates, SSH public keys, service-specific credentials), which
//     iam.Deprovision calls before DeleteUser: the DeleteConflict trap.
//
// Names are checked with iam.AWSNameRules before any request.
//
// # What iamkit owns: the path
//
// Users, groups and policies iamkit creates get the provider's IAM path,
// "/iamkit/" by default (Options.Path, or path= in the URL). ListUsers,
// ListGroups and ListPolicies (customer-managed policies only, Scope
// Local) list only what lies under that path, so a program built on iamkit
// never sees, and so never touches, the rest of the account; with path "/"
// they list everything. A user given a path of its own (UserOptions.Path)
// is listed only if that path lies under the provider's. Calls that name
// a user or group reach it wherever its path; calls that name a policy
// mean the provider's policy of that name (DetachPolicy also finds a
// same-named policy attached from elsewhere, such as an AWS-managed one,
// so that Deprovision can detach whatever ListAttachedPolicies shows).
//
// # Errors
//
// Every error is an *iam.Error with Provider "aws", the operation and the
// resource, exactly one kind (see KindOfCode for the table from IAM and
// STS error codes), and the SDK's error as its cause, so that errors.As
// reaches smithy.APIError. A cancelled or expired context surfaces as
// itself (errors.Is(err, context.Canceled)), with no kind.
//
// # Eventual consistency and retries
//
// IAM takes seconds to make a new user, group, policy or key visible
// everywhere. A call that names something this Provider created within
// the last minute and is answered NoSuchEntity is tried again with bounded
// exponential back-off and jitter (5 attempts, about 3 s at most, by
// default; see RetryOptions). Throttling and transient failures are
// retried by the SDK's standard retryer only. With Options.WaitForKeys,
// CreateAccessKey returns once the new key works (sts:GetCallerIdentity
// succeeds with it), waiting at most RetryOptions.KeyWait.
//
// # Translation
//
// Translator turns a portable policy.Document into IAM policy JSON and
// never allows more than the document: portable actions become the
// explicit action lists of Catalog (compute:Read is a list of EC2 calls,
// never ec2:Describe*, and the reads that reveal secrets, such as
// ec2:GetPasswordData, console output and user data, belong to the
// Permissions level); portable resources become ARNs
// ("objectstorage:object/logs/*" is arn:aws:s3:::logs/*, "iam:user/ci"
// matches the user ci whatever its path, "project/<account id>" the
// account's EC2 and IAM ARNs); iamkit:SourceIp, iamkit:CurrentTime and
// iamkit:ResourceTag/<key> become aws:SourceIp, aws:CurrentTime and
// aws:ResourceTag/<key>; "aws:" native actions and ARNs pass verbatim.
// What AWS cannot express is dropped from an Allow and denied more broadly
// by a Deny, and reported Narrowed in the Translation's Report. An Allow
// with NotAction over portable levels would allow the AWS actions missing
// from the catalog: it is refused with ErrInvalid unless
// TranslateOptions.AllowWidening is set, and then reported Widened.
// Translate refuses policies over 6,144 non-whitespace characters
// (ErrLimit) before any call; CheckSize applies the inline limits. Import
// reads an existing IAM policy, such as the LayerOps one, into a Document
// that translates back to an equivalent policy. As in AWS, a condition on
// aws:ResourceTag is absent for actions that do not support it, so
// StringNotEquals and …IfExists conditions then hold.
//
// # Testing against moto
//
// The package's integration tests run against moto
// (https://github.com/getmoto/moto), the AWS emulator, started on a free
// loopback port by the tests themselves (internal/moto): the conformance
// suite (provider/providertest) and an end-to-end test that provisions the
// guides' accounts and proves, with moto enforcing IAM, that each new key
// may call what its policy allows and is refused the rest.
//
//	pip install 'moto[server]'   # moto_server on PATH, or python3 -m moto.server
//	go test ./aws/
//
// Without moto those tests skip, saying so; under CI=true they fail. moto
// differs from AWS in ways the tests work around: it does not refuse to
// delete users, groups and policies that still have dependents (the tests
// set Options.CheckDependents, which makes the provider check), it ignores
// MaxItems and Marker for ListUsers, ListGroups and GetGroup (those
// listings' paging is tested against an httptest server), and it lacks
// service-specific credentials.
package aws
