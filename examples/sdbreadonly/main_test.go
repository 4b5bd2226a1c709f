package main

import (
	"context"
	"testing"

	"github.com/iamkit/iamkit/examples/internal/scenario"
)

// The guide's domain, and one named by -region, -account and -domain.
func TestScenario(t *testing.T) {
	for _, s := range []scenario.Scenario{example, readers("eu-west-1", "111122223333", "orders")} {
		if err := scenario.Verify(context.Background(), s); err != nil {
			t.Errorf("%s: %v", s.Account.Policy.Statements[0].Resources, err)
		}
	}
}
