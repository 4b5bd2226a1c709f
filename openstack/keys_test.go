package openstack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	gos "github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/applicationcredentials"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/roles"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/users"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/keystone"
	"github.com/iamkit/iamkit/openstack"
	"github.com/iamkit/iamkit/policy"
)

// TestKeyDenyAcrossPolicies: a Deny in one of a user's policies wins over
// an Allow in another (as policy.Evaluate over all of them, and every
// other cloud, decide), whether the Deny is the user's or its group's:
// the key's access rules leave out what the Deny refuses.
func TestKeyDenyAcrossPolicies(t *testing.T) {
	t.Parallel() // most of the time is spent waiting on Keystone
	srv := keystone.Start(t)
	p, _ := newProvider(t, srv)
	ctx := t.Context()
	allow := policy.Build(policy.Allowing("compute:List", "compute:Read", "openstack:compute:GET:/v2.1/os-hypervisors"))
	deny := policy.Document{Version: policy.Version, Statements: []policy.Statement{
		{Effect: policy.Allow, Actions: []policy.Action{"image:List"}, Resources: []policy.Resource{"*"}},
		{Effect: policy.Deny, Actions: []policy.Action{"compute:List"}, Resources: []policy.Resource{"*"}},
	}}
	denyNative := policy.Document{Version: policy.Version, Statements: []policy.Statement{
		{Effect: policy.Deny, Actions: []policy.Action{"openstack:compute:GET:/v2.1/os-hypervisors"}, Resources: []policy.Resource{"*"}},
	}}
	for _, tc := range []struct {
		name      string
		deny      policy.Document
		viaGroup  bool
		forbidden [][3]string // rules the key must not carry
		kept      [][3]string // rules it still carries
	}{
		{
			name: "portable deny on the user", deny: deny,
			// GET /v2.1/servers/* would also match /v2.1/servers/detail.
			forbidden: [][3]string{{"compute", "GET", "/v2.1/servers"}, {"compute", "GET", "/v2.1/servers/detail"}, {"compute", "GET", "/v2.1/servers/*"}},
			kept:      [][3]string{{"compute", "GET", "/v2.1/servers/*/ips"}, {"image", "GET", "/v2/images"}},
		},
		{
			name: "portable deny on the group", deny: deny, viaGroup: true,
			forbidden: [][3]string{{"compute", "GET", "/v2.1/servers"}, {"compute", "GET", "/v2.1/flavors"}},
			kept:      [][3]string{{"compute", "GET", "/v2.1/limits"}, {"image", "GET", "/v2/images"}},
		},
		{
			name: "native deny on the group", deny: denyNative, viaGroup: true,
			forbidden: [][3]string{{"compute", "GET", "/v2.1/os-hypervisors"}},
			kept:      [][3]string{{"compute", "GET", "/v2.1/servers"}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			user, allowPol, denyPol, group := "deny-"+randomName(), "allow-"+randomName(), "deny-"+randomName(), "g-"+randomName()
			if _, err := p.CreateUser(ctx, user, nil); err != nil {
				t.Fatal(err)
			}
			to := iam.UserPrincipal(user)
			if tc.viaGroup {
				if _, err := p.CreateGroup(ctx, group); err != nil {
					t.Fatal(err)
				}
				if err := p.AddUserToGroup(ctx, group, user); err != nil {
					t.Fatal(err)
				}
				to = iam.GroupPrincipal(group)
			}
			for _, pol := range []struct {
				name string
				doc  policy.Document
				to   iam.Principal
			}{{allowPol, allow, iam.UserPrincipal(user)}, {denyPol, tc.deny, to}} {
				if _, err := p.CreatePolicy(ctx, iam.PolicyInput{Name: pol.name, Document: pol.doc}); err != nil {
					t.Fatal(err)
				}
				if err := p.AttachPolicy(ctx, pol.name, pol.to); err != nil {
					t.Fatal(err)
				}
			}
			t.Cleanup(func() {
				ctx := context.Background()
				_ = iam.Deprovision(ctx, p, user, iam.WithCleanup())
				_ = p.DetachPolicy(ctx, denyPol, to)
				_ = p.DeletePolicy(ctx, denyPol)
				_ = p.DeletePolicy(ctx, allowPol)
				if tc.viaGroup {
					_ = p.DeleteGroup(ctx, group)
				}
			})
			k, err := p.CreateAccessKey(ctx, user, nil)
			if err != nil {
				t.Fatal(err)
			}
			cred, err := applicationcredentials.Get(ctx, p.ServiceClient(), userID(t, p, user), k.ID).Extract()
			if err != nil {
				t.Fatal(err)
			}
			has := func(r [3]string) bool {
				for _, a := range cred.AccessRules {
					if a.Service == r[0] && a.Method == r[1] && a.Path == r[2] {
						return true
					}
				}
				return false
			}
			for _, r := range tc.forbidden {
				if has(r) {
					t.Errorf("the key carries %v, which a Deny of its user's policies refuses", r)
				}
			}
			for _, r := range tc.kept {
				if !has(r) {
					t.Errorf("the key lacks %v, which no Deny touches", r)
				}
			}
		})
	}
}

