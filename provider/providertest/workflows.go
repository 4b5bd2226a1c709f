package providertest

import (
	"context"
	"errors"
	"fmt"

	"github.com/iamkit/iamkit/iam"
)

var workflowTests = []test{
	{"Provision", testProvision},
	{"ProvisionAgain", testProvisionAgain},
	{"ProvisionWithoutGroup", testProvisionDirect},
	{"Deprovision", testDeprovision},
	{"DeprovisionMissing", testDeprovisionMissing},
	{"DeprovisionWithCleanup", testDeprovisionCleanup},
	{"PlanApplyPlan", testPlanApplyPlan},
	{"ForeignLeftAlone", testForeignLeftAlone},
}

// viaGroup reports whether Provision grants a service account its policy
// through a group on this provider.
func (e *env) viaGroup() bool { return e.caps.Groups && e.caps.GroupsForServiceAccounts }

// serviceAccount returns a fresh ServiceAccount, with a group when the
// provider lets service accounts join one.
func (e *env) serviceAccount() iam.ServiceAccount {
	sa := iam.ServiceAccount{User: e.name("u"), Group: e.name("g"), Policy: readDoc, Description: "iamkit conformance test", Translate: e.h.Translate}
	if !e.caps.Groups {
		sa.Group = ""
	}
	return sa
}

// provision runs Provision and checks what it says it made.
func (e *env) provision(sa iam.ServiceAccount) *iam.Provisioned {
	e.t.Helper()
	e.needPolicies()
	out, err := iam.Provision(e.ctx, e.p, sa)
	e.must(err, "Provision(%s)", sa.User)
	if out.User == nil || out.User.Name != sa.User {
		e.t.Fatalf("Provision: User = %+v, want user/%s", out.User, sa.User)
	}
	if out.Policy == nil || out.Key == nil {
		e.t.Fatalf("Provision: Policy %v, Key %v; want both", out.Policy, out.Key)
	}
	k := out.Key
	if out.KeyExisted || k.Secret.IsZero() || k.ID == "" || k.User != sa.User || k.Status != iam.KeyActive {
		e.t.Errorf("Provision: key ID %q, User %q, Status %q, secret set %v, KeyExisted %v; want a new active key of %s with its secret",
			k.ID, k.User, k.Status, !k.Secret.IsZero(), out.KeyExisted, sa.User)
	}
	if len(out.Changes) == 0 {
		e.t.Errorf("Provision of a new account reports no Changes")
	}
	AssertRedacted(e.t, k.Secret.Reveal(), out, *out)
	return out
}

// grants checks that the provisioned policy reaches the user the way the
// provider's capabilities call for.
func (e *env) grants(sa iam.ServiceAccount, out *iam.Provisioned) {
	e.t.Helper()
	if sa.Group != "" && e.viaGroup() {
		if out.Group == nil || out.Group.Name != sa.Group {
			e.t.Fatalf("Provision: Group = %+v, want group/%s", out.Group, sa.Group)
		}
		e.eventually(func() error {
			return listed("ListGroupsForUser", e.p.ListGroupsForUser(e.ctx, sa.User), groupName, true, sa.Group)
		})
		e.eventually(func() error {
			return listed("ListAttachedPolicies(group)", e.p.ListAttachedPolicies(e.ctx, iam.GroupPrincipal(sa.Group)), policyName, true, out.Policy.Name)
		})
		return
	}
	if out.Group != nil {
		e.t.Errorf("Provision: Group = %+v, want nil: the policy is attached to the user directly", out.Group)
	}
	e.eventually(func() error {
		return listed("ListAttachedPolicies(user)", e.p.ListAttachedPolicies(e.ctx, iam.UserPrincipal(sa.User)), policyName, true, out.Policy.Name)
	})
	if sa.Group != "" && e.caps.Groups {
		e.eventually(gone("GetGroup of the group Provision had no use for", func() (*iam.Group, error) { return e.p.GetGroup(e.ctx, sa.Group) }))
	}
}

func testProvision(e *env) {
	sa := e.serviceAccount()
	out := e.provision(sa)
	e.grants(sa, out)
	e.eventually(func() error {
		got, err := e.p.GetPolicy(e.ctx, out.Policy.Name)
		if err != nil {
			return err
		}
		return sameDoc(e.raw, got, readDoc)
	})
}

