package memory_test

import (
	"context"
	"strings"
	"testing"

	"github.com/iamkit/iamkit/iam"
)

func TestGroupErrors(t *testing.T) {
	runErrCases(t, []errCase{
		{name: "duplicate", op: "CreateGroup", kind: iam.ErrAlreadyExists, resource: "group/ops",
			call: func(ctx context.Context, f *fixture) error { _, err := f.p.CreateGroup(ctx, "ops"); return err }},
		{name: "bad name", op: "CreateGroup", kind: iam.ErrInvalid, msg: "group name",
			call: func(ctx context.Context, f *fixture) error { _, err := f.p.CreateGroup(ctx, "a/b"); return err }},
		{name: "get missing", op: "GetGroup", kind: iam.ErrNotFound, resource: "group/nope",
			call: func(ctx context.Context, f *fixture) error { _, err := f.p.GetGroup(ctx, "nope"); return err }},
		{name: "delete with members and policy", op: "DeleteGroup", kind: iam.ErrConflict, msg: "1 member, 1 attached policy",
			call: func(ctx context.Context, f *fixture) error { return f.p.DeleteGroup(ctx, "ops") }},
		{name: "delete with policy only", op: "DeleteGroup", kind: iam.ErrConflict, msg: "1 attached policy",
			call: func(ctx context.Context, f *fixture) error {
				must(t, f.p.AttachPolicy(ctx, "free", iam.GroupPrincipal("empty")))
				return f.p.DeleteGroup(ctx, "empty")
			}},
		{name: "delete missing", op: "DeleteGroup", kind: iam.ErrNotFound,
			call: func(ctx context.Context, f *fixture) error { return f.p.DeleteGroup(ctx, "nope") }},
		{name: "add missing user", op: "AddUserToGroup", kind: iam.ErrNotFound, resource: "user/nobody",
			call: func(ctx context.Context, f *fixture) error { return f.p.AddUserToGroup(ctx, "ops", "nobody") }},
		{name: "add to missing group", op: "AddUserToGroup", kind: iam.ErrNotFound, resource: "group/nope",
			call: func(ctx context.Context, f *fixture) error { return f.p.AddUserToGroup(ctx, "nope", "bob") }},
		{name: "add bad user name", op: "AddUserToGroup", kind: iam.ErrInvalid, msg: "user name",
			call: func(ctx context.Context, f *fixture) error { return f.p.AddUserToGroup(ctx, "ops", "") }},
		{name: "remove non-member", op: "RemoveUserFromGroup", kind: iam.ErrNotFound, msg: "not a member",
			call: func(ctx context.Context, f *fixture) error { return f.p.RemoveUserFromGroup(ctx, "ops", "bob") }},
		{name: "members of missing group", op: "ListGroupMembers", kind: iam.ErrNotFound,
			call: func(ctx context.Context, f *fixture) error {
				_, err := iam.Collect(f.p.ListGroupMembers(ctx, "nope"))
				return err
			}},
		{name: "groups of missing user", op: "ListGroupsForUser", kind: iam.ErrNotFound,
			call: func(ctx context.Context, f *fixture) error {
				_, err := iam.Collect(f.p.ListGroupsForUser(ctx, "nobody"))
				return err
			}},
	})
}

func TestMembership(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	must(t, f.p.AddUserToGroup(ctx, "ops", "bob"))
	must(t, f.p.AddUserToGroup(ctx, "ops", "bob")) // idempotent
	must(t, f.p.AddUserToGroup(ctx, "empty", "bob"))
	members, err := iam.Collect(f.p.ListGroupMembers(ctx, "ops"))
	must(t, err)
	if got := userNames(members); got != "alice,bob" {
		t.Errorf("members of ops = %s", got)
	}
	groups, err := iam.Collect(f.p.ListGroupsForUser(ctx, "bob"))
	must(t, err)
	if len(groups) != 2 || groups[0].Name != "empty" || groups[1].Name != "ops" || groups[1].Path != "/iamkit/" {
		t.Errorf("groups of bob = %+v", groups)
	}
	must(t, f.p.RemoveUserFromGroup(ctx, "empty", "bob"))
	must(t, f.p.DeleteGroup(ctx, "empty"))
	all, err := iam.Collect(f.p.ListGroups(ctx))
	must(t, err)
	if len(all) != 1 || all[0].Name != "ops" || all[0].ID != "arn:memory:iam::000000000000:group/iamkit/ops" {
		t.Errorf("ListGroups = %+v", all)
	}
}

func userNames(us []*iam.User) string {
	var n []string
	for _, u := range us {
		n = append(n, u.Name)
	}
	return strings.Join(n, ",")
}
