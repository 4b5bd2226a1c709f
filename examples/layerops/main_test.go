package main

import (
	"context"
	"testing"

	"github.com/iamkit/iamkit/examples/internal/scenario"
)

func TestScenario(t *testing.T) {
	if err := scenario.Verify(context.Background(), example); err != nil {
		t.Fatal(err)
	}
}