// TestKeyLeavesOutForeignRoles: a user given roles on the project outside
// iamkit gets keys without them, whatever its policies: not admin (access
// rules do not restrict Keystone's own API, so an admin key could manage
// identities), nor another service's role. A key holds reader, and member
// when a policy implies it.
func TestKeyLeavesOutForeignRoles(t *testing.T) {
	t.Parallel() // most of the time is spent waiting on Keystone
	srv := keystone.Start(t)
	p, _ := newProvider(t, srv)
	ctx := t.Context()
	rs, err := roles.List(p.ServiceClient(), roles.ListOpts{Name: "admin"}).AllPages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	admins, err := roles.ExtractRoles(rs)
	if err != nil || len(admins) != 1 {
		t.Fatalf("admin role: %v %v", admins, err)
	}
	adminID := admins[0].ID
	foreign, err := roles.Create(ctx, p.ServiceClient(), roles.CreateOpts{Name: "heat_stack_owner-" + randomName()}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = roles.Delete(context.Background(), p.ServiceClient(), foreign.ID).ExtractErr() })
	for _, tc := range []struct {
		name string
		doc  policy.Document
		opts policy.TranslateOptions
		want []string // the credential's roles
	}{
		{name: "compute reader", doc: policy.ReadOnly(policy.Compute), want: []string{"reader"}},
		{name: "compute and object storage writer", doc: policy.Build(policy.Allowing("compute:*", "objectstorage:Write")), want: []string{"member", "reader"}},
		// A policy that implies admin (identity management with
		// AllowWidening) keeps it; Keystone's default
		// prohibited_implied_role refuses such a policy, so it is not
		// tested here.
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			user := "adm-" + randomName()
			if _, err := p.CreateUser(ctx, user, nil); err != nil {
				t.Fatal(err)
			}
			if _, err := p.CreatePolicy(ctx, iam.PolicyInput{Name: user, Document: tc.doc, Translate: tc.opts}); err != nil {
				t.Fatal(err)
			}
			if err := p.AttachPolicy(ctx, user, iam.UserPrincipal(user)); err != nil {
				t.Fatal(err)
			}
			id := userID(t, p, user)
			for _, r := range []string{adminID, foreign.ID} {
				if err := roles.Assign(ctx, p.ServiceClient(), r, roles.AssignOpts{UserID: id, ProjectID: p.Project()}).ExtractErr(); err != nil {
					t.Fatal(err)
				}
			}
			t.Cleanup(func() {
				ctx := context.Background()
				for _, r := range []string{adminID, foreign.ID} {
					_ = roles.Unassign(ctx, p.ServiceClient(), r, roles.UnassignOpts{UserID: id, ProjectID: p.Project()}).ExtractErr()
				}
				_ = iam.Deprovision(ctx, p, user, iam.WithCleanup())
			})
			k, err := p.CreateAccessKey(ctx, user, nil)
			if err != nil {
				t.Fatal(err)
			}
			cred, err := applicationcredentials.Get(ctx, p.ServiceClient(), id, k.ID).Extract()
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, r := range cred.Roles {
				names = append(names, r.Name)
			}
			slices.Sort(names)
			if !slices.Equal(names, tc.want) {
				t.Errorf("credential roles %v, want %v (not admin or %s, given outside iamkit)", names, tc.want, foreign.Name)
			}
		})
	}
}

// lostAnswer sends the first password change it sees, then answers 503 as
// if the answer had been lost, and remembers the password.
type lostAnswer struct {
	base     http.RoundTripper
	mu       sync.Mutex
	password string
}

