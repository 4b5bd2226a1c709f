package providertest

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
)

// Harness tells the suite how to get a provider and what to expect of it.
// Only NewProvider is required.
type Harness struct {
	// NewProvider returns a provider on an account the suite may write to.
	// It is called once per leaf test (so keep it cheap: build a client,
	// not an account); tear down with t.Cleanup. Several calls may return
	// the same account: the suite never assumes the account is empty and
	// touches only what it created.
	NewProvider func(t *testing.T) iam.Provider

	// Calls, when set, returns how many requests p has sent so far. The
	// suite uses it to prove that invalid input sends none, and that a
	// listing spanning PageItems items makes more than one request. When
	// nil those checks are skipped.
	Calls func(p iam.Provider) int

	// Prefix is prepended to every name the suite creates, so that a
	// shared account shows (and a janitor can sweep) what the suite left
	// behind. Default "iamkit-test-". It must itself be a valid name
	// prefix on the provider.
	Prefix string

	// PageItems is how many users, groups and policies the paging tests
	// create; set it above the provider's page size. Default 5.
	PageItems int

	// Translate is passed with every policy the suite creates or updates
	// and every account it provisions. A cloud whose translation of the
	// suite's simple documents (compute and block-storage reads on "*") is
	// wider than asked, such as OVHcloud's whole-role actions, sets
	// AllowWidening here rather than in the provider.
	Translate policy.TranslateOptions

	// Unpaged names the listings the cloud answers in one request however
	// long they are (Outscale's "ListGroupMembers": ReadUserGroup returns
	// every member at once). The suite still checks their content, not
	// that they span several requests.
	Unpaged []string

	// Concurrency is how many goroutines the concurrency tests run.
	// Default 8.
	Concurrency int

	// Clauses names the groups of the suite to run (see Run); nil runs
	// them all. A second run of the suite on another configuration of the
	// same provider (another kind of key) can keep to the clauses that
	// configuration changes.
	Clauses []string

	// Consistency is how long reads may lag writes on this provider. The
	// suite retries each read that checks the effect of a write (a get or
	// listing after a create, delete, attachment…) until it matches or
	// Consistency has passed. Zero means DefaultConsistency when
	// Capabilities().EventualConsistency is true, and no retry otherwise.
	Consistency time.Duration
}

// DefaultConsistency is the Consistency the suite assumes for a provider
// that reports EventualConsistency and whose harness sets none.
const DefaultConsistency = 30 * time.Second

// Default values of the Harness fields.
const (
	DefaultPrefix      = "iamkit-test-"
	DefaultPageItems   = 5
	DefaultConcurrency = 8
)

// cleanupTimeout bounds the teardown of one test's resources.
const cleanupTimeout = 2 * time.Minute

// Run runs the conformance suite against the provider h makes: one
// subtest per contract clause, grouped as Users, Groups, Policies,
// AccessKeys, InvalidInput, NameRules, Paging, Concurrency, Cancellation,
// Errors, Secrets, Unsupported and Workflows (all of them, or those
// h.Clauses names). A clause the provider's Capabilities say it lacks is
// skipped with the reason.
//
// Every call the suite makes goes through a checker that fails the test
// when an error breaks the contract (see CheckError), when an error
// message contains a secret the provider returned, or when a listing keeps
// yielding after its consumer stopped. Everything a test creates is
// deleted when it ends, whatever its outcome.
func Run(t *testing.T, h Harness) {
	t.Helper()
	if h.NewProvider == nil {
		t.Fatal("providertest: Harness.NewProvider is nil")
	}
	if h.Prefix == "" {
		h.Prefix = DefaultPrefix
	}
	if h.PageItems <= 0 {
		h.PageItems = DefaultPageItems
	}
	if h.Concurrency <= 0 {
		h.Concurrency = DefaultConcurrency
	}
	for _, c := range h.Clauses {
		if !slices.ContainsFunc(groups, func(g group) bool { return g.name == c }) {
			t.Fatalf("providertest: Harness.Clauses names %q, which is not a group of the suite", c)
		}
	}
	s := &suite{h: h, run: runID()}
	for _, g := range groups {
		if h.Clauses != nil && !slices.Contains(h.Clauses, g.name) {
			continue
		}
		t.Run(g.name, func(t *testing.T) {
			for _, c := range g.tests {
				t.Run(c.name, func(t *testing.T) { c.fn(s.env(t)) })
			}
		})
	}
}

// test is one leaf test of the suite.
type test struct {
	name string
	fn   func(e *env)
}

// group is a top-level group of tests.
type group struct {
	name  string
	tests []test
}

// groups lists the suite, in the order it runs.
var groups = []group{
	{"Users", userTests},
	{"Groups", groupTests},
	{"Policies", policyTests},
	{"AccessKeys", keyTests},
	{"InvalidInput", invalidTests},
	{"NameRules", nameRuleTests},
	{"Paging", pagingTests},
	{"Concurrency", concurrencyTests},
	{"Cancellation", cancelTests},
	{"Errors", errorTests},
	{"Secrets", secretTests},
	{"Unsupported", unsupportedTests},
	{"Workflows", workflowTests},
}

// suite is one Run.
type suite struct {
	h   Harness
	run string // random, per Run, so that two runs never share a name
	seq atomic.Int64
}

