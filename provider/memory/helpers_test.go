package memory_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
	"github.com/iamkit/iamkit/provider/memory"
)

// kinds are the error kinds, to check that an error has exactly one.
var kinds = []error{
	iam.ErrNotFound, iam.ErrAlreadyExists, iam.ErrConflict, iam.ErrInvalid,
	iam.ErrDenied, iam.ErrLimit, iam.ErrThrottled, iam.ErrUnsupported,
}

// wantErr checks that err is a memory *iam.Error of op with exactly the
// kind want, and returns it.
func wantErr(t *testing.T, err error, op string, want error) *iam.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: got no error, want %v", op, want)
	}
	var ie *iam.Error
	if !errors.As(err, &ie) {
		t.Fatalf("%s: got %T (%v), want *iam.Error", op, err, err)
	}
	if ie.Provider != "memory" || ie.Op != op {
		t.Errorf("error %q: Provider %q, Op %q; want memory, %s", err, ie.Provider, ie.Op, op)
	}
	var got []error
	for _, k := range kinds {
		if errors.Is(err, k) {
			got = append(got, k)
		}
	}
	if len(got) != 1 || got[0] != want {
		t.Errorf("error %q has kinds %v, want exactly [%v]", err, got, want)
	}
	return ie
}

// must fails the test on err.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// fakeClock is a clock a test moves by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *fakeClock {
	return &fakeClock{now: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// readOnly is a small valid policy.
func readOnly() policy.Document {
	return policy.Build(policy.Allowing("compute:Read", "compute:List").Named("ro"))
}

// account makes user in group with policy doc attached to the group, and
// a key for the user.
func account(t *testing.T, p *memory.Provider, user, group string, doc policy.Document) *iam.AccessKey {
	t.Helper()
	ctx := context.Background()
	_, err := p.CreateUser(ctx, user, nil)
	must(t, err)
	_, err = p.CreateGroup(ctx, group)
	must(t, err)
	must(t, p.AddUserToGroup(ctx, group, user))
	attachNew(t, p, group, doc, iam.GroupPrincipal(group))
	key, err := p.CreateAccessKey(ctx, user, nil)
	must(t, err)
	return key
}

// attachNew creates policy name with doc and attaches it to pr.
func attachNew(t *testing.T, p *memory.Provider, name string, doc policy.Document, pr iam.Principal) {
	t.Helper()
	ctx := context.Background()
	_, err := p.CreatePolicy(ctx, iam.PolicyInput{Name: name, Document: doc})
	must(t, err)
	must(t, p.AttachPolicy(ctx, name, pr))
}

// fixture is a small account: alice (key, member of ops, policy ro
// attached directly), bob (nothing), group ops (alice, ro attached), group
// empty, policy ro (attached) and policy free (not attached).
type fixture struct {
	p     *memory.Provider
	clock *fakeClock
	key   *iam.AccessKey // alice's
}

func newFixture(t *testing.T, opts ...memory.Option) *fixture {
	t.Helper()
	clk := newClock()
	p := memory.New(append([]memory.Option{memory.WithClock(clk.Now)}, opts...)...)
	key := account(t, p, "alice", "ops", readOnly())
	ctx := context.Background()
	_, err := p.CreateUser(ctx, "bob", nil)
	must(t, err)
	_, err = p.CreateGroup(ctx, "empty")
	must(t, err)
	must(t, p.AttachPolicy(ctx, "ops", iam.UserPrincipal("alice")))
	_, err = p.CreatePolicy(ctx, iam.PolicyInput{Name: "free", Document: readOnly()})
	must(t, err)
	return &fixture{p: p, clock: clk, key: key}
}

// errCase is one call expected to fail.
type errCase struct {
	name     string
	call     func(ctx context.Context, f *fixture) error
	op       string
	kind     error
	resource string // checked when not empty
	msg      string // a substring of the message, checked when not empty
}

// runErrCases runs cases, each on a fresh fixture.
func runErrCases(t *testing.T, cases []errCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			ie := wantErr(t, c.call(context.Background(), f), c.op, c.kind)
			if c.resource != "" && ie.Resource != c.resource {
				t.Errorf("Resource = %q, want %q", ie.Resource, c.resource)
			}
			if c.msg != "" && !strings.Contains(ie.Error(), c.msg) {
				t.Errorf("error %q does not say %q", ie, c.msg)
			}
		})
	}
}
