package ovh_test

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/ovhfake"
	"github.com/iamkit/iamkit/ovh"
	"github.com/iamkit/iamkit/policy"
)

// The routes the role checks touch, as the fake counts them.
const (
	routeGroup   = "/1.0/me/identity/group/{group}"
	routeUser    = "/1.0/me/identity/user/{user}"
	routeNewUser = "/1.0/me/identity/user"
)

// newLocalWith returns a local-users provider over srv with
// Options.AllowPrivilegedGroups set to allow.
func newLocalWith(t *testing.T, srv *ovhfake.Server, allow bool) *ovh.Provider {
	t.Helper()
	p, err := ovh.New(t.Context(), ovh.Options{Client: srv.Client(), PageSize: 2, LocalUsers: true, AllowPrivilegedGroups: allow})
	if err != nil {
		t.Fatalf("ovh.New: %v", err)
	}
	return p
}

// storedGroup returns local user login's group as the API reads it.
func storedGroup(t *testing.T, srv *ovhfake.Server, login string) string {
	t.Helper()
	var raw struct {
		Group string `json:"group"`
	}
	if err := srv.Client().Get("/me/identity/user/"+login, &raw); err != nil {
		t.Fatalf("GET /me/identity/user/%s: %v", login, err)
	}
	return raw.Group
}

// checkRefusal checks a refusal of a privileged group: ErrInvalid, naming
// the group, its role and the option, showing none of secrets.
func checkRefusal(t *testing.T, what string, err error, group, role string, secrets ...string) {
	t.Helper()
	if !errors.Is(err, iam.ErrInvalid) || iam.KindOf(err) != iam.ErrInvalid {
		t.Fatalf("%s: %v, want ErrInvalid", what, err)
	}
	msg := err.Error()
	for _, want := range []string{"group " + group, "role " + role, "AllowPrivilegedGroups"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%s: the error %q does not say %q", what, msg, want)
		}
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(msg, s) {
			t.Errorf("%s: the error shows a secret", what)
		}
	}
}

// TestAddUserToPrivilegedGroup: a local user joins a group only when the
// group's account-wide role is NONE, unless AllowPrivilegedGroups; the
// refusal changes nothing and costs no request beyond the group's read,
// which AddUserToGroup made already.
func TestAddUserToPrivilegedGroup(t *testing.T) {
	for _, tc := range []struct {
		name  string
		group string // made outside iamkit with role, unless one of OVHcloud's own
		role  string
		allow bool
		want  error
	}{
		{"ADMIN", "admins", "ADMIN", false, iam.ErrInvalid},
		{"REGULAR", "regulars", "REGULAR", false, iam.ErrInvalid},
		{"UNPRIVILEGED", "unprivileged", "UNPRIVILEGED", false, iam.ErrInvalid},
		{"OVHcloud's ADMIN group", "ADMIN", "ADMIN", false, iam.ErrInvalid},
		{"NONE", "readers", "NONE", false, nil},
		{"ADMIN allowed", "admins", "ADMIN", true, nil},
		{"REGULAR allowed", "regulars", "REGULAR", true, nil},
		{"UNPRIVILEGED allowed", "unprivileged", "UNPRIVILEGED", true, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := ovhfake.New(t, ovhfake.Options{})
			p := newLocalWith(t, srv, tc.allow)
			ctx := t.Context()
			if tc.group != tc.role {
				if err := srv.Client().Post("/me/identity/group", map[string]any{"name": tc.group, "role": tc.role}, nil); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := p.CreateUser(ctx, "bot", nil); err != nil {
				t.Fatal(err)
			}
			k, err := p.CreateAccessKey(ctx, "bot", nil)
			if err != nil {
				t.Fatal(err)
			}
			before, puts := p.Requests(), srv.Calls("PUT", routeUser)

			err = p.AddUserToGroup(ctx, tc.group, "bot")

			sent := p.Requests() - before
			if tc.want != nil {
				opts := srv.Options()
				checkRefusal(t, "AddUserToGroup", err, tc.group, tc.role, k.Secret.Reveal(), opts.AppSecret, opts.ConsumerKey)
				if got := storedGroup(t, srv, "bot"); got != "DEFAULT" {
					t.Errorf("the user's group after the refusal: %q, want DEFAULT (unchanged)", got)
				}
				if n := srv.Calls("PUT", routeUser) - puts; n != 0 {
					t.Errorf("the refusal changed the user (%d PUT)", n)
				}
				if sent != 1 {
					t.Errorf("the refusal sent %d requests, want 1 (the group's read)", sent)
				}
				return
			}
			if err != nil {
				t.Fatalf("AddUserToGroup: %v", err)
			}
			if got := storedGroup(t, srv, "bot"); got != tc.group {
				t.Errorf("the user's group: %q, want %q", got, tc.group)
			}
			// The group's read, the user's, its current group's, the PUT:
			// the role check reuses the group's read.
			if sent != 4 {
				t.Errorf("AddUserToGroup sent %d requests, want 4", sent)
			}
			groups, err := iam.Collect(p.ListGroupsForUser(ctx, "bot"))
			if tc.group != tc.role && (err != nil || len(groups) != 1 || groups[0].Name != tc.group) {
				t.Errorf("ListGroupsForUser: %v %v, want [%s]", groups, err, tc.group)
			}
		})
	}
}

