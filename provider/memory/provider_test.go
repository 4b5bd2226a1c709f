package memory_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
	"github.com/iamkit/iamkit/provider/memory"
)

func TestCapabilities(t *testing.T) {
	if got := memory.DefaultLimits(); got != (memory.Limits{MaxKeysPerUser: 2, PolicyVersions: 5, MaxPolicySize: 6144}) {
		t.Errorf("DefaultLimits = %+v", got)
	}
	p := memory.New()
	want := iam.Capabilities{
		Groups: true, GroupsForServiceAccounts: true, ManagedPolicies: true, PolicyVersions: 5,
		AttachToUsers: true, ResourceScoping: true, Conditions: true, KeyExpiry: true, KeyStatus: true,
		MaxKeysPerUser: 2, MaxPolicySize: 6144, Tags: true, Paths: true,
	}
	if p.Name() != "memory" || p.Capabilities() != want {
		t.Errorf("%s: %+v", p.Name(), p.Capabilities())
	}
	p = memory.New(memory.WithLimits(memory.Limits{MaxKeysPerUser: 10}), memory.WithKeyVisibilityDelay(time.Second))
	want.MaxKeysPerUser, want.EventualConsistency = 10, true
	if p.Capabilities() != want {
		t.Errorf("configured: %+v", p.Capabilities())
	}
}

func TestNameRules(t *testing.T) {
	rules := iam.AWSNameRules()
	rules.User = iam.NameRule{What: "user name", Max: 8, Allowed: iam.CharsIn("-")}
	p := memory.New(memory.WithNameRules(rules))
	_, err := p.CreateUser(context.Background(), "watcher_1", nil)
	wantErr(t, err, "CreateUser", iam.ErrInvalid)
	_, err = p.CreateUser(context.Background(), "w-1", nil)
	must(t, err)
}

// TestCancelledContext checks every method with a context already done:
// an *iam.Error without kind whose cause is the context's error, and no
// request made.
func TestCancelledContext(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	before := f.p.Calls("")
	p, doc, to := f.p, readOnly(), iam.UserPrincipal("alice")
	calls := map[string]func() error{
		"CreateUser":          func() error { _, err := p.CreateUser(ctx, "x", nil); return err },
		"GetUser":             func() error { _, err := p.GetUser(ctx, "alice"); return err },
		"ListUsers":           func() error { _, err := iam.Collect(p.ListUsers(ctx)); return err },
		"DeleteUser":          func() error { return p.DeleteUser(ctx, "bob") },
		"CreateGroup":         func() error { _, err := p.CreateGroup(ctx, "x"); return err },
		"GetGroup":            func() error { _, err := p.GetGroup(ctx, "ops"); return err },
		"ListGroups":          func() error { _, err := iam.Collect(p.ListGroups(ctx)); return err },
		"DeleteGroup":         func() error { return p.DeleteGroup(ctx, "empty") },
		"AddUserToGroup":      func() error { return p.AddUserToGroup(ctx, "ops", "bob") },
		"RemoveUserFromGroup": func() error { return p.RemoveUserFromGroup(ctx, "ops", "alice") },
		"ListGroupMembers":    func() error { _, err := iam.Collect(p.ListGroupMembers(ctx, "ops")); return err },
		"ListGroupsForUser":   func() error { _, err := iam.Collect(p.ListGroupsForUser(ctx, "alice")); return err },
		"CreatePolicy":        func() error { _, err := p.CreatePolicy(ctx, iam.PolicyInput{Name: "x", Document: doc}); return err },
		"GetPolicy":           func() error { _, err := p.GetPolicy(ctx, "ops"); return err },
		"ListPolicies":        func() error { _, err := iam.Collect(p.ListPolicies(ctx)); return err },
		"UpdatePolicy": func() error {
			_, err := p.UpdatePolicy(ctx, "ops", doc, policy.TranslateOptions{})
			return err
		},
		"DeletePolicy":         func() error { return p.DeletePolicy(ctx, "free") },
		"AttachPolicy":         func() error { return p.AttachPolicy(ctx, "free", to) },
		"DetachPolicy":         func() error { return p.DetachPolicy(ctx, "ops", to) },
		"ListAttachedPolicies": func() error { _, err := iam.Collect(p.ListAttachedPolicies(ctx, to)); return err },
		"CreateAccessKey":      func() error { _, err := p.CreateAccessKey(ctx, "bob", nil); return err },
		"ListAccessKeys":       func() error { _, err := iam.Collect(p.ListAccessKeys(ctx, "alice")); return err },
		"SetAccessKeyStatus":   func() error { return p.SetAccessKeyStatus(ctx, "alice", f.key.ID, iam.KeyInactive) },
		"DeleteAccessKey":      func() error { return p.DeleteAccessKey(ctx, "alice", f.key.ID) },
		"PolicyVersions":       func() error { _, err := p.PolicyVersions(ctx, "ops"); return err },
		"AuthorizeRequest": func() error {
			_, err := p.AuthorizeRequest(ctx, f.key.ID, f.key.Secret.Reveal(), iamRequest("compute:Read"))
			return err
		},
	}
	for op, fn := range calls {
		err := fn()
		var ie *iam.Error
		if !errors.As(err, &ie) || ie.Op != op || ie.Provider != "memory" || ie.Kind != nil || !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a cancelled context = %#v", op, err)
		}
	}
	if n := f.p.Calls(""); n != before {
		t.Errorf("%d requests made with a cancelled context", n-before)
	}
	// Nothing changed.
	if _, err := f.p.GetUser(context.Background(), "bob"); err != nil {
		t.Error(err)
	}
}

