package outscale_test

import (
	"errors"
	"slices"
	"testing"

	osc "github.com/outscale/osc-sdk-go/v2"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/oscfake"
	"github.com/iamkit/iamkit/outscale"
	"github.com/iamkit/iamkit/policy"
)

// TestPlanAfterApply: what Apply makes lies under the iamkit path, so a
// second Plan owns it and has nothing to do, and Deprovision WithCleanup
// removes the group and the policy once their last account is gone.
func TestPlanAfterApply(t *testing.T) {
	ctx := t.Context()
	srv, p := newFake(t, oscfake.Options{Region: "us-east-2"})
	desired := []iam.ServiceAccount{
		{User: "bot_a", Group: "fleet", PolicyName: "fleet_read", Policy: policy.ReadOnly(policy.Compute)},
		{User: "bot_b", Group: "fleet", PolicyName: "fleet_read", Policy: policy.ReadOnly(policy.Compute)},
	}
	cs, err := iam.Plan(ctx, p, desired)
	if err != nil {
		t.Fatal(err)
	}
	res, err := iam.Apply(ctx, p, cs, iam.ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Accounts) != 2 || len(res.Failed) != 0 {
		t.Fatalf("Apply made %d accounts, %d failures", len(res.Accounts), len(res.Failed))
	}
	for _, a := range res.Accounts {
		if a.User.Path != iam.DefaultPath {
			t.Errorf("user %s at path %q, want %q", a.User.Name, a.User.Path, iam.DefaultPath)
		}
	}
	if g, err := p.GetGroup(ctx, "fleet"); err != nil || g.Path != iam.DefaultPath {
		t.Errorf("GetGroup(fleet) = %+v, %v; want path %q", g, err, iam.DefaultPath)
	}
	if pol, err := p.GetPolicy(ctx, "fleet_read"); err != nil || pol.Path != iam.DefaultPath {
		t.Errorf("GetPolicy(fleet_read): %v; want path %q", err, iam.DefaultPath)
	} else if want := "orn:ows:idauth::" + srv.AccountID() + ":policy/iamkit/fleet_read"; pol.ID != want {
		t.Errorf("policy ORN %q, want %q", pol.ID, want)
	}

	cs, err = iam.Plan(ctx, p, desired)
	if err != nil {
		t.Fatalf("second Plan: %v", err)
	}
	if cs.HasChanges() {
		t.Fatalf("second Plan has changes:\n%s", cs)
	}

	for _, u := range []string{"bot_a", "bot_b"} {
		if err := iam.Deprovision(ctx, p, u, iam.WithCleanup()); err != nil {
			t.Fatalf("Deprovision(%s): %v", u, err)
		}
	}
	if _, err := p.GetGroup(ctx, "fleet"); !errors.Is(err, iam.ErrNotFound) {
		t.Errorf("group fleet after cleanup: %v, want ErrNotFound", err)
	}
	if _, err := p.GetPolicy(ctx, "fleet_read"); !errors.Is(err, iam.ErrNotFound) {
		t.Errorf("policy fleet_read after cleanup: %v, want ErrNotFound", err)
	}
}