func (l *lostAnswer) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method != http.MethodPatch || !strings.Contains(r.URL.Path, "/users/") || r.Body == nil {
		return l.base.RoundTrip(r)
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	var in struct {
		User struct {
			Password string `json:"password"`
		} `json:"user"`
	}
	_ = json.Unmarshal(body, &in)
	l.mu.Lock()
	first := in.User.Password != "" && l.password == ""
	if first {
		l.password = in.User.Password
	}
	l.mu.Unlock()
	resp, err := l.base.RoundTrip(r)
	if err != nil || !first {
		return resp, err
	}
	resp.Body.Close()
	msg := `{"error":{"code":503,"message":"answer lost","title":"Service Unavailable"}}`
	return &http.Response{StatusCode: http.StatusServiceUnavailable, Status: "503 Service Unavailable", Request: r,
		Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(msg))}, nil
}

// TestKeyPasswordLostAnswer: when the answer to the password change that
// starts CreateAccessKey is lost (the change made), the call fails with
// ErrThrottled and the password it set no longer works.
func TestKeyPasswordLostAnswer(t *testing.T) {
	t.Parallel() // most of the time is spent waiting on Keystone
	srv := keystone.Start(t)
	admin, _ := newProvider(t, srv)
	l := &lostAnswer{base: http.DefaultTransport}
	p := providerVia(t, srv, l)
	ctx := t.Context()
	user := "lost-" + randomName()
	if _, err := admin.CreateUser(ctx, user, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = iam.Deprovision(context.Background(), admin, user, iam.WithCleanup()) })
	_, kerr := p.CreateAccessKey(ctx, user, nil)
	if !errors.Is(kerr, iam.ErrThrottled) {
		t.Fatalf("CreateAccessKey: %v, want ErrThrottled", kerr)
	}
	if l.password == "" {
		t.Fatal("no password change seen")
	}
	if strings.Contains(fmt.Sprintf("%+v", kerr), l.password) {
		t.Error("the error shows the password")
	}
	up, err := gos.NewClient(srv.AuthURL)
	if err != nil {
		t.Fatal(err)
	}
	err = gos.Authenticate(ctx, up, gophercloud.AuthOptions{IdentityEndpoint: srv.AuthURL, UserID: userID(t, admin, user), Password: l.password})
	if err == nil {
		t.Error("the password set by the failed CreateAccessKey still works")
	}
}

// TestKeyForeignUser: CreateAccessKey refuses (ErrConflict) a user iamkit
// did not make, whose password the password dance would replace; the
// user's password keeps working.
func TestKeyForeignUser(t *testing.T) {
	t.Parallel() // most of the time is spent waiting on Keystone
	srv := keystone.Start(t)
	p, _ := newProvider(t, srv)
	ctx := t.Context()
	name, password := "human-"+randomName(), "pw-"+randomName()+randomName()
	enabled := true
	u, err := users.Create(ctx, p.ServiceClient(), users.CreateOpts{Name: name, DomainID: p.Domain(), Password: password, Enabled: &enabled}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = users.Delete(context.Background(), p.ServiceClient(), u.ID).ExtractErr() })
	readerID := ""
	if rs, err := roles.List(p.ServiceClient(), roles.ListOpts{Name: "reader"}).AllPages(ctx); err == nil {
		if all, err := roles.ExtractRoles(rs); err == nil && len(all) == 1 {
			readerID = all[0].ID
		}
	}
	if err := roles.Assign(ctx, p.ServiceClient(), readerID, roles.AssignOpts{UserID: u.ID, ProjectID: p.Project()}).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	if k, err := p.CreateAccessKey(ctx, name, nil); !errors.Is(err, iam.ErrConflict) {
		t.Errorf("CreateAccessKey on a user iamkit did not make: %v, want ErrConflict", err)
		if k != nil {
			_ = p.DeleteAccessKey(context.Background(), name, k.ID)
		}
	}
	pc, err := gos.NewClient(srv.AuthURL)
	if err != nil {
		t.Fatal(err)
	}
	if err := gos.Authenticate(ctx, pc, gophercloud.AuthOptions{IdentityEndpoint: srv.AuthURL, UserID: u.ID, Password: password}); err != nil {
		t.Errorf("the user's own password no longer works: %v", err)
	}
}

