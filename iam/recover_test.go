package iam_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
	"github.com/iamkit/iamkit/provider/memory"
)

// crash is what a crashing provider panics with: to Provision, a panic
// that is not recovered is a process dying mid-way, with no rollback.
type crash struct{ at string }

// crashing makes the memory provider die at its n-th change, before or
// after the cloud applied it.
type crashing struct {
	*memory.Provider
	n, count int
	after    bool
}

func (c *crashing) step(name string, do func() error) error {
	c.count++
	if c.count == c.n && !c.after {
		panic(crash{"before " + name})
	}
	err := do()
	if c.count == c.n && c.after {
		panic(crash{"after " + name})
	}
	return err
}

func (c *crashing) CreateGroup(ctx context.Context, name string) (g *iam.Group, err error) {
	err = c.step("CreateGroup", func() error { g, err = c.Provider.CreateGroup(ctx, name); return err })
	return g, err
}

func (c *crashing) CreatePolicy(ctx context.Context, in iam.PolicyInput) (p *iam.Policy, err error) {
	err = c.step("CreatePolicy", func() error { p, err = c.Provider.CreatePolicy(ctx, in); return err })
	return p, err
}

func (c *crashing) UpdatePolicy(ctx context.Context, name string, doc policy.Document, o policy.TranslateOptions) (p *iam.Policy, err error) {
	err = c.step("UpdatePolicy", func() error { p, err = c.Provider.UpdatePolicy(ctx, name, doc, o); return err })
	return p, err
}

func (c *crashing) AttachPolicy(ctx context.Context, name string, to iam.Principal) error {
	return c.step("AttachPolicy", func() error { return c.Provider.AttachPolicy(ctx, name, to) })
}

func (c *crashing) CreateUser(ctx context.Context, name string, o *iam.UserOptions) (u *iam.User, err error) {
	err = c.step("CreateUser", func() error { u, err = c.Provider.CreateUser(ctx, name, o); return err })
	return u, err
}

func (c *crashing) AddUserToGroup(ctx context.Context, g, u string) error {
	return c.step("AddUserToGroup", func() error { return c.Provider.AddUserToGroup(ctx, g, u) })
}

func (c *crashing) CreateAccessKey(ctx context.Context, user string, o *iam.KeyOptions) (k *iam.AccessKey, err error) {
	err = c.step("CreateAccessKey", func() error { k, err = c.Provider.CreateAccessKey(ctx, user, o); return err })
	return k, err
}

// sink records delivered key IDs, and can say whether a key arrived; it
// crashes the run too when its turn comes.
func (c *crashing) sink(delivered *[]string) *crashSink {
	return &crashSink{c: c, delivered: delivered}
}

type crashSink struct {
	c         *crashing
	delivered *[]string
}

func (s *crashSink) Deliver(ctx context.Context, d iam.Delivery) error {
	return s.c.step("Deliver", func() error { *s.delivered = append(*s.delivered, d.Key.ID); return nil })
}

func (s *crashSink) Delivered(ctx context.Context, d iam.Delivery) (bool, error) {
	return slices.Contains(*s.delivered, d.Key.ID), nil
}

// provisionCrashing runs Provision and reports the crash it died of, if any.
func provisionCrashing(ctx context.Context, p iam.Provider, sa iam.ServiceAccount) (died string, err error) {
	defer func() {
		if r := recover(); r != nil {
			c, ok := r.(crash)
			if !ok {
				panic(r)
			}
			died = c.at
		}
	}()
	_, err = iam.Provision(ctx, p, sa)
	return "", err
}

