package memory_test

import (
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/provider/memory"
	"github.com/iamkit/iamkit/provider/providertest"
)

// TestConformance runs the conformance suite every provider passes. The
// page size of 2 makes every paging test span several pages.
func TestConformance(t *testing.T) {
	providertest.Run(t, providertest.Harness{
		NewProvider: func(*testing.T) iam.Provider { return memory.New(memory.WithPageSize(2)) },
		Calls:       func(p iam.Provider) int { return p.(*memory.Provider).Calls("") },
	})
}
