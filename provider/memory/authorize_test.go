package memory_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
	"github.com/iamkit/iamkit/provider/memory"
)

func iamRequest(action string) policy.Request { return policy.Request{Action: action, Resource: "*"} }

func TestAuthorize(t *testing.T) {
	const delay = 5 * time.Second
	cases := []struct {
		name string
		// prepare changes the fixture and returns the key ID and secret
		// to use; nil uses alice's key as it is.
		prepare  func(t *testing.T, f *fixture) (id, secret string)
		delay    time.Duration
		action   string
		resource string
		kind     error  // nil: allowed
		msg      string // a substring of the message
	}{
		{name: "allowed", action: "compute:Read", resource: "*"},
		{name: "allowed, any resource", action: "compute:List", resource: ""},
		{name: "not granted", action: "objectstorage:Read", resource: "objectstorage:bucket/logs", kind: iam.ErrDenied,
			msg: "user/alice may not objectstorage:Read"},
		{name: "explicit deny", action: "compute:List", kind: iam.ErrDenied, msg: "policy/nolist",
			prepare: func(t *testing.T, f *fixture) (string, string) {
				attachNew(t, f.p, "nolist", policy.Build(policy.Denying("compute:List")), iam.GroupPrincipal("ops"))
				return f.key.ID, f.key.Secret.Reveal()
			}},
		{name: "through the user's own policy", action: "iam:Read",
			prepare: func(t *testing.T, f *fixture) (string, string) {
				attachNew(t, f.p, "iamread", policy.Build(policy.Allowing("iam:Read")), iam.UserPrincipal("alice"))
				return f.key.ID, f.key.Secret.Reveal()
			}},
		{name: "left the group", action: "objectstorage:Read", kind: iam.ErrDenied,
			prepare: func(t *testing.T, f *fixture) (string, string) {
				must(t, f.p.RemoveUserFromGroup(context.Background(), "ops", "alice"))
				return f.key.ID, f.key.Secret.Reveal()
			}},
		{name: "no policy at all", action: "compute:Read", kind: iam.ErrDenied, msg: "no policy is attached",
			prepare: func(t *testing.T, f *fixture) (string, string) {
				k, err := f.p.CreateAccessKey(context.Background(), "bob", nil)
				must(t, err)
				return k.ID, k.Secret.Reveal()
			}},
		{name: "wrong secret", action: "compute:Read", kind: iam.ErrDenied, msg: "wrong secret",
			prepare: func(t *testing.T, f *fixture) (string, string) { return f.key.ID, f.key.Secret.Reveal()[1:] + "A" }},
		{name: "empty secret", action: "compute:Read", kind: iam.ErrDenied, msg: "wrong secret",
			prepare: func(t *testing.T, f *fixture) (string, string) { return f.key.ID, "" }},
		{name: "unknown key", action: "compute:Read", kind: iam.ErrDenied, msg: "unknown access key MKIAAAAAAAAAAAAAAAAA",
			prepare: func(t *testing.T, f *fixture) (string, string) { return "MKIAAAAAAAAAAAAAAAAA", f.key.Secret.Reveal() }},
		{name: "deleted key", action: "compute:Read", kind: iam.ErrDenied, msg: "unknown access key",
			prepare: func(t *testing.T, f *fixture) (string, string) {
				must(t, f.p.DeleteAccessKey(context.Background(), "alice", f.key.ID))
				return f.key.ID, f.key.Secret.Reveal()
			}},
		{name: "inactive", action: "compute:Read", kind: iam.ErrDenied, msg: "inactive",
			prepare: func(t *testing.T, f *fixture) (string, string) {
				must(t, f.p.SetAccessKeyStatus(context.Background(), "alice", f.key.ID, iam.KeyInactive))
				return f.key.ID, f.key.Secret.Reveal()
			}},
		{name: "reactivated", action: "compute:Read",
			prepare: func(t *testing.T, f *fixture) (string, string) {
				must(t, f.p.SetAccessKeyStatus(context.Background(), "alice", f.key.ID, iam.KeyInactive))
				must(t, f.p.SetAccessKeyStatus(context.Background(), "alice", f.key.ID, iam.KeyActive))
				return f.key.ID, f.key.Secret.Reveal()
			}},
		{name: "expired", action: "compute:Read", kind: iam.ErrDenied, msg: "expired at 2025-06-01T13:00:00Z",
			prepare: func(t *testing.T, f *fixture) (string, string) {
				k, err := f.p.CreateAccessKey(context.Background(), "alice", &iam.KeyOptions{ExpiresAt: f.clock.Now().Add(time.Hour)})
				must(t, err)
				f.clock.Add(time.Hour)
				return k.ID, k.Secret.Reveal()
			}},
		{name: "not yet expired", action: "compute:Read",
			prepare: func(t *testing.T, f *fixture) (string, string) {
				k, err := f.p.CreateAccessKey(context.Background(), "alice", &iam.KeyOptions{ExpiresAt: f.clock.Now().Add(time.Hour)})
				must(t, err)
				f.clock.Add(time.Hour - time.Second)
				return k.ID, k.Secret.Reveal()
			}},
		{name: "not yet visible", delay: delay, action: "compute:Read", kind: iam.ErrDenied, msg: "not yet visible",
			prepare: func(t *testing.T, f *fixture) (string, string) {
				f.clock.Add(delay - time.Millisecond)
				return f.key.ID, f.key.Secret.Reveal()
			}},
		{name: "visible after the delay", delay: delay, action: "compute:Read",
			prepare: func(t *testing.T, f *fixture) (string, string) {
				f.clock.Add(delay)
				return f.key.ID, f.key.Secret.Reveal()
			}},
		{name: "empty action", action: "", kind: iam.ErrInvalid, msg: "action is empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, memory.WithKeyVisibilityDelay(c.delay))
			id, secret := f.key.ID, f.key.Secret.Reveal()
			if c.prepare != nil {
				id, secret = c.prepare(t, f)
			}
			err := f.p.Authorize(context.Background(), id, secret, c.action, c.resource)
			if c.kind == nil {
				if err != nil {
					t.Fatalf("Authorize: %v", err)
				}
				return
			}
			ie := wantErr(t, err, "Authorize", c.kind)
			if !strings.Contains(ie.Error(), c.msg) {
				t.Errorf("error %q does not say %q", ie, c.msg)
			}
		})
	}
}

