package providertest

import (
	"bytes"
	"fmt"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
)

var policyTests = []test{
	{"CreateGetListDelete", testPolicyLifecycle},
	{"Duplicate", testPolicyDuplicate},
	{"Missing", testPolicyMissing},
	{"Update", testPolicyUpdate},
	{"UpdateBeyondVersions", testPolicyPruning},
	{"AttachToUser", func(e *env) { e.needAttachToUsers(); testAttach(e, iam.UserPrincipal(e.newUser().Name)) }},
	{"AttachToGroup", func(e *env) { e.needAttachToGroups(); testAttach(e, iam.GroupPrincipal(e.newGroup().Name)) }},
	{"DeleteAttached", testPolicyDeleteAttached},
}

// newPolicy creates a policy holding readDoc and checks the answer.
func (e *env) newPolicy() *iam.Policy {
	e.t.Helper()
	n := e.name("p")
	pol, err := e.p.CreatePolicy(e.ctx, iam.PolicyInput{Name: n, Description: "iamkit conformance test", Document: readDoc, Translate: e.h.Translate})
	e.must(err, "CreatePolicy(%s)", n)
	if pol.Name != n || pol.ID == "" || pol.CreatedAt.IsZero() {
		e.t.Errorf("CreatePolicy(%s) = Name %q, ID %q, CreatedAt %v; want the name, an ID and a creation time", n, pol.Name, pol.ID, pol.CreatedAt)
	}
	if err := sameDoc(e.raw, pol, readDoc); err != nil {
		e.t.Errorf("CreatePolicy: %v", err)
	}
	return pol
}

func testPolicyLifecycle(e *env) {
	e.needPolicies()
	pol := e.newPolicy()
	e.eventually(func() error {
		got, err := e.p.GetPolicy(e.ctx, pol.Name)
		if err != nil {
			return fmt.Errorf("GetPolicy after CreatePolicy: %w", err)
		}
		if got.Name != pol.Name || got.ID != pol.ID || got.CreatedAt.IsZero() {
			return fmt.Errorf("GetPolicy = %q %q %v, want %q %q and a creation time", got.Name, got.ID, got.CreatedAt, pol.Name, pol.ID)
		}
		return sameDoc(e.raw, got, readDoc)
	})
	e.eventually(func() error {
		return listed("ListPolicies", e.p.ListPolicies(e.ctx), policyName, true, pol.Name)
	})
	e.must(e.p.DeletePolicy(e.ctx, pol.Name), "DeletePolicy")
	e.eventually(gone("GetPolicy after DeletePolicy", func() (*iam.Policy, error) { return e.p.GetPolicy(e.ctx, pol.Name) }))
	e.eventually(func() error {
		return listed("ListPolicies after DeletePolicy", e.p.ListPolicies(e.ctx), policyName, false, pol.Name)
	})
}

func testPolicyDuplicate(e *env) {
	e.needPolicies()
	pol := e.newPolicy()
	_, err := e.p.CreatePolicy(e.ctx, iam.PolicyInput{Name: pol.Name, Document: writeDoc, Translate: e.h.Translate})
	e.isKind(err, iam.ErrAlreadyExists, "CreatePolicy of an existing policy")
}

func testPolicyMissing(e *env) {
	e.needPolicies()
	n := e.name("p")
	_, err := e.p.GetPolicy(e.ctx, n)
	e.isKind(err, iam.ErrNotFound, "GetPolicy of a missing policy")
	_, err = e.p.UpdatePolicy(e.ctx, n, writeDoc, e.h.Translate)
	e.isKind(err, iam.ErrNotFound, "UpdatePolicy of a missing policy")
	e.isKind(e.p.DeletePolicy(e.ctx, n), iam.ErrNotFound, "DeletePolicy of a missing policy")

	pol := e.newPolicy()
	var principals []iam.Principal
	if e.caps.AttachToUsers {
		u := e.newUser()
		e.isKind(e.p.AttachPolicy(e.ctx, n, iam.UserPrincipal(u.Name)), iam.ErrNotFound, "AttachPolicy of a missing policy")
		e.isKind(e.p.DetachPolicy(e.ctx, n, iam.UserPrincipal(u.Name)), iam.ErrNotFound, "DetachPolicy of a missing policy")
		e.isKind(e.p.DetachPolicy(e.ctx, pol.Name, iam.UserPrincipal(u.Name)), iam.ErrNotFound, "DetachPolicy of a policy not attached to the user")
		principals = append(principals, iam.UserPrincipal(e.name("u")))
	}
	if e.caps.Groups {
		g := e.newGroup()
		e.isKind(e.p.DetachPolicy(e.ctx, pol.Name, iam.GroupPrincipal(g.Name)), iam.ErrNotFound, "DetachPolicy of a policy not attached to the group")
		principals = append(principals, iam.GroupPrincipal(e.name("g")))
	}
	for _, pr := range principals {
		e.isKind(e.p.AttachPolicy(e.ctx, pol.Name, pr), iam.ErrNotFound, "AttachPolicy to missing %s", pr)
		e.isKind(e.p.DetachPolicy(e.ctx, pol.Name, pr), iam.ErrNotFound, "DetachPolicy from missing %s", pr)
		e.isKind(firstErr(e.p.ListAttachedPolicies(e.ctx, pr)), iam.ErrNotFound, "ListAttachedPolicies of missing %s", pr)
	}
}