// TestForeignPaths: users, groups and policies made outside iamkit, at "/"
// or elsewhere, are still found by name; iamkit's own cost one request;
// Plan refuses to take a foreign one over.
func TestForeignPaths(t *testing.T) {
	ctx := t.Context()
	srv, p := newFake(t, oscfake.Options{})
	c, cctx := srv.Client()
	must := func(_ any, _ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(c.UserApi.CreateUser(cctx).CreateUserRequest(osc.CreateUserRequest{UserName: "root_user"}).Execute())
	must(c.UserApi.CreateUser(cctx).CreateUserRequest(osc.CreateUserRequest{UserName: "team_user", Path: osc.PtrString("/team/")}).Execute())
	must(c.UserGroupApi.CreateUserGroup(cctx).CreateUserGroupRequest(osc.CreateUserGroupRequest{UserGroupName: "root_group"}).Execute())
	must(c.UserGroupApi.CreateUserGroup(cctx).CreateUserGroupRequest(osc.CreateUserGroupRequest{UserGroupName: "team_group", Path: osc.PtrString("/team/")}).Execute())
	must(c.PolicyApi.CreatePolicy(cctx).CreatePolicyRequest(osc.CreatePolicyRequest{PolicyName: "root_policy",
		Document: `{"Statement":[{"Effect":"Allow","Action":["api:Read*"],"Resource":["*"]}]}`}).Execute())
	if _, err := p.CreateUser(ctx, "own_user", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := p.CreateGroup(ctx, "own_group"); err != nil {
		t.Fatal(err)
	}

	// iamkit's own: one request each.
	for _, c := range []struct {
		call string
		f    func() error
	}{
		{"AddUserToUserGroup", func() error { return p.AddUserToGroup(ctx, "own_group", "own_user") }},
		{"ReadUserGroup", func() error { _, err := p.GetGroup(ctx, "own_group"); return err }},
		{"PutUserGroupPolicy", func() error {
			_, err := p.PutInlinePolicy(ctx, iam.GroupPrincipal("own_group"), "inl", guideDoc, policy.TranslateOptions{})
			return err
		}},
		{"RemoveUserFromUserGroup", func() error { return p.RemoveUserFromGroup(ctx, "own_group", "own_user") }},
	} {
		before := p.Requests()
		if err := c.f(); err != nil {
			t.Fatalf("%s: %v", c.call, err)
		}
		if n := p.Requests() - before; n != 1 || srv.Calls(c.call) != 1 {
			t.Errorf("%s on iamkit's own: %d requests (%d of %s), want 1", c.call, n, srv.Calls(c.call), c.call)
		}
	}

	for _, g := range []string{"root_group", "team_group", "own_group"} {
		if _, err := p.GetGroup(ctx, g); err != nil {
			t.Fatalf("GetGroup(%s): %v", g, err)
		}
		for _, u := range []string{"root_user", "team_user", "own_user"} {
			if err := p.AddUserToGroup(ctx, g, u); err != nil {
				t.Fatalf("AddUserToGroup(%s, %s): %v", g, u, err)
			}
			if err := p.AddUserToGroup(ctx, g, u); err != nil {
				t.Fatalf("AddUserToGroup(%s, %s) again: %v", g, u, err)
			}
		}
		ms, err := iam.Collect(p.ListGroupMembers(ctx, g))
		if err != nil || len(ms) != 3 {
			t.Fatalf("ListGroupMembers(%s) = %d, %v; want 3", g, len(ms), err)
		}
		gp := iam.GroupPrincipal(g)
		if _, err := p.PutInlinePolicy(ctx, gp, "inl2", guideDoc, policy.TranslateOptions{}); err != nil {
			t.Fatalf("PutInlinePolicy(%s): %v", g, err)
		}
		if _, err := p.GetInlinePolicy(ctx, gp, "inl2"); err != nil {
			t.Fatalf("GetInlinePolicy(%s): %v", g, err)
		}
		if ips, err := iam.Collect(p.ListInlinePolicies(ctx, gp)); err != nil || !slices.ContainsFunc(ips, func(ip *iam.Policy) bool { return ip.Name == "inl2" }) {
			t.Fatalf("ListInlinePolicies(%s) = %v, %v", g, ips, err)
		}
		if err := p.DeleteInlinePolicy(ctx, gp, "inl2"); err != nil {
			t.Fatalf("DeleteInlinePolicy(%s): %v", g, err)
		}
		if err := p.AttachPolicy(ctx, "root_policy", gp); err != nil {
			t.Fatalf("AttachPolicy(root_policy, %s): %v", g, err)
		}
		if err := p.DetachPolicy(ctx, "root_policy", gp); err != nil {
			t.Fatalf("DetachPolicy(root_policy, %s): %v", g, err)
		}
		for _, u := range []string{"root_user", "team_user", "own_user"} {
			gs, err := iam.Collect(p.ListGroupsForUser(ctx, u))
			if err != nil || !slices.ContainsFunc(gs, func(x *iam.Group) bool { return x.Name == g }) {
				t.Fatalf("ListGroupsForUser(%s) = %v, %v; want %s", u, gs, err, g)
			}
			if err := p.RemoveUserFromGroup(ctx, g, u); err != nil {
				t.Fatalf("RemoveUserFromGroup(%s, %s): %v", g, u, err)
			}
			if err := p.RemoveUserFromGroup(ctx, g, u); !errors.Is(err, iam.ErrNotFound) {
				t.Fatalf("RemoveUserFromGroup(%s, %s) again: %v, want ErrNotFound", g, u, err)
			}
		}
	}
	if err := p.AddUserToGroup(ctx, "own_group", "nobody"); !errors.Is(err, iam.ErrNotFound) {
		t.Errorf("AddUserToGroup(nobody) = %v, want ErrNotFound", err)
	}
	if err := p.AddUserToGroup(ctx, "nogroup", "own_user"); !errors.Is(err, iam.ErrNotFound) {
		t.Errorf("AddUserToGroup(nogroup) = %v, want ErrNotFound", err)
	}
	if _, err := p.GetGroup(ctx, "nogroup"); !errors.Is(err, iam.ErrNotFound) {
		t.Errorf("GetGroup(nogroup) = %v, want ErrNotFound", err)
	}
	if pol, err := p.GetPolicy(ctx, "root_policy"); err != nil || pol.Path != "/" {
		t.Errorf("GetPolicy(root_policy): %v, want path /", err)
	}

	// Plan does not take over a foreign group, user or policy.
	for _, sa := range []iam.ServiceAccount{
		{User: "new_user", Group: "root_group", PolicyName: "p1", Policy: guideDoc},
		{User: "root_user", Group: "g1", PolicyName: "p1", Policy: guideDoc},
		{User: "new_user", Group: "g1", PolicyName: "root_policy", Policy: guideDoc},
	} {
		if _, err := iam.Plan(ctx, p, []iam.ServiceAccount{sa}); !errors.Is(err, iam.ErrAlreadyExists) {
			t.Errorf("Plan(%+v) = %v, want ErrAlreadyExists", sa, err)
		}
	}

	if err := p.DeleteInlinePolicy(ctx, iam.GroupPrincipal("own_group"), "inl"); err != nil {
		t.Fatal(err)
	}
	for _, g := range []string{"root_group", "team_group", "own_group"} {
		if err := p.DeleteGroup(ctx, g); err != nil {
			t.Fatalf("DeleteGroup(%s): %v", g, err)
		}
	}
}

// TestOptionsPath: Options.Path is where the provider creates, checked
// before any request; an explicit user path still wins.
func TestOptionsPath(t *testing.T) {
	srv := oscfake.New(t, oscfake.Options{})
	ak, sk := srv.RootCredentials()
	opts := outscale.Options{Region: srv.Region(), Endpoint: srv.Endpoint(), AccessKey: ak, SecretKey: iam.NewSecret(sk),
		HTTPClient: srv.HTTPClient(), Retry: outscale.RetryOptions{Sleep: noSleep}}
	for _, bad := range []string{"ops", "/ops", "/o-p/", "/a b/"} {
		o := opts
		o.Path = bad
		if _, err := outscale.New(t.Context(), o); !errors.Is(err, iam.ErrInvalid) {
			t.Errorf("New with path %q = %v, want ErrInvalid", bad, err)
		}
	}
	opts.Path = "/ops/bots/"
	p, err := outscale.New(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if p.Path() != "/ops/bots/" {
		t.Errorf("Path() = %q", p.Path())
	}
	ctx := t.Context()
	if u, err := p.CreateUser(ctx, "a", nil); err != nil || u.Path != "/ops/bots/" {
		t.Errorf("CreateUser = %+v, %v", u, err)
	}
	if u, err := p.CreateUser(ctx, "b", &iam.UserOptions{Path: "/other/"}); err != nil || u.Path != "/other/" {
		t.Errorf("CreateUser with a path = %+v, %v", u, err)
	}
	if g, err := p.CreateGroup(ctx, "g"); err != nil || g.Path != "/ops/bots/" {
		t.Errorf("CreateGroup = %+v, %v", g, err)
	}
	if pol, err := p.CreatePolicy(ctx, iam.PolicyInput{Name: "pol", Document: guideDoc}); err != nil || pol.Path != "/ops/bots/" {
		t.Errorf("CreatePolicy: %v, path %q", err, pol.Path)
	}
	for _, u := range []string{"a", "b"} {
		if err := p.AddUserToGroup(ctx, "g", u); err != nil {
			t.Errorf("AddUserToGroup(g, %s): %v", u, err)
		}
	}
	if def, err := providerForPath(t, srv, "").GetGroup(ctx, "g"); err != nil || def.Path != "/ops/bots/" {
		t.Errorf("GetGroup from a provider at the default path = %+v, %v", def, err)
	}
}

func providerForPath(t *testing.T, srv *oscfake.Server, path string) *outscale.Provider {
	t.Helper()
	ak, sk := srv.RootCredentials()
	p, err := outscale.New(t.Context(), outscale.Options{Region: srv.Region(), Endpoint: srv.Endpoint(), AccessKey: ak, SecretKey: iam.NewSecret(sk),
		HTTPClient: srv.HTTPClient(), Retry: outscale.RetryOptions{Sleep: noSleep}, Path: path})
	if err != nil {
		t.Fatal(err)
	}
	return p
}
