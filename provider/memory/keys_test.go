package memory_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/provider/memory"
)

func TestKeyErrors(t *testing.T) {
	runErrCases(t, []errCase{
		{name: "missing user", op: "CreateAccessKey", kind: iam.ErrNotFound, resource: "user/nobody",
			call: func(ctx context.Context, f *fixture) error {
				_, err := f.p.CreateAccessKey(ctx, "nobody", nil)
				return err
			}},
		{name: "limit", op: "CreateAccessKey", kind: iam.ErrLimit, msg: "user has 2 access keys, the limit is 2; delete one",
			call: func(ctx context.Context, f *fixture) error {
				_, err := f.p.CreateAccessKey(ctx, "alice", nil)
				must(t, err)
				_, err = f.p.CreateAccessKey(ctx, "alice", nil)
				return err
			}},
		{name: "expiry in the past", op: "CreateAccessKey", kind: iam.ErrInvalid, msg: "not in the future",
			call: func(ctx context.Context, f *fixture) error {
				_, err := f.p.CreateAccessKey(ctx, "bob", &iam.KeyOptions{ExpiresAt: f.clock.Now().Add(-time.Second)})
				return err
			}},
		{name: "expiry now", op: "CreateAccessKey", kind: iam.ErrInvalid,
			call: func(ctx context.Context, f *fixture) error {
				_, err := f.p.CreateAccessKey(ctx, "bob", &iam.KeyOptions{ExpiresAt: f.clock.Now()})
				return err
			}},
		{name: "keys of missing user", op: "ListAccessKeys", kind: iam.ErrNotFound,
			call: func(ctx context.Context, f *fixture) error {
				_, err := iam.Collect(f.p.ListAccessKeys(ctx, "nobody"))
				return err
			}},
		{name: "bad status", op: "SetAccessKeyStatus", kind: iam.ErrInvalid, msg: `"Disabled"`,
			call: func(ctx context.Context, f *fixture) error {
				return f.p.SetAccessKeyStatus(ctx, "alice", f.key.ID, "Disabled")
			}},
		{name: "status of another user's key", op: "SetAccessKeyStatus", kind: iam.ErrNotFound,
			call: func(ctx context.Context, f *fixture) error {
				return f.p.SetAccessKeyStatus(ctx, "bob", f.key.ID, iam.KeyInactive)
			}},
		{name: "delete another user's key", op: "DeleteAccessKey", kind: iam.ErrNotFound,
			call: func(ctx context.Context, f *fixture) error { return f.p.DeleteAccessKey(ctx, "bob", f.key.ID) }},
		{name: "delete unknown key", op: "DeleteAccessKey", kind: iam.ErrNotFound, resource: "user/alice/access-key/MKIA0000000000000000",
			call: func(ctx context.Context, f *fixture) error {
				return f.p.DeleteAccessKey(ctx, "alice", "MKIA0000000000000000")
			}},
		{name: "empty key ID", op: "DeleteAccessKey", kind: iam.ErrInvalid,
			call: func(ctx context.Context, f *fixture) error { return f.p.DeleteAccessKey(ctx, "alice", "") }},
	})
}

var (
	keyIDShape  = regexp.MustCompile(`^MKIA[A-Z0-9]{16}$`)
	secretShape = regexp.MustCompile(`^[A-Za-z0-9+/]{40}$`)
)

func TestAccessKeys(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	p := memory.New(memory.WithClock(clk.Now), memory.WithLimits(memory.Limits{MaxKeysPerUser: 3}))
	_, err := p.CreateUser(ctx, "alice", nil)
	must(t, err)
	exp := clk.Now().Add(time.Hour)
	var ids []string
	for i := range 3 {
		var opts *iam.KeyOptions
		if i == 1 {
			opts = &iam.KeyOptions{ExpiresAt: exp}
		}
		k, err := p.CreateAccessKey(ctx, "alice", opts)
		must(t, err)
		if !keyIDShape.MatchString(k.ID) || !secretShape.MatchString(k.Secret.Reveal()) {
			t.Errorf("key %s has the wrong shape (secret %d characters)", k.ID, len(k.Secret.Reveal()))
		}
		if k.User != "alice" || k.Status != iam.KeyActive || !k.CreatedAt.Equal(clk.Now()) {
			t.Errorf("CreateAccessKey = %+v", k)
		}
		ids = append(ids, k.ID)
		clk.Add(time.Second)
	}
	if ids[0] == ids[1] || ids[1] == ids[2] {
		t.Errorf("key IDs repeat: %v", ids)
	}
	must(t, p.SetAccessKeyStatus(ctx, "alice", ids[2], iam.KeyInactive))
	keys, err := iam.Collect(p.ListAccessKeys(ctx, "alice"))
	must(t, err)
	if len(keys) != 3 {
		t.Fatalf("ListAccessKeys = %v", keys)
	}
	for i, k := range keys {
		if k.ID != ids[i] {
			t.Errorf("key %d is %s, want %s (oldest first)", i, k.ID, ids[i])
		}
		if !k.Secret.IsZero() {
			t.Errorf("listing carries the secret of %s", k.ID)
		}
	}
	if !keys[1].ExpiresAt.Equal(exp) || !keys[0].ExpiresAt.IsZero() || keys[2].Status != iam.KeyInactive {
		t.Errorf("listed keys = %+v", keys)
	}
	must(t, p.DeleteAccessKey(ctx, "alice", ids[0]))
	keys, err = iam.Collect(p.ListAccessKeys(ctx, "alice"))
	must(t, err)
	if len(keys) != 2 {
		t.Errorf("after delete: %v", keys)
	}
}

// TestSecretsNeverShown makes every kind of failure it can with a secret in
// hand, including a caller who swaps key ID and secret, and checks that no
// message or printed value contains the secret.
func TestSecretsNeverShown(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	secret := f.key.Secret.Reveal()
	var out []string
	add := func(err error) {
		if err != nil {
			out = append(out, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
		}
	}
	add(f.p.Authorize(ctx, secret, f.key.ID, "compute:Read", "*"))
	add(f.p.Authorize(ctx, f.key.ID, secret+"x", "compute:Read", "*"))
	add(f.p.Authorize(ctx, f.key.ID, secret, "objectstorage:Write", "*"))
	_, err := f.p.AuthorizeRequest(ctx, secret, secret, iamRequest("compute:Read"))
	add(err)
	add(f.p.DeleteAccessKey(ctx, "alice", secret))
	add(f.p.SetAccessKeyStatus(ctx, "alice", secret, iam.KeyInactive))
	add(f.p.SetAccessKeyStatus(ctx, "bob", secret, "bad"))
	_, err = f.p.CreateAccessKey(ctx, "alice", nil)
	must(t, err)
	_, err = f.p.CreateAccessKey(ctx, "alice", nil)
	add(err)

	var log strings.Builder
	slog.New(slog.NewTextHandler(&log, nil)).Info("key", "key", f.key, "secret", f.key.Secret)
	j, err := json.Marshal(f.key)
	must(t, err)
	out = append(out,
		fmt.Sprint(f.key), fmt.Sprintf("%+v", f.key), fmt.Sprintf("%#v", f.key), fmt.Sprintf("%v", *f.key),
		fmt.Sprintf("%+v", f.p), fmt.Sprintf("%#v", f.p), log.String(), string(j))
	if len(out) < 10 {
		t.Fatalf("only %d outputs checked", len(out))
	}
	for _, s := range out {
		if strings.Contains(s, secret) {
			t.Errorf("secret shown in %q", s)
		}
	}
}
