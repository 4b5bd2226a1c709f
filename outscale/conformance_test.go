package outscale_test

import (
	"testing"
	"time"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/oscfake"
	"github.com/iamkit/iamkit/outscale"
	"github.com/iamkit/iamkit/provider/providertest"
)

// TestConformance runs the conformance suite against the fake, in a region
// other than eu-west-2 (so that the signing fix is exercised on every
// call) and with a page size of 2 (so that every listing spans pages).
func TestConformance(t *testing.T) {
	for _, zero := range []bool{false, true} {
		name := "FirstItemOneBased"
		if zero {
			name = "FirstItemZeroBased"
		}
		t.Run(name, func(t *testing.T) {
			if zero && testing.Short() {
				t.Skip("short")
			}
			srv := oscfake.New(t, oscfake.Options{Region: "us-east-2", FirstItemZeroBased: zero})
			providertest.Run(t, providertest.Harness{
				NewProvider: func(t *testing.T) iam.Provider { return providerFor(t, srv, 2) },
				Calls:       func(p iam.Provider) int { return p.(*outscale.Provider).Requests() },
				PageItems:   5,
				// ReadUserGroup answers every member at once: the API has
				// no paged member listing.
				Unpaged:     []string{"ListGroupMembers"},
				Consistency: 10 * time.Millisecond,
			})
		})
	}
}
