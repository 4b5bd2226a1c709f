package outscale_test

import (
	"context"
	"errors"
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/oscfake"
	"github.com/iamkit/iamkit/policy"
)

// TestPropagationRetry: a "not found" about a user and policy this
// provider just made is retried until the documented 15 s have passed (up
// to 12 tries, here without waiting), one about anything older at once.
func TestPropagationRetry(t *testing.T) {
	for _, tc := range []struct {
		name     string
		failures int
		fresh    bool
		want     error
		calls    int
	}{
		{"longer than the throttling retries", 8, true, nil, 9},
		{"up to 12 tries", 12, true, iam.ErrNotFound, 12},
		{"not retried when not just made", 1, false, iam.ErrNotFound, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			srv, p := newFake(t, oscfake.Options{})
			maker := p
			if !tc.fresh {
				maker = providerFor(t, srv, 2) // another process made them
			}
			if _, err := maker.CreateUser(ctx, "bot", nil); err != nil {
				t.Fatal(err)
			}
			if _, err := maker.CreatePolicy(ctx, iam.PolicyInput{Name: "read", Document: policy.ReadOnly(policy.Compute)}); err != nil {
				t.Fatal(err)
			}
			before := srv.Calls("LinkPolicy")
			for range tc.failures {
				srv.FailNext("LinkPolicy", "NotFound")
			}
			err := p.AttachPolicy(ctx, "read", iam.UserPrincipal("bot"))
			if !errors.Is(err, tc.want) && !(err == nil && tc.want == nil) {
				t.Errorf("AttachPolicy: %v, want %v", err, tc.want)
			}
			if got := srv.Calls("LinkPolicy") - before; got != tc.calls {
				t.Errorf("LinkPolicy tried %d times, want %d", got, tc.calls)
			}
		})
	}
}