// TestDefaultGroupRole: CreateUser and RemoveUserFromGroup put the user in
// the DEFAULT group; while that group's role is not NONE they are
// refused before any change, unless AllowPrivilegedGroups. The role is
// read once per provider.
func TestDefaultGroupRole(t *testing.T) {
	t.Run("CreateUser", func(t *testing.T) {
		srv := ovhfake.New(t, ovhfake.Options{})
		srv.SetGroupRole("DEFAULT", "REGULAR")
		ctx := t.Context()
		p := newLocalWith(t, srv, false)
		_, err := p.CreateUser(ctx, "bot", nil)
		opts := srv.Options()
		checkRefusal(t, "CreateUser", err, "DEFAULT", "REGULAR", opts.AppSecret, opts.ConsumerKey)
		var logins []string
		if err := srv.Client().Get("/me/identity/user", &logins); err != nil || len(logins) != 0 {
			t.Errorf("local users after the refusal: %v %v, want none", logins, err)
		}
		if n := srv.Calls("POST", routeNewUser); n != 0 {
			t.Errorf("%d POST /me/identity/user, want none", n)
		}
		// The refusal is remembered with the role: no second read.
		if _, err := p.CreateUser(ctx, "bot", nil); !errors.Is(err, iam.ErrInvalid) {
			t.Errorf("CreateUser again: %v, want ErrInvalid", err)
		}
		if n := srv.Calls("GET", routeGroup); n != 1 {
			t.Errorf("DEFAULT read %d times, want once", n)
		}

		allowed := newLocalWith(t, srv, true)
		if _, err := allowed.CreateUser(ctx, "bot", nil); err != nil {
			t.Fatalf("CreateUser with AllowPrivilegedGroups: %v", err)
		}
		if got := storedGroup(t, srv, "bot"); got != "DEFAULT" {
			t.Errorf("the new user's group: %q, want DEFAULT", got)
		}
		if n := srv.Calls("GET", routeGroup); n != 1 {
			t.Errorf("DEFAULT read %d times in all, want once (AllowPrivilegedGroups reads nothing)", n)
		}
	})

	t.Run("RemoveUserFromGroup", func(t *testing.T) {
		srv := ovhfake.New(t, ovhfake.Options{})
		ctx := t.Context()
		setup := newLocalWith(t, srv, false)
		if _, err := setup.CreateUser(ctx, "bot", nil); err != nil {
			t.Fatal(err)
		}
		if _, err := setup.CreateGroup(ctx, "ops"); err != nil {
			t.Fatal(err)
		}
		if err := setup.AddUserToGroup(ctx, "ops", "bot"); err != nil {
			t.Fatal(err)
		}
		k, err := setup.CreateAccessKey(ctx, "bot", nil)
		if err != nil {
			t.Fatal(err)
		}
		srv.SetGroupRole("DEFAULT", "REGULAR")

		// A provider reads DEFAULT's role once: a new one sees REGULAR.
		p := newLocalWith(t, srv, false)
		puts := srv.Calls("PUT", routeUser)
		err = p.RemoveUserFromGroup(ctx, "ops", "bot")
		opts := srv.Options()
		checkRefusal(t, "RemoveUserFromGroup", err, "DEFAULT", "REGULAR", k.Secret.Reveal(), opts.AppSecret, opts.ConsumerKey)
		if got := storedGroup(t, srv, "bot"); got != "ops" {
			t.Errorf("the user's group after the refusal: %q, want ops (unchanged)", got)
		}
		if n := srv.Calls("PUT", routeUser) - puts; n != 0 {
			t.Errorf("the refusal changed the user (%d PUT)", n)
		}
		members, err := iam.Collect(p.ListGroupMembers(ctx, "ops"))
		if err != nil || len(members) != 1 || members[0].Name != "bot" {
			t.Errorf("members of ops: %v %v, want [bot]", members, err)
		}

		if err := newLocalWith(t, srv, true).RemoveUserFromGroup(ctx, "ops", "bot"); err != nil {
			t.Fatalf("RemoveUserFromGroup with AllowPrivilegedGroups: %v", err)
		}
		if got := storedGroup(t, srv, "bot"); got != "DEFAULT" {
			t.Errorf("the user's group: %q, want DEFAULT", got)
		}
	})

	t.Run("read once, concurrently", func(t *testing.T) {
		srv := ovhfake.New(t, ovhfake.Options{})
		p := newLocal(t, srv)
		ctx := t.Context()
		var wg sync.WaitGroup
		errs := make([]error, 6)
		for i := range errs {
			wg.Go(func() {
				_, errs[i] = p.CreateUser(ctx, "bot"+string(rune('a'+i)), nil)
			})
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		if _, err := p.CreateGroup(ctx, "ops"); err != nil {
			t.Fatal(err)
		}
		if err := p.AddUserToGroup(ctx, "ops", "bota"); err != nil {
			t.Fatal(err)
		}
		reads := srv.Calls("GET", routeGroup)
		if err := p.RemoveUserFromGroup(ctx, "ops", "bota"); err != nil {
			t.Fatal(err)
		}
		// RemoveUserFromGroup reads ops (and the user), not DEFAULT again.
		if n := srv.Calls("GET", routeGroup) - reads; n != 1 {
			t.Errorf("RemoveUserFromGroup read groups %d times, want 1 (DEFAULT's role is remembered)", n)
		}
	})

	t.Run("a failed read is not remembered", func(t *testing.T) {
		srv := ovhfake.New(t, ovhfake.Options{})
		p := newLocal(t, srv)
		ctx := t.Context()
		srv.FailNext("GET", routeGroup, 503, "Server::ServiceUnavailable", "try later")
		if _, err := p.CreateUser(ctx, "bot", nil); !errors.Is(err, iam.ErrThrottled) {
			t.Fatalf("CreateUser while DEFAULT cannot be read: %v, want ErrThrottled", err)
		}
		if n := srv.Calls("POST", routeNewUser); n != 0 {
			t.Errorf("%d POST /me/identity/user, want none", n)
		}
		if _, err := p.CreateUser(ctx, "bot", nil); err != nil {
			t.Fatalf("CreateUser once DEFAULT can be read: %v", err)
		}
		if n := srv.Calls("GET", routeGroup); n != 2 {
			t.Errorf("DEFAULT read %d times, want 2 (the failure, then once)", n)
		}
	})
}

// TestProvisionIntoPrivilegedGroup: iam.Provision into a group of role
// ADMIN fails and undoes the policy and the user it created; no key is
// handed out. A group made outside iamkit is refused before any change
// (ErrAlreadyExists: iam.Provision takes over nothing); one iamkit made
// whose role someone raised since, once the user exists (ErrInvalid).
func TestProvisionIntoPrivilegedGroup(t *testing.T) {
	for _, tc := range []struct {
		name   string
		iamkit bool // the group is iamkit's
		want   error
	}{
		{"made outside iamkit", false, iam.ErrAlreadyExists},
		{"iamkit's, raised to ADMIN since", true, iam.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) { provisionIntoAdmins(t, tc.iamkit, tc.want) })
	}
}

