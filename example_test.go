package iamkit_test

import (
	"context"
	"fmt"
	"log"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
	"github.com/iamkit/iamkit/provider"
	"github.com/iamkit/iamkit/provider/memory"
)

// A monitoring tool gets its own read-only identity, and the in-memory
// provider proves what its key may do.
func Example() {
	ctx := context.Background()
	p, err := provider.Open(ctx, "memory://")
	if err != nil {
		log.Fatal(err)
	}
	acct, err := iam.Provision(ctx, p, iam.ServiceAccount{
		User:   "watcher_1",
		Group:  "monitoring",
		Policy: policy.ReadOnly(policy.Compute),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(acct.Changes)
	fmt.Println("secret:", acct.Key.Secret)

	mem := p.(*memory.Provider)
	secret := acct.Key.Secret.Reveal() // hand this to the tool, never to a log
	fmt.Println("read VMs:", mem.Authorize(ctx, acct.Key.ID, secret, "compute:Read", "*") == nil)
	fmt.Println("list buckets:", mem.Authorize(ctx, acct.Key.ID, secret, "objectstorage:List", "*") == nil)
	// Output:
	// [create group/monitoring create policy/monitoring attach policy/monitoring to group/monitoring create user/watcher_1 add user/watcher_1 to group/monitoring create access key for user/watcher_1]
	// secret: [REDACTED]
	// read VMs: true
	// list buckets: false
}
