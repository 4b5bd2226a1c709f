package providertest

import (
	"errors"
	"fmt"

	"github.com/iamkit/iamkit/iam"
)

var userTests = []test{
	{"CreateGetListDelete", testUserLifecycle},
	{"Duplicate", testUserDuplicate},
	{"Missing", testUserMissing},
	{"DeleteWithKey", testUserDeleteWithKey},
	{"DeleteWithGroup", testUserDeleteWithGroup},
	{"DeleteWithPolicy", testUserDeleteWithPolicy},
}

// newUser creates a user and checks the answer.
func (e *env) newUser() *iam.User {
	e.t.Helper()
	n := e.name("u")
	u, err := e.p.CreateUser(e.ctx, n, nil)
	e.must(err, "CreateUser(%s)", n)
	if u.Name != n || u.ID == "" || u.CreatedAt.IsZero() {
		e.t.Errorf("CreateUser(%s) = Name %q, ID %q, CreatedAt %v; want the name, an ID and a creation time", n, u.Name, u.ID, u.CreatedAt)
	}
	return u
}

// gone checks that get answers ErrNotFound.
func gone[T any](what string, get func() (T, error)) func() error {
	return func() error {
		_, err := get()
		if !errors.Is(err, iam.ErrNotFound) {
			return fmt.Errorf("%s: got %v, want ErrNotFound", what, err)
		}
		return nil
	}
}

// isKind checks that err is of kind, naming what for the failure.
func (e *env) isKind(err, kind error, what string, args ...any) bool {
	e.t.Helper()
	if err == nil || !errors.Is(err, kind) || len(Kinds(err)) != 1 {
		e.t.Errorf("%s: got %v (kinds %v), want %v", fmt.Sprintf(what, args...), err, Kinds(err), kind)
		return false
	}
	return true
}

func testUserLifecycle(e *env) {
	u := e.newUser()
	e.eventually(func() error {
		got, err := e.p.GetUser(e.ctx, u.Name)
		if err != nil {
			return fmt.Errorf("GetUser after CreateUser: %w", err)
		}
		if got.Name != u.Name || got.ID != u.ID || got.CreatedAt.IsZero() {
			return fmt.Errorf("GetUser = %+v, want %+v", got, u)
		}
		return nil
	})
	e.eventually(func() error { return listed("ListUsers", e.p.ListUsers(e.ctx), userName, true, u.Name) })
	e.must(e.p.DeleteUser(e.ctx, u.Name), "DeleteUser")
	e.eventually(gone("GetUser after DeleteUser", func() (*iam.User, error) { return e.p.GetUser(e.ctx, u.Name) }))
	e.eventually(func() error {
		return listed("ListUsers after DeleteUser", e.p.ListUsers(e.ctx), userName, false, u.Name)
	})
}

func testUserDuplicate(e *env) {
	u := e.newUser()
	_, err := e.p.CreateUser(e.ctx, u.Name, nil)
	e.isKind(err, iam.ErrAlreadyExists, "CreateUser of an existing user")
	e.eventually(func() error {
		got, err := e.p.GetUser(e.ctx, u.Name)
		if err != nil || got.ID != u.ID {
			return fmt.Errorf("after a duplicate CreateUser, GetUser = %v, %v; want the original user %s", got, err, u.ID)
		}
		return nil
	})
}

func testUserMissing(e *env) {
	n := e.name("u")
	_, err := e.p.GetUser(e.ctx, n)
	e.isKind(err, iam.ErrNotFound, "GetUser of a missing user")
	e.isKind(e.p.DeleteUser(e.ctx, n), iam.ErrNotFound, "DeleteUser of a missing user")
}

// conflicted checks that deleting a user with a dependent is ErrConflict,
// that the user survives, and that it can be deleted once free.
func (e *env) conflicted(what string, del func() error, free func()) {
	e.t.Helper()
	e.isKind(del(), iam.ErrConflict, "%s", what)
	free()
	e.eventually(func() error {
		if err := del(); err != nil {
			return fmt.Errorf("delete after removing the dependent: %w", err)
		}
		return nil
	})
}

func testUserDeleteWithKey(e *env) {
	u := e.newUser()
	k, err := e.p.CreateAccessKey(e.ctx, u.Name, nil)
	e.must(err, "CreateAccessKey")
	e.conflicted("DeleteUser of a user with an access key",
		func() error { return e.p.DeleteUser(e.ctx, u.Name) },
		func() { e.must(e.p.DeleteAccessKey(e.ctx, u.Name, k.ID), "DeleteAccessKey") })
}

func testUserDeleteWithGroup(e *env) {
	e.needMembership()
	u := e.newUser()
	g := e.newGroup()
	e.must(e.p.AddUserToGroup(e.ctx, g.Name, u.Name), "AddUserToGroup")
	e.conflicted("DeleteUser of a group member",
		func() error { return e.p.DeleteUser(e.ctx, u.Name) },
		func() { e.must(e.p.RemoveUserFromGroup(e.ctx, g.Name, u.Name), "RemoveUserFromGroup") })
}

func testUserDeleteWithPolicy(e *env) {
	e.needAttachToUsers()
	u := e.newUser()
	pol := e.newPolicy()
	e.must(e.p.AttachPolicy(e.ctx, pol.Name, iam.UserPrincipal(u.Name)), "AttachPolicy")
	e.conflicted("DeleteUser of a user with an attached policy",
		func() error { return e.p.DeleteUser(e.ctx, u.Name) },
		func() { e.must(e.p.DetachPolicy(e.ctx, pol.Name, iam.UserPrincipal(u.Name)), "DetachPolicy") })
}

// The skips, with their reasons.

func (e *env) needGroups() {
	e.t.Helper()
	if !e.caps.Groups {
		e.t.Skip("Capabilities.Groups is false: the provider has no groups")
	}
}

func (e *env) needMembership() {
	e.t.Helper()
	e.needGroups()
	if !e.caps.GroupsForServiceAccounts {
		e.t.Skip("Capabilities.GroupsForServiceAccounts is false: users cannot join groups")
	}
}

func (e *env) needPolicies() {
	e.t.Helper()
	if !e.caps.ManagedPolicies {
		e.t.Skip("Capabilities.ManagedPolicies is false: the provider has no managed policies")
	}
}

func (e *env) needAttachToUsers() {
	e.t.Helper()
	e.needPolicies()
	if !e.caps.AttachToUsers {
		e.t.Skip("Capabilities.AttachToUsers is false: policies attach to groups only")
	}
}

func (e *env) needAttachToGroups() {
	e.t.Helper()
	e.needPolicies()
	e.needGroups()
}