// A process dying at any point of Provision, before or after any change
// reached the cloud or the sink, leaves a journal from which Recover makes
// the account clean or complete: every resource the run created is in use
// or deleted, and no undelivered key survives.
func TestRecoverAfterCrashAtEveryStep(t *testing.T) {
	ctx := context.Background()
	for _, pre := range []struct {
		name  string
		setup func(p *memory.Provider)
	}{
		{"empty account", func(*memory.Provider) {}},
		{"group and policy exist", func(p *memory.Provider) {
			_, _ = iam.Provision(ctx, p, iam.ServiceAccount{User: "other", Group: "monitoring", Policy: policy.ReadOnly(policy.Image)})
		}},
		{"user has an inactive key", func(p *memory.Provider) {
			_, _ = p.CreateUser(ctx, "watcher_1", nil)
			k, _ := p.CreateAccessKey(ctx, "watcher_1", nil)
			_ = p.SetAccessKeyStatus(ctx, "watcher_1", k.ID, iam.KeyInactive)
		}},
	} {
		for n := 1; n <= 8; n++ {
			for _, after := range []bool{false, true} {
				name := fmt.Sprintf("%s/change %d/after=%v", pre.name, n, after)
				mem := memory.New()
				pre.setup(mem)
				before := contents(t, mem)
				c := &crashing{Provider: mem, n: n, after: after}
				j, err := iam.NewFileJournal(t.TempDir())
				if err != nil {
					t.Fatal(err)
				}
				var delivered []string
				sink := c.sink(&delivered)
				sa := monitoring
				sa.Journal, sa.Sink = j, sink
				died, err := provisionCrashing(ctx, c, sa)
				if died == "" {
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					continue // fewer changes than n in this setup
				}
				recs, err := iam.Recover(ctx, mem, j, iam.WithSink(sink))
				if err != nil {
					t.Fatalf("%s (died %s): Recover: %v", name, died, err)
				}
				if runs, _ := j.Unfinished(ctx); len(runs) != 0 || len(recs) != 1 {
					t.Fatalf("%s: journal not closed: %d runs, recovered %+v", name, len(runs), recs)
				}
				after := contents(t, mem)
				if recs[0].Completed {
					// Complete: the delivered key exists and is the user's only new one.
					if len(delivered) != 1 || !slices.ContainsFunc(after, func(s string) bool { return s == "key/watcher_1/"+delivered[0]+"/Active" }) {
						t.Fatalf("%s (died %s): completed but delivered %v, state %q", name, died, delivered, after)
					}
					continue
				}
				if !slices.Equal(before, after) {
					t.Fatalf("%s (died %s): Recover left changes:\nbefore %q\nafter  %q", name, died, before, after)
				}
				// Recovering again finds nothing to do.
				if recs, err := iam.Recover(ctx, mem, j); err != nil || len(recs) != 0 {
					t.Fatalf("%s: second Recover: %+v %v", name, recs, err)
				}
			}
		}
	}
}

// contents is state with each policy's document in place of its version:
// undoing an update restores the document under a new version id.
func contents(t *testing.T, p *memory.Provider) []string {
	t.Helper()
	out := state(t, p)
	for i, s := range out {
		if name, _, ok := strings.Cut(strings.TrimPrefix(s, "policy/"), "@"); ok && strings.HasPrefix(s, "policy/") {
			pol, err := p.GetPolicy(context.Background(), name)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(pol.Document)
			out[i] = "policy/" + name + " " + string(b)
		}
	}
	return out
}

// An ordinary failure rolls back at once and leaves the journal empty;
// a failed delivery deletes the undelivered key.
func TestProvisionDeliveryFailureDeletesKey(t *testing.T) {
	ctx := context.Background()
	mem := memory.New()
	j := iam.NewMemoryJournal()
	sa := monitoring
	sa.Journal = j
	sa.Sink = iam.SinkFunc(func(context.Context, iam.Delivery) error { return fmt.Errorf("disk full") })
	_, err := iam.Provision(ctx, mem, sa)
	if err == nil {
		t.Fatal("delivery failure ignored")
	}
	if s := state(t, mem); len(s) != 0 {
		t.Fatalf("left %q", s)
	}
	if runs, _ := j.Unfinished(ctx); len(runs) != 0 {
		t.Fatalf("journal kept %d runs after a complete rollback", len(runs))
	}
}

// Without a sink that can tell, a run that died handing its key over keeps
// the key and says so.
// diedBeforeDeliver runs a Provision that dies as it hands its key to a
// sink that cannot say whether the key arrived, and returns the provider
// and the journal it left.
func diedBeforeDeliver(t *testing.T) (*memory.Provider, iam.Journal) {
	t.Helper()
	mem := memory.New()
	c := &crashing{Provider: mem, n: 7}
	var delivered []string
	sa := monitoring
	sa.Journal = iam.NewMemoryJournal()
	sa.Sink = iam.SinkFunc(c.sink(&delivered).Deliver)
	if died, _ := provisionCrashing(context.Background(), c, sa); died != "before Deliver" {
		t.Fatalf("died %q", died)
	}
	return mem, sa.Journal
}

