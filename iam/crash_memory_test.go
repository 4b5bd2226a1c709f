package iam_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
	"github.com/iamkit/iamkit/provider/memory"
)

// The environment of a child process of TestRecoverAfterKillOnMemory.
const (
	envMemCrashDir   = "IAMKIT_MEMCRASH_DIR"   // state file, journal, delivered key
	envMemCrashAt    = "IAMKIT_MEMCRASH_AT"    // the n-th change the child dies at
	envMemCrashAfter = "IAMKIT_MEMCRASH_AFTER" // "1": after the change was made
)

// memCrashName names the user, group and policy of the crashing runs.
const memCrashName = "crashed"

// memCrashChanges are the changes Provision makes on an empty account, in
// order; the delivery to the sink comes last.
var memCrashChanges = []string{"CreateGroup", "CreatePolicy", "AttachPolicy", "CreateUser", "AddUserToGroup", "CreateAccessKey", "Deliver"}

// killSelf ends the process as a crash would: SIGKILL, no defer, no
// rollback.
func killSelf() { _ = syscall.Kill(os.Getpid(), syscall.SIGKILL); select {} }

// killAt is a memory provider whose process dies at its n-th change,
// before or after making it.
type killAt struct {
	*memory.Provider
	n, count int
	after    bool
}

func (k *killAt) step(do func() error) error {
	k.count++
	if k.count == k.n && !k.after {
		killSelf()
	}
	err := do()
	if k.count == k.n && k.after {
		killSelf()
	}
	return err
}

func (k *killAt) CreateGroup(ctx context.Context, name string) (g *iam.Group, err error) {
	err = k.step(func() error { g, err = k.Provider.CreateGroup(ctx, name); return err })
	return g, err
}

func (k *killAt) CreatePolicy(ctx context.Context, in iam.PolicyInput) (p *iam.Policy, err error) {
	err = k.step(func() error { p, err = k.Provider.CreatePolicy(ctx, in); return err })
	return p, err
}

func (k *killAt) AttachPolicy(ctx context.Context, name string, to iam.Principal) error {
	return k.step(func() error { return k.Provider.AttachPolicy(ctx, name, to) })
}

func (k *killAt) CreateUser(ctx context.Context, name string, o *iam.UserOptions) (u *iam.User, err error) {
	err = k.step(func() error { u, err = k.Provider.CreateUser(ctx, name, o); return err })
	return u, err
}

func (k *killAt) AddUserToGroup(ctx context.Context, g, u string) error {
	return k.step(func() error { return k.Provider.AddUserToGroup(ctx, g, u) })
}

func (k *killAt) CreateAccessKey(ctx context.Context, user string, o *iam.KeyOptions) (key *iam.AccessKey, err error) {
	err = k.step(func() error { key, err = k.Provider.CreateAccessKey(ctx, user, o); return err })
	return key, err
}

// killSink writes the delivered key's ID to a file, as a credentials file
// sink would, and can tell from the file whether a key arrived. With a
// killAt, the delivery is one of its steps.
type killSink struct {
	path string
	k    *killAt
}

func (s killSink) Deliver(ctx context.Context, d iam.Delivery) error {
	write := func() error { return os.WriteFile(s.path, []byte(d.Key.ID), 0o600) }
	if s.k == nil {
		return write()
	}
	return s.k.step(write)
}