func testProvisionAgain(e *env) {
	sa := e.serviceAccount()
	first := e.provision(sa)
	// Provision looks for an existing key: wait until the listing shows it.
	e.eventually(func() error { _, err := e.listedKey(sa.User, first.Key.ID); return err })
	again, err := iam.Provision(e.ctx, e.p, sa)
	e.must(err, "Provision a second time")
	if !again.KeyExisted || !again.Key.Secret.IsZero() || again.Key.ID != first.Key.ID {
		e.t.Errorf("second Provision: KeyExisted %v, secret set %v, key %s; want the existing key %s, without a secret",
			again.KeyExisted, !again.Key.Secret.IsZero(), again.Key.ID, first.Key.ID)
	}
	if len(again.Changes) != 0 {
		e.t.Errorf("second Provision changed %v, want nothing", again.Changes)
	}
	e.eventually(func() error {
		ks, err := iam.Collect(e.p.ListAccessKeys(e.ctx, sa.User))
		if err == nil && len(ks) != 1 {
			err = fmt.Errorf("after two Provisions the user has %d keys, want 1", len(ks))
		}
		return err
	})
	e.grants(sa, again)
}

func testProvisionDirect(e *env) {
	e.needAttachToUsers()
	sa := e.serviceAccount()
	sa.Group = ""
	out := e.provision(sa)
	e.grants(sa, out)
}

func testDeprovision(e *env) {
	sa := e.serviceAccount()
	out := e.provision(sa)
	e.eventually(func() error { _, err := e.listedKey(sa.User, out.Key.ID); return err })
	e.must(iam.Deprovision(e.ctx, e.p, sa.User), "Deprovision")
	e.eventually(gone("GetUser after Deprovision", func() (*iam.User, error) { return e.p.GetUser(e.ctx, sa.User) }))
	e.eventually(func() error {
		_, err := iam.Collect(e.p.ListAccessKeys(e.ctx, sa.User))
		if !isKindOnly(err, iam.ErrNotFound) {
			return fmt.Errorf("ListAccessKeys after Deprovision: got %v, want ErrNotFound", err)
		}
		return nil
	})
	if sa.Group != "" && e.viaGroup() {
		// The group and its policy are shared: they stay.
		e.eventually(func() error {
			if _, err := e.p.GetGroup(e.ctx, sa.Group); err != nil {
				return fmt.Errorf("GetGroup after Deprovision: %w", err)
			}
			if err := listed("ListGroupMembers after Deprovision", e.p.ListGroupMembers(e.ctx, sa.Group), userName, false, sa.User); err != nil {
				return err
			}
			return listed("ListAttachedPolicies(group) after Deprovision", e.p.ListAttachedPolicies(e.ctx, iam.GroupPrincipal(sa.Group)), policyName, true, out.Policy.Name)
		})
		return
	}
	// The policy was the user's own (named after it): it goes too.
	e.eventually(gone("GetPolicy of the user's own policy after Deprovision", func() (*iam.Policy, error) { return e.p.GetPolicy(e.ctx, out.Policy.Name) }))
	if out.Policy.Name != sa.User {
		e.t.Errorf("Provision without a group named the policy %q, want the user's name %q", out.Policy.Name, sa.User)
	}
}

func testDeprovisionMissing(e *env) {
	err := iam.Deprovision(e.ctx, e.p, e.name("u"))
	e.isKind(err, iam.ErrNotFound, "Deprovision of a missing user")
}

// testDeprovisionCleanup: with WithCleanup, the last member's Deprovision
// also removes the group and the policy Provision made, which iamkit owns
// (the provider must report them under its iamkit path).
func testDeprovisionCleanup(e *env) {
	sa := e.serviceAccount()
	out := e.provision(sa)
	e.must(iam.Deprovision(e.ctx, e.p, sa.User, iam.WithCleanup()), "Deprovision WithCleanup")
	e.eventually(gone("GetUser after Deprovision", func() (*iam.User, error) { return e.p.GetUser(e.ctx, sa.User) }))
	if sa.Group != "" && e.viaGroup() {
		e.eventually(gone("GetGroup of iamkit's group, left without members, after Deprovision WithCleanup", func() (*iam.Group, error) { return e.p.GetGroup(e.ctx, sa.Group) }))
	}
	e.eventually(gone("GetPolicy of iamkit's policy, attached nowhere, after Deprovision WithCleanup", func() (*iam.Policy, error) { return e.p.GetPolicy(e.ctx, out.Policy.Name) }))
}