func testPolicyUpdate(e *env) {
	e.needPolicies()
	pol := e.newPolicy()
	up, err := e.p.UpdatePolicy(e.ctx, pol.Name, writeDoc, e.h.Translate)
	e.must(err, "UpdatePolicy")
	if e.caps.PolicyVersions > 0 && (up.Version == "" || up.Version == pol.Version) {
		e.t.Errorf("UpdatePolicy: Version %q after %q, want a new version (Capabilities.PolicyVersions is %d)", up.Version, pol.Version, e.caps.PolicyVersions)
	}
	if up.Name != pol.Name || up.ID != pol.ID {
		e.t.Errorf("UpdatePolicy = %q %q, want the same policy %q %q", up.Name, up.ID, pol.Name, pol.ID)
	}
	if err := sameDoc(e.raw, up, writeDoc); err != nil {
		e.t.Errorf("UpdatePolicy: %v", err)
	}
	e.eventually(func() error {
		got, err := e.p.GetPolicy(e.ctx, pol.Name)
		if err != nil {
			return fmt.Errorf("GetPolicy after UpdatePolicy: %w", err)
		}
		if e.caps.PolicyVersions > 0 && got.Version != up.Version {
			return fmt.Errorf("GetPolicy after UpdatePolicy reads version %q, want %q", got.Version, up.Version)
		}
		if len(got.Document.Statements) == 0 && bytes.Equal(got.Native, pol.Native) {
			return fmt.Errorf("GetPolicy after UpdatePolicy reads the old native document")
		}
		return sameDoc(e.raw, got, writeDoc)
	})
}

func testPolicyPruning(e *env) {
	e.needPolicies()
	if e.caps.PolicyVersions == 0 {
		e.t.Skip("Capabilities.PolicyVersions is 0: policies are not versioned")
	}
	pol := e.newPolicy()
	docs := []policy.Document{writeDoc, readDoc}
	seen := map[string]bool{pol.Version: true}
	last := readDoc
	for i := range e.caps.PolicyVersions + 2 {
		last = docs[i%2]
		up, err := e.p.UpdatePolicy(e.ctx, pol.Name, last, e.h.Translate)
		e.must(err, "UpdatePolicy #%d of a policy that keeps %d versions", i+1, e.caps.PolicyVersions)
		if seen[up.Version] {
			e.t.Errorf("UpdatePolicy #%d: version %q was already used", i+1, up.Version)
		}
		seen[up.Version] = true
	}
	e.eventually(func() error {
		got, err := e.p.GetPolicy(e.ctx, pol.Name)
		if err != nil {
			return err
		}
		return sameDoc(e.raw, got, last)
	})
}

func testAttach(e *env, pr iam.Principal) {
	pol := e.newPolicy()
	e.must(e.p.AttachPolicy(e.ctx, pol.Name, pr), "AttachPolicy to %s", pr)
	e.must(e.p.AttachPolicy(e.ctx, pol.Name, pr), "AttachPolicy to %s again (must be idempotent)", pr)
	e.eventually(func() error {
		return listed("ListAttachedPolicies("+pr.String()+")", e.p.ListAttachedPolicies(e.ctx, pr), policyName, true, pol.Name)
	})
	e.must(e.p.DetachPolicy(e.ctx, pol.Name, pr), "DetachPolicy from %s", pr)
	e.eventually(func() error {
		return listed("ListAttachedPolicies("+pr.String()+") after DetachPolicy", e.p.ListAttachedPolicies(e.ctx, pr), policyName, false, pol.Name)
	})
	e.isKind(e.p.DetachPolicy(e.ctx, pol.Name, pr), iam.ErrNotFound, "DetachPolicy from %s a second time", pr)
}

func testPolicyDeleteAttached(e *env) {
	e.needPolicies()
	var pr iam.Principal
	switch {
	case e.caps.AttachToUsers:
		pr = iam.UserPrincipal(e.newUser().Name)
	case e.caps.Groups:
		pr = iam.GroupPrincipal(e.newGroup().Name)
	default:
		e.t.Skip("policies attach neither to users nor to groups")
	}
	pol := e.newPolicy()
	e.must(e.p.AttachPolicy(e.ctx, pol.Name, pr), "AttachPolicy")
	e.conflicted("DeletePolicy of a policy attached to "+pr.String(),
		func() error { return e.p.DeletePolicy(e.ctx, pol.Name) },
		func() { e.must(e.p.DetachPolicy(e.ctx, pol.Name, pr), "DetachPolicy") })
}