func TestAuthorizeCancelled(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := f.p.Authorize(ctx, f.key.ID, f.key.Secret.Reveal(), "compute:Read", "*")
	if !errors.Is(err, context.Canceled) || iam.KindOf(err) != nil {
		t.Errorf("Authorize with a cancelled context = %v", err)
	}
}

func TestAuthorizeRequest(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	start := f.clock.Now()
	doc := policy.Build(
		policy.Allowing("compute:Write").When(policy.StringEquals, policy.KeyResourceTagPrefix+"CreatedBy", "user").Named("own"),
		policy.Allowing("compute:Tag").Between(start, start.Add(time.Hour)).Named("window"),
	)
	attachNew(t, f.p, "cond", doc, iam.UserPrincipal("alice"))
	id, secret := f.key.ID, f.key.Secret.Reveal()

	cases := []struct {
		name    string
		req     policy.Request
		advance time.Duration
		allowed bool
	}{
		{name: "tag matches", req: policy.Request{Action: "compute:Write", Resource: "compute:vm/1", ResourceTags: map[string]string{"CreatedBy": "user"}}, allowed: true},
		{name: "tag differs", req: policy.Request{Action: "compute:Write", Resource: "compute:vm/1", ResourceTags: map[string]string{"CreatedBy": "admin"}}},
		{name: "no tags", req: policy.Request{Action: "compute:Write", Resource: "compute:vm/1"}},
		{name: "inside the window, by the clock", req: policy.Request{Action: "compute:Tag"}, allowed: true},
		{name: "after the window, by the clock", req: policy.Request{Action: "compute:Tag"}, advance: 2 * time.Hour},
		{name: "explicit time wins over the clock", req: policy.Request{Action: "compute:Tag", Time: start.Add(time.Minute)}, advance: 2 * time.Hour, allowed: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f.clock.Add(c.advance)
			defer f.clock.Add(-c.advance)
			d, err := f.p.AuthorizeRequest(ctx, id, secret, c.req)
			must(t, err)
			if d.Allowed != c.allowed {
				t.Errorf("Allowed = %v, want %v (%v)", d.Allowed, c.allowed, d)
			}
		})
	}

	_, err := f.p.AuthorizeRequest(ctx, id, "wrong", policy.Request{Action: "compute:Read"})
	wantErr(t, err, "AuthorizeRequest", iam.ErrDenied)
	_, err = f.p.AuthorizeRequest(ctx, id, secret, policy.Request{})
	wantErr(t, err, "AuthorizeRequest", iam.ErrInvalid)
}

// BenchmarkAuthorize measures one allowed Authorize by a user in a group
// with a 10-statement policy.
func BenchmarkAuthorize(b *testing.B) {
	ctx := context.Background()
	p := memory.New()
	var stmts []policy.Statement
	for i := range 9 {
		stmts = append(stmts, policy.Allowing(policy.Action(fmt.Sprintf("aws:ec2:Describe%d*", i))).On(policy.Resource(fmt.Sprintf("compute:vm/%d-*", i))))
	}
	stmts = append(stmts, policy.Allowing("compute:Read", "compute:List"))
	_, err := p.CreateUser(ctx, "bench", nil)
	if err != nil {
		b.Fatal(err)
	}
	_, _ = p.CreateGroup(ctx, "g")
	_ = p.AddUserToGroup(ctx, "g", "bench")
	if _, err := p.CreatePolicy(ctx, iam.PolicyInput{Name: "p10", Document: policy.Build(stmts...)}); err != nil {
		b.Fatal(err)
	}
	_ = p.AttachPolicy(ctx, "p10", iam.GroupPrincipal("g"))
	k, err := p.CreateAccessKey(ctx, "bench", nil)
	if err != nil {
		b.Fatal(err)
	}
	id, secret := k.ID, k.Secret.Reveal()
	b.ReportAllocs()
	for b.Loop() {
		if err := p.Authorize(ctx, id, secret, "compute:Read", "compute:vm/42"); err != nil {
			b.Fatal(err)
		}
	}
}
