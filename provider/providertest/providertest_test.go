package providertest_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/provider/memory"
	"github.com/iamkit/iamkit/provider/providertest"
)

func TestKinds(t *testing.T) {
	err := iam.NewError("x", "Op", "user/a", iam.ErrNotFound, "", nil)
	if ks := providertest.Kinds(err); len(ks) != 1 || ks[0] != iam.ErrNotFound {
		t.Errorf("Kinds = %v, want [not found]", ks)
	}
	two := fmt.Errorf("%w and %w", err, iam.ErrDenied)
	if ks := providertest.Kinds(two); len(ks) != 2 {
		t.Errorf("Kinds = %v, want two kinds", ks)
	}
	if ks := providertest.Kinds(nil); ks != nil {
		t.Errorf("Kinds(nil) = %v", ks)
	}
}

func TestCheckError(t *testing.T) {
	cancelled := iam.NewError("x", "GetUser", "user/a", nil, "", context.Canceled)
	tests := []struct {
		name string
		err  error
		bad  string // "" when the error keeps the contract
	}{
		{"nil", nil, ""},
		{"one kind", iam.NewError("x", "GetUser", "user/a", iam.ErrNotFound, "", nil), ""},
		{"wrapped", fmt.Errorf("ctx: %w", iam.NewError("x", "GetUser", "", iam.ErrInvalid, "", nil)), ""},
		{"cancelled, no kind", cancelled, ""},
		{"no kind", iam.NewError("x", "GetUser", "", nil, "boom", nil), "carries no iam error kind"},
		{"two kinds", iam.NewError("x", "GetUser", "", iam.ErrNotFound, "", iam.ErrDenied), "want exactly one"},
		{"other provider", iam.NewError("y", "GetUser", "", iam.ErrNotFound, "", nil), `names provider "y", want "x"`},
		{"not an iam.Error", fmt.Errorf("raw: %w", iam.ErrNotFound), "not an *iam.Error"},
		{"bare context error", context.Canceled, "not an *iam.Error"},
	}
	for _, tc := range tests {
		err := providertest.CheckError("x", tc.err)
		switch {
		case tc.bad == "" && err != nil:
			t.Errorf("%s: CheckError = %v, want nil", tc.name, err)
		case tc.bad != "" && (err == nil || !strings.Contains(err.Error(), tc.bad)):
			t.Errorf("%s: CheckError = %v, want a complaint containing %q", tc.name, err, tc.bad)
		}
	}
}

func TestContainsSecret(t *testing.T) {
	const s = "wJalrXUtnFEMI/K7MDENG+bPxRfiCY"
	for _, shown := range []string{
		"x" + s + "y",
		fmt.Sprintf("%x", s),
		fmt.Sprintf("%X", s),
		fmt.Sprintf("%q", s),
		"c2VjcmV0" + "d0phbHJYVXRuRkVNSS9LN01ERU5HK2JQeFJmaUNZ",
	} {
		if !providertest.ContainsSecret(shown, s) {
			t.Errorf("ContainsSecret(%q) = false", shown)
		}
	}
	for _, clean := range []string{"", "[REDACTED]", s[:10]} {
		if providertest.ContainsSecret(clean, s) {
			t.Errorf("ContainsSecret(%q) = true", clean)
		}
	}
	if providertest.ContainsSecret("anything", "") {
		t.Error("an empty secret was found")
	}
}

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, a ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, a...))
}

func TestAssertKind(t *testing.T) {
	r := &recorder{TB: t}
	if !providertest.AssertKind(r, iam.NewError("x", "Op", "", iam.ErrLimit, "", nil), iam.ErrLimit) || len(r.errs) != 0 {
		t.Errorf("AssertKind of the right kind failed: %v", r.errs)
	}
	for _, err := range []error{nil, iam.NewError("x", "Op", "", iam.ErrNotFound, "", nil), fmt.Errorf("%w %w", iam.ErrLimit, iam.ErrDenied)} {
		r.errs = nil
		if providertest.AssertKind(r, err, iam.ErrLimit) || len(r.errs) != 1 {
			t.Errorf("AssertKind(%v, ErrLimit) passed", err)
		}
	}
}

// leaky prints its secret through its String method.
type leaky struct{ s string }

func (l leaky) String() string { return "key " + l.s }

