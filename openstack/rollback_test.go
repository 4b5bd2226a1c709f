package openstack_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/keystone"
	"github.com/iamkit/iamkit/policy"
)

// failNth answers the nth change (a request other than GET and HEAD) with
// Keystone's 503 instead of sending it; n <= 0 fails none. Changes counts
// the changes seen.
type failNth struct {
	base    http.RoundTripper
	n       int64
	changes atomic.Int64
	// scramble is set when the failed change was the password reset that
	// follows a credential's creation, which CreateAccessKey ignores.
	scramble  bool
	credsMade atomic.Bool
}

func (f *failNth) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead && !strings.HasSuffix(r.URL.Path, "/auth/tokens") {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/application_credentials") {
			defer f.credsMade.Store(true)
		}
		if f.changes.Add(1) == f.n {
			f.scramble = f.credsMade.Load() && r.Method == http.MethodPatch
			return unavailable(r), nil
		}
	}
	return f.base.RoundTrip(r)
}

// TestProvisionRollsBack injects a failure at every change Provision makes
// (creating the group, the policy role and its implied role, the user and
// its base role, the membership, the assignment, the key's password dance
// and the credential) and checks that Provision fails with the injected
// kind and leaves nothing behind.
func TestProvisionRollsBack(t *testing.T) {
	t.Parallel() // most of the time is spent waiting on Keystone
	srv := keystone.Start(t)
	admin, _ := newProvider(t, srv)
	doc := policy.ReadOnly(policy.Compute)
	for n := int64(1); ; n++ {
		f := &failNth{base: http.DefaultTransport, n: n}
		p := providerVia(t, srv, f)
		user := fmt.Sprintf("rb%d-%s", n, randomName())
		sa := iam.ServiceAccount{User: user, Group: user + "-g", Policy: doc}
		acct, err := iam.Provision(t.Context(), p, sa)
		if f.changes.Load() < n {
			// Provision made fewer than n changes: every step has been failed once.
			if err != nil {
				t.Fatalf("Provision without failure: %v", err)
			}
			if err := iam.Deprovision(context.Background(), admin, user, iam.WithCleanup()); err != nil {
				t.Fatalf("Deprovision: %v", err)
			}
			t.Logf("failed each of %d changes in turn", n-1)
			return
		}
		if err == nil && f.scramble {
			// The password nobody knows stays one nobody knows.
			if err := iam.Deprovision(context.Background(), admin, user, iam.WithCleanup()); err != nil {
				t.Fatalf("Deprovision: %v", err)
			}
			continue
		}
		if err == nil {
			t.Fatalf("change %d failed, Provision succeeded (key %s)", n, acct.Key.ID)
		}
		if !errors.Is(err, iam.ErrThrottled) {
			t.Errorf("change %d: error %v, want the injected kind (throttled)", n, err)
		}
		var we *iam.WorkflowError
		if errors.As(err, &we) && len(we.Left) > 0 {
			t.Errorf("change %d: left behind %v: %v", n, we.Left, we.UndoErr)
		}
		for what, err := range map[string]error{
			"user":   errOf(admin.GetUser(t.Context(), user)),
			"group":  errOf(admin.GetGroup(t.Context(), sa.Group)),
			"policy": errOf(admin.GetPolicy(t.Context(), sa.Group)),
		} {
			if !errors.Is(err, iam.ErrNotFound) {
				t.Errorf("change %d (%v): %s left behind (%v)", n, err, what, err)
			}
		}
		if n > 40 {
			t.Fatal("Provision keeps making changes")
		}
	}
}

func errOf[T any](_ T, err error) error { return err }
