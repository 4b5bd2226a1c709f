package ovh_test

import (
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/ovh"
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
	// policy names each of them. A lookup by name lists the account's
	// OAuth2 client ids (1); the provider reads each client it has not
	// seen once, and again when the lookup needs its current key state.
	// A new account costs CreateUser 4 (a lookup, POST and GET the new
	// client, a listing to catch a namesake made meanwhile), AttachPolicy
	// 3 (a lookup, a listing of policies, PUT of the policy's identities)
	// and CreateAccessKey 3 (a lookup, GET of the client, PUT of its
	// description).
	ovhSAApplyPerAccount = 10
	ovhSAApplyOnce       = 2 // CreatePolicy: a listing of policies, POST

	// Plan over existing local users, per account: the user listing
	// reads each user, the group's member listing reads each again, and
	// ListAccessKeys 3 (GET the user, list its tokens, GET the token).
	ovhLocalPlanPerAccount = 5
	// The 3 listings' own requests (users 1, groups 1 + a GET for each of
	// the account's 5 groups, policies 1) and the group's members (GET
	// the group, the user listing) and attached policies (GET the group,
	// a policy listing).
	ovhLocalPlanOnce = 12

	// Plan over existing service accounts, per account, on the provider
	// that made them: ListAccessKeys 2 (a lookup and GET of the client,
	// for its key state) and ListAttachedPolicies 2 (a lookup, a listing
	// of policies). A new Provider also reads each client once: 1 more.
	ovhSAPlanPerAccount    = 4
	ovhSAPlanPerAccountNew = 5
	ovhSAPlanOnce          = 7 // the clients list, groups 1 + OVHcloud's 4, policies 1
)

// localRun provisions n local users in one group on a fresh fake with
// iam.Plan and iam.Apply, then plans again. It returns Apply's HTTP
// requests and the second Plan's.
func localRun(t *testing.T, n int) (apply, plan int) {
	t.Helper()
	srv, _ := newFake(t)
	p := newLocal(t, srv)
	// The translation widens, as the conformance suite allows: OVHcloud
	// grants compute reads only within a wider role.
	desired := providertest.Fleet(n, "fleet", policy.TranslateOptions{AllowWidening: true})
	return providertest.ApplyAndReplan(t, p, desired, iam.ApplyOptions{}, p.Requests)
}

// TestApplyRequestsPerAccount counts, against the fake, the HTTP requests
// iam.Apply sends for new accounts sharing one read-only policy (and one
// group, for local users), and those of a second iam.Plan, each run on a
// fresh fake; the figures must be those the iam package doc gives.
func TestApplyRequestsPerAccount(t *testing.T) {
	const n = 8
	t.Run("LocalUsers", func(t *testing.T) {
		a1, p1 := localRun(t, n)
		a2, p2 := localRun(t, 2*n)
		providertest.CheckPerAccount(t, "Apply", n, a1, a2, ovhLocalApplyPerAccount, ovhLocalApplyOnce)
		providertest.CheckPerAccount(t, "Plan", n, p1, p2, ovhLocalPlanPerAccount, ovhLocalPlanOnce)
	})
	t.Run("ServiceAccounts", func(t *testing.T) {
		// One at a time (Concurrency 1): at once, two lookups may both
		// read a client neither has seen, so the count varies.
		var apply, plan, fresh [2]int
		for i, k := range []int{n, 2 * n} {
			srv, p := newFake(t)
			desired := providertest.Fleet(k, "", policy.TranslateOptions{AllowWidening: true})
			apply[i], plan[i] = providertest.ApplyAndReplan(t, p, desired, iam.ApplyOptions{Concurrency: 1}, p.Requests)
			q, err := ovh.New(t.Context(), ovh.Options{Client: srv.Client(), TokenURL: srv.TokenURL(), PageSize: 2})
			if err != nil {
				t.Fatal(err)
			}
			before := q.Requests() // ovh.New's reading of the account
			if _, err := iam.Plan(t.Context(), q, desired); err != nil {
				t.Fatal(err)
			}
			fresh[i] = q.Requests() - before
		}
		providertest.CheckPerAccount(t, "Apply", n, apply[0], apply[1], ovhSAApplyPerAccount, ovhSAApplyOnce)
		providertest.CheckPerAccount(t, "Plan", n, plan[0], plan[1], ovhSAPlanPerAccount, ovhSAPlanOnce)
		providertest.CheckPerAccount(t, "Plan on a new Provider", n, fresh[0], fresh[1], ovhSAPlanPerAccountNew, ovhSAPlanOnce)
	})
}
