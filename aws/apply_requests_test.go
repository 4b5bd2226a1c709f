package aws_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/iamkit/iamkit/aws"
	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/moto"
	"github.com/iamkit/iamkit/policy"
)

// The HTTP requests the iam package doc gives for AWS ("Requests per
// account"): Apply's per new account and per run (the shared group and
// policy), and Plan's per existing account and per run once the accounts
// exist.
const (
	awsApplyPerAccount = 3 // CreateUser, AddUserToGroup, CreateAccessKey
	awsApplyOnce       = 3 // CreatePolicy, CreateGroup, AttachGroupPolicy
	awsPlanPerAccount  = 1 // ListAccessKeys
	// ListUsers, ListGroups, ListPolicies; the group's GetGroup
	// (members) and ListAttachedGroupPolicies; the policy's GetPolicy and
	// GetPolicyVersion (the listing carries no document).
	awsPlanOnce = 7
)

// TestApplyRequestsPerAccount counts, against moto, the HTTP requests
// iam.Apply sends for n and for 2n new service accounts sharing one group
// and one read-only policy, and those of a second iam.Plan once they
// exist. The difference divided by n is the cost of one account, the rest
// the run's own; both must be what the iam package doc says.
func TestApplyRequestsPerAccount(t *testing.T) {
	const n = 8
	srv := moto.Start(t, moto.Options{})
	measure := func(t *testing.T, accounts int) (apply, plan int) {
		t.Helper()
		resetMotoT(t, srv)
		c := &moto.Counter{}
		// AccountID: no sts:GetCallerIdentity, which a Provider otherwise
		// sends once.
		p := motoProvider(t, srv, c, aws.Options{AccountID: moto.AccountID})
		desired := requestFleet(accounts)
		cs, err := iam.Plan(t.Context(), p, desired)
		if err != nil {
			t.Fatal(err)
		}
		before := c.Count()
		res, err := iam.Apply(t.Context(), p, cs, iam.ApplyOptions{})
		if err != nil {
			t.Fatal(err)
		}
		apply = c.Count() - before
		if len(res.Accounts) != accounts || len(res.Failed) != 0 {
			t.Fatalf("Apply made %d accounts, %d failures, want %d and 0", len(res.Accounts), len(res.Failed), accounts)
		}
		for _, a := range res.Accounts {
			if a.Key == nil || a.Key.Secret.IsZero() {
				t.Fatalf("account %s has no new key", a.User.Name)
			}
		}
		before = c.Count()
		cs, err = iam.Plan(t.Context(), p, desired)
		if err != nil {
			t.Fatal(err)
		}
		plan = c.Count() - before
		if cs.HasChanges() {
			t.Fatalf("changes after Apply:\n%s", cs)
		}
		return apply, plan
	}
	a1, p1 := measure(t, n)
	a2, p2 := measure(t, 2*n)
	checkPerAccount(t, "Apply", n, a1, a2, awsApplyPerAccount, awsApplyOnce)
	checkPerAccount(t, "Plan", n, p1, p2, awsPlanPerAccount, awsPlanOnce)
}

// requestFleet is n service accounts sharing group "fleet" and its
// read-only policy.
func requestFleet(n int) []iam.ServiceAccount {
	out := make([]iam.ServiceAccount, n)
	for i := range out {
		out[i] = iam.ServiceAccount{User: fmt.Sprintf("bot_%02d", i), Group: "fleet", PolicyName: "fleet_read", Policy: policy.ReadOnly(policy.Compute)}
	}
	return out
}

// checkPerAccount checks the requests of a run over n accounts (r1) and
// over 2n (r2): (r2-r1)/n per account, exactly, and the rest once.
func checkPerAccount(t *testing.T, what string, n, r1, r2, wantPer, wantOnce int) {
	t.Helper()
	per, rest := (r2-r1)/n, (r2-r1)%n
	once := r1 - per*n
	t.Logf("%s: %d requests for %d accounts, %d for %d: %d per account (remainder %d), %d once", what, r1, n, r2, 2*n, per, rest, once)
	if rest != 0 || per != wantPer || once != wantOnce {
		t.Errorf("%s: %d per account (remainder %d) and %d once, want %d and %d: update the iam package doc (Requests per account)",
			what, per, rest, once, wantPer, wantOnce)
	}
}

// resetMotoT empties moto, as resetMoto does for benchmarks.
func resetMotoT(t *testing.T, srv *moto.Server) {
	t.Helper()
	resp, err := http.Post(srv.Endpoint+"/moto-api/reset", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("moto reset: %s", resp.Status)
	}
}
