package iam_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
	"github.com/iamkit/iamkit/provider/memory"
)

// fleet returns n accounts spread over groups groups, each group with its
// own policy, as a fleet of monitoring and deploy bots would be.
func fleet(n, groups int) []iam.ServiceAccount {
	out := make([]iam.ServiceAccount, n)
	for i := range out {
		g := i % groups
		svc := []policy.Service{policy.Compute, policy.BlockStorage, policy.ObjectStorage, policy.Network}[g%4]
		out[i] = iam.ServiceAccount{
			User:   fmt.Sprintf("bot_%03d", i),
			Group:  fmt.Sprintf("team_%d", g),
			Policy: policy.ReadOnly(svc),
		}
	}
	return out
}

func TestPlanFreshProvider(t *testing.T) {
	ctx := context.Background()
	p := memory.New()
	desired := append(fleet(3, 2), iam.ServiceAccount{User: "solo", Policy: policy.ReadOnly(policy.Image)})
	cs, err := iam.Plan(ctx, p, desired)
	if err != nil {
		t.Fatal(err)
	}
	add, change, destroy := cs.Summary()
	// 2 groups, 3 policies (team_0, team_1, solo), 4 users.
	if add != 9 || change != 0 || destroy != 0 {
		t.Errorf("Summary = %d, %d, %d; want 9, 0, 0\n%s", add, change, destroy, cs)
	}
	// A fresh provider costs the three listings and nothing else.
	if got := p.Calls(""); got != 3 {
		t.Errorf("Plan made %d calls, want 3 (ListUsers, ListGroups, ListPolicies)", got)
	}
	out := cs.String()
	for _, want := range []string{
		"  + group/team_0\n      + attach policy/team_0\n",
		"  + policy/solo\n",
		"  + user/bot_000\n      + add to group/team_0\n      + create access key\n",
		"  + user/solo\n      + attach policy/solo\n      + create access key\n",
		`      +   "Version": "iamkit/1",`,
		"Plan: 9 to add, 0 to change, 0 to destroy.\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("plan lacks %q:\n%s", want, out)
		}
	}
	b, err := json.Marshal(cs)
	if err != nil {
		t.Fatal(err)
	}
	var decoded struct {
		Provider string
		Changes  []iam.Change
		Summary  struct{ Add, Change, Destroy int }
	}
	if err := json.Unmarshal(b, &decoded); err != nil {
		t.Fatal(err)
	}
	if decoded.Provider != "memory" || len(decoded.Changes) != 9 || decoded.Summary.Add != 9 {
		t.Errorf("JSON = %s", b)
	}
}

