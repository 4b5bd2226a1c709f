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
//     contract; error kinds; the workflows: Provision and Deprovision one
//     service account, Rotate its key (RotateOlderThan for every key past
//     an age), Plan and Apply a desired state of many accounts, and
//     Recover what a crash interrupted, from a Journal.
//   - iam/sink: where new keys are delivered: AWS shared credentials,
//     Outscale's config.json, OpenStack's clouds.yaml, ovh.conf and dotenv
//     files.
//   - provider: Open a provider by URL ("memory://", "aws://?region=…").
//   - provider/memory: an in-memory provider that enforces the policies it
//     stores, with fault injection, for users' unit tests.
//   - provider/providertest: the conformance suite every provider passes.
//   - aws, outscale, ovh, openstack: the adapters, one per cloud.
//
// An adapter registers its URL scheme when imported: a program imports
// each adapter it opens by URL, for that side effect alone if need be.
//
//	import _ "github.com/iamkit/iamkit/aws" // then provider.Open(ctx, "aws://?region=eu-west-3")
//
// The typical job, the same on every cloud:
//
//	p, err := provider.Open(ctx, "memory://")
//	acct, err := iam.Provision(ctx, p, iam.ServiceAccount{
//		User:   "watcher_1",
//		Group:  "monitoring",
//		Policy: policy.ReadOnly(policy.Compute),
//	})
//	// acct.Key.ID, and acct.Key.Secret.Reveal() for the tool's credential
//	// file: the cloud shows the secret only in this answer, and it prints
//	// as [REDACTED].
package iamkit