func TestAssertRedacted(t *testing.T) {
	const s = "0123456789abcdefSECRET"
	r := &recorder{TB: t}
	if !providertest.AssertRedacted(r, s, iam.NewSecret(s), &iam.AccessKey{ID: "id"}, "clean") {
		t.Errorf("AssertRedacted of redacted values failed: %v", r.errs)
	}
	r.errs = nil
	if providertest.AssertRedacted(r, s, leaky{s}) || len(r.errs) == 0 {
		t.Error("AssertRedacted of a leaking value passed")
	}
	for _, e := range r.errs {
		if strings.Contains(e, s) {
			t.Errorf("the failure message itself shows the secret: %s", e)
		}
	}
	for how := range providertest.Renderings(1) {
		if how == "" {
			t.Error("a rendering has no name")
		}
	}
}

func TestCollect(t *testing.T) {
	seq := func(yield func(int, error) bool) {
		for i := range 3 {
			if !yield(i, nil) {
				return
			}
		}
	}
	if got := providertest.Collect(t, iter.Seq2[int, error](seq)); len(got) != 3 {
		t.Errorf("Collect = %v", got)
	}
}

// A mutant is the memory provider with one contract violation. Each must
// make the suite fail with the given message: proof that the check exists
// and bites.
var mutants = map[string]struct {
	want string // a regular expression
	make func(m *mutant)
}{
	"two-kinds": {`GetUser: contract violation: error .* carries 2 kinds`, func(m *mutant) {
		m.getUser = func(ctx context.Context, n string) (*iam.User, error) {
			u, err := m.Provider.GetUser(ctx, n)
			if err != nil {
				err = fmt.Errorf("%w (%w)", err, iam.ErrDenied)
			}
			return u, err
		}
	}},
	"secret-in-error": {`DeleteAccessKey: contract violation: the error message contains the secret`, func(m *mutant) {
		m.deleteKey = func(ctx context.Context, u, id string) error {
			if err := m.Provider.DeleteAccessKey(ctx, u, id); err != nil {
				return iam.NewError("memory", "DeleteAccessKey", "key "+id, iam.KindOf(err), "", nil)
			}
			return nil
		}
	}},
	"request-before-validation": {`CreateUser\(.*\) sent 1 request\(s\), want none`, func(m *mutant) {
		m.createUser = func(ctx context.Context, n string, o *iam.UserOptions) (*iam.User, error) {
			for range m.Provider.ListUsers(ctx) {
				break
			}
			return m.Provider.CreateUser(ctx, n, o)
		}
	}},
	"runaway-iterator": {`ListUsers: contract violation: the listing yielded again after its consumer stopped`, func(m *mutant) {
		m.listUsers = func(ctx context.Context) iter.Seq2[*iam.User, error] {
			return func(yield func(*iam.User, error) bool) {
				for u, err := range m.Provider.ListUsers(ctx) {
					yield(u, err) // ignores false
				}
			}
		}
	}},
	"duplicate-item": {`ListUsers lists \[.*\] more than once`, func(m *mutant) {
		m.listUsers = func(ctx context.Context) iter.Seq2[*iam.User, error] {
			return func(yield func(*iam.User, error) bool) {
				first := true
				for u, err := range m.Provider.ListUsers(ctx) {
					if !yield(u, err) || first && err == nil && !yield(u, nil) {
						return
					}
					first = false
				}
			}
		}
	}},
	"ignores-cancel": {`DeleteUser with a cancelled context: got <nil>`, func(m *mutant) {
		m.deleteUser = func(ctx context.Context, n string) error {
			return m.Provider.DeleteUser(context.WithoutCancel(ctx), n)
		}
	}},
	"kindless-key": {`CreateAccessKey\(.*\): the key has no Kind`, func(m *mutant) {
		m.createKey = func(ctx context.Context, u string, o *iam.KeyOptions) (*iam.AccessKey, error) {
			k, err := m.Provider.CreateAccessKey(ctx, u, o)
			if k != nil {
				k.Kind = ""
			}
			return k, err
		}
	}},
	"lies-about-key-limit": {`CreateAccessKey beyond Capabilities.MaxKeysPerUser \(1\): got <nil>`, func(m *mutant) {
		m.caps = func() iam.Capabilities {
			c := m.Provider.Capabilities()
			c.MaxKeysPerUser = 1
			return c
		}
	}},
}

