package iam_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
	"github.com/iamkit/iamkit/provider/memory"
)

// Rotate replaces a service account's key without downtime: the new key
// is delivered and proven to work before the old one is deactivated, then
// deleted.
func ExampleRotate() {
	ctx := context.Background()
	p := memory.New()
	acct, err := iam.Provision(ctx, p, iam.ServiceAccount{
		User:   "watcher_1",
		Group:  "monitoring",
		Policy: policy.ReadOnly(policy.Compute),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	old := acct.Key

	r, err := iam.Rotate(ctx, p, "watcher_1", iam.RotateOptions{
		// A real program writes the key where its tool reads it (see the
		// sink package); this callback only says it got it.
		Sink: iam.SinkFunc(func(ctx context.Context, d iam.Delivery) error {
			fmt.Println("delivered a new key for", d.User, "secret", d.Key.Secret)
			return nil
		}),
		// Wait until the cloud accepts the new key before retiring the old.
		Wait: func(ctx context.Context, k *iam.AccessKey) error {
			for {
				err := p.Authorize(ctx, k.ID, k.Secret.Reveal(), "compute:Read", "*")
				if err == nil || ctx.Err() != nil {
					return err
				}
				time.Sleep(100 * time.Millisecond)
			}
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("old key deleted:", len(r.Deleted) == 1 && r.Deleted[0] == old.ID)

	err = p.Authorize(ctx, r.New.ID, r.New.Secret.Reveal(), "compute:Read", "*")
	fmt.Println("new key works:", err == nil)
	err = p.Authorize(ctx, old.ID, old.Secret.Reveal(), "compute:Read", "*")
	fmt.Println("old key refused:", errors.Is(err, iam.ErrDenied))
	// Output:
	// delivered a new key for watcher_1 secret [REDACTED]
	// old key deleted: true
	// new key works: true
	// old key refused: true
}

// With two active keys, the most AWS allows, Rotate refuses rather than cut
// off whoever uses one of them, and says what to do.
func ExampleRotate_limit() {
	ctx := context.Background()
	p := memory.New() // 2 keys per user, as on AWS
	if _, err := iam.Provision(ctx, p, iam.ServiceAccount{User: "ci", Policy: policy.ReadOnly(policy.Compute)}); err != nil {
		fmt.Println(err)
		return
	}
	if _, err := p.CreateAccessKey(ctx, "ci", nil); err != nil {
		fmt.Println(err)
		return
	}
	sink := iam.SinkFunc(func(context.Context, iam.Delivery) error { return nil })

	_, err := iam.Rotate(ctx, p, "ci", iam.RotateOptions{Sink: sink})
	fmt.Println("refused:", errors.Is(err, iam.ErrLimit))

	// Force deletes the oldest active key to make room.
	r, err := iam.Rotate(ctx, p, "ci", iam.RotateOptions{Sink: sink, Force: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("deleted:", len(r.Deleted), "keys; current key active:", r.New.Status)
	// Output:
	// refused: true
	// deleted: 2 keys; current key active: Active
}
