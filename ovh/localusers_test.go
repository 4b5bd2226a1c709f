package ovh_test

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	goovh "github.com/ovh/go-ovh/ovh"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/ovhfake"
	"github.com/iamkit/iamkit/ovh"
	"github.com/iamkit/iamkit/policy"
	"github.com/iamkit/iamkit/provider/providertest"
)

func newLocal(t *testing.T, srv *ovhfake.Server) *ovh.Provider {
	t.Helper()
	p, err := ovh.New(t.Context(), ovh.Options{Client: srv.Client(), PageSize: 2, LocalUsers: true})
	if err != nil {
		t.Fatalf("ovh.New: %v", err)
	}
	return p
}

// TestConformanceLocalUsers runs the whole suite with Options.LocalUsers,
// key clauses included: a local user's keys are its personal access
// tokens.
func TestConformanceLocalUsers(t *testing.T) {
	srv := ovhfake.New(t, ovhfake.Options{})
	providertest.Run(t, providertest.Harness{
		NewProvider: func(t *testing.T) iam.Provider { return newLocal(t, srv) },
		Calls:       func(p iam.Provider) int { return p.(*ovh.Provider).Requests() },
		Translate:   policy.TranslateOptions{AllowWidening: true},
		Unpaged:     []string{"ListUsers", "ListGroups", "ListGroupMembers", "ListGroupsForUser", "ListAccessKeys"},
		Consistency: 1,
	})
}