func TestPlanRefusesBadInputBeforeAnyCall(t *testing.T) {
	ro := policy.ReadOnly(policy.Compute)
	bad := policy.Document{Statements: []policy.Statement{{Effect: "Perhaps", Actions: []policy.Action{"compute:Read"}, Resources: []policy.Resource{"*"}}}}
	for _, tc := range []struct {
		name    string
		desired []iam.ServiceAccount
	}{
		{"duplicate user", []iam.ServiceAccount{{User: "a", Policy: ro}, {User: "b", Policy: ro}, {User: "a", Group: "g", Policy: ro}}},
		{"empty user", []iam.ServiceAccount{{Policy: ro}}},
		{"bad user name", []iam.ServiceAccount{{User: "bad name", Policy: ro}}},
		{"long user name", []iam.ServiceAccount{{User: strings.Repeat("u", 65), Policy: ro}}},
		{"bad group name", []iam.ServiceAccount{{User: "a", Group: "g/h", Policy: ro}}},
		{"bad policy name", []iam.ServiceAccount{{User: "a", PolicyName: "p p", Policy: ro}}},
		{"no statement", []iam.ServiceAccount{{User: "a"}}},
		{"invalid policy", []iam.ServiceAccount{{User: "a", Policy: bad}}},
		{"one policy, two documents", []iam.ServiceAccount{{User: "a", Group: "g", Policy: ro}, {User: "b", Group: "g", Policy: policy.ReadOnly(policy.Image)}}},
		{"user name over the provider's own rule", []iam.ServiceAccount{{User: "sixsix", Policy: ro}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The provider's rules (iam.NameRuler) are AWS's, but user
			// names of at most 5 characters.
			rules := iam.AWSNameRules()
			rules.User.Max = 5
			p := memory.New(memory.WithNameRules(rules))
			_, err := iam.Plan(context.Background(), p, tc.desired)
			if !errors.Is(err, iam.ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
			if n := p.Calls(""); n != 0 {
				t.Errorf("%d calls before refusing", n)
			}
		})
	}
}

func TestPlanShowsPolicyDiff(t *testing.T) {
	ctx := context.Background()
	p := memory.New()
	if _, err := iam.Provision(ctx, p, monitoring); err != nil {
		t.Fatal(err)
	}
	want := monitoring
	want.Policy = policy.ReadOnly(policy.Compute, policy.Image)
	cs, err := iam.Plan(ctx, p, []iam.ServiceAccount{want})
	if err != nil {
		t.Fatal(err)
	}
	out := cs.String()
	for _, s := range []string{"  ~ policy/monitoring\n", "      + ", "Plan: 0 to add, 1 to change, 0 to destroy."} {
		if !strings.Contains(out, s) {
			t.Errorf("plan lacks %q:\n%s", s, out)
		}
	}
	if strings.Contains(out, "user/watcher_1") {
		t.Errorf("complete user shown:\n%s", out)
	}
	var upd *iam.Change
	for _, c := range cs.Changes {
		if c.Action == iam.ActionUpdate {
			upd = c
		}
	}
	if upd == nil || len(upd.Before) == 0 || len(upd.After) == 0 || !json.Valid(upd.Before) || !json.Valid(upd.After) {
		t.Fatalf("update change = %+v", upd)
	}
}

func TestPlanLeavesForeignAlone(t *testing.T) {
	ctx := context.Background()
	p := memory.New()
	if _, err := p.CreateUser(ctx, "human", &iam.UserOptions{Path: "/staff/"}); err != nil {
		t.Fatal(err)
	}
	// Not named: not shown, not deleted even with WithDeletes.
	cs, err := iam.Plan(ctx, p, fleet(1, 1), iam.WithDeletes())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(cs.String(), "human") {
		t.Errorf("foreign user in plan:\n%s", cs)
	}
	// Named: refused, since iamkit would take over what it does not own.
	_, err = iam.Plan(ctx, p, []iam.ServiceAccount{{User: "human", Policy: policy.ReadOnly(policy.Compute)}})
	if !errors.Is(err, iam.ErrAlreadyExists) {
		t.Errorf("err = %v, want ErrAlreadyExists", err)
	}
}

func TestPlanCallsGrowLinearly(t *testing.T) {
	ctx := context.Background()
	for _, n := range []int{10, 250} {
		p := memory.New()
		desired := fleet(n, 4)
		cs, err := iam.Plan(ctx, p, desired)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := iam.Apply(ctx, p, cs, iam.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
		before := p.Calls("")
		cs, err = iam.Plan(ctx, p, desired)
		if err != nil {
			t.Fatal(err)
		}
		// 3 listings (plus their extra pages), 2 per group, 1 per user.
		pages := (n+99)/100 - 1
		want := 3 + pages + 2*4 + n
		if got := p.Calls("") - before; got != want {
			t.Errorf("n=%d: Plan made %d calls, want %d", n, got, want)
		}
		if cs.HasChanges() {
			t.Errorf("n=%d: changes after Apply:\n%s", n, cs)
		}
	}
}

func TestParseDesired(t *testing.T) {
	fsys := fstest.MapFS{
		"deploy.json": {Data: []byte(`{"Version":"iamkit/1","Statement":[{"Effect":"Allow","Action":["compute:*"],"Resource":["*"]}]}`)},
		"image.yaml":  {Data: []byte("Version: iamkit/1\nStatement:\n  - Effect: Allow\n    Action: [\"image:Read\"]\n    Resource: [\"*\"]\n")},
	}
	yml := `
version: iamkit/1
policies:
  monitoring:
    description: read VMs
    document:
      Version: iamkit/1
      Statement:
        - Effect: Allow
          Action: ["compute:Read", "compute:List"]
          Resource: ["*"]
accounts:
  - user: watcher_1
    group: monitoring
    policy_name: monitoring
  - user: deployer
    group: deploy
    policy_file: deploy.json
  - user: imager
    policy_file: image.yaml
    settings: {region: eu-west-3}
`
	got, err := iam.ParseDesired([]byte(yml), fsys, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].PolicyName != "monitoring" || got[0].Description != "read VMs" ||
		len(got[0].Policy.Statements) != 1 || got[1].Group != "deploy" || got[2].Settings["region"] != "eu-west-3" {
		t.Fatalf("got %+v", got)
	}
	js := `{"accounts":[{"user":"a","policy":{"Version":"iamkit/1","Statement":[{"Effect":"Allow","Action":["compute:Read"],"Resource":["*"]}]}}]}`
	if got, err := iam.ParseDesired([]byte(js), nil, true); err != nil || len(got) != 1 {
		t.Fatalf("JSON: %v %+v", err, got)
	}
	for name, bad := range map[string]string{
		"unknown field":   "accounts:\n  - user: a\n    colour: red\n",
		"no policy":       "accounts:\n  - user: a\n",
		"unknown policy":  "accounts:\n  - user: a\n    policy_name: nope\n",
		"bad version":     "version: iamkit/9\n",
		"bad policy":      "accounts:\n  - user: a\n    policy: {Statement: [{Effect: Maybe}]}\n",
		"inline and file": "accounts:\n  - user: a\n    policy: {}\n    policy_file: deploy.json\n",
		"missing file":    "accounts:\n  - user: a\n    policy_file: nope.json\n",
	} {
		_, err := iam.ParseDesired([]byte(bad), fsys, false)
		if iam.KindOf(err) == nil || (!errors.Is(err, iam.ErrInvalid) && !errors.Is(err, iam.ErrNotFound)) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

// BenchmarkPlanMemory plans over 5,000 existing users on the memory
// provider, all desired and in place: the cost of "Plan shows no change".
func BenchmarkPlanMemory(b *testing.B) {
	ctx := context.Background()
	p := memory.New()
	desired := fleet(5000, 4)
	cs, err := iam.Plan(ctx, p, desired)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := iam.Apply(ctx, p, cs, iam.ApplyOptions{}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		before := p.Calls("")
		cs, err := iam.Plan(ctx, p, desired)
		if err != nil {
			b.Fatal(err)
		}
		if cs.HasChanges() {
			b.Fatal("changes")
		}
		b.ReportMetric(float64(p.Calls("")-before), "calls/op")
	}
}

// BenchmarkApplyLatency provisions 200 accounts over 4 shared groups on a
// memory provider that delays every request by 50 ms and has no service
// time of its own: Apply's own overhead against the ideal (requests × 50
// ms ÷ concurrency), which a server slower than the network (moto) hides.
func BenchmarkApplyLatency(b *testing.B) {
	ctx := context.Background()
	const rtt = 50 * time.Millisecond
	desired := fleet(200, 4)
	for b.Loop() {
		p := memory.New()
		p.SetLatency(rtt)
		start := time.Now()
		cs, err := iam.Plan(ctx, p, desired)
		if err != nil {
			b.Fatal(err)
		}
		res, err := iam.Apply(ctx, p, cs, iam.ApplyOptions{})
		if err != nil {
			b.Fatal(err)
		}
		wall := time.Since(start)
		calls := p.Calls("")
		ideal := time.Duration(calls) * rtt / iam.DefaultConcurrency
		b.ReportMetric(wall.Seconds(), "wall-s")
		b.ReportMetric(wall.Seconds()/ideal.Seconds(), "x-ideal")
		b.ReportMetric(float64(calls)/200, "calls/account")
		if len(res.Accounts) != 200 {
			b.Fatalf("%d accounts", len(res.Accounts))
		}
	}
}

// vanishing is a provider on which one object is deleted by someone else
// between Plan's listing and its read of that object. Its policy listing
// leaves the documents out, as AWS's does, so that Plan reads each one.
type vanishing struct {
	*memory.Provider
	op, name string // the read before which the object goes
	remove   func(context.Context, *memory.Provider) error
	fired    bool
}

func (v *vanishing) before(ctx context.Context, op, name string) {
	if v.fired || op != v.op || name != v.name {
		return
	}
	v.fired = true
	if err := v.remove(ctx, v.Provider); err != nil {
		panic(err)
	}
}

func (v *vanishing) ListPolicies(ctx context.Context) iter.Seq2[*iam.Policy, error] {
	return func(yield func(*iam.Policy, error) bool) {
		for p, err := range v.Provider.ListPolicies(ctx) {
			if p != nil {
				q := *p
				q.Document, q.Native = policy.Document{}, nil
				p = &q
			}
			if !yield(p, err) {
				return
			}
		}
	}
}

func (v *vanishing) GetPolicy(ctx context.Context, name string) (*iam.Policy, error) {
	v.before(ctx, "GetPolicy", name)
	return v.Provider.GetPolicy(ctx, name)
}

func (v *vanishing) ListGroupMembers(ctx context.Context, group string) iter.Seq2[*iam.User, error] {
	v.before(ctx, "ListGroupMembers", group)
	return v.Provider.ListGroupMembers(ctx, group)
}

func (v *vanishing) ListAttachedPolicies(ctx context.Context, pr iam.Principal) iter.Seq2[*iam.Policy, error] {
	v.before(ctx, "ListAttachedPolicies", pr.Name)
	return v.Provider.ListAttachedPolicies(ctx, pr)
}

func (v *vanishing) ListAccessKeys(ctx context.Context, user string) iter.Seq2[*iam.AccessKey, error] {
	v.before(ctx, "ListAccessKeys", user)
	return v.Provider.ListAccessKeys(ctx, user)
}

// TestPlanToleratesConcurrentDeletes: an object deleted by someone else
// after Plan listed it is planned as missing, not reported as an error.
func TestPlanToleratesConcurrentDeletes(t *testing.T) {
	desired := append(fleet(2, 1), iam.ServiceAccount{User: "solo", Policy: policy.ReadOnly(policy.Image)})
	// deleteUser deletes the user alone; its policy, even its own, stays.
	deleteUser := func(name string) func(context.Context, *memory.Provider) error {
		return func(ctx context.Context, p *memory.Provider) error {
			keys, err := iam.Collect(p.ListAccessKeys(ctx, name))
			if err != nil {
				return err
			}
			for _, k := range keys {
				if err := p.DeleteAccessKey(ctx, name, k.ID); err != nil {
					return err
				}
			}
			groups, err := iam.Collect(p.ListGroupsForUser(ctx, name))
			if err != nil {
				return err
			}
			for _, g := range groups {
				if err := p.RemoveUserFromGroup(ctx, g.Name, name); err != nil {
					return err
				}
			}
			pols, err := iam.Collect(p.ListAttachedPolicies(ctx, iam.UserPrincipal(name)))
			if err != nil {
				return err
			}
			for _, pol := range pols {
				if err := p.DetachPolicy(ctx, pol.Name, iam.UserPrincipal(name)); err != nil {
					return err
				}
			}
			return p.DeleteUser(ctx, name)
		}
	}
	deleteGroup := func(ctx context.Context, p *memory.Provider) error {
		for _, u := range []string{"bot_000", "bot_001"} {
			if err := p.RemoveUserFromGroup(ctx, "team_0", u); err != nil {
				return err
			}
		}
		if err := p.DetachPolicy(ctx, "team_0", iam.GroupPrincipal("team_0")); err != nil {
			return err
		}
		return p.DeleteGroup(ctx, "team_0")
	}
	deletePolicy := func(ctx context.Context, p *memory.Provider) error {
		if err := p.DetachPolicy(ctx, "solo", iam.UserPrincipal("solo")); err != nil {
			return err
		}
		return p.DeletePolicy(ctx, "solo")
	}
	for _, tc := range []struct {
		op, name string
		remove   func(context.Context, *memory.Provider) error
		want     []string // in the second plan
	}{
		{"ListGroupMembers", "team_0", deleteGroup, []string{"  + group/team_0\n", "      + add to group/team_0\n"}},
		{"ListAttachedPolicies", "team_0", deleteGroup, []string{"  + group/team_0\n      + attach policy/team_0\n"}},
		{"ListAccessKeys", "bot_001", deleteUser("bot_001"), []string{"  + user/bot_001\n"}},
		{"ListAttachedPolicies", "solo", deleteUser("solo"), []string{"  + user/solo\n      + attach policy/solo\n"}},
		{"GetPolicy", "solo", deletePolicy, []string{"  + policy/solo\n", "      + attach policy/solo\n"}},
	} {
		t.Run(tc.op+"/"+tc.name, func(t *testing.T) {
			ctx := context.Background()
			mp := memory.New()
			cs, err := iam.Plan(ctx, mp, desired)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := iam.Apply(ctx, mp, cs, iam.ApplyOptions{}); err != nil {
				t.Fatal(err)
			}
			v := &vanishing{Provider: mp, op: tc.op, name: tc.name, remove: tc.remove}
			cs, err = iam.Plan(ctx, v, desired, iam.WithPlanConcurrency(1))
			if err != nil {
				t.Fatalf("Plan with %s deleted during it: %v", tc.name, err)
			}
			if !v.fired {
				t.Fatalf("Plan never called %s(%s): the case tests nothing", tc.op, tc.name)
			}
			for _, w := range tc.want {
				if !strings.Contains(cs.String(), w) {
					t.Errorf("plan lacks %q:\n%s", w, cs)
				}
			}
			// And the plan puts it back.
			if _, err := iam.Apply(ctx, mp, cs, iam.ApplyOptions{}); err != nil {
				t.Fatal(err)
			}
			if cs, err = iam.Plan(ctx, mp, desired); err != nil || cs.HasChanges() {
				t.Errorf("after Apply: err %v, changes:\n%s", err, cs)
			}
		})
	}
}

// TestSavedPlan: a plan saved as JSON reads back Equal to itself and to a
// new plan of the same state, and stops being Equal once the cloud
// changes; read back, it cannot be applied.
func TestSavedPlan(t *testing.T) {
	ctx := context.Background()
	p := memory.New()
	desired := fleet(3, 2)
	if _, err := iam.Provision(ctx, p, desired[0]); err != nil {
		t.Fatal(err)
	}
	for i := range desired { // an update, with a diff
		if desired[i].Group == desired[0].Group {
			desired[i].Policy = policy.ReadOnly(policy.Compute, policy.Image)
		}
	}
	cs, err := iam.Plan(ctx, p, desired)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(cs)
	if err != nil {
		t.Fatal(err)
	}
	var saved iam.ChangeSet
	if err := json.Unmarshal(b, &saved); err != nil {
		t.Fatal(err)
	}
	if !saved.Equal(cs) || !cs.Equal(&saved) {
		t.Fatalf("read back, the plan differs:\n%s\nfrom\n%s", &saved, cs)
	}
	if saved.String() != cs.String() {
		t.Errorf("read back, the plan renders\n%s\nnot\n%s", &saved, cs)
	}
	again, err := iam.Plan(ctx, p, desired)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Equal(&saved) {
		t.Errorf("a new plan of the same state differs from the saved one:\n%s", again)
	}
	if _, err := iam.Apply(ctx, p, &saved, iam.ApplyOptions{}); !errors.Is(err, iam.ErrInvalid) {
		t.Errorf("Apply of a plan read back: %v, want ErrInvalid", err)
	}
	// Someone changes the cloud: the saved plan is stale.
	if _, err := p.CreateGroup(ctx, "team_1"); err != nil {
		t.Fatal(err)
	}
	stale, err := iam.Plan(ctx, p, desired)
	if err != nil {
		t.Fatal(err)
	}
	if stale.Equal(&saved) {
		t.Errorf("a plan of a changed cloud is Equal to the saved one:\n%s", stale)
	}
}

func TestReadPlanRefusesNonPlans(t *testing.T) {
	for _, in := range []string{
		`[]`,
		`{}`,
		`{"provider":"memory"}`,
		`{"changes":[]}`,
		`{"provider":"memory","changes":[null]}`,
		`{"provider":"memory","changes":[{"action":"explode","kind":"user","name":"a"}]}`,
		`{"provider":"memory","changes":[{"action":"create","kind":"role","name":"a"}]}`,
		`{"provider":"memory","changes":[{"action":"create","kind":"user"}]}`,
	} {
		var cs iam.ChangeSet
		if err := json.Unmarshal([]byte(in), &cs); !errors.Is(err, iam.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", in, err)
		}
	}
}