func (s killSink) Delivered(ctx context.Context, d iam.Delivery) (bool, error) {
	b, err := os.ReadFile(s.path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	return string(b) == d.Key.ID, err
}

// TestCrashChildMemory is the crashing process of
// TestRecoverAfterKillOnMemory; it does nothing when run on its own.
func TestCrashChildMemory(t *testing.T) {
	dir := os.Getenv(envMemCrashDir)
	if dir == "" {
		t.Skip("run by TestRecoverAfterKillOnMemory")
	}
	n, _ := strconv.Atoi(os.Getenv(envMemCrashAt))
	mem, err := memory.Open(filepath.Join(dir, "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	k := &killAt{Provider: mem, n: n, after: os.Getenv(envMemCrashAfter) == "1"}
	j, err := iam.NewFileJournal(filepath.Join(dir, "journal"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = iam.Provision(context.Background(), k, iam.ServiceAccount{
		User: memCrashName, Group: memCrashName, Policy: policy.ReadOnly(policy.Compute),
		Journal: j, Sink: killSink{path: filepath.Join(dir, "delivered"), k: k},
	})
	t.Fatalf("Provision returned (%v) without dying at change %d", err, n)
}

// A process killed (SIGKILL) at any change of Provision on a memory
// provider persisted to a file leaves a state file that holds exactly the
// changes made before the kill, and a journal from which Recover, in
// another process, makes the account clean or complete.
func TestRecoverAfterKillOnMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process per crash point")
	}
	ctx := context.Background()
	for n := 1; n <= len(memCrashChanges); n++ {
		for _, after := range []bool{false, true} {
			name := fmt.Sprintf("%s/after=%v", memCrashChanges[n-1], after)
			dir := t.TempDir()
			cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChildMemory$", "-test.count=1")
			cmd.Env = append(os.Environ(), envMemCrashDir+"="+dir, envMemCrashAt+"="+strconv.Itoa(n),
				envMemCrashAfter+"="+map[bool]string{true: "1"}[after])
			out, err := cmd.CombinedOutput()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("%s: child did not die by SIGKILL: %v\n%s", name, err, out)
			}

			p, err := memory.Open(filepath.Join(dir, "state.json"))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			sink := killSink{path: filepath.Join(dir, "delivered")}
			// The state file holds the change the child died at if and
			// only if the child died after it.
			if made := changeMade(ctx, p, sink, n); made != after {
				t.Errorf("%s: the change is in the state: %v, want %v", name, made, after)
			}

			j, err := iam.NewFileJournal(filepath.Join(dir, "journal"))
			if err != nil {
				t.Fatal(err)
			}
			recs, err := iam.Recover(ctx, p, j, iam.WithSink(sink))
			if err != nil || len(recs) != 1 {
				t.Fatalf("%s: Recover: %+v %v", name, recs, err)
			}
			if runs, err := j.Unfinished(ctx); err != nil || len(runs) != 0 {
				t.Errorf("%s: journal after Recover: %+v %v", name, runs, err)
			}
			// Only a run that delivered its key is complete.
			if want := n == len(memCrashChanges) && after; recs[0].Completed != want {
				t.Errorf("%s: Completed = %v, want %v", name, recs[0].Completed, want)
			}
			if recs[0].Completed {
				checkComplete(t, ctx, p, sink, name)
			} else {
				checkClean(t, ctx, p, sink, name, recs[0])
			}
			// What Recover did is in the state file too.
			again, err := memory.Open(filepath.Join(dir, "state.json"))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if a, b := listNames(t, ctx, p), listNames(t, ctx, again); !slices.Equal(a, b) {
				t.Errorf("%s: state after Recover %v, reopened %v", name, a, b)
			}
		}
	}
}

// changeMade reports whether change n of memCrashChanges is in p's state
// (or, for the delivery, in the sink).
func changeMade(ctx context.Context, p *memory.Provider, sink killSink, n int) bool {
	switch memCrashChanges[n-1] {
	case "CreateGroup":
		_, err := p.GetGroup(ctx, memCrashName)
		return err == nil
	case "CreatePolicy":
		_, err := p.GetPolicy(ctx, memCrashName)
		return err == nil
	case "AttachPolicy":
		pols, err := iam.Collect(p.ListAttachedPolicies(ctx, iam.GroupPrincipal(memCrashName)))
		return err == nil && len(pols) == 1
	case "CreateUser":
		_, err := p.GetUser(ctx, memCrashName)
		return err == nil
	case "AddUserToGroup":
		groups, err := iam.Collect(p.ListGroupsForUser(ctx, memCrashName))
		return err == nil && len(groups) == 1
	case "CreateAccessKey":
		keys, err := iam.Collect(p.ListAccessKeys(ctx, memCrashName))
		return err == nil && len(keys) > 0
	case "Deliver":
		_, err := os.Stat(sink.path)
		return err == nil
	}
	panic("unknown change " + memCrashChanges[n-1])
}

// checkComplete checks that everything Provision makes is there, with one
// key: the delivered one.
func checkComplete(t *testing.T, ctx context.Context, p *memory.Provider, sink killSink, name string) {
	t.Helper()
	delivered, _ := os.ReadFile(sink.path)
	keys, err := iam.Collect(p.ListAccessKeys(ctx, memCrashName))
	if err != nil || len(keys) != 1 || keys[0].ID != string(delivered) {
		t.Errorf("%s: completed, but keys %v (delivered %q): %v", name, keys, delivered, err)
	}
	for i := 1; i < len(memCrashChanges); i++ {
		if !changeMade(ctx, p, sink, i) {
			t.Errorf("%s: completed, but %s is missing", name, memCrashChanges[i-1])
		}
	}
}

// checkClean checks that nothing of the run is left and nothing was
// delivered.
func checkClean(t *testing.T, ctx context.Context, p *memory.Provider, sink killSink, name string, rec iam.Recovered) {
	t.Helper()
	if got := listNames(t, ctx, p); len(got) != 0 {
		t.Errorf("%s: undone, but left %v; recovered %+v", name, got, rec)
	}
	if b, err := os.ReadFile(sink.path); err == nil {
		t.Errorf("%s: undone, but key %s was delivered", name, b)
	}
}

// listNames lists the users, groups, policies and keys of p.
func listNames(t *testing.T, ctx context.Context, p *memory.Provider) []string {
	t.Helper()
	var out []string
	users, err := iam.Collect(p.ListUsers(ctx))
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		out = append(out, "user/"+u.Name)
		keys, err := iam.Collect(p.ListAccessKeys(ctx, u.Name))
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			out = append(out, "key/"+k.ID)
		}
	}
	groups, err := iam.Collect(p.ListGroups(ctx))
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range groups {
		out = append(out, "group/"+g.Name)
	}
	pols, err := iam.Collect(p.ListPolicies(ctx))
	if err != nil {
		t.Fatal(err)
	}
	for _, pol := range pols {
		out = append(out, "policy/"+pol.Name)
	}
	return out
}
