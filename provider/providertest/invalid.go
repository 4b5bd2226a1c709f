package providertest

import (
	"strconv"
	"strings"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
)

var invalidTests = []test{
	{"UserNames", testBadUserNames},
	{"GroupNames", testBadGroupNames},
	{"PolicyNames", testBadPolicyNames},
	{"KeyIDs", testBadKeyIDs},
	{"Principals", testBadPrincipals},
	{"PolicyDocuments", testBadDocuments},
}

// placeholderKeyID stands for a key ID where the call must fail on another
// argument first.
const placeholderKeyID = "AKIAIOSFODNN7EXAMPLE"

// badNames returns names no provider accepts: empty, 300 characters long
// (or longer, with a long prefix), and with a space, a slash, a NUL or a
// newline in them.
func (e *env) badNames() []string {
	p := e.prefix
	return []string{
		"",
		p + strings.Repeat("a", max(0, 300-len(p))),
		p + "with space",
		p + "with/slash",
		p + "with\x00nul",
		p + "with\nnewline",
	}
}

// refused checks that call fails with ErrInvalid and sends no request.
func (e *env) refused(what string, call func() error) {
	e.t.Helper()
	before := e.calls()
	err := call()
	e.isKind(err, iam.ErrInvalid, "%s", what)
	if before < 0 {
		return
	}
	if after := e.calls(); after != before {
		e.t.Errorf("%s sent %d request(s), want none: invalid input must be refused before any call", what, after-before)
	}
}

// namedCall is one call, made with a bad name.
type namedCall struct {
	op   string
	call func(bad string) error
	skip bool
}

// refuseAll runs each call with each bad name.
func (e *env) refuseAll(calls []namedCall) {
	e.t.Helper()
	for _, c := range calls {
		if c.skip {
			continue
		}
		for _, bad := range e.badNames() {
			e.refused(c.op+"("+quoteName(bad)+")", func() error { return c.call(bad) })
		}
	}
}

// quoteName shortens and quotes a name for messages.
func quoteName(s string) string {
	if len(s) > 40 {
		return strings.ReplaceAll(strings.ReplaceAll(s[:20], "\n", `\n`), "\x00", `\x00`) + "…(" + strconv.Itoa(len(s)) + " chars)"
	}
	return strings.NewReplacer("\n", `\n`, "\x00", `\x00`).Replace(`"` + s + `"`)
}

func testBadUserNames(e *env) {
	ctx, p := e.ctx, e.p
	g, pol := e.name("g"), e.name("p")
	noPolicies := !e.caps.ManagedPolicies || !e.caps.AttachToUsers
	e.refuseAll([]namedCall{
		{"CreateUser", func(b string) error { _, err := p.CreateUser(ctx, b, nil); return err }, false},
		{"GetUser", func(b string) error { _, err := p.GetUser(ctx, b); return err }, false},
		{"DeleteUser", func(b string) error { return p.DeleteUser(ctx, b) }, false},
		{"CreateAccessKey", func(b string) error { _, err := p.CreateAccessKey(ctx, b, nil); return err }, false},
		{"ListAccessKeys", func(b string) error { return firstErr(p.ListAccessKeys(ctx, b)) }, false},
		{"SetAccessKeyStatus", func(b string) error { return p.SetAccessKeyStatus(ctx, b, placeholderKeyID, iam.KeyInactive) }, !e.caps.KeyStatus},
		{"DeleteAccessKey", func(b string) error { return p.DeleteAccessKey(ctx, b, placeholderKeyID) }, false},
		{"ListGroupsForUser", func(b string) error { return firstErr(p.ListGroupsForUser(ctx, b)) }, !e.caps.Groups},
		{"AddUserToGroup", func(b string) error { return p.AddUserToGroup(ctx, g, b) }, !e.caps.Groups || !e.caps.GroupsForServiceAccounts},
		{"RemoveUserFromGroup", func(b string) error { return p.RemoveUserFromGroup(ctx, g, b) }, !e.caps.Groups || !e.caps.GroupsForServiceAccounts},
		{"AttachPolicy", func(b string) error { return p.AttachPolicy(ctx, pol, iam.UserPrincipal(b)) }, noPolicies},
		{"DetachPolicy", func(b string) error { return p.DetachPolicy(ctx, pol, iam.UserPrincipal(b)) }, noPolicies},
		{"ListAttachedPolicies", func(b string) error { return firstErr(p.ListAttachedPolicies(ctx, iam.UserPrincipal(b))) }, noPolicies},
	})
}

