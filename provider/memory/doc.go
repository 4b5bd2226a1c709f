// Package memory is an in-memory identity service for tests: a complete
// iam.Provider that behaves like a real (AWS-like) cloud, enforces the
// policies it stores, and lets a test inject the failures real clouds have.
//
// # In a test
//
// Provisioning code that takes an iam.Provider runs unchanged on it:
//
//	p := memory.New()
//	acct, err := iam.Provision(ctx, p, iam.ServiceAccount{
//		User:   "watcher_1",
//		Group:  "monitoring",
//		Policy: policy.ReadOnly(policy.Compute),
//	})
//
// It keeps a real cloud's rules: names are checked with AWS's rules
// (WithNameRules changes them), duplicates are iam.ErrAlreadyExists,
// deleting a user that still has keys, groups or policies is
// iam.ErrConflict, a third access key is iam.ErrLimit (see Limits), a
// policy update makes a new default version and prunes the oldest. Every
// error is an *iam.Error with exactly one kind. Returned values are copies.
// Listings page like a cloud's (WithPageSize makes them span pages).
//
// # Enforcement
//
// Authorize answers what the cloud would answer a call made with a key, so
// a test can prove what a provisioned identity may and may not do:
//
//	id, secret := acct.Key.ID, acct.Key.Secret.Reveal()
//	err := p.Authorize(ctx, id, secret, "compute:Read", "*")       // nil
//	err = p.Authorize(ctx, id, secret, "objectstorage:Write", "*") // errors.Is(err, iam.ErrDenied)
//
// It evaluates, with policy.Evaluate, the policies attached to the key's
// user and to its groups, and refuses unknown, inactive and expired keys
// and wrong secrets. AuthorizeRequest takes a full policy.Request (source
// IP, resource tags, time) and returns the decision itself.
//
// # Faults
//
// To test error handling and retries:
//
//	p.InjectFault(memory.Fault{Op: "CreateAccessKey", Nth: 1, Kind: iam.ErrThrottled})
//	p.SetLatency(50 * time.Millisecond) // every call waits, honouring its context
//	n := p.Calls("CreateAccessKey")      // requests that reached the provider
//
// A faulted call has no effect. WithKeyVisibilityDelay makes new keys
// unusable for a while, as on eventually consistent clouds, and WithClock
// lets a test move time to expire keys.
//
// # Persistence
//
// To share a provider's state between processes, as a test that kills a
// process mid-way and recovers in another must, open it with a state file:
//
//	p, err := memory.Open("state.json") // loads the file if it exists
//
// Every successful change is then written to the file, atomically, before
// the call returns; Save writes the same versioned JSON to any writer, and
// WithStateFile gives New a file to write without reading it.
//
// The provider stores only a hash of each secret; a secret appears in the
// answer to CreateAccessKey (as an iam.Secret, which never prints) and
// nowhere else.
package memory
