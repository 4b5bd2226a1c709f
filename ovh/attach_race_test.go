package ovh_test

import (
	"slices"
	"sync"
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
)

// TestAttachConcurrently: OVHcloud writes a policy whole, identities
// included, so attachments made at once through one provider must not
// overwrite each other (iam.Apply attaches a shared policy to many
// service accounts concurrently).
func TestAttachConcurrently(t *testing.T) {
	_, p := newFake(t)
	ctx := t.Context()
	if _, err := p.CreatePolicy(ctx, iam.PolicyInput{Name: "shared", Document: policy.ReadOnly(policy.Compute),
		Translate: policy.TranslateOptions{AllowWidening: true}}); err != nil {
		t.Fatal(err)
	}
	const n = 12
	var users []string
	for i := range n {
		u := "acct-" + string(rune('a'+i))
		if _, err := p.CreateUser(ctx, u, nil); err != nil {
			t.Fatal(err)
		}
		users = append(users, u)
	}
	var wg sync.WaitGroup
	for _, u := range users {
		wg.Go(func() {
			if err := p.AttachPolicy(ctx, "shared", iam.UserPrincipal(u)); err != nil {
				t.Errorf("AttachPolicy(%s): %v", u, err)
			}
		})
	}
	wg.Wait()
	for _, u := range users {
		pols, err := iam.Collect(p.ListAttachedPolicies(ctx, iam.UserPrincipal(u)))
		if err != nil || !slices.ContainsFunc(pols, func(pol *iam.Policy) bool { return pol.Name == "shared" }) {
			t.Errorf("policies of %s after concurrent attachments: %v %v, want shared", u, pols, err)
		}
	}
}
