package providertest

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/iamkit/iamkit/iam"
)

var cancelTests = []test{
	{"EveryMethod", testCancelEveryMethod},
	{"Workflows", testCancelWorkflows},
}

// cancelled returns a context that is already cancelled.
func (e *env) cancelled() context.Context {
	ctx, cancel := context.WithCancel(e.ctx)
	cancel()
	return ctx
}

// fixture is a small account where every mutating call would change
// something: u has a key, a group and a policy; v and the others have
// nothing.
type fixture struct {
	u, v, newUser   string
	key             string
	g, g2, newGroup string
	pol, pol2, newP string
	// polOn is where pol is attached.
	polOn iam.Principal
}

func (e *env) fixture() *fixture {
	e.t.Helper()
	f := &fixture{u: e.newUser().Name, v: e.newUser().Name, newUser: e.name("u")}
	f.key = e.newKey(f.u, nil).ID
	if e.caps.Groups {
		f.g, f.g2, f.newGroup = e.newGroup().Name, e.newGroup().Name, e.name("g")
		if e.caps.GroupsForServiceAccounts {
			e.must(e.p.AddUserToGroup(e.ctx, f.g, f.u), "AddUserToGroup")
		}
	}
	if e.caps.ManagedPolicies {
		f.pol, f.pol2, f.newP = e.newPolicy().Name, e.newPolicy().Name, e.name("p")
		switch {
		case e.caps.AttachToUsers:
			f.polOn = iam.UserPrincipal(f.u)
		case e.caps.Groups:
			f.polOn = iam.GroupPrincipal(f.g)
		}
		if f.polOn.Name != "" {
			e.must(e.p.AttachPolicy(e.ctx, f.pol, f.polOn), "AttachPolicy")
		}
	}
	return f
}

// snapshot describes the fixture's state as the provider reports it.
func (e *env) snapshot(f *fixture) string {
	e.t.Helper()
	ctx, p := e.ctx, e.p
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	listing := func(what string, list []string, err error) {
		if err != nil {
			line("%s: %v", what, iam.KindOf(err))
			return
		}
		slices.Sort(list)
		line("%s: %v", what, list)
	}
	for _, u := range []string{f.u, f.v, f.newUser} {
		_, err := p.GetUser(ctx, u)
		line("user/%s: %v", u, iam.KindOf(err))
		keys, err := names(p.ListAccessKeys(ctx, u), func(k *iam.AccessKey) string { return k.ID + ":" + string(k.Status) })
		listing("keys of "+u, keys, err)
		if e.caps.Groups {
			gs, err := names(p.ListGroupsForUser(ctx, u), groupName)
			listing("groups of "+u, gs, err)
		}
		if e.caps.ManagedPolicies && e.caps.AttachToUsers {
			ps, err := names(p.ListAttachedPolicies(ctx, iam.UserPrincipal(u)), policyName)
			listing("policies of "+u, ps, err)
		}
	}
	if e.caps.Groups {
		for _, g := range []string{f.g, f.g2, f.newGroup} {
			_, err := p.GetGroup(ctx, g)
			line("group/%s: %v", g, iam.KindOf(err))
			ms, err := names(p.ListGroupMembers(ctx, g), userName)
			listing("members of "+g, ms, err)
			if e.caps.ManagedPolicies {
				ps, err := names(p.ListAttachedPolicies(ctx, iam.GroupPrincipal(g)), policyName)
				listing("policies of "+g, ps, err)
			}
		}
	}
	if e.caps.ManagedPolicies {
		for _, n := range []string{f.pol, f.pol2, f.newP} {
			pol, err := p.GetPolicy(ctx, n)
			if err != nil {
				line("policy/%s: %v", n, iam.KindOf(err))
				continue
			}
			line("policy/%s: version %q %s %x", n, pol.Version, docJSON(pol.Document), pol.Native)
		}
	}
	return b.String()
}

// stableSnapshot waits, on an eventually consistent provider, for the
// fixture's state to stop changing, and returns it.
func (e *env) stableSnapshot(f *fixture) string {
	e.t.Helper()
	s := e.snapshot(f)
	if e.consistency <= 0 {
		return s
	}
	deadline := time.Now().Add(e.consistency)
	for time.Now().Before(deadline) {
		time.Sleep(time.Second)
		next := e.snapshot(f)
		if next == s {
			return s
		}
		s = next
	}
	return s
}

// cancelledCall is one call made with a cancelled context.
type cancelledCall struct {
	op   string
	call func(ctx context.Context) error
	skip bool
}

// listErr reads a listing made with a cancelled context: it must yield
// the error before any item.
func listErr[T any](seq iter.Seq2[*T, error]) error {
	for v, err := range seq {
		if err == nil {
			return fmt.Errorf("yielded an item (%v) before any error", v)
		}
		return err
	}
	return errors.New("yielded nothing: it must yield the context's error")
}

