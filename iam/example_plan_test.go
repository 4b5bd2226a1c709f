package iam_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
	"github.com/iamkit/iamkit/provider/memory"
)

// Plan shows what it would do, as terraform plan does; Apply does it,
// and a second Plan finds nothing left to do.
func ExamplePlan() {
	ctx := context.Background()
	p := memory.New()
	desired := []iam.ServiceAccount{
		{User: "watcher_1", Group: "monitoring", Policy: policy.ReadOnly(policy.Compute)},
		{User: "watcher_2", Group: "monitoring", Policy: policy.ReadOnly(policy.Compute)},
	}
	cs, err := iam.Plan(ctx, p, desired)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(cs)

	res, err := iam.Apply(ctx, p, cs, iam.ApplyOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(res.Accounts), "accounts,", res.Calls, "requests")

	cs, _ = iam.Plan(ctx, p, desired)
	fmt.Print(cs)
	// Output:
	// iamkit will perform the following actions on memory:
	//
	//   + group/monitoring
	//       + attach policy/monitoring
	//
	//   + policy/monitoring
	//       + {
	//       +   "Version": "iamkit/1",
	//       +   "Statement": [
	//       +     {
	//       +       "Sid": "ReadOnly",
	//       +       "Effect": "Allow",
	//       +       "Action": [
	//       +         "compute:List",
	//       +         "compute:Read"
	//       +       ],
	//       +       "Resource": [
	//       +         "*"
	//       +       ]
	//       +     }
	//       +   ]
	//       + }
	//
	//   + user/watcher_1
	//       + add to group/monitoring
	//       + create access key
	//
	//   + user/watcher_2
	//       + add to group/monitoring
	//       + create access key
	//
	// Plan: 4 to add, 0 to change, 0 to destroy.
	// 2 accounts, 9 requests
	// No changes. The service accounts on memory match the desired state.
}

// A plan as JSON, for programs and CI: the policy update carries the
// documents before and after.
func ExampleChangeSet_MarshalJSON() {
	ctx := context.Background()
	p := memory.New()
	sa := iam.ServiceAccount{User: "watcher_1", Group: "monitoring", Policy: policy.ReadOnly(policy.Compute)}
	if _, err := iam.Provision(ctx, p, sa); err != nil {
		fmt.Println(err)
		return
	}
	sa.Policy = policy.ReadOnly(policy.Compute, policy.Image)
	cs, err := iam.Plan(ctx, p, []iam.ServiceAccount{sa})
	if err != nil {
		fmt.Println(err)
		return
	}
	var out struct {
		Changes []struct {
			Action, Kind, Name string
			Before, After      json.RawMessage
		}
		Summary map[string]int
	}
	b, _ := json.Marshal(cs)
	_ = json.Unmarshal(b, &out)
	for _, c := range out.Changes {
		fmt.Println(c.Action, c.Kind+"/"+c.Name, len(c.Before) > 0, len(c.After) > 0)
	}
	fmt.Println(out.Summary)
	// Output:
	// no-op group/monitoring false false
	// update policy/monitoring true true
	// no-op user/watcher_1 false false
	// map[add:0 change:1 destroy:0]
}

// A desired-state file read with ParseDesired (LoadDesired reads one from
// disk), planned with deletions allowed.
func ExampleParseDesired() {
	doc := []byte(`
version: iamkit/1
policies:
  monitoring:
    document:
      Version: iamkit/1
      Statement:
        - Effect: Allow
          Action: ["compute:Read", "compute:List"]
          Resource: ["*"]
accounts:
  - {user: watcher_1, group: monitoring, policy_name: monitoring}
  - {user: watcher_2, group: monitoring, policy_name: monitoring}
`)
	desired, err := iam.ParseDesired(doc, nil, false)
	if err != nil {
		fmt.Println(err)
		return
	}
	cs, err := iam.Plan(context.Background(), memory.New(), desired, iam.WithDeletes())
	if err != nil {
		fmt.Println(err)
		return
	}
	add, change, destroy := cs.Summary()
	fmt.Println(len(desired), "accounts:", add, "to add,", change, "to change,", destroy, "to destroy")
	// Output:
	// 2 accounts: 4 to add, 0 to change, 0 to destroy
}

// A reviewed plan: CI saves the plan as JSON for people to review; the
// job that applies it plans again and goes ahead only if nothing changed
// since the review.
func ExampleChangeSet_Equal() {
	ctx := context.Background()
	p := memory.New()
	desired := []iam.ServiceAccount{{User: "watcher_1", Group: "monitoring", Policy: policy.ReadOnly(policy.Compute)}}

	// The review job.
	cs, err := iam.Plan(ctx, p, desired)
	if err != nil {
		fmt.Println(err)
		return
	}
	saved, _ := json.Marshal(cs) // to a file, an artifact, a pull request comment

	// The apply job, later.
	var reviewed iam.ChangeSet
	if err := json.Unmarshal(saved, &reviewed); err != nil {
		fmt.Println(err)
		return
	}
	now, err := iam.Plan(ctx, p, desired)
	if err != nil {
		fmt.Println(err)
		return
	}
	if !now.Equal(&reviewed) {
		fmt.Println("the cloud changed since the review:", now)
		return
	}
	res, err := iam.Apply(ctx, p, now, iam.ApplyOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(res.Done), "changes applied, as reviewed")
	// Output:
	// 3 changes applied, as reviewed
}
