package outscale_test

import (
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/oscfake"
	"github.com/iamkit/iamkit/policy"
	"github.com/iamkit/iamkit/provider/providertest"
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
		return providertest.ApplyAndReplan(t, p, providertest.Fleet(accounts, "fleet", policy.TranslateOptions{}), iam.ApplyOptions{}, p.Requests)
	}
	a1, p1 := measure(t, n)
	a2, p2 := measure(t, 2*n)
	providertest.CheckPerAccount(t, "Apply", n, a1, a2, oscApplyPerAccount, oscApplyOnce)
	providertest.CheckPerAccount(t, "Plan", n, p1, p2, oscPlanPerAccount, oscPlanOnce)
}