func TestLocalUsersModel(t *testing.T) {
	srv := ovhfake.New(t, ovhfake.Options{})
	p := newLocal(t, srv)
	ctx := t.Context()

	caps := p.Capabilities()
	if !caps.GroupsForServiceAccounts || caps.MaxKeysPerUser != 2 || !caps.KeyExpiry || caps.KeyStatus {
		t.Errorf("Capabilities: GroupsForServiceAccounts %v MaxKeysPerUser %d KeyExpiry %v KeyStatus %v, want true, 2, true, false",
			caps.GroupsForServiceAccounts, caps.MaxKeysPerUser, caps.KeyExpiry, caps.KeyStatus)
	}
	u, err := p.CreateUser(ctx, "watcher_1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := "urn:v1:eu:identity:user:" + srv.NIC() + "/watcher_1"; u.ID != want {
		t.Errorf("user ID %q, want %q", u.ID, want)
	}
	if _, err := p.CreateUser(ctx, "watcher_1", nil); !errors.Is(err, iam.ErrAlreadyExists) {
		t.Errorf("CreateUser again: %v, want ErrAlreadyExists", err)
	}
	if _, err := p.CreateUser(ctx, "a+b", nil); !errors.Is(err, iam.ErrInvalid) {
		t.Errorf("CreateUser with a login OVHcloud refuses: %v, want ErrInvalid", err)
	}
	g1, err := p.CreateGroup(ctx, "monitoring")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.CreateGroup(ctx, "other"); err != nil {
		t.Fatal(err)
	}
	if groups, err := iam.Collect(p.ListGroupsForUser(ctx, "watcher_1")); err != nil || len(groups) != 0 {
		t.Errorf("ListGroupsForUser before joining (DEFAULT group): %v %v, want none", groups, err)
	}
	if err := p.AddUserToGroup(ctx, "monitoring", "watcher_1"); err != nil {
		t.Fatal(err)
	}
	if err := p.AddUserToGroup(ctx, "other", "watcher_1"); !errors.Is(err, iam.ErrConflict) {
		t.Errorf("AddUserToGroup to a second group: %v, want ErrConflict (one group per user)", err)
	}
	groups, err := iam.Collect(p.ListGroupsForUser(ctx, "watcher_1"))
	if err != nil || len(groups) != 1 || groups[0].ID != g1.ID {
		t.Errorf("ListGroupsForUser: %v %v, want [monitoring]", groups, err)
	}
	if want := "urn:v1:eu:identity:group:" + srv.NIC() + "/monitoring"; g1.ID != want {
		t.Errorf("group ID %q, want %q", g1.ID, want)
	}
	var raw struct {
		Group string `json:"group"`
	}
	if err := srv.Client().Get("/me/identity/user/watcher_1", &raw); err != nil || raw.Group != "monitoring" {
		t.Errorf("stored user's group %q (%v), want monitoring", raw.Group, err)
	}
	if err := p.DeleteUser(ctx, "watcher_1"); !errors.Is(err, iam.ErrConflict) {
		t.Errorf("DeleteUser of a group member: %v, want ErrConflict", err)
	}
	if keys, err := iam.Collect(p.ListAccessKeys(ctx, "watcher_1")); err != nil || len(keys) != 0 {
		t.Errorf("ListAccessKeys: %v %v, want none", keys, err)
	}
	if err := p.RemoveUserFromGroup(ctx, "monitoring", "watcher_1"); err != nil {
		t.Fatal(err)
	}
	if err := srv.Client().Get("/me/identity/user/watcher_1", &raw); err != nil || raw.Group != "DEFAULT" {
		t.Errorf("stored user's group after RemoveUserFromGroup %q (%v), want DEFAULT", raw.Group, err)
	}
	// A local user iamkit did not make is not one of its users.
	if err := srv.Client().Post("/me/identity/user", map[string]any{"login": "human", "email": "h@example.com"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := p.GetUser(ctx, "human"); !errors.Is(err, iam.ErrNotFound) {
		t.Errorf("GetUser of a local user iamkit did not make: %v, want ErrNotFound", err)
	}
	users, err := iam.Collect(p.ListUsers(ctx))
	if err != nil || len(users) != 1 || users[0].Name != "watcher_1" {
		t.Errorf("ListUsers: %v %v, want [watcher_1]", users, err)
	}
	if err := p.DeleteUser(ctx, "watcher_1"); err != nil {
		t.Errorf("DeleteUser: %v", err)
	}
}

// snapJournal is a memory journal that, when iam.Provision announces the
// access key, records what the run has put in place by then.
type snapJournal struct {
	*iam.MemoryJournal
	p     *ovh.Provider
	group string
	user  string

	mu       sync.Mutex
	members  []string
	attached []string
	direct   int
}

func (j *snapJournal) Append(ctx context.Context, e iam.JournalEntry) error {
	if e.Event == iam.EventIntent && e.Step != nil && e.Step.Action == iam.StepCreateKey {
		members, _ := iam.Collect(j.p.ListGroupMembers(ctx, j.group))
		pols, _ := iam.Collect(j.p.ListAttachedPolicies(ctx, iam.GroupPrincipal(j.group)))
		direct, _ := iam.Collect(j.p.ListAttachedPolicies(ctx, iam.UserPrincipal(j.user)))
		j.mu.Lock()
		for _, u := range members {
			j.members = append(j.members, u.Name)
		}
		for _, pol := range pols {
			j.attached = append(j.attached, pol.Name)
		}
		j.direct = len(direct)
		j.mu.Unlock()
	}
	return j.MemoryJournal.Append(ctx, e)
}

// TestProvisionLocalUser: with local users, iam.Provision puts the user in
// the group, names the group's URN in the group's policy and hands out a
// personal access token; OVHcloud IAM then allows that token what the
// policy grants, and nothing else.
func TestProvisionLocalUser(t *testing.T) {
	srv := ovhfake.New(t, ovhfake.Options{})
	p := newLocal(t, srv)
	ctx := t.Context()
	const project = "0123456789abcdef0123456789abcdef"
	j := &snapJournal{MemoryJournal: iam.NewMemoryJournal(), p: p, group: "supervisors", user: "watcher_1"}
	acct, err := iam.Provision(ctx, p, iam.ServiceAccount{
		User: "watcher_1", Group: "supervisors",
		Policy:  policy.OVHInfrastructureSupervisor(project),
		Journal: j,
	})
	if err != nil {
		t.Fatalf("Provision: %v", err)
	}
	if !slices.Equal(j.members, []string{"watcher_1"}) {
		t.Errorf("members of supervisors before the key: %v, want [watcher_1]", j.members)
	}
	if !slices.Equal(j.attached, []string{"supervisors"}) || j.direct != 0 {
		t.Errorf("policies naming the group URN: %v, naming the user: %d; want [supervisors] and 0", j.attached, j.direct)
	}
	k := acct.Key
	if k == nil || k.ID == "" || k.Secret.IsZero() || k.User != "watcher_1" || !k.ExpiresAt.IsZero() {
		t.Fatalf("Provision's key: %+v, want a token of watcher_1 with a secret and no expiry", k)
	}
	if acct.Policy == nil || acct.Policy.Path != iam.DefaultPath {
		t.Errorf("Provision's policy: %+v, want one under %s (iamkit's)", acct.Policy, iam.DefaultPath)
	}
	keys, err := iam.Collect(p.ListAccessKeys(ctx, "watcher_1"))
	if err != nil || len(keys) != 1 || keys[0].ID != k.ID || !keys[0].Secret.IsZero() {
		t.Errorf("ListAccessKeys: %v %v, want the token, without its secret", keys, err)
	}

	// The key, as OVHcloud IAM sees it (through the adapter's Authorize).
	for _, tc := range []struct {
		what, action, resource string
		want                   error
	}{
		{"the granted role on the project", "ovh:publicCloudProject:openstack:infrastructureSupervisor", "project/" + project, nil},
		{"another role on the project", "ovh:publicCloudProject:openstack:objectstoreOperator", "project/" + project, iam.ErrDenied},
		{"the granted role on another project", "ovh:publicCloudProject:openstack:infrastructureSupervisor", "project/fedcba9876543210fedcba9876543210", iam.ErrDenied},
		{"an account action", "ovh:account:apiovh:me/identity/user/get", "urn:v1:eu:resource:account:" + srv.NIC(), iam.ErrDenied},
	} {
		t.Run("Authorize/"+tc.what, func(t *testing.T) {
			err := p.Authorize(ctx, k.ID, k.Secret, tc.action, tc.resource)
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("Authorize(%s on %s): %v, want %v", tc.action, tc.resource, err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), k.Secret.Reveal()) {
				t.Error("the error shows the token")
			}
		})
	}
	// The same key, sent by a program of its own: it authenticates as the
	// user, who may not call the API (no account action was granted).
	pc, err := srv.PersonalAccessToken(k.Secret.Reveal())
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Authorized []string `json:"authorizedActions"`
	}
	urn := ovh.ProjectURN("eu", project)
	if err := pc.Post("/v2/iam/resource/"+url.PathEscape(urn)+"/authorization/check",
		map[string][]string{"actions": {"publicCloudProject:openstack:compute_read", "publicCloudProject:openstack:compute_manage"}}, &res); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Authorized, []string{"publicCloudProject:openstack:compute_read"}) {
		t.Errorf("authorized as the token: %v, want compute_read only", res.Authorized)
	}
	var ae *goovh.APIError
	if err := pc.Get("/me/identity/user", nil); !errors.As(err, &ae) || ae.Code != 403 {
		t.Errorf("GET /me/identity/user with the token: %v, want 403", err)
	}

	// Deprovision revokes the token and removes the user; the group and its
	// policy stay (without WithCleanup).
	if err := iam.Deprovision(ctx, p, "watcher_1"); err != nil {
		t.Fatal(err)
	}
	if err := p.Authorize(ctx, k.ID, k.Secret, "ovh:publicCloudProject:openstack:infrastructureSupervisor", "project/"+project); !errors.Is(err, iam.ErrDenied) {
		t.Errorf("Authorize after Deprovision: %v, want ErrDenied", err)
	}
	if _, err := p.GetUser(ctx, "watcher_1"); !errors.Is(err, iam.ErrNotFound) {
		t.Errorf("user after Deprovision: %v, want ErrNotFound", err)
	}
	if _, err := p.GetPolicy(ctx, "supervisors"); err != nil {
		t.Errorf("the group's policy after Deprovision: %v, want kept", err)
	}
}