func TestListingsPage(t *testing.T) {
	ctx := context.Background()
	p := memory.New(memory.WithPageSize(2))
	for i := range 5 {
		_, err := p.CreateUser(ctx, fmt.Sprintf("u%d", 4-i), nil)
		must(t, err)
	}
	users, err := iam.Collect(p.ListUsers(ctx))
	must(t, err)
	if got := userNames(users); got != "u0,u1,u2,u3,u4" {
		t.Errorf("ListUsers = %s", got)
	}
	if n := p.Calls("ListUsers"); n != 3 {
		t.Errorf("5 users in pages of 2 took %d requests, want 3", n)
	}

	// Stopping early fetches no more pages.
	for range p.ListUsers(ctx) {
		break
	}
	if n := p.Calls("ListUsers"); n != 4 {
		t.Errorf("an abandoned listing made %d requests, want 1", n-3)
	}

	// Changes between pages show on later pages, as on a cloud.
	var seen []string
	for u, err := range p.ListUsers(ctx) {
		must(t, err)
		seen = append(seen, u.Name)
		if u.Name == "u1" {
			must(t, p.DeleteUser(ctx, "u3"))
			_, err := p.CreateUser(ctx, "u5", nil)
			must(t, err)
		}
	}
	if fmt.Sprint(seen) != "[u0 u1 u2 u4 u5]" {
		t.Errorf("listing across changes saw %v", seen)
	}

	// The context is checked between pages.
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var n int
	var last error
	for _, err := range p.ListUsers(cctx) {
		if err != nil {
			last = err
			break
		}
		n++
		cancel()
	}
	if n != 2 || !errors.Is(last, context.Canceled) {
		t.Errorf("cancelled after page 1: %d users, then %v", n, last)
	}
}

// TestConcurrency runs many goroutines against one provider; run with
// -race.
func TestConcurrency(t *testing.T) {
	ctx := context.Background()
	p := memory.New(memory.WithPageSize(3))
	_, err := p.CreateGroup(ctx, "shared")
	must(t, err)
	_, err = p.CreatePolicy(ctx, iam.PolicyInput{Name: "ro", Document: readOnly()})
	must(t, err)
	must(t, p.AttachPolicy(ctx, "ro", iam.GroupPrincipal("shared")))

	const workers = 32
	var wg sync.WaitGroup
	errs := make(chan error, workers*2)
	for i := range workers {
		wg.Go(func() {
			name := fmt.Sprintf("user%02d", i)
			if _, err := p.CreateUser(ctx, name, nil); err != nil {
				errs <- err
				return
			}
			if err := p.AddUserToGroup(ctx, "shared", name); err != nil {
				errs <- err
				return
			}
			k, err := p.CreateAccessKey(ctx, name, nil)
			if err != nil {
				errs <- err
				return
			}
			for range 10 {
				if err := p.Authorize(ctx, k.ID, k.Secret.Reveal(), "compute:Read", "*"); err != nil {
					errs <- err
				}
				if _, err := iam.Collect(p.ListGroupMembers(ctx, "shared")); err != nil {
					errs <- err
				}
			}
			if _, err := p.UpdatePolicy(ctx, "ro", readOnly(), policy.TranslateOptions{}); err != nil {
				errs <- err
			}
		})
		// Everyone races for the same name: exactly one wins.
		wg.Go(func() {
			_, err := p.CreateGroup(ctx, "contested")
			if err != nil && !errors.Is(err, iam.ErrAlreadyExists) {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	members, err := iam.Collect(p.ListGroupMembers(ctx, "shared"))
	must(t, err)
	if len(members) != workers {
		t.Errorf("%d members, want %d", len(members), workers)
	}
	vs, err := p.PolicyVersions(ctx, "ro")
	must(t, err)
	if len(vs) != 5 || vs[4].ID != fmt.Sprintf("v%d", workers+1) {
		t.Errorf("versions after %d updates: %d, last %s", workers, len(vs), vs[len(vs)-1].ID)
	}
}
