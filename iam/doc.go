// Package iam is the core of iamkit: the provider-neutral identity model
// (User, Group, Policy, AccessKey, Secret), the contract each cloud adapter
// implements (Provider, made of Users, Groups, Policies and AccessKeys, plus
// Capabilities), the error kinds every provider returns, and the portable
// workflows built on that contract.
//
// # Workflows
//
// Provision gives an automation tool its own identity in one call: a group,
// a managed policy translated from a portable policy.Document, the user,
// its membership and an access key. It is idempotent and rolls back what it
// created when a step fails. Deprovision removes a user and everything that
// hangs on it (WithCleanup: also the groups and policies iamkit created that
// nothing uses any more).
//
// Rotate replaces a user's access key without downtime and within the
// cloud's key cap: the new key is created and delivered to a Sink before
// the old one is deactivated and, after a grace period, deleted;
// RotateOlderThan rotates every key past an age; RetireKeys finishes a
// rotation that stopped after delivery.
//
// The workflows act only on what iamkit owns (see DefaultPath), as Plan
// does: Provision refuses, with ErrAlreadyExists and before any change, a
// user, group or policy of that name that iamkit did not create (joining
// someone's group would hand over its rights, updating someone's policy
// would change everyone's); Deprovision refuses such a user (ErrConflict);
// RotateOlderThan skips such users.
//
// # Crash safety and delivery
//
// A process can die between any two cloud calls, and a new key's secret
// exists only in the create response. With a Journal (NewFileJournal:
// append-only, fsync'd, one file per run), Provision and Rotate record
// their intent before each change and their progress after it; Recover then
// finishes or undoes what an interrupted run left, deleting every key whose
// secret never reached its Sink. A Sink (see package iam/sink for
// credential files) receives each new key; a key counts as delivered only
// once the sink returned nil.
//
//	acct, err := iam.Provision(ctx, p, iam.ServiceAccount{
//		User:   "watcher_1",
//		Group:  "monitoring",
//		Policy: policy.ReadOnly(policy.Compute),
//	})
//
// # Errors
//
// Every error from a provider or a workflow satisfies errors.Is with
// exactly one kind (ErrNotFound, ErrAlreadyExists, ErrConflict, ErrInvalid,
// ErrDenied, ErrLimit, ErrThrottled, ErrUnsupported); act on the kind, not
// on the message. The cloud SDK's own error stays reachable with errors.As.
// Cancellation is reported as the context's error.
//
// # Secrets
//
// An access key's Secret never prints: fmt, JSON, text marshalling and slog
// all show "[REDACTED]". Reveal is the only way to read it.
//
// # Plan and Apply
//
// For fleets, describe the accounts and let iamkit make it so, as
// Terraform does, from Go: Plan compares desired service accounts with
// what iamkit owns and returns a ChangeSet; Apply carries it out.
//
//	desired, err := iam.LoadDesired("accounts.yaml")
//	cs, err := iam.Plan(ctx, p, desired)            // iam.WithDeletes() to also remove what the file drops
//	fmt.Print(cs)                                    // + ~ - markers, "Plan: 3 to add, 1 to change, 0 to destroy."
//	res, err := iam.Apply(ctx, p, cs, iam.ApplyOptions{Sink: creds, Journal: j})
//
// Plan reads only what iamkit owns (the provider's iamkit path, see
// DefaultPath) with paged listings, never takes over a name it does not
// own (ErrAlreadyExists), and checks the whole desired state before any
// call (ErrInvalid: a user named twice, a bad name, an invalid policy, a
// policy name given two documents). A ChangeSet renders for people
// (String, Render: a policy update shows its JSON diff) and as JSON
// (MarshalJSON); it never holds a secret. Without WithDeletes, Plan never
// deletes. A plan saved for review reads back (UnmarshalJSON) for display
// and comparison only: apply it by planning again and checking that the
// new plan is Equal to the reviewed one (see the ChangeSet.Equal example).
//
// Apply creates shared groups and policies once, first, then the accounts
// concurrently, each as a Provision run (journaled, rolled back on
// failure, its key delivered to the sink before it counts). At most
// DefaultConcurrency (16) requests are in flight: enough to hide a 50 to
// 100 ms round trip at more than IAM services accept, so that on a real
// cloud the adaptive Limiter sets the pace. The Limiter starts unlimited,
// halves the measured rate when the cloud answers ErrThrottled (at most
// once a second) and regains 20 requests per second for every second of
// successes; a cut that does not lower the share of throttled requests is
// undone and that share taken as background throttling; throttled requests are retried with jittered exponential
// back-off (RetryPolicy), other errors never. A retried create that the
// cloud had in fact carried out is recognised, so retries make no
// duplicates. ApplyOptions.DryRun sends no request at all.
//
// Requests per account. Apply calls the provider 3 times per new account
// (CreateUser; AddUserToGroup, or AttachPolicy without a group;
// CreateAccessKey) and, once, CreatePolicy per new policy and CreateGroup
// and AttachPolicy per new group. An account already complete costs
// nothing. Plan makes 3 listings, 2 per owned group (members, attached
// policies), and per existing desired user 1 ListAccessKeys (plus 1
// ListAttachedPolicies without a group); where the policy listing lacks
// the document (AWS, Outscale), 1 GetPolicy per existing desired policy.
// A listing costs one request per page (100 items on AWS, Outscale and
// memory). Nothing else: Plan over 5,000 complete accounts in 4 groups
// costs 5,108 requests on memory.
//
// In HTTP requests, for accounts sharing one group and one policy
// (measured against moto, the Outscale and OVHcloud fakes, and Keystone):
//
//   - AWS: Apply 3 per new account, 3 once (plus one
//     sts:GetCallerIdentity per Provider unless aws.Options.AccountID is
//     set). Plan 1 per existing account, 7 once (GetPolicy is 2 requests).
//   - Outscale: Apply 3 per new account, 4 once (AttachPolicy looks the
//     policy up). Plan 1 per existing account, 7 once (GetPolicy looks
//     the policy up, then reads its version).
//   - OVHcloud local users (Options.LocalUsers): Apply 9 per new account
//     (besides its 3 changes: the user read back, read again with the
//     group and its current group to join, and with its tokens for a key),
//     7 once. Plan 5 per existing account (the user is read by the user
//     listing, the group's member listing and ListAccessKeys, which also
//     lists and reads its token), 12 once.
//   - OVHcloud service accounts cannot join groups: each account updates
//     the policy's identities (a policy listing and a PUT). A lookup by
//     name lists the OAuth2 client ids; the provider reads each client
//     once, and again when it needs the client's current key state.
//     Apply 10 per new account, 2 once. Plan 4 per existing account, 7
//     once; 5 per account on a new Provider, which reads each client once.
//   - OpenStack: Apply 15 per new account: CreateUser 3 and AddUserToGroup
//     3 (names are looked up), CreateAccessKey 9 (the user's groups, role
//     assignments and the domain's roles for the access rules, then the
//     password dance: set a password, authenticate as the user, create
//     the credential, set a password nobody keeps); 8 once. Plan 2 per
//     existing account (the user's look-up and its credentials), 8 once.
//
// The desired-state file (LoadDesired, ParseDesired) is YAML, or JSON
// when its name ends in ".json":
//
//	version: iamkit/1              # optional
//	policies:                      # optional: policies shared by name
//	  monitoring:
//	    description: read the VMs  # optional
//	    document: {Version: iamkit/1, Statement: [{Effect: Allow, Action: ["compute:Read"], Resource: ["*"]}]}
//	    # or: file: policies/monitoring.json (or .yaml), relative to the file
//	    allow_widening: false      # optional
//	accounts:
//	  - user: watcher_1            # required
//	    group: monitoring          # optional
//	    policy_name: monitoring    # a shared policy, or the name of this account's own
//	  - user: image_builder
//	    policy: {Version: iamkit/1, Statement: [...]}   # inline portable policy
//	    # or: policy_file: policies/image.json
//	    description: build images  # optional, stored with the policy
//	    allow_widening: false      # optional
//	    settings: {region: eu-west-3}  # optional, passed to the sink
//
// Each account needs a policy: inline (policy), by file (policy_file), or
// a shared one (policy_name naming an entry of policies). Without
// policy_name the policy is named after the group, or after the user when
// there is no group, as in Provision. Unknown fields are errors.
package iam
