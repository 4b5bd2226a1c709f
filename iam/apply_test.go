package iam_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
	"github.com/iamkit/iamkit/provider/memory"
)

// fastRetry keeps the tests' retries short.
var fastRetry = iam.RetryPolicy{Attempts: 10, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}

func planApply(t *testing.T, p iam.Provider, desired []iam.ServiceAccount, o iam.ApplyOptions, popts ...iam.PlanOption) *iam.Applied {
	t.Helper()
	ctx := context.Background()
	cs, err := iam.Plan(ctx, p, desired, popts...)
	if err != nil {
		t.Fatal(err)
	}
	if o.Retry == (iam.RetryPolicy{}) {
		o.Retry = fastRetry
	}
	res, err := iam.Apply(ctx, p, cs, o)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	return res
}

// converged fails t unless a new Plan shows no change.
func converged(t *testing.T, p iam.Provider, desired []iam.ServiceAccount, popts ...iam.PlanOption) {
	t.Helper()
	cs, err := iam.Plan(context.Background(), p, desired, popts...)
	if err != nil {
		t.Fatal(err)
	}
	if cs.HasChanges() {
		t.Errorf("changes left:\n%s", cs)
	}
}

// checkFleet fails t unless p holds exactly desired: each user once, in
// its group, with exactly one key; each group and policy once, policies
// at their first version.
func checkFleet(t *testing.T, p *memory.Provider, desired []iam.ServiceAccount) {
	t.Helper()
	ctx := context.Background()
	users, _ := iam.Collect(p.ListUsers(ctx))
	if len(users) != len(desired) {
		t.Errorf("%d users, want %d", len(users), len(desired))
	}
	groups := map[string]bool{}
	for _, sa := range desired {
		keys, err := iam.Collect(p.ListAccessKeys(ctx, sa.User))
		if err != nil || len(keys) != 1 {
			t.Errorf("user %s: %d keys (%v), want 1", sa.User, len(keys), err)
		}
		gs, _ := iam.Collect(p.ListGroupsForUser(ctx, sa.User))
		if len(gs) != 1 || gs[0].Name != sa.Group {
			t.Errorf("user %s: groups %v", sa.User, gs)
		}
		groups[sa.Group] = true
	}
	gs, _ := iam.Collect(p.ListGroups(ctx))
	if len(gs) != len(groups) {
		t.Errorf("%d groups, want %d", len(gs), len(groups))
	}
	pols, _ := iam.Collect(p.ListPolicies(ctx))
	if len(pols) != len(groups) {
		t.Errorf("%d policies, want %d", len(pols), len(groups))
	}
	for _, pol := range pols {
		if vs, _ := p.PolicyVersions(ctx, pol.Name); len(vs) != 1 {
			t.Errorf("policy %s has %d versions", pol.Name, len(vs))
		}
	}
}

