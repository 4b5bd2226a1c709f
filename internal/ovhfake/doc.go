// Package ovhfake is a local fake of the OVHcloud API calls iamkit's ovh
// adapter makes (service accounts, local users with their personal access
// tokens, groups, IAM v2 policies, authorization checks), for tests. OVHcloud has no emulator;
// this fake keeps the adapter honest by checking every request and every
// response against OVHcloud's own OpenAPI documents, me-v1.json (API v1,
// /me/…) and iam-v2.json (API v2, /iam/…).
//
// A tour:
//
//	srv := ovhfake.New(t, ovhfake.Options{})   // httptest server, closed by t.Cleanup
//	c := srv.Client()                          // go-ovh, signed with the root application key
//	var sa struct{ ClientID, ClientSecret string }
//	c.Post("/me/api/oauth2/client", map[string]any{"name": "ci", "description": "ci", "flow": "CLIENT_CREDENTIALS"}, &sa)
//	c.Post("/v2/iam/policy", policy, nil)       // identities: srv.CredentialURN(sa.ClientID)
//	sac, _ := srv.ClientCredentials(ctx, sa.ClientID, sa.ClientSecret) // bearer token of the service account
//	sac.Post("/v2/iam/resource/"+urn+"/authorization/check", map[string]any{"actions": acts}, &res)
//	srv.Endpoint()                             // URL+"/1.0", for go-ovh or ovh.conf
//	srv.Calls("POST", "/v2/iam/policy")        // 1
//	srv.FailNext("POST", "/v2/iam/policy", 429, "Client::TooManyRequests", "slow down")
//	srv.SetGroupRole("DEFAULT", "REGULAR")      // a default group's role, which the API cannot change
//
// # Specs
//
// The documents are read from $IAMKIT_OVH_SPECS, else from
// <module root>/../shared/specs/ovh/ (the module root is found by walking
// up from the working directory to go.mod). When they are missing New
// skips the test, or fails it when CI=true. v1 paths are served under /1.0
// (and /v1), v2 paths under /v2; go-ovh, given Endpoint (ending in /1.0),
// sends /v2/… paths to URL+"/v2/…". GET /1.0/auth/time (not in these
// documents) and the OAuth2 token endpoint are served unvalidated.
//
// # The contract
//
// For each request the fake checks, in order: the path and method exist in
// a document; the credentials (below); the parameters and JSON body
// against the operation (kin-openapi: required properties, types, enums,
// uuid and date-time formats, readOnly properties refused in requests)
// and, stricter than the documents, no property the schema does not
// declare. A request that breaks the contract gets the error the API
// answers (400 Client::BadRequest, or the authentication layer's error)
// and fails the test with the reason, unless Options.Lenient. Refusals
// the API makes at run time (not found, duplicates, conflicts, denied)
// are answered without failing the test. Every 200 answer is checked
// against the operation's response schema; a mismatch is a bug of the fake
// and fails the test.
//
// # Authentication
//
//   - go-ovh's signature: X-Ovh-Application (Options.AppKey),
//     X-Ovh-Consumer (ConsumerKey), X-Ovh-Timestamp within MaxClockSkew of
//     Options.Now, X-Ovh-Signature "$1$"+sha1hex(AS+"+"+CK+"+"+METHOD+"+"+URL+"+"+BODY+"+"+TS);
//   - OAuth2 bearer tokens issued by POST /auth/oauth2/token (client
//     credentials, scope "all", the client authenticated by HTTP Basic or
//     form fields), for the root client (Options.ClientID/ClientSecret) or
//     any CLIENT_CREDENTIALS service account; tokens last TokenLifetime and
//     die with their client. go-ovh only knows the token URLs of its named
//     endpoints, so ClientCredentials fetches the token and builds an
//     access-token client, as an adapter pointed at the fake must;
//   - personal access tokens (PATs) of local users, issued by POST
//     /me/identity/user/{user}/token, sent as "Authorization: Bearer
//     <token>" (OVHcloud's guide "How to configure a Personal Access Token
//     (PAT)"); Server.PersonalAccessToken builds such a client. A PAT dies
//     with its deletion, its user's deletion or its expiry; those refusals
//     (401) are run-time ones and do not fail the test, whereas a bearer
//     the fake never issued does.
//
// The application key and the root client act as the account: everything
// is allowed. A service account's calls, and a local user's (by PAT), are
// authorized against the stored policies with the operation's
// x-iam-actions (from the documents) on the account resource
// urn:v1:<region>:resource:account:<nic>; a refusal is 403
// Client::Forbidden with details.unauthorizedActionsByIAM. A local user
// acts as its own identity URN and as its group's; a user of a group whose
// role is ADMIN may do everything (the REGULAR and UNPRIVILEGED roles are
// not modelled and grant nothing beyond the policies).
//
// # Semantics
//
//   - service accounts: POST answers clientId and clientSecret once; GET
//     lists ids; a client's identity is
//     urn:v1:<region>:identity:credential:<nic>/oauth2-<clientId>; flow
//     CLIENT_CREDENTIALS refuses callbackUrls; names need not be unique;
//   - personal access tokens: POST answers the value once
//     (auth.PersonalAccessTokenResponse), GET lists names and reads a
//     token without its value, PUT changes its description and expiry;
//     expiresAt (in the future) or expiresIn (seconds), not both; names
//     are unique per user, 1 to 128 letters, digits and ._- (the fake's
//     reading: the rule is not published); no cap on tokens per user (none
//     is documented); lastUsed is set by each authenticated call;
//   - local users (one group each, DEFAULT when omitted, the group must
//     exist; deleting one deletes its tokens) and groups (ADMIN, DEFAULT, REGULAR and UNPRIVILEGED always
//     exist and cannot be edited or deleted; deleting a group with users is
//     409 Client::Conflict); duplicates are 409 Client::Conflict::AlreadyExists;
//     the documents do not give the default groups' roles: the fake gives
//     ADMIN, REGULAR and UNPRIVILEGED the role of their name and DEFAULT
//     the role NONE, and Server.SetGroupRole changes them;
//   - policies: unique names; resource URNs must read
//     urn:v1:<region>:(resource|resourceGroup):type[:name] and identity URNs
//     urn:v1:<region>:identity:(account|user|group|credential):nic[/name],
//     otherwise 400 Client::BadRequest::INVALID_RESOURCE_URN (the live
//     API's class and message for resources); a credential identity whose
//     client does not exist is refused with the same class (mimicked: the
//     class is the one users meet, the message is the fake's);
//     X-Pagination-Size / X-Pagination-Cursor paging with
//     X-Pagination-Cursor-Next, the whole list without a size; filters
//     identity, resourceURN, action, readOnly;
//   - authorization check (/v2/iam/resource/{urn}/authorization/check):
//     for the calling identity, a deny wins, then an allow not excepted by
//     its own policy; actions and resource URNs match with * and ?
//     wildcards; expired policies are ignored and policies with conditions
//     never allow (conditions are not evaluated). OpenStack role actions
//     grant the rights of the guide's table (RoleRights), which a check
//     may name as publicCloudProject:openstack:<right> (a convention of
//     this fake);
//   - /v2/iam/reference/action: the account actions the documents name
//     and the OpenStack role actions.
//
// # Errors
//
// Errors come from one table (errors.go) whose entries name their source.
// Adapters must classify by HTTP status and class prefix, never by message.
package ovhfake
