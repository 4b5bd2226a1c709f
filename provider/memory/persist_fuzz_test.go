package memory_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/fuzztest"
	"github.com/iamkit/iamkit/policy"
	"github.com/iamkit/iamkit/provider/memory"
)

// save returns p's state file.
func save(t *testing.T, p *memory.Provider) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := p.Save(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// kindOnly fails t unless err is nil or has an iamkit kind.
func kindOnly(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil && iam.KindOf(err) == nil {
		t.Fatalf("%s: error without a kind: %v", what, err)
	}
}

// FuzzStateFile opens a memory provider from a state file (a file a test
// or a tool kept between runs, possibly edited by hand). Properties:
// Open never panics and refuses with ErrInvalid; what it accepts saves to
// a file that opens to the same state (Save is a fixed point after one
// round); every method works on the loaded state (no panic, errors of
// a kind), and the state those calls leave in the file opens again.
func FuzzStateFile(f *testing.F) {
	fuzztest.Seeds(f, "testdata/state/*.json")
	for _, s := range []string{
		`{"version":1}`,
		`{"version":1,"users":null,"keys":[]} {}`,
		`{"version":1}}`,
		`{"version":2,"key_seq":0}`,
		`{"version":1,"policies":[{"name":"p","next":1,"default":"v1","versions":[{"id":"v1","document":{"Statement":[]}}]}]}`,
		`{"version":1,"policies":[{"name":"p","next":1,"default":"v1","versions":[{"id":"v1","document":{"Version":"iamkit/1","Statement":[{"Effect":"Allow","Action":["*"],"Resource":["*"]}]}},{"id":"v1","document":{}}]}]}`,
		`{"version":1,"users":[{"name":"u","groups":["nope"]}]}`,
		`{"version":1,"key_seq":1,"users":[{"name":"u"}],"keys":[{"id":"MKIAAAAAAAAAAAAAAAAA","user":"u","status":"Active","secret_sha256":"00","seq":1}]}`,
		`{"version":1,"users":[{"name":"a b/c","path":"no-slash"}],"groups":[{"name":""}]}`,
	} {
		f.Add([]byte(s))
	}
	dir := fuzztest.Dir(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "state.json")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		p, err := memory.Open(path)
		if err != nil {
			if !errors.Is(err, iam.ErrInvalid) || iam.KindOf(err) != iam.ErrInvalid {
				t.Fatalf("refused with %v, want ErrInvalid", err)
			}
			return
		}
		first := save(t, p)
		path2 := filepath.Join(dir, "state2.json")
		if err := os.WriteFile(path2, first, 0o600); err != nil {
			t.Fatal(err)
		}
		p2, err := memory.Open(path2)
		if err != nil {
			t.Fatalf("the saved state does not open: %v\n%s", err, first)
		}
		if second := save(t, p2); !bytes.Equal(first, second) {
			t.Fatalf("saved state changes on reopening:\n%s\n----\n%s", first, second)
		}

		// Every method on what was loaded; the changes go to path.
		users, err := iam.Collect(p.ListUsers(ctx))
		kindOnly(t, "ListUsers", err)
		groups, err := iam.Collect(p.ListGroups(ctx))
		kindOnly(t, "ListGroups", err)
		policies, err := iam.Collect(p.ListPolicies(ctx))
		kindOnly(t, "ListPolicies", err)
		for _, pol := range policies {
			_, err := p.GetPolicy(ctx, pol.Name)
			kindOnly(t, "GetPolicy", err)
			_, err = p.PolicyVersions(ctx, pol.Name)
			kindOnly(t, "PolicyVersions", err)
			_, err = p.UpdatePolicy(ctx, pol.Name, pol.Document, policy.TranslateOptions{AllowWidening: true})
			kindOnly(t, "UpdatePolicy", err)
		}
		for _, u := range users {
			keys, err := iam.Collect(p.ListAccessKeys(ctx, u.Name))
			kindOnly(t, "ListAccessKeys", err)
			for _, k := range keys {
				_, err := p.AuthorizeRequest(ctx, k.ID, "hello", policy.Request{Action: "compute:Read", Resource: "compute:instance/i-1"})
				kindOnly(t, "AuthorizeRequest", err)
				kindOnly(t, "SetAccessKeyStatus", p.SetAccessKeyStatus(ctx, u.Name, k.ID, iam.KeyActive))
				kindOnly(t, "DeleteAccessKey", p.DeleteAccessKey(ctx, u.Name, k.ID))
			}
			_, err = iam.Collect(p.ListGroupsForUser(ctx, u.Name))
			kindOnly(t, "ListGroupsForUser", err)
			attached, err := iam.Collect(p.ListAttachedPolicies(ctx, iam.UserPrincipal(u.Name)))
			kindOnly(t, "ListAttachedPolicies", err)
			for _, a := range attached {
				kindOnly(t, "DetachPolicy", p.DetachPolicy(ctx, a.Name, iam.UserPrincipal(u.Name)))
			}
			_, err = p.CreateAccessKey(ctx, u.Name, nil)
			kindOnly(t, "CreateAccessKey", err)
		}
		for _, g := range groups {
			members, err := iam.Collect(p.ListGroupMembers(ctx, g.Name))
			kindOnly(t, "ListGroupMembers", err)
			for _, m := range members {
				kindOnly(t, "RemoveUserFromGroup", p.RemoveUserFromGroup(ctx, g.Name, m.Name))
			}
			attached, err := iam.Collect(p.ListAttachedPolicies(ctx, iam.GroupPrincipal(g.Name)))
			kindOnly(t, "ListAttachedPolicies", err)
			for _, a := range attached {
				kindOnly(t, "DetachPolicy", p.DetachPolicy(ctx, a.Name, iam.GroupPrincipal(g.Name)))
			}
			kindOnly(t, "DeleteGroup", p.DeleteGroup(ctx, g.Name))
		}
		for _, u := range users {
			keys, _ := iam.Collect(p.ListAccessKeys(ctx, u.Name))
			for _, k := range keys {
				kindOnly(t, "DeleteAccessKey", p.DeleteAccessKey(ctx, u.Name, k.ID))
			}
			kindOnly(t, "DeleteUser", p.DeleteUser(ctx, u.Name))
		}
		for _, pol := range policies {
			kindOnly(t, "DeletePolicy", p.DeletePolicy(ctx, pol.Name))
		}
		if _, err := memory.Open(path); err != nil {
			b, _ := os.ReadFile(path)
			t.Fatalf("the state the calls left does not open: %v\n%s", err, b)
		}
	})
}
