package outscale_test

import (
	"fmt"
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/oscfake"
	"github.com/iamkit/iamkit/policy"
)

// The HTTP requests the iam package doc gives for Outscale ("Requests
// per account"): Apply's per new account and per run (the shared group
// and policy), and Plan's per existing account and per run once the
// accounts exist.
const (
	oscApplyPerAccount = 3 // CreateUser, AddUserToUserGroup, CreateAccessKey
	// CreatePolicy, CreateUserGroup; AttachPolicy: ReadPolicies (the
	// policy's ORN by name) and LinkManagedPolicyToUserGroup.
	oscApplyOnce      = 4
	oscPlanPerAccount = 1 // ReadAccessKeys
	// ReadUsers, ReadUserGroups, ReadPolicies; the group's ReadUserGroup
	// (members) and ReadManagedPoliciesLinkedToUserGroup; GetPolicy:
	// ReadPolicies again (the policy by name) and ReadPolicyVersion.
	oscPlanOnce = 7
)

// TestApplyRequestsPerAccount counts, against the fake, the HTTP requests
// iam.Apply sends for n and for 2n new service accounts sharing one group
// and one read-only policy, and those of a second iam.Plan once they
// exist, each on a fresh fake. The difference divided by n is the cost of
// one account, the rest the run's own; both must be what the iam package
// doc says. Pages hold 100 items, so that every listing is one request.
func TestApplyRequestsPerAccount(t *testing.T) {
	const n = 8
	measure := func(t *testing.T, accounts int) (apply, plan int) {
		t.Helper()
		srv := oscfake.New(t, oscfake.Options{})
		p := providerFor(t, srv, 100)
		desired := make([]iam.ServiceAccount, accounts)
		for i := range desired {
			desired[i] = iam.ServiceAccount{User: fmt.Sprintf("bot_%02d", i), Group: "fleet", PolicyName: "fleet_read", Policy: policy.ReadOnly(policy.Compute)}
		}
		cs, err := iam.Plan(t.Context(), p, desired)
		if err != nil {
			t.Fatal(err)
		}
		before := p.Requests()
		res, err := iam.Apply(t.Context(), p, cs, iam.ApplyOptions{})
		if err != nil {
			t.Fatal(err)
		}
		apply = p.Requests() - before
		if len(res.Accounts) != accounts || len(res.Failed) != 0 {
			t.Fatalf("Apply made %d accounts, %d failures, want %d and 0", len(res.Accounts), len(res.Failed), accounts)
		}
		for _, a := range res.Accounts {
			if a.Key == nil || a.Key.Secret.IsZero() {
				t.Fatalf("account %s has no new key", a.User.Name)
			}
		}
		before = p.Requests()
		cs, err = iam.Plan(t.Context(), p, desired)
		if err != nil {
			t.Fatal(err)
		}
		plan = p.Requests() - before
		if cs.HasChanges() {
			t.Fatalf("changes after Apply:\n%s", cs)
		}
		return apply, plan
	}
	a1, p1 := measure(t, n)
	a2, p2 := measure(t, 2*n)
	checks := []struct {
		what              string
		r1, r2            int
		wantPer, wantOnce int
	}{
		{"Apply", a1, a2, oscApplyPerAccount, oscApplyOnce},
		{"Plan", p1, p2, oscPlanPerAccount, oscPlanOnce},
	}
	for _, m := range checks {
		per, rest := (m.r2-m.r1)/n, (m.r2-m.r1)%n
		once := m.r1 - per*n
		t.Logf("%s: %d requests for %d accounts, %d for %d: %d per account (remainder %d), %d once", m.what, m.r1, n, m.r2, 2*n, per, rest, once)
		if rest != 0 || per != m.wantPer || once != m.wantOnce {
			t.Errorf("%s: %d per account (remainder %d) and %d once, want %d and %d: update the iam package doc (Requests per account)",
				m.what, per, rest, once, m.wantPer, m.wantOnce)
		}
	}
}
