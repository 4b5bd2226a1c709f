package memory_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
	"github.com/iamkit/iamkit/provider/memory"
)

// A test provisions on a fresh in-memory account, with no cloud at all.
func ExampleNew() {
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
	fmt.Println("user:", acct.User.ID)
	fmt.Println("policy:", acct.Policy.Name, acct.Policy.Version)
	fmt.Println("key:", acct.Key.Status, acct.Key.Secret) // the secret prints redacted
	// Output:
	// user: arn:memory:iam::000000000000:user/iamkit/watcher_1
	// policy: monitoring v1
	// key: Active [REDACTED]
}

// Authorize proves what a provisioned key may and may not do.
func ExampleProvider_Authorize() {
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
	id, secret := acct.Key.ID, acct.Key.Secret.Reveal()

	err = p.Authorize(ctx, id, secret, "compute:Read", "*")
	fmt.Println("read VMs:", err == nil)

	err = p.Authorize(ctx, id, secret, "objectstorage:Write", "objectstorage:bucket/logs")
	fmt.Println("write to a bucket refused:", errors.Is(err, iam.ErrDenied))

	if err := p.SetAccessKeyStatus(ctx, "watcher_1", id, iam.KeyInactive); err != nil {
		fmt.Println(err)
		return
	}
	err = p.Authorize(ctx, id, secret, "compute:Read", "*")
	fmt.Println("inactive key refused:", errors.Is(err, iam.ErrDenied))
	// Output:
	// read VMs: true
	// write to a bucket refused: true
	// inactive key refused: true
}

// InjectFault makes a call fail once, so a test can check that its code
// retries.
func ExampleProvider_InjectFault() {
	ctx := context.Background()
	p := memory.New()
	if _, err := p.CreateUser(ctx, "ci", nil); err != nil {
		fmt.Println(err)
		return
	}
	p.InjectFault(memory.Fault{Op: "CreateAccessKey", Nth: 1, Kind: iam.ErrThrottled, Msg: "rate exceeded"})

	_, err := p.CreateAccessKey(ctx, "ci", nil)
	fmt.Println(err)
	fmt.Println("retryable:", iam.IsRetryable(err))

	_, err = p.CreateAccessKey(ctx, "ci", nil) // a fault fires once
	fmt.Println("retry:", err)
	fmt.Println("requests:", p.Calls("CreateAccessKey"))
	// Output:
	// memory: CreateAccessKey user/ci: throttled: rate exceeded
	// retryable: true
	// retry: <nil>
	// requests: 2
}
