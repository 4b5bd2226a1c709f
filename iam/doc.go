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
package iam