// mutant overrides some methods of the memory provider.
type mutant struct {
	*memory.Provider
	getUser    func(context.Context, string) (*iam.User, error)
	createUser func(context.Context, string, *iam.UserOptions) (*iam.User, error)
	deleteUser func(context.Context, string) error
	listUsers  func(context.Context) iter.Seq2[*iam.User, error]
	deleteKey  func(context.Context, string, string) error
	createKey  func(context.Context, string, *iam.KeyOptions) (*iam.AccessKey, error)
	caps       func() iam.Capabilities
}

func (m *mutant) GetUser(ctx context.Context, n string) (*iam.User, error) {
	if m.getUser != nil {
		return m.getUser(ctx, n)
	}
	return m.Provider.GetUser(ctx, n)
}

func (m *mutant) CreateUser(ctx context.Context, n string, o *iam.UserOptions) (*iam.User, error) {
	if m.createUser != nil {
		return m.createUser(ctx, n, o)
	}
	return m.Provider.CreateUser(ctx, n, o)
}

func (m *mutant) DeleteUser(ctx context.Context, n string) error {
	if m.deleteUser != nil {
		return m.deleteUser(ctx, n)
	}
	return m.Provider.DeleteUser(ctx, n)
}

func (m *mutant) ListUsers(ctx context.Context) iter.Seq2[*iam.User, error] {
	if m.listUsers != nil {
		return m.listUsers(ctx)
	}
	return m.Provider.ListUsers(ctx)
}

func (m *mutant) DeleteAccessKey(ctx context.Context, u, id string) error {
	if m.deleteKey != nil {
		return m.deleteKey(ctx, u, id)
	}
	return m.Provider.DeleteAccessKey(ctx, u, id)
}

func (m *mutant) CreateAccessKey(ctx context.Context, u string, o *iam.KeyOptions) (*iam.AccessKey, error) {
	if m.createKey != nil {
		return m.createKey(ctx, u, o)
	}
	return m.Provider.CreateAccessKey(ctx, u, o)
}

func (m *mutant) Capabilities() iam.Capabilities {
	if m.caps != nil {
		return m.caps()
	}
	return m.Provider.Capabilities()
}

const mutantEnv = "PROVIDERTEST_MUTANT"

// TestMutantChild runs the suite on one mutant, in the child process that
// TestMutants starts.
func TestMutantChild(t *testing.T) {
	name := os.Getenv(mutantEnv)
	if name == "" {
		t.Skip("run by TestMutants")
	}
	providertest.Run(t, providertest.Harness{
		NewProvider: func(*testing.T) iam.Provider {
			m := &mutant{Provider: memory.New(memory.WithPageSize(2))}
			mutants[name].make(m)
			return m
		},
		Calls: func(p iam.Provider) int { return p.(*mutant).Provider.Calls("") },
	})
}

// TestMutants checks that the suite fails each mutant, with the message of
// the check that should catch it.
func TestMutants(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process per mutant")
	}
	if os.Getenv(mutantEnv) != "" {
		t.Skip("in a child")
	}
	for name, mu := range mutants {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0], "-test.run=^TestMutantChild$", "-test.v")
			cmd.Env = append(os.Environ(), mutantEnv+"="+name)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) {
				t.Fatalf("the suite passed a provider with the bug %q (err %v)", name, err)
			}
			if !regexp.MustCompile(mu.want).Match(out) {
				t.Errorf("the suite failed on %q without saying %s; output:\n%s", name, mu.want, out)
			}
		})
	}
}

// TestClauses: with Harness.Clauses, only the named groups run.
func TestClauses(t *testing.T) {
	var ran []string
	t.Run("Users only", func(t *testing.T) {
		providertest.Run(t, providertest.Harness{
			NewProvider: func(t *testing.T) iam.Provider {
				ran = append(ran, strings.SplitN(t.Name(), "/", 4)[2])
				return memory.New()
			},
			Clauses: []string{"Users"},
		})
	})
	for _, g := range ran {
		if g != "Users" {
			t.Errorf("ran a test of group %s, want Users only", g)
		}
	}
	if len(ran) == 0 {
		t.Error("ran nothing")
	}
}