func testBadGroupNames(e *env) {
	e.needGroups()
	ctx, p := e.ctx, e.p
	u, pol := e.name("u"), e.name("p")
	noMembers := !e.caps.GroupsForServiceAccounts
	noPolicies := !e.caps.ManagedPolicies
	e.refuseAll([]namedCall{
		{"CreateGroup", func(b string) error { _, err := p.CreateGroup(ctx, b); return err }, false},
		{"GetGroup", func(b string) error { _, err := p.GetGroup(ctx, b); return err }, false},
		{"DeleteGroup", func(b string) error { return p.DeleteGroup(ctx, b) }, false},
		{"ListGroupMembers", func(b string) error { return firstErr(p.ListGroupMembers(ctx, b)) }, false},
		{"AddUserToGroup", func(b string) error { return p.AddUserToGroup(ctx, b, u) }, noMembers},
		{"RemoveUserFromGroup", func(b string) error { return p.RemoveUserFromGroup(ctx, b, u) }, noMembers},
		{"AttachPolicy", func(b string) error { return p.AttachPolicy(ctx, pol, iam.GroupPrincipal(b)) }, noPolicies},
		{"DetachPolicy", func(b string) error { return p.DetachPolicy(ctx, pol, iam.GroupPrincipal(b)) }, noPolicies},
		{"ListAttachedPolicies", func(b string) error { return firstErr(p.ListAttachedPolicies(ctx, iam.GroupPrincipal(b))) }, noPolicies},
	})
}

func testBadPolicyNames(e *env) {
	e.needPolicies()
	ctx, p := e.ctx, e.p
	to := iam.GroupPrincipal(e.name("g"))
	if e.caps.AttachToUsers {
		to = iam.UserPrincipal(e.name("u"))
	}
	e.refuseAll([]namedCall{
		{"CreatePolicy", func(b string) error {
			_, err := p.CreatePolicy(ctx, iam.PolicyInput{Name: b, Document: readDoc, Translate: e.h.Translate})
			return err
		}, false},
		{"GetPolicy", func(b string) error { _, err := p.GetPolicy(ctx, b); return err }, false},
		{"UpdatePolicy", func(b string) error {
			_, err := p.UpdatePolicy(ctx, b, readDoc, e.h.Translate)
			return err
		}, false},
		{"DeletePolicy", func(b string) error { return p.DeletePolicy(ctx, b) }, false},
		{"AttachPolicy", func(b string) error { return p.AttachPolicy(ctx, b, to) }, !e.caps.AttachToUsers && !e.caps.Groups},
		{"DetachPolicy", func(b string) error { return p.DetachPolicy(ctx, b, to) }, !e.caps.AttachToUsers && !e.caps.Groups},
	})
}

func testBadKeyIDs(e *env) {
	u := e.newUser()
	e.newKey(u.Name, nil)
	if e.caps.KeyStatus {
		e.refused(`SetAccessKeyStatus with key ID ""`, func() error { return e.p.SetAccessKeyStatus(e.ctx, u.Name, "", iam.KeyInactive) })
	}
	e.refused(`DeleteAccessKey with key ID ""`, func() error { return e.p.DeleteAccessKey(e.ctx, u.Name, "") })
}

func testBadPrincipals(e *env) {
	e.needPolicies()
	pol := e.name("p")
	for _, pr := range []iam.Principal{{Kind: "role", Name: e.name("r")}, {Kind: "", Name: e.name("u")}, {Kind: "USER", Name: e.name("u")}} {
		e.refused("AttachPolicy to "+quoteName(pr.String()), func() error { return e.p.AttachPolicy(e.ctx, pol, pr) })
		e.refused("DetachPolicy from "+quoteName(pr.String()), func() error { return e.p.DetachPolicy(e.ctx, pol, pr) })
		e.refused("ListAttachedPolicies of "+quoteName(pr.String()), func() error { return firstErr(e.p.ListAttachedPolicies(e.ctx, pr)) })
	}
}

// badDocuments are portable documents no provider may accept.
var badDocuments = []struct {
	what string
	doc  policy.Document
}{
	{"no statement", policy.Document{}},
	{"a statement without actions", policy.Document{Statements: []policy.Statement{{Effect: policy.Allow, Resources: []policy.Resource{"*"}}}}},
	{"an unknown portable service", policy.Document{Statements: []policy.Statement{{Effect: policy.Allow, Actions: []policy.Action{"nosuchservice:Read"}, Resources: []policy.Resource{"*"}}}}},
	{"an unknown effect", policy.Document{Statements: []policy.Statement{{Effect: "Maybe", Actions: []policy.Action{"compute:Read"}, Resources: []policy.Resource{"*"}}}}},
}

func testBadDocuments(e *env) {
	e.needPolicies()
	existing := e.newPolicy()
	for _, bd := range badDocuments {
		if _, err := e.p.Translator().Translate(bd.doc, policy.TranslateOptions{}); !isKindOnly(err, iam.ErrInvalid) {
			e.t.Errorf("Translator().Translate of a document with %s: got %v, want ErrInvalid", bd.what, err)
		}
		e.refused("CreatePolicy of a document with "+bd.what, func() error {
			_, err := e.p.CreatePolicy(e.ctx, iam.PolicyInput{Name: e.name("p"), Document: bd.doc})
			return err
		})
		e.refused("UpdatePolicy to a document with "+bd.what, func() error {
			_, err := e.p.UpdatePolicy(e.ctx, existing.Name, bd.doc, policy.TranslateOptions{})
			return err
		})
	}
	e.eventually(func() error {
		got, err := e.p.GetPolicy(e.ctx, existing.Name)
		if err != nil {
			return err
		}
		return sameDoc(e.raw, got, readDoc)
	})
}
