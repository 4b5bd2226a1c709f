package ovh_test

import (
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
	"github.com/iamkit/iamkit/provider/providertest"
)

// The HTTP requests the iam package doc gives for OVHcloud ("Requests per
// account").
const (
	// Local users (Options.LocalUsers), in one group: a new account costs
	// CreateUser 2 (POST, then GET to read it back), AddUserToGroup 4
	// (GET the group, the user and its current group, PUT the user) and
	// CreateAccessKey 3 (GET the user, list its tokens, POST a token).
	ovhLocalApplyPerAccount = 9
	// CreatePolicy 2 (a listing of policies, POST), CreateGroup 1,
	// AttachPolicy to the group 3 (GET the group, a listing of policies,
	// PUT the policy's identities), and the DEFAULT group read once per
	// provider.
	ovhLocalApplyOnce = 7

	// Service accounts (the default) cannot join groups: the shared
	// policy names each of them. Every lookup of a service account by name
	// lists the account's OAuth2 clients and reads each one (1 + C
	// requests, C clients); a new account takes 4 lookups (CreateUser 2,
	// AttachPolicy, CreateAccessKey) and 5 more requests (POST and GET
	// the client, a listing of policies and PUT of the policy's
	// identities, PUT of the client's description): 12 + 4C with C
	// clients in the account before it (3 of the lookups also read its
	// own new client).
	ovhSAApplyBase    = 12
	ovhSAApplyLookups = 4
	ovhSAApplyOnce    = 2 // CreatePolicy: a listing of policies, POST

	// Plan over existing local users, per account: the user listing
	// reads each user, the group's member listing reads each again, and
	// ListAccessKeys 3 (GET the user, list its tokens, GET the token).
	ovhLocalPlanPerAccount = 5
	// The 3 listings' own requests (users 1, groups 1 + a GET for each of
	// the account's 5 groups, policies 1) and the group's members (GET
	// the group, the user listing) and attached policies (GET the group,
	// a policy listing).
	ovhLocalPlanOnce = 12

	// Plan over existing service accounts, per account: the user listing
	// reads it (1), and ListAccessKeys and ListAttachedPolicies each look
	// it up by name (1 + C each, C clients) and the latter lists the
	// policies (1): 4 + 2C.
	ovhSAPlanBase    = 4
	ovhSAPlanLookups = 2
	ovhSAPlanOnce    = 7 // the clients list, groups 1 + OVHcloud's 4, policies 1
)

// ovhRun provisions n accounts on a fresh fake with iam.Plan and
// iam.Apply (at most conc requests in flight), then plans again. It
// returns Apply's HTTP requests and the second Plan's.
func ovhRun(t *testing.T, local bool, n, conc int) (apply, plan int) {
	t.Helper()
	srv, p := newFake(t)
	if local {
		p = newLocal(t, srv)
	}
	group := ""
	if caps := p.Capabilities(); caps.Groups && caps.GroupsForServiceAccounts {
		group = "fleet"
	}
	// The translation widens, as the conformance suite allows: OVHcloud
	// grants compute reads only within a wider role.
	desired := providertest.Fleet(n, group, policy.TranslateOptions{AllowWidening: true})
	return providertest.ApplyAndReplan(t, p, desired, iam.ApplyOptions{Concurrency: conc}, p.Requests)
}

// TestApplyRequestsPerAccount counts, against the fake, the HTTP requests
// iam.Apply sends for new accounts sharing one read-only policy (and one
// group, for local users), and those of a second iam.Plan, each run on a
// fresh fake; the figures must be those the iam package doc gives.
func TestApplyRequestsPerAccount(t *testing.T) {
	const n = 8
	t.Run("LocalUsers", func(t *testing.T) {
		a1, p1 := ovhRun(t, true, n, 0)
		a2, p2 := ovhRun(t, true, 2*n, 0)
		providertest.CheckPerAccount(t, "Apply", n, a1, a2, ovhLocalApplyPerAccount, ovhLocalApplyOnce)
		providertest.CheckPerAccount(t, "Plan", n, p1, p2, ovhLocalPlanPerAccount, ovhLocalPlanOnce)
	})
	t.Run("ServiceAccounts", func(t *testing.T) {
		// One at a time (Concurrency 1), account k (from 0) is made
		// while k clients exist: it costs base + lookups*k, and n
		// accounts cost once + n*base + lookups*n(n-1)/2. At once, a
		// lookup also reads the clients of accounts being made
		// meanwhile, so the count varies; it is not run here: the fake
		// then races (a GET's answer is encoded from the client or
		// policy a concurrent PUT is changing).
		want := func(n int) int { return ovhSAApplyOnce + n*ovhSAApplyBase + ovhSAApplyLookups*n*(n-1)/2 }
		// Plan over n existing accounts, and so n clients: each costs
		// base + lookups*n.
		wantPlan := func(n int) int { return ovhSAPlanOnce + n*(ovhSAPlanBase+ovhSAPlanLookups*n) }
		for _, k := range []int{n, 2 * n} {
			a, p := ovhRun(t, false, k, 1)
			t.Logf("%d accounts, one at a time: Apply %d requests (%.1f per account), then Plan %d (%.1f per account)",
				k, a, float64(a)/float64(k), p, float64(p)/float64(k))
			if a != want(k) {
				t.Errorf("Apply of %d service accounts one at a time: %d requests, want %d: update the iam package doc (Requests per account)", k, a, want(k))
			}
			if p != wantPlan(k) {
				t.Errorf("Plan over %d service accounts: %d requests, want %d: update the iam package doc (Requests per account)", k, p, wantPlan(k))
			}
		}
	})
}
