package providertest

import (
	"fmt"
	"iter"

	"github.com/iamkit/iamkit/iam"
)

var groupTests = []test{
	{"CreateGetListDelete", testGroupLifecycle},
	{"Duplicate", testGroupDuplicate},
	{"Missing", testGroupMissing},
	{"Membership", testMembership},
	{"DeleteWithMember", testGroupDeleteWithMember},
	{"DeleteWithPolicy", testGroupDeleteWithPolicy},
}

// newGroup creates a group and checks the answer.
func (e *env) newGroup() *iam.Group {
	e.t.Helper()
	n := e.name("g")
	g, err := e.p.CreateGroup(e.ctx, n)
	e.must(err, "CreateGroup(%s)", n)
	if g.Name != n || g.ID == "" || g.CreatedAt.IsZero() {
		e.t.Errorf("CreateGroup(%s) = Name %q, ID %q, CreatedAt %v; want the name, an ID and a creation time", n, g.Name, g.ID, g.CreatedAt)
	}
	return g
}

func testGroupLifecycle(e *env) {
	e.needGroups()
	g := e.newGroup()
	e.eventually(func() error {
		got, err := e.p.GetGroup(e.ctx, g.Name)
		if err != nil {
			return fmt.Errorf("GetGroup after CreateGroup: %w", err)
		}
		if got.Name != g.Name || got.ID != g.ID || got.CreatedAt.IsZero() {
			return fmt.Errorf("GetGroup = %+v, want %+v", got, g)
		}
		return nil
	})
	e.eventually(func() error { return listed("ListGroups", e.p.ListGroups(e.ctx), groupName, true, g.Name) })
	e.must(e.p.DeleteGroup(e.ctx, g.Name), "DeleteGroup")
	e.eventually(gone("GetGroup after DeleteGroup", func() (*iam.Group, error) { return e.p.GetGroup(e.ctx, g.Name) }))
	e.eventually(func() error {
		return listed("ListGroups after DeleteGroup", e.p.ListGroups(e.ctx), groupName, false, g.Name)
	})
}

func testGroupDuplicate(e *env) {
	e.needGroups()
	g := e.newGroup()
	_, err := e.p.CreateGroup(e.ctx, g.Name)
	e.isKind(err, iam.ErrAlreadyExists, "CreateGroup of an existing group")
}

// firstErr returns the first error a listing yields, or nil.
func firstErr[T any](seq iter.Seq2[T, error]) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}

func testGroupMissing(e *env) {
	e.needGroups()
	n := e.name("g")
	_, err := e.p.GetGroup(e.ctx, n)
	e.isKind(err, iam.ErrNotFound, "GetGroup of a missing group")
	e.isKind(e.p.DeleteGroup(e.ctx, n), iam.ErrNotFound, "DeleteGroup of a missing group")
	e.isKind(firstErr(e.p.ListGroupMembers(e.ctx, n)), iam.ErrNotFound, "ListGroupMembers of a missing group")
	if !e.caps.GroupsForServiceAccounts {
		return
	}
	u := e.newUser()
	g := e.newGroup()
	missingUser := e.name("u")
	e.isKind(e.p.AddUserToGroup(e.ctx, n, u.Name), iam.ErrNotFound, "AddUserToGroup to a missing group")
	e.isKind(e.p.AddUserToGroup(e.ctx, g.Name, missingUser), iam.ErrNotFound, "AddUserToGroup of a missing user")
	e.isKind(e.p.RemoveUserFromGroup(e.ctx, n, u.Name), iam.ErrNotFound, "RemoveUserFromGroup of a missing group")
	e.isKind(e.p.RemoveUserFromGroup(e.ctx, g.Name, missingUser), iam.ErrNotFound, "RemoveUserFromGroup of a missing user")
	e.isKind(e.p.RemoveUserFromGroup(e.ctx, g.Name, u.Name), iam.ErrNotFound, "RemoveUserFromGroup of a user who is not a member")
	e.isKind(firstErr(e.p.ListGroupsForUser(e.ctx, missingUser)), iam.ErrNotFound, "ListGroupsForUser of a missing user")
}

func testMembership(e *env) {
	e.needMembership()
	u := e.newUser()
	g := e.newGroup()
	e.must(e.p.AddUserToGroup(e.ctx, g.Name, u.Name), "AddUserToGroup")
	e.must(e.p.AddUserToGroup(e.ctx, g.Name, u.Name), "AddUserToGroup again (must be idempotent)")
	e.eventually(func() error {
		return listed("ListGroupMembers", e.p.ListGroupMembers(e.ctx, g.Name), userName, true, u.Name)
	})
	e.eventually(func() error {
		return listed("ListGroupsForUser", e.p.ListGroupsForUser(e.ctx, u.Name), groupName, true, g.Name)
	})
	e.must(e.p.RemoveUserFromGroup(e.ctx, g.Name, u.Name), "RemoveUserFromGroup")
	e.eventually(func() error {
		return listed("ListGroupMembers after RemoveUserFromGroup", e.p.ListGroupMembers(e.ctx, g.Name), userName, false, u.Name)
	})
	e.eventually(func() error {
		return listed("ListGroupsForUser after RemoveUserFromGroup", e.p.ListGroupsForUser(e.ctx, u.Name), groupName, false, g.Name)
	})
	e.isKind(e.p.RemoveUserFromGroup(e.ctx, g.Name, u.Name), iam.ErrNotFound, "RemoveUserFromGroup a second time")
}

func testGroupDeleteWithMember(e *env) {
	e.needMembership()
	u := e.newUser()
	g := e.newGroup()
	e.must(e.p.AddUserToGroup(e.ctx, g.Name, u.Name), "AddUserToGroup")
	e.conflicted("DeleteGroup of a group with a member",
		func() error { return e.p.DeleteGroup(e.ctx, g.Name) },
		func() { e.must(e.p.RemoveUserFromGroup(e.ctx, g.Name, u.Name), "RemoveUserFromGroup") })
}

func testGroupDeleteWithPolicy(e *env) {
	e.needAttachToGroups()
	g := e.newGroup()
	pol := e.newPolicy()
	e.must(e.p.AttachPolicy(e.ctx, pol.Name, iam.GroupPrincipal(g.Name)), "AttachPolicy")
	e.conflicted("DeleteGroup of a group with an attached policy",
		func() error { return e.p.DeleteGroup(e.ctx, g.Name) },
		func() { e.must(e.p.DetachPolicy(e.ctx, pol.Name, iam.GroupPrincipal(g.Name)), "DetachPolicy") })
}