// runID returns six random lower-case letters and digits.
func runID() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 6)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// env is what one leaf test works with.
type env struct {
	t    *testing.T
	ctx  context.Context
	h    Harness
	raw  iam.Provider // as the harness made it: for Calls and cleanup
	p    iam.Provider // raw behind the checker: what tests call
	caps iam.Capabilities
	// prefix starts every name this test creates.
	prefix string
	n      atomic.Int64
	// consistency is how long reads may lag writes.
	consistency time.Duration

	mu      sync.Mutex
	users   []string
	groups  []string
	pols    []string
	secrets []string
}

// env makes the env of leaf test t and registers its teardown.
func (s *suite) env(t *testing.T) *env {
	raw := s.h.NewProvider(t)
	if raw == nil {
		t.Fatal("providertest: Harness.NewProvider returned nil")
	}
	e := &env{
		t:      t,
		ctx:    t.Context(),
		h:      s.h,
		raw:    raw,
		caps:   raw.Capabilities(),
		prefix: fmt.Sprintf("%s%s-%d-", s.h.Prefix, s.run, s.seq.Add(1)),
	}
	e.p = &checked{e: e, p: raw}
	e.consistency = s.h.Consistency
	if e.consistency == 0 && e.caps.EventualConsistency {
		e.consistency = DefaultConsistency
	}
	t.Cleanup(e.cleanup)
	return e
}

// name returns a fresh valid name for a resource of the given kind
// ("u", "g", "p").
func (e *env) name(kind string) string {
	return fmt.Sprintf("%s%s%d", e.prefix, kind, e.n.Add(1))
}

// calls returns the harness's request count, or -1 without one.
func (e *env) calls() int {
	if e.h.Calls == nil {
		return -1
	}
	return e.h.Calls(e.raw)
}

// must fails the test at once on err.
func (e *env) must(err error, what string, args ...any) {
	e.t.Helper()
	if err != nil {
		e.t.Fatalf("%s: %v", fmt.Sprintf(what, args...), err)
	}
}

// eventually runs check until it returns nil; on a consistent provider it
// runs it once. When the read still disagrees after e.consistency the test
// fails with check's last answer.
func (e *env) eventually(check func() error) {
	e.t.Helper()
	if err := e.settle(check); err != nil {
		e.t.Fatal(err)
	}
}

// settle is eventually without the failure: it returns check's last error.
func (e *env) settle(check func() error) error {
	deadline := time.Now().Add(e.consistency)
	wait := 50 * time.Millisecond
	for {
		err := check()
		if err == nil || e.consistency <= 0 || time.Now().After(deadline) {
			if err != nil && e.consistency > 0 {
				err = fmt.Errorf("%w (still so after %v)", err, e.consistency)
			}
			return err
		}
		select {
		case <-e.ctx.Done():
			return err
		case <-time.After(wait):
		}
		wait = min(2*wait, 2*time.Second)
	}
}

// track records what a successful create made, for the teardown.
func (e *env) track(list *[]string, name string) {
	e.mu.Lock()
	*list = append(*list, name)
	e.mu.Unlock()
}

// knownSecrets returns the secrets the provider has returned so far.
func (e *env) knownSecrets() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.secrets...)
}

// cleanup deletes, best effort and with a fresh context, everything the
// test created: users with their keys, memberships and attachments, then
// groups, then policies. Failures other than ErrNotFound fail the test:
// on a real account they leave resources behind.
func (e *env) cleanup() {
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	p := e.raw
	e.mu.Lock()
	users, groups, pols := e.users, e.groups, e.pols
	e.mu.Unlock()
	var failed []string
	note := func(what string, err error) {
		if err != nil && !errors.Is(err, iam.ErrNotFound) && !errors.Is(err, iam.ErrUnsupported) {
			failed = append(failed, fmt.Sprintf("%s: %v", what, err))
		}
	}
	for _, u := range users {
		keys, err := iam.Collect(p.ListAccessKeys(ctx, u))
		note("list keys of user/"+u, err)
		for _, k := range keys {
			note("delete key of user/"+u, p.DeleteAccessKey(ctx, u, k.ID))
		}
		if e.caps.Groups {
			gs, err := iam.Collect(p.ListGroupsForUser(ctx, u))
			note("list groups of user/"+u, err)
			for _, g := range gs {
				note("remove user/"+u+" from group/"+g.Name, p.RemoveUserFromGroup(ctx, g.Name, u))
			}
		}
		e.detachAll(ctx, iam.UserPrincipal(u), note)
		note("delete user/"+u, p.DeleteUser(ctx, u))
	}
	for _, g := range groups {
		members, err := iam.Collect(p.ListGroupMembers(ctx, g))
		note("list members of group/"+g, err)
		for _, m := range members {
			note("remove user/"+m.Name+" from group/"+g, p.RemoveUserFromGroup(ctx, g, m.Name))
		}
		e.detachAll(ctx, iam.GroupPrincipal(g), note)
		note("delete group/"+g, p.DeleteGroup(ctx, g))
	}
	for _, n := range pols {
		note("delete policy/"+n, p.DeletePolicy(ctx, n))
	}
	if len(failed) > 0 {
		e.t.Errorf("cleanup left resources behind:\n\t%s", strings.Join(failed, "\n\t"))
	}
}

func (e *env) detachAll(ctx context.Context, pr iam.Principal, note func(string, error)) {
	if !e.caps.ManagedPolicies {
		return
	}
	pols, err := iam.Collect(e.raw.ListAttachedPolicies(ctx, pr))
	note("list policies of "+pr.String(), err)
	for _, pol := range pols {
		note("detach policy/"+pol.Name+" from "+pr.String(), e.raw.DetachPolicy(ctx, pol.Name, pr))
	}
}
