package iam_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/provider/memory"
)

// BenchmarkProvision provisions a new account per iteration on one memory
// provider, all sharing a group and its policy, as a user's test suite does.
func BenchmarkProvision(b *testing.B) {
	ctx := context.Background()
	p := memory.New()
	sa := monitoring
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		sa.User = "watcher_" + strconv.Itoa(i)
		i++
		if _, err := iam.Provision(ctx, p, sa); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkProvisionFresh provisions one account on a fresh provider per
// iteration: group, policy and user all created.
func BenchmarkProvisionFresh(b *testing.B) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := iam.Provision(ctx, memory.New(), monitoring); err != nil {
			b.Fatal(err)
		}
	}
}
