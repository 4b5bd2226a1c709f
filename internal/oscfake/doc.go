// Package oscfake is a local fake of the OUTSCALE API's EIM calls (users,
// user groups, managed and inline policies, access keys), for the tests of
// the outscale adapter. Outscale has no emulator; this fake keeps the
// adapter honest by checking every request and every response against
// Outscale's own OpenAPI document, api/openapi.yaml of the
// github.com/outscale/osc-sdk-go/v2 module the main module requires.
//
// A tour:
//
//	srv := oscfake.New(t, oscfake.Options{})          // httptest server, closed by t.Cleanup
//	client, ctx := srv.Client()                       // official SDK, root account
//	_, _, err := client.UserApi.CreateUser(ctx).
//		CreateUserRequest(osc.CreateUserRequest{UserName: "watcher_1"}).Execute()
//	srv.Endpoint()                                    // http://127.0.0.1:PORT/api/v1, for OSC_ENDPOINT_API
//	srv.Calls("CreateUser")                           // 1
//	srv.FailNext("AddUserToUserGroup", "Throttled")   // the next call answers 429
//	wc, wctx := srv.ClientWithKey(ak, sk)             // act as an EIM user
//
// # The contract
//
// Calls are POST URL+"/api/v1/<Call>" with a JSON body, as the SDK sends
// them. For each request the fake checks, in order:
//
//   - the path names an operation of the spec, with method POST;
//   - an AWS SigV4 Authorization header for service "oapi" and the fake's
//     region (Options.Region, default eu-west-2), dated within 15 minutes,
//     whose signature verifies with the secret of the access key it names;
//     the key must be known (the root key or an EIM user's), ACTIVE and
//     not expired;
//   - the body against the operation's request schema (kin-openapi):
//     required properties, types, enums, patterns such as the ORN's, and no
//     unknown property (the schemas say additionalProperties: false).
//
// A request that breaks the contract gets the error the real API answers
// (a spec-shaped ErrorResponse) and fails the test with the reason, unless
// Options.Lenient; so does a wrongly signed one. Refusals the real API
// makes at run time (unknown key, missing user, conflicts, quotas) are
// answered without failing the test. Every response is checked against the
// operation's 200 schema (or components.schemas.ErrorResponse for errors,
// which the spec does not document per EIM call); a mismatch is a bug of
// the fake and fails the test.
//
// # Semantics
//
// The rules are those the spec's descriptions state, and IAM's where the
// spec is silent (then the stricter reading, so that an adapter passing
// here does not rely on leniency the API may not have):
//
//   - names are unique per account; creating a duplicate, linking a policy
//     twice or adding a member twice answers 409 ResourceConflict; unknown
//     resources answer 400 InvalidResource;
//   - DeleteUser needs a user without groups, keys, linked or inline
//     policies; DeleteUserGroup needs an empty group without policies
//     unless Force (which also drops its inline policies); DeletePolicy
//     needs an unlinked policy with only its default version; all answer
//     424 DependencyProblem otherwise;
//   - the default version cannot be deleted (409); CreatePolicy makes v1
//     the default, versions are v1, v2, … never reused, at most
//     Options.PolicyVersionLimit (5); documents must be EIM policies
//     (internal/awspolicy, dialect EIM) of at most 5,120 non-whitespace
//     characters;
//   - an EIM user has at most Options.KeyLimit (2) keys, the root account
//     10; an EIM user's key must be INACTIVE to be deleted; UpdateAccessKey
//     without ExpirationDate clears the expiry, as documented; key calls
//     without UserName act on the caller's own keys;
//   - calls that take a user or group path default it to "/" and find the
//     resource only under that path;
//   - FirstItem/ResultsPerPage paging for users, groups and policies
//     (FirstItem counts from 1 unless Options.FirstItemZeroBased),
//     HasMoreItems, MaxResultsLimit (Options.PageSizeMax, default 100) and
//     MaxResultsTruncated;
//   - DryRun checks authentication and authorization and changes nothing.
//
// Calls signed with an EIM user's key are evaluated against the user's
// policies and its groups' (action "api:<Call>", resource "*", explicit
// Deny wins) unless Options.NoEnforcement; a denied call answers 401
// AccessDenied. ReadVms and DeleteVms answer as an account without VMs, so
// a test can show that a read-only key may read but not delete.
//
// # Errors
//
// Errors come from one table (errors.go) whose entries name their source:
// the published error list, Outscale's own API test suite, or only the
// error family (Type and HTTP status known, exact Code not published).
// Adapters must classify by Type and status, not by Code.
//
// # Signing and regions
//
// osc-sdk-go v2 (v2.35.0, client.go) signs every request with region
// "eu-west-2", whatever the server it calls. Client therefore uses the
// SDK's signing only when the fake's region is eu-west-2; for any other
// region it signs in the HTTP transport, which is what an adapter has to
// do for Outscale regions other than eu-west-2.
package oscfake