func TestApplyMakesTheMinimumOfCalls(t *testing.T) {
	p := memory.New()
	desired := fleet(20, 4)
	cs, err := iam.Plan(context.Background(), p, desired)
	if err != nil {
		t.Fatal(err)
	}
	before := p.Calls("")
	res, err := iam.Apply(context.Background(), p, cs, iam.ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{
		"CreateGroup": 4, "CreatePolicy": 4, "AttachPolicy": 4,
		"CreateUser": 20, "AddUserToGroup": 20, "CreateAccessKey": 20,
	}
	total := 0
	for op, n := range want {
		if got := p.Calls(op); got != n {
			t.Errorf("%s: %d calls, want %d", op, got, n)
		}
		total += n
	}
	if got := p.Calls("") - before; got != total || res.Calls != int64(total) {
		t.Errorf("Apply made %d calls (reports %d), want %d: it read something again", got, res.Calls, total)
	}
	if len(res.Accounts) != 20 || len(res.Failed) != 0 || len(res.Done) != 28 {
		t.Errorf("accounts %d, failed %d, done %d", len(res.Accounts), len(res.Failed), len(res.Done))
	}
	for _, a := range res.Accounts {
		if a.Key == nil || a.Key.Secret.Reveal() == "" {
			t.Errorf("account %s without its new key", a.User.Name)
		}
		if s := fmt.Sprint(a.Key); strings.Contains(s, a.Key.Secret.Reveal()) {
			t.Errorf("secret printed: %s", s)
		}
	}
	checkFleet(t, p, desired)
	converged(t, p, desired)
}

func TestApplyIsIdempotentAndCompletes(t *testing.T) {
	ctx := context.Background()
	p := memory.New()
	desired := fleet(6, 2)
	planApply(t, p, desired, iam.ApplyOptions{})
	// Damage: a key deleted, a membership removed, an attachment removed.
	keys, _ := iam.Collect(p.ListAccessKeys(ctx, "bot_000"))
	_ = p.DeleteAccessKey(ctx, "bot_000", keys[0].ID)
	_ = p.RemoveUserFromGroup(ctx, "team_1", "bot_001")
	_ = p.DetachPolicy(ctx, "team_0", iam.GroupPrincipal("team_0"))
	cs, err := iam.Plan(ctx, p, desired)
	if err != nil {
		t.Fatal(err)
	}
	out := cs.String()
	for _, want := range []string{
		"  ~ group/team_0\n      + attach policy/team_0\n",
		"  ~ user/bot_000\n      + create access key\n",
		"  ~ user/bot_001\n      + add to group/team_1\n",
		"Plan: 0 to add, 3 to change, 0 to destroy.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("plan lacks %q:\n%s", want, out)
		}
	}
	res, err := iam.Apply(ctx, p, cs, iam.ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Calls != 3 {
		t.Errorf("repair took %d calls, want 3", res.Calls)
	}
	checkFleet(t, p, desired)
	converged(t, p, desired)
}

func TestApplyUpdatesPolicyAndMoves(t *testing.T) {
	ctx := context.Background()
	p := memory.New()
	desired := fleet(4, 2)
	planApply(t, p, desired, iam.ApplyOptions{})
	// team_0's policy grows, and bot_001 moves from team_1 to team_0.
	for i := range 3 {
		desired[i].Group, desired[i].Policy = "team_0", policy.ReadOnly(policy.Compute, policy.Image)
	}
	cs, err := iam.Plan(ctx, p, desired)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(cs.String(), "      - remove from group/team_1\n") {
		t.Errorf("plan:\n%s", cs)
	}
	before := p.Calls("UpdatePolicy")
	if _, err := iam.Apply(ctx, p, cs, iam.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	if n := p.Calls("UpdatePolicy") - before; n != 1 {
		t.Errorf("UpdatePolicy called %d times", n)
	}
	converged(t, p, desired)
}

func TestApplyDeletesOnlyWhenAsked(t *testing.T) {
	ctx := context.Background()
	p := memory.New()
	desired := fleet(4, 2)
	planApply(t, p, desired, iam.ApplyOptions{})
	if _, err := p.CreateUser(ctx, "human", &iam.UserOptions{Path: "/staff/"}); err != nil {
		t.Fatal(err)
	}
	if err := p.AddUserToGroup(ctx, "team_1", "human"); err != nil {
		t.Fatal(err)
	}
	smaller := desired[:1] // bot_000 in team_0 only

	cs, err := iam.Plan(ctx, p, smaller)
	if err != nil {
		t.Fatal(err)
	}
	if cs.HasChanges() {
		t.Fatalf("without WithDeletes the plan deletes:\n%s", cs)
	}

	cs, err = iam.Plan(ctx, p, smaller, iam.WithDeletes())
	if err != nil {
		t.Fatal(err)
	}
	out := cs.String()
	for _, want := range []string{"  - user/bot_001\n", "  - user/bot_003\n", "  - group/team_1\n      - remove user/human\n      - detach policy/team_1\n",
		"  - policy/team_1\n", "Plan: 0 to add, 0 to change, 5 to destroy."} {
		if !strings.Contains(out, want) {
			t.Errorf("plan lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "user/human") && !strings.Contains(out, "remove user/human") {
		t.Errorf("foreign user deleted:\n%s", out)
	}
	if _, err := iam.Apply(ctx, p, cs, iam.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.GetUser(ctx, "human"); err != nil {
		t.Errorf("foreign user: %v", err)
	}
	for _, gone := range []string{"bot_001", "bot_002", "bot_003"} {
		if _, err := p.GetUser(ctx, gone); !errors.Is(err, iam.ErrNotFound) {
			t.Errorf("user %s: %v", gone, err)
		}
	}
	if _, err := p.GetGroup(ctx, "team_1"); !errors.Is(err, iam.ErrNotFound) {
		t.Errorf("group team_1: %v", err)
	}
	converged(t, p, smaller, iam.WithDeletes())
}

func TestApplyDryRunSendsNothing(t *testing.T) {
	ctx := context.Background()
	p := memory.New()
	planApply(t, p, fleet(2, 1), iam.ApplyOptions{})
	desired := fleet(5, 2)
	cs, err := iam.Plan(ctx, p, desired, iam.WithDeletes())
	if err != nil {
		t.Fatal(err)
	}
	before := p.Calls("")
	res, err := iam.Apply(ctx, p, cs, iam.ApplyOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if n := p.Calls("") - before; n != 0 || res.Calls != 0 {
		t.Errorf("dry run made %d calls", n)
	}
	add, change, destroy := cs.Summary()
	if !res.DryRun || len(res.Skipped) != add+change+destroy || len(res.Done) != 0 {
		t.Errorf("dry run result %+v", res)
	}
}

// TestApplyFailureAtEachStep fails each kind of change Apply makes, once
// with an error that is not retried: the failed account is rolled back
// (no user, no key left behind), what does not depend on it is done, and
// a second Plan and Apply complete the fleet without duplicates.
func TestApplyFailureAtEachStep(t *testing.T) {
	ops := []string{"CreatePolicy", "CreateGroup", "AttachPolicy", "CreateUser", "AddUserToGroup", "CreateAccessKey"}
	for _, op := range ops {
		t.Run(op, func(t *testing.T) {
			ctx := context.Background()
			p := memory.New()
			desired := fleet(6, 2)
			cs, err := iam.Plan(ctx, p, desired)
			if err != nil {
				t.Fatal(err)
			}
			j := iam.NewMemoryJournal()
			p.InjectFault(memory.Fault{Op: op, Nth: 1, Kind: iam.ErrDenied})
			res, err := iam.Apply(ctx, p, cs, iam.ApplyOptions{Journal: j, Retry: fastRetry})
			if !errors.Is(err, iam.ErrDenied) {
				t.Fatalf("err = %v, want ErrDenied", err)
			}
			if len(res.Failed) != 1 {
				t.Errorf("failed = %v", res.Failed)
			}
			// A failed account is rolled back; the journal is clean.
			if runs, _ := j.Unfinished(ctx); len(runs) != 0 {
				t.Errorf("unfinished runs: %v", runs)
			}
			users, _ := iam.Collect(p.ListUsers(ctx))
			if len(users) != len(res.Accounts) {
				t.Errorf("%d users for %d accounts made", len(users), len(res.Accounts))
			}
			for _, u := range users {
				if keys, _ := iam.Collect(p.ListAccessKeys(ctx, u.Name)); len(keys) != 1 {
					t.Errorf("user %s has %d keys", u.Name, len(keys))
				}
			}
			planApply(t, p, desired, iam.ApplyOptions{})
			checkFleet(t, p, desired)
			converged(t, p, desired)
		})
	}
}

// TestApplyRetriesThrottlingAtEachStep throttles each kind of change once:
// Apply retries and nothing fails.
func TestApplyRetriesThrottlingAtEachStep(t *testing.T) {
	ops := []string{"CreatePolicy", "CreateGroup", "AttachPolicy", "CreateUser", "AddUserToGroup", "CreateAccessKey",
		"ListUsers", "ListGroups", "ListPolicies", "ListGroupMembers", "ListAccessKeys", "ListAttachedPolicies", "DeleteUser"}
	for _, op := range ops {
		t.Run(op, func(t *testing.T) {
			ctx := context.Background()
			p := memory.New()
			planApply(t, p, fleet(3, 1), iam.ApplyOptions{}) // so that Plan lists members, keys…
			desired := append(fleet(2, 1), fleet(6, 2)[4:]...)
			p.InjectFault(memory.Fault{Op: op, Nth: 1, Kind: iam.ErrThrottled})
			res := planApply(t, p, desired, iam.ApplyOptions{}, iam.WithDeletes())
			if len(res.Failed) != 0 {
				t.Errorf("failed: %v", res.Failed)
			}
			converged(t, p, desired, iam.WithDeletes())
			for _, sa := range desired {
				if keys, _ := iam.Collect(p.ListAccessKeys(ctx, sa.User)); len(keys) != 1 {
					t.Errorf("user %s has %d keys", sa.User, len(keys))
				}
			}
		})
	}
}

// TestApplyUnderTenPercentThrottling throttles every tenth request while
// 200 accounts are provisioned 16 at a time: no failure, no duplicate.
func TestApplyUnderTenPercentThrottling(t *testing.T) {
	p := memory.New()
	desired := fleet(200, 4)
	for n := 10; n <= 2000; n += 10 {
		p.InjectFault(memory.Fault{Nth: n, Kind: iam.ErrThrottled})
	}
	lim := iam.NewLimiter(iam.LimiterOptions{})
	res := planApply(t, p, desired, iam.ApplyOptions{Limiter: lim}, iam.WithPlanLimiter(lim), iam.WithPlanRetry(fastRetry))
	if len(res.Failed) != 0 || len(res.Accounts) != 200 {
		t.Errorf("failed %d, accounts %d", len(res.Failed), len(res.Accounts))
	}
	if res.Throttled == 0 || lim.Cuts() == 0 {
		t.Errorf("throttled %d, limiter cuts %d: the faults did not fire", res.Throttled, lim.Cuts())
	}
	p.ResetFaults()
	checkFleet(t, p, desired)
	converged(t, p, desired)
}

func TestApplyDeliversAndJournals(t *testing.T) {
	ctx := context.Background()
	p := memory.New()
	desired := fleet(8, 2)
	j := iam.NewMemoryJournal()
	var mu sync.Mutex
	got := map[string]string{}
	sink := iam.SinkFunc(func(ctx context.Context, d iam.Delivery) error {
		mu.Lock()
		defer mu.Unlock()
		if d.User == "bot_005" {
			return errors.New("disk full")
		}
		got[d.User] = d.Key.ID
		return nil
	})
	cs, err := iam.Plan(ctx, p, desired)
	if err != nil {
		t.Fatal(err)
	}
	res, err := iam.Apply(ctx, p, cs, iam.ApplyOptions{Sink: sink, Journal: j})
	if err == nil || len(res.Failed) != 1 || res.Failed[0].Change.Name != "bot_005" {
		t.Fatalf("err = %v, failed = %v", err, res.Failed)
	}
	if len(got) != 7 {
		t.Errorf("%d deliveries", len(got))
	}
	// The undelivered key and its user were rolled back.
	if _, err := p.GetUser(ctx, "bot_005"); !errors.Is(err, iam.ErrNotFound) {
		t.Errorf("bot_005: %v", err)
	}
	if runs, _ := j.Unfinished(ctx); len(runs) != 0 {
		t.Errorf("unfinished runs: %d", len(runs))
	}
	for _, a := range res.Accounts {
		if got[a.User.Name] != a.Key.ID {
			t.Errorf("%s: delivered %q, made %q", a.User.Name, got[a.User.Name], a.Key.ID)
		}
	}
}

func TestLimiterAIMD(t *testing.T) {
	ctx := context.Background()
	l := iam.NewLimiter(iam.LimiterOptions{Cooldown: time.Hour})
	l.Throttled() // nothing measured yet: no cut
	if l.Rate() != 0 || l.Cuts() != 0 {
		t.Fatalf("rate %v after a throttle with nothing measured", l.Rate())
	}
	for range 10 {
		if err := l.Wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if l.Rate() != 0 {
		t.Fatalf("rate %v before any throttle, want unlimited", l.Rate())
	}
	l.Throttled()
	r1 := l.Rate()
	if r1 <= 0 {
		t.Fatalf("rate %v after a throttle", r1)
	}
	l.Throttled() // within the cooldown: no second cut
	if l.Rate() != r1 || l.Cuts() != 1 {
		t.Errorf("rate %v, cuts %d", l.Rate(), l.Cuts())
	}
	l.Succeeded()
	if l.Rate() <= r1 {
		t.Errorf("rate %v after a success, want more than %v", l.Rate(), r1)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := l.Wait(cancelled); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait on a cancelled context: %v", err)
	}
}

func TestApplyRefusesNil(t *testing.T) {
	_, err := iam.Apply(context.Background(), memory.New(), nil, iam.ApplyOptions{})
	if !errors.Is(err, iam.ErrInvalid) {
		t.Errorf("err = %v", err)
	}
}

// lostKeys makes every access key but loses the answer, as when a cloud
// acts and then answers 5xx, or the connection breaks on the way back.
type lostKeys struct{ *memory.Provider }

func (p lostKeys) CreateAccessKey(ctx context.Context, user string, opts *iam.KeyOptions) (*iam.AccessKey, error) {
	if _, err := p.Provider.CreateAccessKey(ctx, user, opts); err != nil {
		return nil, err
	}
	return nil, &iam.Error{Op: "CreateAccessKey", Provider: "memory", Kind: iam.ErrThrottled, Msg: "502 Bad Gateway"}
}

// TestFailedKeyCreationLeavesNoKey: a key made by a CreateAccessKey whose
// answer was lost, on the last attempt, is swept by the rollback, so
// that neither a key nobody holds nor its user (which a key keeps from
// being deleted) is left behind, by Apply or by Provision.
func TestFailedKeyCreationLeavesNoKey(t *testing.T) {
	ctx := context.Background()
	check := func(t *testing.T, p *memory.Provider, err error, j *iam.MemoryJournal) {
		t.Helper()
		if !errors.Is(err, iam.ErrThrottled) {
			t.Fatalf("err = %v, want ErrThrottled", err)
		}
		var we *iam.WorkflowError
		if !errors.As(err, &we) || len(we.Left) > 0 {
			t.Errorf("not rolled back cleanly: %v", err)
		}
		users, _ := iam.Collect(p.ListUsers(ctx))
		for _, u := range users {
			keys, _ := iam.Collect(p.ListAccessKeys(ctx, u.Name))
			t.Errorf("user %s left behind with %d keys", u.Name, len(keys))
		}
		if runs, _ := j.Unfinished(ctx); len(runs) != 0 {
			t.Errorf("unfinished runs: %v", runs)
		}
	}
	t.Run("Apply", func(t *testing.T) {
		p := memory.New()
		lp := lostKeys{p}
		cs, err := iam.Plan(ctx, lp, fleet(2, 1))
		if err != nil {
			t.Fatal(err)
		}
		j := iam.NewMemoryJournal()
		res, err := iam.Apply(ctx, lp, cs, iam.ApplyOptions{Journal: j, Retry: iam.RetryPolicy{Attempts: 2, BaseDelay: time.Millisecond}})
		if len(res.Failed) != 2 {
			t.Errorf("failed: %v", res.Failed)
		}
		check(t, p, err, j)
	})
	t.Run("Provision", func(t *testing.T) {
		p := memory.New()
		j := iam.NewMemoryJournal()
		sa := fleet(1, 1)[0]
		sa.Journal = j
		_, err := iam.Provision(ctx, lostKeys{p}, sa)
		check(t, p, err, j)
	})
}

// TestApplyRefusesChangeSetNotFromPlan: a ChangeSet decoded from its JSON
// or built by hand lacks what Plan found, and one planned on another
// provider describes another cloud: Apply refuses both (ErrInvalid)
// instead of acting on them (or panicking).
func TestApplyRefusesChangeSetNotFromPlan(t *testing.T) {
	ctx := context.Background()
	p := memory.New()
	cs, err := iam.Plan(ctx, p, fleet(2, 1))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(cs)
	if err != nil {
		t.Fatal(err)
	}
	var decoded iam.ChangeSet
	if err := json.Unmarshal(b, &decoded); err != nil {
		t.Fatal(err)
	}
	if len(decoded.Changes) == 0 {
		t.Fatal("nothing decoded")
	}
	for name, c := range map[string]*iam.ChangeSet{
		"decoded":    &decoded,
		"by hand":    {Provider: "memory", Changes: []*iam.Change{{Action: iam.ActionCreate, Kind: iam.KindUser, Name: "x"}}},
		"other kind": {Provider: "aws", Changes: cs.Changes},
	} {
		res, err := iam.Apply(ctx, p, c, iam.ApplyOptions{})
		if !errors.Is(err, iam.ErrInvalid) || res != nil {
			t.Errorf("%s: Apply = %v, %v; want ErrInvalid", name, res, err)
		}
	}
	if n, _ := iam.Collect(p.ListUsers(ctx)); len(n) != 0 {
		t.Errorf("%d users made", len(n))
	}
}

// TestApplyResultsInPlanOrder: however the concurrent accounts finish,
// Applied lists them, and the changes, in plan order.
func TestApplyResultsInPlanOrder(t *testing.T) {
	ctx := context.Background()
	p := memory.New()
	desired := fleet(40, 2)
	cs, err := iam.Plan(ctx, p, desired)
	if err != nil {
		t.Fatal(err)
	}
	p.SetLatency(time.Millisecond)
	p.InjectFault(memory.Fault{Op: "CreateAccessKey", Nth: 7, Kind: iam.ErrDenied})
	p.InjectFault(memory.Fault{Op: "AddUserToGroup", Nth: 3, Kind: iam.ErrDenied})
	res, _ := iam.Apply(ctx, p, cs, iam.ApplyOptions{Concurrency: 8, Retry: fastRetry})
	if len(res.Accounts) != 38 || len(res.Failed) != 2 {
		t.Fatalf("%d accounts, %d failed", len(res.Accounts), len(res.Failed))
	}
	pos := map[string]int{}
	for i, c := range cs.Changes {
		pos[c.Address()] = i
	}
	for i := 1; i < len(res.Accounts); i++ {
		if res.Accounts[i-1].User.Name >= res.Accounts[i].User.Name {
			t.Errorf("accounts out of order: %s before %s", res.Accounts[i-1].User.Name, res.Accounts[i].User.Name)
		}
	}
	for i := 1; i < len(res.Done); i++ {
		if pos[res.Done[i-1].Address()] >= pos[res.Done[i].Address()] {
			t.Errorf("done out of order: %s before %s", res.Done[i-1].Address(), res.Done[i].Address())
		}
	}
	if pos[res.Failed[0].Change.Address()] >= pos[res.Failed[1].Change.Address()] {
		t.Errorf("failed out of order: %v", res.Failed)
	}
}

// sniped throttles the first CreateUser, and someone else creates that
// user (outside iamkit's path) before Apply retries.
type sniped struct {
	*memory.Provider
	once sync.Once
}

func (p *sniped) CreateUser(ctx context.Context, name string, opts *iam.UserOptions) (*iam.User, error) {
	var err error
	p.once.Do(func() {
		if _, cerr := p.Provider.CreateUser(ctx, name, &iam.UserOptions{Path: "/humans/"}); cerr != nil {
			panic(cerr)
		}
		err = &iam.Error{Op: "CreateUser", Provider: "memory", Kind: iam.ErrThrottled}
	})
	if err != nil {
		return nil, err
	}
	return p.Provider.CreateUser(ctx, name, opts)
}

// TestApplyRetryDoesNotTakeOver: a retried CreateUser that meets
// ErrAlreadyExists takes the user for its own only when it lies under
// iamkit's path; a user someone else made meanwhile is left alone, with
// no membership and no key.
func TestApplyRetryDoesNotTakeOver(t *testing.T) {
	ctx := context.Background()
	p := &sniped{Provider: memory.New()}
	cs, err := iam.Plan(ctx, p, fleet(1, 1))
	if err != nil {
		t.Fatal(err)
	}
	res, err := iam.Apply(ctx, p, cs, iam.ApplyOptions{Retry: fastRetry})
	if !errors.Is(err, iam.ErrAlreadyExists) || len(res.Accounts) != 0 {
		t.Errorf("Apply = %d accounts, %v; want ErrAlreadyExists", len(res.Accounts), err)
	}
	u, err := p.GetUser(ctx, "bot_000")
	if err != nil || u.Path != "/humans/" {
		t.Fatalf("user: %+v, %v", u, err)
	}
	if keys, _ := iam.Collect(p.ListAccessKeys(ctx, "bot_000")); len(keys) != 0 {
		t.Errorf("the foreign user got %d keys", len(keys))
	}
	if gs, _ := iam.Collect(p.ListGroupsForUser(ctx, "bot_000")); len(gs) != 0 {
		t.Errorf("the foreign user joined %v", gs)
	}
}
