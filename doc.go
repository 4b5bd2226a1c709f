// Package iamkit gives automation tools (monitoring scripts, deploy bots,
// CI, platforms that manage clouds on a customer's behalf) their own
// least-privilege cloud identity instead of the owner's root keys, on AWS,
// Outscale, OVHcloud and OpenStack, through one provider-neutral API.
//
// The packages:
//
//   - policy: the portable policy model ("compute:Read" on "*"), its JSON
//     codec, Validate, Lint, Evaluate, presets for common scenarios, and
//     the Translator contract with its no-widening guarantee.
//   - iam: users, groups, policies, access keys and secrets; the Provider
//     contract; error kinds; the Provision and Deprovision workflows.
//   - provider: Open a provider by URL ("memory://", "aws://?region=…").
//   - provider/memory: an in-memory provider that enforces the policies it
//     stores, with fault injection, for users' unit tests.
//   - provider/providertest: the conformance suite every provider passes.
//
// The typical job, the same on every cloud:
//
//	p, err := provider.Open(ctx, "memory://")
//	acct, err := iam.Provision(ctx, p, iam.ServiceAccount{
//		User:   "watcher_1",
//		Group:  "monitoring",
//		Policy: policy.ReadOnly(policy.Compute),
//	})
//	// acct.Key.ID, acct.Key.Secret.Reveal(): the secret is shown once and
//	// prints as [REDACTED].
package iamkit
