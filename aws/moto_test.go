package aws_test

import (
	"sync"
	"testing"
	"time"

	"github.com/iamkit/iamkit/aws"
	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/moto"
	"github.com/iamkit/iamkit/provider/providertest"
)

// fastRetry keeps the eventual-consistency retries short against moto,
// which is consistent at once.
var fastRetry = aws.RetryOptions{Attempts: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, SDKAttempts: 2, SDKMaxBackoff: 5 * time.Millisecond}

// motoProvider returns a provider on srv whose requests c counts.
func motoProvider(t testing.TB, srv *moto.Server, c *moto.Counter, opts aws.Options) *aws.Provider {
	t.Helper()
	cfg := srv.Config(moto.AdminKeyID, moto.AdminSecret, c)
	opts.Config = &cfg
	opts.Endpoint = srv.Endpoint
	if opts.Retry == (aws.RetryOptions{}) {
		opts.Retry = fastRetry
	}
	p, err := aws.New(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestMoto runs everything that needs an IAM server but no enforcement
// against one moto.
func TestMoto(t *testing.T) {
	srv := moto.Start(t, moto.Options{})

	t.Run("Conformance", func(t *testing.T) {
		var mu sync.Mutex
		counters := map[iam.Provider]*moto.Counter{}
		providertest.Run(t, providertest.Harness{
			NewProvider: func(t *testing.T) iam.Provider {
				c := &moto.Counter{}
				p := motoProvider(t, srv, c, aws.Options{AccountID: moto.AccountID, PageSize: 2, CheckDependents: true})
				mu.Lock()
				counters[p] = c
				mu.Unlock()
				return p
			},
			Calls: func(p iam.Provider) int {
				mu.Lock()
				defer mu.Unlock()
				return counters[p].Count()
			},
			PageItems: 5,
			// moto 5.2 answers these in one page whatever MaxItems and
			// Marker say; their paging is tested against an httptest
			// server instead (TestPaging).
			Unpaged:     []string{"ListUsers", "ListGroups", "ListGroupMembers"},
			Consistency: time.Second,
		})
	})
	t.Run("Deprovision", func(t *testing.T) { testDeprovision(t, srv) })
	t.Run("Inline", func(t *testing.T) { testInline(t, srv) })
	t.Run("AccountID", func(t *testing.T) { testAccountID(t, srv) })
}