// TestPolicyImplyingAdmin: identity management with AllowWidening needs a
// role implying admin, which Keystone's default prohibited_implied_role
// refuses: ErrUnsupported (the cloud cannot), not ErrDenied, and nothing
// is left behind.
func TestPolicyImplyingAdmin(t *testing.T) {
	t.Parallel() // most of the time is spent waiting on Keystone
	srv := keystone.Start(t)
	p, _ := newProvider(t, srv)
	ctx := t.Context()
	name := "idm-" + randomName()
	wide := policy.TranslateOptions{AllowWidening: true}
	_, err := p.CreatePolicy(ctx, iam.PolicyInput{Name: name, Document: policy.Build(policy.Allowing("iam:List")), Translate: wide})
	if !errors.Is(err, iam.ErrUnsupported) {
		t.Errorf("CreatePolicy: %v, want ErrUnsupported", err)
	}
	if _, err := p.GetPolicy(ctx, name); !errors.Is(err, iam.ErrNotFound) {
		t.Errorf("GetPolicy after the refusal: %v, want ErrNotFound", err)
		_ = p.DeletePolicy(context.Background(), name)
	}
	if _, err := p.CreatePolicy(ctx, iam.PolicyInput{Name: name, Document: policy.ReadOnly(policy.Compute)}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.DeletePolicy(context.Background(), name) })
	if _, err := p.UpdatePolicy(ctx, name, policy.Build(policy.Allowing("iam:List")), wide); !errors.Is(err, iam.ErrUnsupported) {
		t.Errorf("UpdatePolicy: %v, want ErrUnsupported", err)
	}
}

// TestKeyTempURLKeys: a key holding member whose rules read Swift's
// account or containers could read their temp-URL keys and sign URLs that
// write objects; unless its policies allow object writes anyway, it is
// refused before anything changes, except with AllowWideKeys.
func TestKeyTempURLKeys(t *testing.T) {
	t.Parallel() // most of the time is spent waiting on Keystone
	srv := keystone.Start(t)
	strict, _ := newProvider(t, srv)
	wide, _ := keysProvider(t, srv, openstack.ApplicationCredentials, true)
	listAndWrite := policy.Build(policy.Allowing("objectstorage:List", "compute:Write"))
	for _, tc := range []struct {
		name string
		p    *openstack.Provider
		doc  policy.Document
		want error
	}{
		{"listing as reader", strict, policy.Build(policy.Allowing("objectstorage:List")), nil},
		{"listing as member, no object writes", strict, listAndWrite, iam.ErrInvalid},
		{"listing as member, object writes allowed", strict, policy.Build(policy.Allowing("objectstorage:List", "objectstorage:Read", "objectstorage:Write", "compute:Write")), nil},
		{"listing as member with AllowWideKeys", wide, listAndWrite, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			user := "tmp-" + randomName()
			_, err := iam.Provision(t.Context(), tc.p, iam.ServiceAccount{User: user, Policy: tc.doc})
			if err == nil {
				t.Cleanup(func() { _ = iam.Deprovision(context.Background(), tc.p, user, iam.WithCleanup()) })
			}
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("Provision: %v, want %v", err, tc.want)
			}
			if err != nil {
				if !strings.Contains(err.Error(), "temp-URL") {
					t.Errorf("the refusal does not say why: %v", err)
				}
				if _, gerr := tc.p.GetUser(t.Context(), user); !errors.Is(gerr, iam.ErrNotFound) {
					t.Errorf("refused account left behind: %v", gerr)
				}
			}
		})
	}
}

// TestKeyPasswordRace: two providers (two processes, as far as the
// per-user lock knows) making keys for the same user at once replace each
// other's throwaway passwords; the loser's dance is tried again, so every
// key is made.
func TestKeyPasswordRace(t *testing.T) {
	t.Parallel() // most of the time is spent waiting on Keystone
	srv := keystone.Start(t)
	a, _ := newProvider(t, srv)
	b, _ := newProvider(t, srv)
	ctx := t.Context()
	user := "race-" + randomName()
	if _, err := a.CreateUser(ctx, user, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = iam.Deprovision(context.Background(), a, user, iam.WithCleanup()) })
	const each = 3
	errs := make(chan error, 2*each)
	var wg sync.WaitGroup
	for _, p := range []*openstack.Provider{a, b} {
		for range each {
			wg.Go(func() {
				_, err := p.CreateAccessKey(ctx, user, nil)
				errs <- err
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("CreateAccessKey racing another provider: %v", err)
		}
	}
	keys, err := iam.Collect(a.ListAccessKeys(ctx, user))
	if err != nil || len(keys) != 2*each {
		t.Errorf("ListAccessKeys: %d keys (%v), want %d", len(keys), err, 2*each)
	}
}