// testPlanApplyPlan: Plan, Apply, then Plan again finds nothing to do. It
// proves that the provider reports what Apply made as iamkit's, since Plan
// refuses names taken by anything else.
func testPlanApplyPlan(e *env) {
	e.needPolicies()
	a, b := e.serviceAccount(), e.serviceAccount()
	b.Group = a.Group // one shared group (and so one shared policy)
	desired := []iam.ServiceAccount{a, b}
	cs, err := iam.Plan(e.ctx, e.p, desired)
	e.must(err, "Plan")
	if !cs.HasChanges() {
		e.t.Fatalf("Plan of two new accounts has no changes:\n%s", cs)
	}
	var keys []string
	sink := iam.SinkFunc(func(_ context.Context, d iam.Delivery) error {
		keys = append(keys, d.Key.ID)
		return nil
	})
	_, err = iam.Apply(e.ctx, e.p, cs, iam.ApplyOptions{Sink: sink, Concurrency: 1})
	e.must(err, "Apply")
	if len(keys) != 2 {
		e.t.Errorf("Apply delivered %d keys, want 2", len(keys))
	}
	e.eventually(func() error {
		again, err := iam.Plan(e.ctx, e.p, desired)
		if err != nil {
			return fmt.Errorf("Plan after Apply: %w", err)
		}
		if again.HasChanges() {
			return fmt.Errorf("Plan after Apply still has changes:\n%s", again)
		}
		return nil
	})
}

// testForeignLeftAlone: a user outside iamkit's path (another tool's, a
// person's) is not taken over by Provision (ErrAlreadyExists, before any
// change) nor deleted by Deprovision (ErrConflict). It needs a provider
// whose users have paths, to make one outside iamkit's.
func testForeignLeftAlone(e *env) {
	if !e.caps.Paths {
		e.t.Skip("Capabilities.Paths is false: the suite cannot make a user outside iamkit's path")
	}
	e.needPolicies()
	sa := e.serviceAccount()
	_, err := e.p.CreateUser(e.ctx, sa.User, &iam.UserOptions{Path: "/other_tool/"})
	e.must(err, "CreateUser(%s) under /other_tool/", sa.User)
	defer func() { _ = e.p.DeleteUser(context.WithoutCancel(e.ctx), sa.User) }()

	_, err = iam.Provision(e.ctx, e.p, sa)
	e.isKind(err, iam.ErrAlreadyExists, "Provision over a user outside iamkit's path")
	keys, err := iam.Collect(e.p.ListAccessKeys(e.ctx, sa.User))
	e.must(err, "ListAccessKeys")
	pols, err := iam.Collect(e.p.ListAttachedPolicies(e.ctx, iam.UserPrincipal(sa.User)))
	e.must(err, "ListAttachedPolicies")
	if len(keys) != 0 || len(pols) != 0 {
		e.t.Errorf("the refused Provision left %d keys and %d policies on the user", len(keys), len(pols))
	}
	policyName := sa.User
	if e.viaGroup() {
		policyName = sa.Group
	}
	if _, err := e.p.GetPolicy(e.ctx, policyName); !errors.Is(err, iam.ErrNotFound) {
		e.t.Errorf("the refused Provision made its policy: GetPolicy = %v, want ErrNotFound", err)
	}

	e.isKind(iam.Deprovision(e.ctx, e.p, sa.User, iam.WithCleanup()), iam.ErrConflict, "Deprovision of a user outside iamkit's path")
	if _, err := e.p.GetUser(e.ctx, sa.User); err != nil {
		e.t.Errorf("Deprovision deleted a user outside iamkit's path: GetUser = %v", err)
	}
}
