package openstack_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/domains"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/projects"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/keystone"
	"github.com/iamkit/iamkit/openstack"
	"github.com/iamkit/iamkit/policy"
)

// The HTTP requests the iam package doc gives for OpenStack ("Requests
// per account").
const (
	// A new account: CreateUser 3 (look the name up, POST the user,
	// assign the reader role), AddUserToGroup 3 (look the group and the
	// user up, PUT the membership), CreateAccessKey 9 (look the user up;
	// its access rules: its groups, the role assignments of the user and
	// of its group, and the domain's roles; the password dance: set a
	// password, authenticate as the user, create the application
	// credential, set a password nobody keeps).
	osApplyPerAccount = 15
	// CreatePolicy 3 (look the name up, POST the role, PUT its implied
	// reader role), CreateGroup 2 (look the name up, POST), AttachPolicy
	// to the group 3 (look the group and the role up, assign).
	osApplyOnce = 8
	// Plan, per existing account: ListAccessKeys (look the user up, list
	// its application credentials).
	osPlanPerAccount = 2
	// Plan, once: the users, groups and policy roles of the domain (3
	// listings), and the group's members (2: look-up, listing) and
	// attached policies (3: look-up, role assignments, the domain's
	// roles).
	osPlanOnce = 8
)

// TestApplyRequestsPerAccount counts the HTTP requests iam.Apply sends to
// Keystone for n new service accounts sharing one group and one read-only
// policy, then for n more joining them (no shared group or policy to
// make: their cost is the accounts' alone), and those of iam.Plan over n
// and over 2n existing accounts. The accounts live in a domain and
// project of their own, so that the other tests' users and groups, which
// Plan would list, do not count. Each key takes Keystone one to two
// seconds (the password dance), so n is small.
func TestApplyRequestsPerAccount(t *testing.T) {
	t.Parallel()
	const n = 4
	srv := keystone.Start(t)
	domainID, projectID := isolatedScope(t, srv)
	pc, counter := adminClient(t, srv)
	p, err := openstack.New(t.Context(), openstack.Options{Client: pc, Region: srv.Region, Project: projectID, Domain: domainID})
	if err != nil {
		t.Fatalf("openstack.New: %v", err)
	}
	desired := make([]iam.ServiceAccount, 2*n)
	for i := range desired {
		desired[i] = iam.ServiceAccount{User: fmt.Sprintf("bot_%02d", i), Group: "fleet", PolicyName: "fleet_read", Policy: policy.ReadOnly(policy.Compute)}
	}
	requests := func() int { return int(counter.n.Load()) }
	plan := func(accounts []iam.ServiceAccount) (*iam.ChangeSet, int) {
		t.Helper()
		before := requests()
		cs, err := iam.Plan(t.Context(), p, accounts)
		if err != nil {
			t.Fatal(err)
		}
		return cs, requests() - before
	}
	apply := func(cs *iam.ChangeSet, accounts int) int {
		t.Helper()
		before := requests()
		res, err := iam.Apply(t.Context(), p, cs, iam.ApplyOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Accounts) != accounts || len(res.Failed) != 0 {
			t.Fatalf("Apply made %d accounts, %d failures, want %d and 0", len(res.Accounts), len(res.Failed), accounts)
		}
		for _, a := range res.Accounts {
			if a.Key == nil || a.Key.Secret.IsZero() {
				t.Fatalf("account %s has no new key", a.User.Name)
			}
		}
		return requests() - before
	}

	cs, _ := plan(desired[:n])
	first := apply(cs, n)
	cs, planN := plan(desired) // n of them exist
	more := apply(cs, n)
	cs, plan2N := plan(desired)
	if cs.HasChanges() {
		t.Fatalf("changes after Apply:\n%s", cs)
	}

	per, rest := more/n, more%n
	once := first - per*n
	t.Logf("Apply: %d requests for %d new accounts and the group and policy, %d for %d more: %d per account (remainder %d), %d once",
		first, n, more, n, per, rest, once)
	if rest != 0 || per != osApplyPerAccount || once != osApplyOnce {
		t.Errorf("Apply: %d per account (remainder %d) and %d once, want %d and %d: update the iam package doc (Requests per account)",
			per, rest, once, osApplyPerAccount, osApplyOnce)
	}
	per, rest = (plan2N-planN)/n, (plan2N-planN)%n
	once = planN - per*n
	t.Logf("Plan: %d requests over %d existing accounts, %d over %d: %d per account (remainder %d), %d once", planN, n, plan2N, 2*n, per, rest, once)
	if rest != 0 || per != osPlanPerAccount || once != osPlanOnce {
		t.Errorf("Plan: %d per account (remainder %d) and %d once, want %d and %d: update the iam package doc (Requests per account)",
			per, rest, once, osPlanPerAccount, osPlanOnce)
	}
}

// isolatedScope makes a domain and a project in it, both removed (with
// everything in them) when t ends.
func isolatedScope(t *testing.T, srv *keystone.Server) (domainID, projectID string) {
	t.Helper()
	admin, _ := newProvider(t, srv)
	idc := admin.ServiceClient()
	name := "iamkit-requests-" + randomName()
	enabled := true
	d, err := domains.Create(t.Context(), idc, domains.CreateOpts{Name: name, Enabled: &enabled}).Extract()
	if err != nil {
		t.Fatalf("create domain %s: %v", name, err)
	}
	t.Cleanup(func() {
		// Deleting a disabled domain deletes its projects, users, groups
		// and roles.
		ctx := context.WithoutCancel(t.Context())
		disabled := false
		if _, err := domains.Update(ctx, idc, d.ID, domains.UpdateOpts{Enabled: &disabled}).Extract(); err != nil {
			t.Errorf("disable domain %s: %v", name, err)
			return
		}
		if err := domains.Delete(ctx, idc, d.ID).ExtractErr(); err != nil {
			t.Errorf("delete domain %s: %v", name, err)
		}
	})
	pr, err := projects.Create(t.Context(), idc, projects.CreateOpts{Name: name, DomainID: d.ID, Enabled: &enabled}).Extract()
	if err != nil {
		t.Fatalf("create project %s: %v", name, err)
	}
	return d.ID, pr.ID
}
