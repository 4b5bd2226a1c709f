package iam_test

import (
	"context"
	"iter"
	"slices"
	"strings"
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
	"github.com/iamkit/iamkit/provider/memory"
)

// withExtras adds the optional interfaces to the memory provider and logs
// the order of calls.
type withExtras struct {
	*memory.Provider
	inline map[string]bool
	log    []string
}

func (w *withExtras) Capabilities() iam.Capabilities {
	c := w.Provider.Capabilities()
	c.InlinePolicies = true
	return c
}

func (w *withExtras) DeleteUserDependents(ctx context.Context, user string) error {
	w.log = append(w.log, "dependents/"+user)
	return nil
}

func (w *withExtras) PutInlinePolicy(ctx context.Context, of iam.Principal, name string, doc policy.Document, _ policy.TranslateOptions) (*iam.Policy, error) {
	w.inline[of.String()+"/"+name] = true
	return &iam.Policy{Name: name, Document: doc}, nil
}

func (w *withExtras) GetInlinePolicy(ctx context.Context, of iam.Principal, name string) (*iam.Policy, error) {
	return &iam.Policy{Name: name}, nil
}

func (w *withExtras) ListInlinePolicies(ctx context.Context, of iam.Principal) iter.Seq2[*iam.Policy, error] {
	return func(yield func(*iam.Policy, error) bool) {
		for k := range w.inline {
			if name, ok := strings.CutPrefix(k, of.String()+"/"); ok && !yield(&iam.Policy{Name: name}, nil) {
				return
			}
		}
	}
}

func (w *withExtras) DeleteInlinePolicy(ctx context.Context, of iam.Principal, name string) error {
	w.log = append(w.log, "inline/"+of.String()+"/"+name)
	delete(w.inline, of.String()+"/"+name)
	return nil
}

func (w *withExtras) DeleteUser(ctx context.Context, name string) error {
	w.log = append(w.log, "delete/"+name)
	return w.Provider.DeleteUser(ctx, name)
}

func TestDeprovisionUsesOptionalInterfaces(t *testing.T) {
	ctx := context.Background()
	p := &withExtras{Provider: memory.New(), inline: map[string]bool{}}
	if _, err := iam.Provision(ctx, p, monitoring); err != nil {
		t.Fatal(err)
	}
	if _, err := p.PutInlinePolicy(ctx, iam.UserPrincipal("watcher_1"), "extra", policy.ReadOnly(policy.Image), policy.TranslateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := iam.Deprovision(ctx, p, "watcher_1"); err != nil {
		t.Fatal(err)
	}
	want := []string{"inline/user/watcher_1/extra", "dependents/watcher_1", "delete/watcher_1"}
	if !slices.Equal(p.log, want) {
		t.Fatalf("calls %q, want %q", p.log, want)
	}
}
