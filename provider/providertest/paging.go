package providertest

import (
	"errors"
	"fmt"
	"iter"
	"slices"
	"sync"

	"github.com/iamkit/iamkit/iam"
)

var pagingTests = []test{
	{"Users", testPageUsers},
	{"Groups", testPageGroups},
	{"GroupMembers", testPageMembers},
	{"Policies", testPagePolicies},
}

// parallel runs f(0) … f(n-1) on at most h.Concurrency goroutines and
// fails the test, from the test's goroutine, if any returned an error.
func (e *env) parallel(n int, f func(i int) error) {
	e.t.Helper()
	sem := make(chan struct{}, e.h.Concurrency)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			errs[i] = f(i)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		e.t.Fatal(err)
	}
}

// paged checks a listing that should hold each of want exactly once: it
// holds them all, no item twice, spans several requests (when the harness
// counts them), and stops cleanly when its consumer breaks early.
func paged[T any](e *env, what string, list func() iter.Seq2[*T, error], name func(*T) string, want []string) {
	e.t.Helper()
	e.eventually(func() error {
		before := e.calls()
		got, err := names(list(), name)
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		if d := duplicates(got); len(d) > 0 {
			return fmt.Errorf("%s lists %v more than once", what, d)
		}
		for _, w := range want {
			if count(got, w) != 1 {
				return fmt.Errorf("%s lists %d of the %d items created; %s is missing", what, len(got), len(want), w)
			}
		}
		if before >= 0 && !slices.Contains(e.h.Unpaged, what) {
			if n := e.calls() - before; n < 2 {
				e.t.Errorf("%s of %d items took %d request(s): it did not span several pages; set Harness.PageItems above the provider's page size", what, len(got), n)
			}
		}
		return nil
	})
	for _, stop := range []int{1, max(1, len(want)-1)} {
		n := 0
		for v, err := range list() {
			if err != nil {
				e.t.Fatalf("%s: %v", what, err)
			}
			if v == nil {
				e.t.Fatalf("%s yielded a nil item", what)
			}
			n++
			if n == stop {
				break
			}
		}
		if n != stop {
			e.t.Errorf("%s: the loop ran %d times before break, want %d", what, n, stop)
		}
	}
}

// makeUsers creates n users concurrently and returns their names.
func (e *env) makeUsers(n int) []string {
	e.t.Helper()
	out := make([]string, n)
	for i := range out {
		out[i] = e.name("u")
	}
	e.parallel(n, func(i int) error { _, err := e.p.CreateUser(e.ctx, out[i], nil); return err })
	return out
}

func testPageUsers(e *env) {
	want := e.makeUsers(e.h.PageItems)
	paged(e, "ListUsers", func() iter.Seq2[*iam.User, error] { return e.p.ListUsers(e.ctx) }, userName, want)
}

func testPageGroups(e *env) {
	e.needGroups()
	want := make([]string, e.h.PageItems)
	for i := range want {
		want[i] = e.name("g")
	}
	e.parallel(len(want), func(i int) error { _, err := e.p.CreateGroup(e.ctx, want[i]); return err })
	paged(e, "ListGroups", func() iter.Seq2[*iam.Group, error] { return e.p.ListGroups(e.ctx) }, groupName, want)
}

func testPageMembers(e *env) {
	e.needMembership()
	g := e.newGroup()
	want := e.makeUsers(e.h.PageItems)
	e.parallel(len(want), func(i int) error { return e.p.AddUserToGroup(e.ctx, g.Name, want[i]) })
	paged(e, "ListGroupMembers", func() iter.Seq2[*iam.User, error] { return e.p.ListGroupMembers(e.ctx, g.Name) }, userName, want)
}

func testPagePolicies(e *env) {
	e.needPolicies()
	want := make([]string, e.h.PageItems)
	for i := range want {
		want[i] = e.name("p")
	}
	e.parallel(len(want), func(i int) error {
		_, err := e.p.CreatePolicy(e.ctx, iam.PolicyInput{Name: want[i], Document: readDoc, Translate: e.h.Translate})
		return err
	})
	paged(e, "ListPolicies", func() iter.Seq2[*iam.Policy, error] { return e.p.ListPolicies(e.ctx) }, policyName, want)
}
