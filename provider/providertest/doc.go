// Package providertest is the conformance suite every iamkit provider
// passes: the in-memory fake and each cloud adapter run the very same
// tests, so that code written against iam.Provider behaves the same on
// all of them.
//
// # Wiring it up
//
// An adapter calls Run from one test function, with a Harness that says how
// to get a provider on an account the suite may write to:
//
//	func TestConformance(t *testing.T) {
//		srv := startFakeServer(t) // or moto, a Keystone, a real account
//		providertest.Run(t, providertest.Harness{
//			NewProvider: func(t *testing.T) iam.Provider {
//				p, err := aws.New(t.Context(), aws.Options{Endpoint: srv.URL})
//				if err != nil {
//					t.Fatal(err)
//				}
//				return p
//			},
//			// Optional: how many requests p has sent, so that the suite can
//			// prove invalid input sends none.
//			Calls:     func(p iam.Provider) int { return srv.Requests() },
//			PageItems: 5, // above the page size the adapter is configured with
//		})
//	}
//
// NewProvider is called once per leaf test. The suite never assumes the
// account is empty: every name it creates starts with Harness.Prefix and a
// random run ID, it looks only at what it created, and it deletes all of it
// when each test ends, pass or fail. On an eventually consistent cloud
// (Capabilities.EventualConsistency, or Harness.Consistency) it retries the
// reads that check a write instead of sleeping.
//
// # What it checks
//
// The subtests are grouped by clause of the contract (see the package iam
// documentation and DESIGN.md, "The contract every provider keeps"):
//
//   - Users, Groups, Policies, AccessKeys: create, get, list, delete and
//     the fields returned; duplicates are iam.ErrAlreadyExists, missing
//     resources iam.ErrNotFound, deletes with dependents iam.ErrConflict;
//     memberships and attachments (idempotent), policy versions and their
//     pruning, the key limit (iam.ErrLimit), key status and expiry.
//   - InvalidInput: bad names, key IDs, principals and policy documents are
//     iam.ErrInvalid and, when the harness counts requests, send none.
//   - Paging: listings longer than a page yield every item once, and stop
//     cleanly when the loop breaks early.
//   - Concurrency: concurrent creates of distinct and of identical users,
//     and of keys up to the limit.
//   - Cancellation: every method called with a cancelled context returns an
//     error satisfying errors.Is(err, context.Canceled) and changes nothing.
//   - Errors, Secrets: every error is an *iam.Error naming the provider with
//     exactly one kind; a secret never shows in any rendering of a key or of
//     iam.Provisioned, in a listing, or in an error.
//   - Unsupported: where Capabilities say a feature is missing, its calls
//     are iam.ErrUnsupported.
//   - Workflows: iam.Provision and iam.Deprovision end to end, through a
//     group or with the policy attached to the user, as Capabilities say.
//
// Beyond what each test asserts, every call goes through a checker that
// fails the test when any error breaks the error contract (CheckError),
// when an error message shows a secret the provider returned, when a
// listing keeps yielding after its consumer stopped, or when a call returns
// neither a value nor an error.
//
// A clause the provider's Capabilities say it lacks is skipped with the
// reason. To leave out a group on purpose (say, Concurrency against a
// heavily throttled account), use go test's -skip flag:
//
//	go test -run TestConformance -skip 'TestConformance/Concurrency' ./aws
//
// # Helpers
//
// Kinds, CheckError, AssertKind, Collect, ContainsSecret, Renderings and
// AssertRedacted are exported for providers' and users' own tests.
package providertest