func provisionIntoAdmins(t *testing.T, iamkit bool, want error) {
	srv := ovhfake.New(t, ovhfake.Options{})
	p := newLocal(t, srv)
	ctx := t.Context()
	if iamkit {
		if _, err := p.CreateGroup(ctx, "admins"); err != nil {
			t.Fatal(err)
		}
		srv.SetGroupRole("admins", "ADMIN")
	} else if err := srv.Client().Post("/me/identity/group", map[string]any{"name": "admins", "role": "ADMIN"}, nil); err != nil {
		t.Fatal(err)
	}
	acct, err := iam.Provision(ctx, p, iam.ServiceAccount{User: "bot", Group: "admins", Policy: policy.ReadOnly(policy.Compute),
		Translate: policy.TranslateOptions{AllowWidening: true}})
	if !errors.Is(err, want) {
		t.Fatalf("Provision: %v, want %v", err, want)
	}
	if acct != nil && acct.Key != nil {
		t.Errorf("Provision handed out a key: %v", acct.Key)
	}
	if n := srv.Calls("POST", "/1.0/me/identity/user/{user}/token"); n != 0 {
		t.Errorf("%d tokens created, want none", n)
	}
	var logins []string
	if err := srv.Client().Get("/me/identity/user", &logins); err != nil || len(logins) != 0 {
		t.Errorf("local users after the failed Provision: %v %v, want none (undone)", logins, err)
	}
	var pols []map[string]any
	if err := srv.Client().Get("/v2/iam/policy", &pols); err != nil || len(pols) != 0 {
		t.Errorf("policies after the failed Provision: %d %v, want none (undone)", len(pols), err)
	}
}