func TestRecoverUnverifiedDelivery(t *testing.T) {
	ctx := context.Background()
	mem, j := diedBeforeDeliver(t)
	recs, err := iam.Recover(ctx, mem, j)
	if err != nil || len(recs) != 1 || !recs[0].Completed || !recs[0].Unverified || recs[0].KeyID == "" {
		t.Fatalf("%+v %v", recs, err)
	}
	if _, err := mem.GetUser(ctx, "watcher_1"); err != nil {
		t.Fatal(err)
	}
}

// A rotation that dies between creating its key and the sink having it
// leaves a journal from which Recover deletes the undelivered key; the old
// key stays the one in use.
func TestRecoverRotateAfterCrash(t *testing.T) {
	ctx := context.Background()
	for n := 1; n <= 2; n++ {
		for _, after := range []bool{false, true} {
			mem := memory.New()
			acct, err := iam.Provision(ctx, mem, monitoring)
			if err != nil {
				t.Fatal(err)
			}
			c := &crashing{Provider: mem, n: n, after: after}
			var delivered []string
			sink := c.sink(&delivered)
			j := iam.NewMemoryJournal()
			died := func() (at string) {
				defer func() {
					if r := recover(); r != nil {
						at = r.(crash).at
					}
				}()
				_, _ = iam.Rotate(ctx, c, "watcher_1", iam.RotateOptions{Sink: sink, Journal: j})
				return ""
			}()
			if died == "" {
				t.Fatalf("change %d after=%v: no crash", n, after)
			}
			recs, err := iam.Recover(ctx, mem, j, iam.WithSink(sink))
			if err != nil || len(recs) != 1 {
				t.Fatalf("%s: %+v %v", died, recs, err)
			}
			keys, _ := iam.Collect(mem.ListAccessKeys(ctx, "watcher_1"))
			var ids []string
			for _, k := range keys {
				ids = append(ids, k.ID+"/"+string(k.Status))
			}
			switch {
			case recs[0].Completed:
				if len(delivered) != 1 || !slices.Contains(ids, delivered[0]+"/Active") {
					t.Fatalf("%s: completed, keys %v, delivered %v", died, ids, delivered)
				}
			default:
				if !slices.Equal(ids, []string{acct.Key.ID + "/Active"}) {
					t.Fatalf("%s: keys after Recover %v, want only the old one", died, ids)
				}
			}
		}
	}
}

// unverifiable is a sink that cannot look for a key (a file holding a
// token without its name): Delivered says ErrUnsupported.
type unverifiable struct{ asked []iam.Delivery }

func (u *unverifiable) Deliver(context.Context, iam.Delivery) error { return nil }

func (u *unverifiable) Delivered(_ context.Context, d iam.Delivery) (bool, error) {
	u.asked = append(u.asked, d)
	return false, iam.NewError("memory", "Delivered", "", iam.ErrUnsupported, "the file holds a token without its name", nil)
}

// A run that died handing its key to a sink that cannot look for that kind
// of key is complete but unverified, like one whose sink cannot look at
// all; the sink is told the key's kind, from the journal.
func TestRecoverUnverifiableKind(t *testing.T) {
	ctx := context.Background()
	mem, j := diedBeforeDeliver(t)
	v := &unverifiable{}
	recs, err := iam.Recover(ctx, mem, j, iam.WithSink(v))
	if err != nil || len(recs) != 1 || !recs[0].Completed || !recs[0].Unverified {
		t.Fatalf("Recover = %+v, %v; want one completed, unverified run", recs, err)
	}
	if len(v.asked) != 1 || v.asked[0].Key.ID != recs[0].KeyID || v.asked[0].Key.Kind != iam.KeyAccessKey {
		t.Errorf("Delivered asked about %+v, want key %s of kind %q", v.asked, recs[0].KeyID, iam.KeyAccessKey)
	}
	if _, err := mem.GetUser(ctx, "watcher_1"); err != nil {
		t.Errorf("the account of a completed run was removed: %v", err)
	}
}
