package aws_test

import (
	"net/http"
	"testing"

	"github.com/iamkit/iamkit/aws"
	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/moto"
	"github.com/iamkit/iamkit/policy"
	"github.com/iamkit/iamkit/provider/providertest"
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
		return providertest.ApplyAndReplan(t, p, providertest.Fleet(accounts, "fleet", policy.TranslateOptions{}), iam.ApplyOptions{}, c.Count)
	}
	a1, p1 := measure(t, n)
	a2, p2 := measure(t, 2*n)
	providertest.CheckPerAccount(t, "Apply", n, a1, a2, awsApplyPerAccount, awsApplyOnce)
	providertest.CheckPerAccount(t, "Plan", n, p1, p2, awsPlanPerAccount, awsPlanOnce)
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