func testCancelEveryMethod(e *env) {
	f := e.fixture()
	before := e.stableSnapshot(f)
	p := e.p
	noGroups, noMembers, noPolicies := !e.caps.Groups, !e.caps.Groups || !e.caps.GroupsForServiceAccounts, !e.caps.ManagedPolicies
	noUserPolicies := noPolicies || !e.caps.AttachToUsers
	calls := []cancelledCall{
		{"CreateUser", func(ctx context.Context) error { _, err := p.CreateUser(ctx, f.newUser, nil); return err }, false},
		{"GetUser", func(ctx context.Context) error { _, err := p.GetUser(ctx, f.u); return err }, false},
		{"ListUsers", func(ctx context.Context) error { return listErr(p.ListUsers(ctx)) }, false},
		{"DeleteUser", func(ctx context.Context) error { return p.DeleteUser(ctx, f.v) }, false},
		{"CreateGroup", func(ctx context.Context) error { _, err := p.CreateGroup(ctx, f.newGroup); return err }, noGroups},
		{"GetGroup", func(ctx context.Context) error { _, err := p.GetGroup(ctx, f.g); return err }, noGroups},
		{"ListGroups", func(ctx context.Context) error { return listErr(p.ListGroups(ctx)) }, noGroups},
		{"DeleteGroup", func(ctx context.Context) error { return p.DeleteGroup(ctx, f.g2) }, noGroups},
		{"AddUserToGroup", func(ctx context.Context) error { return p.AddUserToGroup(ctx, f.g, f.v) }, noMembers},
		{"RemoveUserFromGroup", func(ctx context.Context) error { return p.RemoveUserFromGroup(ctx, f.g, f.u) }, noMembers},
		{"ListGroupMembers", func(ctx context.Context) error { return listErr(p.ListGroupMembers(ctx, f.g)) }, noGroups},
		{"ListGroupsForUser", func(ctx context.Context) error { return listErr(p.ListGroupsForUser(ctx, f.u)) }, noGroups},
		{"CreatePolicy", func(ctx context.Context) error {
			_, err := p.CreatePolicy(ctx, iam.PolicyInput{Name: f.newP, Document: readDoc, Translate: e.h.Translate})
			return err
		}, noPolicies},
		{"GetPolicy", func(ctx context.Context) error { _, err := p.GetPolicy(ctx, f.pol); return err }, noPolicies},
		{"ListPolicies", func(ctx context.Context) error { return listErr(p.ListPolicies(ctx)) }, noPolicies},
		{"UpdatePolicy", func(ctx context.Context) error {
			_, err := p.UpdatePolicy(ctx, f.pol, writeDoc, e.h.Translate)
			return err
		}, noPolicies},
		{"DeletePolicy", func(ctx context.Context) error { return p.DeletePolicy(ctx, f.pol2) }, noPolicies},
		{"AttachPolicy", func(ctx context.Context) error { return p.AttachPolicy(ctx, f.pol2, f.polOn) }, noPolicies || f.polOn.Name == ""},
		{"DetachPolicy", func(ctx context.Context) error { return p.DetachPolicy(ctx, f.pol, f.polOn) }, noPolicies || f.polOn.Name == ""},
		{"ListAttachedPolicies", func(ctx context.Context) error { return listErr(p.ListAttachedPolicies(ctx, iam.UserPrincipal(f.u))) }, noUserPolicies},
		{"CreateAccessKey", func(ctx context.Context) error { _, err := p.CreateAccessKey(ctx, f.v, nil); return err }, false},
		{"ListAccessKeys", func(ctx context.Context) error { return listErr(p.ListAccessKeys(ctx, f.u)) }, false},
		{"SetAccessKeyStatus", func(ctx context.Context) error { return p.SetAccessKeyStatus(ctx, f.u, f.key, iam.KeyInactive) }, !e.caps.KeyStatus},
		{"DeleteAccessKey", func(ctx context.Context) error { return p.DeleteAccessKey(ctx, f.u, f.key) }, false},
	}
	for _, c := range calls {
		if c.skip {
			continue
		}
		if err := c.call(e.cancelled()); !errors.Is(err, context.Canceled) {
			e.t.Errorf("%s with a cancelled context: got %v, want an error satisfying errors.Is(err, context.Canceled)", c.op, err)
		}
	}
	if after := e.snapshot(f); after != before {
		e.t.Errorf("calls with a cancelled context changed the account:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

func testCancelWorkflows(e *env) {
	e.needPolicies()
	user := e.name("u")
	sa := iam.ServiceAccount{User: user, Policy: readDoc, Translate: e.h.Translate}
	if e.caps.Groups {
		sa.Group = e.name("g")
	}
	_, err := iam.Provision(e.cancelled(), e.p, sa)
	if !errors.Is(err, context.Canceled) {
		e.t.Errorf("Provision with a cancelled context: got %v, want errors.Is(err, context.Canceled)", err)
	}
	e.eventually(gone("GetUser after a cancelled Provision", func() (*iam.User, error) { return e.p.GetUser(e.ctx, user) }))
	if sa.Group != "" {
		e.eventually(gone("GetGroup after a cancelled Provision", func() (*iam.Group, error) { return e.p.GetGroup(e.ctx, sa.Group) }))
	}

	_, err = iam.Provision(e.ctx, e.p, sa)
	e.must(err, "Provision")
	err = iam.Deprovision(e.cancelled(), e.p, user)
	if !errors.Is(err, context.Canceled) {
		e.t.Errorf("Deprovision with a cancelled context: got %v, want errors.Is(err, context.Canceled)", err)
	}
	e.eventually(func() error {
		ks, err := iam.Collect(e.p.ListAccessKeys(e.ctx, user))
		if err == nil && len(ks) != 1 {
			err = fmt.Errorf("after a cancelled Deprovision the user has %d keys, want 1", len(ks))
		}
		return err
	})
}
