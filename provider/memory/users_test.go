package memory_test

import (
	"context"
	"strings"
	"testing"

	"github.com/iamkit/iamkit/iam"
)

func TestUserErrors(t *testing.T) {
	runErrCases(t, []errCase{
		{name: "duplicate", op: "CreateUser", kind: iam.ErrAlreadyExists, resource: "user/alice",
			call: func(ctx context.Context, f *fixture) error { _, err := f.p.CreateUser(ctx, "alice", nil); return err }},
		{name: "bad name", op: "CreateUser", kind: iam.ErrInvalid, resource: `user/"al ice"`, msg: "user name",
			call: func(ctx context.Context, f *fixture) error { _, err := f.p.CreateUser(ctx, "al ice", nil); return err }},
		{name: "name too long", op: "CreateUser", kind: iam.ErrInvalid, msg: "maximum is 64",
			call: func(ctx context.Context, f *fixture) error {
				_, err := f.p.CreateUser(ctx, strings.Repeat("a", 65), nil)
				return err
			}},
		{name: "bad path", op: "CreateUser", kind: iam.ErrInvalid, msg: "path",
			call: func(ctx context.Context, f *fixture) error {
				_, err := f.p.CreateUser(ctx, "carol", &iam.UserOptions{Path: "no/slash"})
				return err
			}},
		{name: "empty tag key", op: "CreateUser", kind: iam.ErrInvalid, msg: "tag key",
			call: func(ctx context.Context, f *fixture) error {
				_, err := f.p.CreateUser(ctx, "carol", &iam.UserOptions{Tags: map[string]string{"": "x"}})
				return err
			}},
		{name: "get missing", op: "GetUser", kind: iam.ErrNotFound, resource: "user/nobody",
			call: func(ctx context.Context, f *fixture) error { _, err := f.p.GetUser(ctx, "nobody"); return err }},
		{name: "delete missing", op: "DeleteUser", kind: iam.ErrNotFound,
			call: func(ctx context.Context, f *fixture) error { return f.p.DeleteUser(ctx, "nobody") }},
		{name: "delete with dependents", op: "DeleteUser", kind: iam.ErrConflict, resource: "user/alice",
			msg:  "1 access key, 1 group membership, 1 attached policy",
			call: func(ctx context.Context, f *fixture) error { return f.p.DeleteUser(ctx, "alice") }},
	})
}

func TestUserLifecycle(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	u, err := f.p.CreateUser(ctx, "carol", &iam.UserOptions{Path: "/team/", Tags: map[string]string{"team": "ops"}})
	must(t, err)
	want := iam.User{Name: "carol", ID: "arn:memory:iam::000000000000:user/team/carol", Path: "/team/",
		Tags: map[string]string{"team": "ops"}, CreatedAt: f.clock.Now()}
	if u.Name != want.Name || u.ID != want.ID || u.Path != want.Path || u.Tags["team"] != "ops" || !u.CreatedAt.Equal(want.CreatedAt) {
		t.Errorf("CreateUser = %+v, want %+v", u, want)
	}
	def, err := f.p.CreateUser(ctx, "dave", nil)
	must(t, err)
	if def.Path != "/iamkit/" {
		t.Errorf("default path = %q, want /iamkit/", def.Path)
	}
	got, err := f.p.GetUser(ctx, "carol")
	must(t, err)
	if got.ID != u.ID || got.Tags["team"] != "ops" {
		t.Errorf("GetUser = %+v", got)
	}
	// alice can go once everything hanging on her is gone.
	must(t, f.p.DeleteAccessKey(ctx, "alice", f.key.ID))
	must(t, f.p.RemoveUserFromGroup(ctx, "ops", "alice"))
	must(t, f.p.DetachPolicy(ctx, "ops", iam.UserPrincipal("alice")))
	must(t, f.p.DeleteUser(ctx, "alice"))
	if _, err := f.p.GetUser(ctx, "alice"); err == nil {
		t.Error("alice still exists")
	}
	names := []string{}
	for u, err := range f.p.ListUsers(ctx) {
		must(t, err)
		names = append(names, u.Name)
	}
	if strings.Join(names, ",") != "bob,carol,dave" {
		t.Errorf("ListUsers = %v", names)
	}
}

func TestUserCopies(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	tags := map[string]string{"team": "ops"}
	u, err := f.p.CreateUser(ctx, "carol", &iam.UserOptions{Tags: tags})
	must(t, err)
	tags["team"] = "changed by caller after create"
	u.Tags["team"] = "changed in the answer"
	got, err := f.p.GetUser(ctx, "carol")
	must(t, err)
	got.Tags["x"] = "y"
	for u, err := range f.p.ListUsers(ctx) {
		must(t, err)
		if u.Tags != nil {
			u.Tags["team"] = "changed in a listing"
		}
	}
	again, err := f.p.GetUser(ctx, "carol")
	must(t, err)
	if len(again.Tags) != 1 || again.Tags["team"] != "ops" {
		t.Errorf("stored tags changed through a returned value: %v", again.Tags)
	}
}
