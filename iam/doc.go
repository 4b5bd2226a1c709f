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
// hangs on it.
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
