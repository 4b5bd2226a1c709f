package ovh_test

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/ovh"
	"github.com/iamkit/iamkit/policy"
)

// dyingJournal stands for a process that dies when it journals event: the
// Append blocks until the test lets the process go (and then fails).
type dyingJournal struct {
	*iam.MemoryJournal
	event   iam.JournalEvent
	reached chan struct{}
	release chan struct{}
	once    sync.Once
}

func (j *dyingJournal) Append(ctx context.Context, e iam.JournalEntry) error {
	if e.Event == j.event && e.Step != nil && e.Step.Action == iam.StepCreateKey {
		j.once.Do(func() { close(j.reached) })
		<-j.release
		return context.Canceled
	}
	return j.MemoryJournal.Append(ctx, e)
}

// neverArrived is a sink that can tell the key never reached it.
type neverArrived struct{}

func (neverArrived) Deliver(context.Context, iam.Delivery) error { return nil }
func (neverArrived) Delivered(context.Context, iam.Delivery) (bool, error) {
	return false, nil
}

// TestRotateRecover: a process dies in the middle of a service account's
// rotation, before its new credential was delivered; iam.Recover, run by
// another process, deletes the new client and its identity in the
// policies, and the old credential stays the account's only one.
func TestRotateRecover(t *testing.T) {
	for _, dies := range []iam.JournalEvent{iam.EventDone, iam.EventDelivering} {
		t.Run("dies at "+string(dies), func(t *testing.T) {
			srv, p := newFake(t)
			ctx := context.Background()
			acct, err := iam.Provision(ctx, p, iam.ServiceAccount{User: "rot", Policy: policy.OVHInfrastructureSupervisor(project)})
			if err != nil {
				t.Fatal(err)
			}
			j := &dyingJournal{MemoryJournal: iam.NewMemoryJournal(), event: dies, reached: make(chan struct{}), release: make(chan struct{})}
			done := make(chan struct{})
			go func() {
				defer close(done)
				_, _ = iam.Rotate(ctx, p, "rot", iam.RotateOptions{Sink: neverArrived{}, Journal: j})
			}()
			select {
			case <-j.reached:
			case <-done:
				t.Fatal("the rotation ended without journaling its new key")
			}
			// The rotation made its client and named it in the policy.
			keys, err := iam.Collect(p.ListAccessKeys(ctx, "rot"))
			if err != nil || len(keys) != 2 {
				t.Fatalf("keys during the rotation: %v %v, want the old and the new", keys, err)
			}

			other, err := ovh.New(ctx, ovh.Options{Client: srv.Client(), TokenURL: srv.TokenURL(), PageSize: 2})
			if err != nil {
				t.Fatal(err)
			}
			rec, err := iam.Recover(ctx, other, j.MemoryJournal, iam.WithSink(neverArrived{}))
			if err != nil {
				t.Fatalf("Recover: %v", err)
			}
			if len(rec) != 1 || rec[0].Completed {
				t.Errorf("recovered %+v, want one run undone", rec)
			}
			keys, err = iam.Collect(other.ListAccessKeys(ctx, "rot"))
			if err != nil || len(keys) != 1 || keys[0].ID != acct.Key.ID {
				t.Errorf("keys after Recover: %v %v, want the old one (%s) alone", keys, err, acct.Key.ID)
			}
			pols, err := iam.Collect(other.ListAttachedPolicies(ctx, iam.UserPrincipal("rot")))
			if err != nil || len(pols) != 1 {
				t.Fatalf("attached after Recover: %v %v", pols, err)
			}
			var raw struct{ Identities []string }
			if err := srv.Client().Get("/v2/iam/policy/"+pols[0].ID, &raw); err != nil {
				t.Fatal(err)
			}
			u, err := other.GetUser(ctx, "rot")
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(raw.Identities, []string{u.ID}) {
				t.Errorf("policy identities after Recover: %v, want the old client's alone (%s)", raw.Identities, u.ID)
			}
			close(j.release)
			<-done
		})
	}
}