// TestLocalKeys: a local user's keys are personal access tokens: expiry,
// iamkit's cap of two, deletion revoking the token, DeleteUser refused
// while one exists, rotation without downtime.
func TestLocalKeys(t *testing.T) {
	srv := ovhfake.New(t, ovhfake.Options{})
	p := newLocal(t, srv)
	ctx := t.Context()
	if _, err := p.CreateUser(ctx, "bot", nil); err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Second)
	for _, tc := range []struct {
		what string
		opts *iam.KeyOptions
		want error
	}{
		{"an expiry in the past", &iam.KeyOptions{ExpiresAt: time.Now().Add(-time.Minute)}, iam.ErrInvalid},
		{"an expiry", &iam.KeyOptions{ExpiresAt: at}, nil},
		{"no expiry", nil, nil},
		{"a third key", nil, iam.ErrLimit},
	} {
		k, err := p.CreateAccessKey(ctx, "bot", tc.opts)
		if tc.want != nil {
			if !errors.Is(err, tc.want) {
				t.Errorf("CreateAccessKey with %s: %v, want %v", tc.what, err, tc.want)
			}
			continue
		}
		if err != nil {
			t.Fatalf("CreateAccessKey with %s: %v", tc.what, err)
		}
		var want time.Time
		if tc.opts != nil {
			want = tc.opts.ExpiresAt
		}
		if !k.ExpiresAt.Equal(want) || !strings.HasPrefix(k.ID, "iamkit-") {
			t.Errorf("CreateAccessKey with %s: ID %q ExpiresAt %v, want iamkit-… and %v", tc.what, k.ID, k.ExpiresAt, want)
		}
		var tok map[string]any
		if err := srv.Client().Get("/me/identity/user/bot/token/"+k.ID, &tok); err != nil || tok["description"] != "iamkit access key" {
			t.Errorf("stored token %v (%v)", tok, err)
		}
	}
	keys, err := iam.Collect(p.ListAccessKeys(ctx, "bot"))
	if err != nil || len(keys) != 2 {
		t.Fatalf("ListAccessKeys: %v %v, want 2", keys, err)
	}
	if err := p.DeleteUser(ctx, "bot"); !errors.Is(err, iam.ErrConflict) {
		t.Errorf("DeleteUser with keys: %v, want ErrConflict", err)
	}
	if err := p.SetAccessKeyStatus(ctx, "bot", keys[0].ID, iam.KeyInactive); !errors.Is(err, iam.ErrUnsupported) {
		t.Errorf("SetAccessKeyStatus: %v, want ErrUnsupported", err)
	}
	if err := p.DeleteAccessKey(ctx, "bot", keys[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := p.DeleteAccessKey(ctx, "bot", keys[0].ID); !errors.Is(err, iam.ErrNotFound) {
		t.Errorf("DeleteAccessKey again: %v, want ErrNotFound", err)
	}

	// Rotation: the remaining key is replaced by a new one, delivered
	// before the old is deleted; the user keeps its identity.
	u, _ := p.GetUser(ctx, "bot")
	old := keys[1].ID
	var delivered *iam.AccessKey
	sink := iam.SinkFunc(func(_ context.Context, d iam.Delivery) error { delivered = d.Key; return nil })
	r, err := iam.Rotate(ctx, p, "bot", iam.RotateOptions{Sink: sink})
	if err != nil {
		t.Fatalf("Rotate: %v", err)
	}
	if delivered == nil || delivered.ID != r.New.ID || delivered.Secret.IsZero() || !slices.Equal(r.Deleted, []string{old}) {
		t.Fatalf("Rotate: %+v (delivered %v), want a new key delivered and %s deleted", r, delivered, old)
	}
	keys, err = iam.Collect(p.ListAccessKeys(ctx, "bot"))
	if err != nil || len(keys) != 1 || keys[0].ID != r.New.ID {
		t.Errorf("keys after Rotate: %v %v, want [%s]", keys, err, r.New.ID)
	}
	if u2, _ := p.GetUser(ctx, "bot"); u2 == nil || u2.ID != u.ID {
		t.Errorf("user after Rotate: %v, want the same identity %s", u2, u.ID)
	}
	if _, err := iam.Rotate(ctx, p, "bot", iam.RotateOptions{Sink: sink, KeepInactive: true}); !errors.Is(err, iam.ErrUnsupported) {
		t.Errorf("Rotate with KeepInactive: %v, want ErrUnsupported", err)
	}
	if _, err := iam.Rotate(ctx, p, "nobody", iam.RotateOptions{Sink: sink}); !errors.Is(err, iam.ErrNotFound) {
		t.Errorf("Rotate of a missing user: %v, want ErrNotFound", err)
	}
}

// TestServiceAccountsUnchanged: without LocalUsers, the capabilities are
// those of service accounts.
func TestServiceAccountsUnchanged(t *testing.T) {
	_, p := newFake(t)
	caps := p.Capabilities()
	if caps.GroupsForServiceAccounts || caps.MaxKeysPerUser != 1 {
		t.Errorf("Capabilities: GroupsForServiceAccounts %v MaxKeysPerUser %d, want false and 1", caps.GroupsForServiceAccounts, caps.MaxKeysPerUser)
	}
	if err := p.AddUserToGroup(t.Context(), "g", "u"); !errors.Is(err, iam.ErrUnsupported) {
		t.Errorf("AddUserToGroup: %v, want ErrUnsupported", err)
	}
}
