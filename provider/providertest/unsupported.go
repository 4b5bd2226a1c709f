package providertest

import (
	"github.com/iamkit/iamkit/iam"
)

var unsupportedTests = []test{
	{"Groups", testNoGroups},
	{"Membership", testNoMembership},
	{"ManagedPolicies", testNoPolicies},
	{"AttachToUsers", testNoAttachToUsers},
	{"KeyStatus", testNoKeyStatus},
}

// These check the other side of Capabilities: where the provider says it
// lacks a feature, the call returns ErrUnsupported. (Key expiry is checked
// by AccessKeys/Expiry.)

func testNoGroups(e *env) {
	if e.caps.Groups {
		e.t.Skip("the provider has groups")
	}
	_, err := e.p.CreateGroup(e.ctx, e.name("g"))
	e.isKind(err, iam.ErrUnsupported, "CreateGroup where Capabilities.Groups is false")
}

func testNoMembership(e *env) {
	if !e.caps.Groups || e.caps.GroupsForServiceAccounts {
		e.t.Skip("the provider has groups that users join, or no groups at all")
	}
	g, u := e.newGroup(), e.newUser()
	e.isKind(e.p.AddUserToGroup(e.ctx, g.Name, u.Name), iam.ErrUnsupported, "AddUserToGroup where Capabilities.GroupsForServiceAccounts is false")
}

func testNoPolicies(e *env) {
	if e.caps.ManagedPolicies {
		e.t.Skip("the provider has managed policies")
	}
	_, err := e.p.CreatePolicy(e.ctx, iam.PolicyInput{Name: e.name("p"), Document: readDoc, Translate: e.h.Translate})
	e.isKind(err, iam.ErrUnsupported, "CreatePolicy where Capabilities.ManagedPolicies is false")
}

func testNoAttachToUsers(e *env) {
	if !e.caps.ManagedPolicies || e.caps.AttachToUsers {
		e.t.Skip("policies attach to users directly, or there are no managed policies")
	}
	pol, u := e.newPolicy(), e.newUser()
	e.isKind(e.p.AttachPolicy(e.ctx, pol.Name, iam.UserPrincipal(u.Name)), iam.ErrUnsupported, "AttachPolicy to a user where Capabilities.AttachToUsers is false")
}

func testNoKeyStatus(e *env) {
	if e.caps.KeyStatus {
		e.t.Skip("keys can be deactivated")
	}
	u := e.newUser()
	k := e.newKey(u.Name, nil)
	e.isKind(e.p.SetAccessKeyStatus(e.ctx, u.Name, k.ID, iam.KeyInactive), iam.ErrUnsupported, "SetAccessKeyStatus where Capabilities.KeyStatus is false")
}
