package providertest

import (
	"errors"
	"fmt"
	"sync"

	"github.com/iamkit/iamkit/iam"
)

var concurrencyTests = []test{
	{"DistinctUsers", testConcurrentDistinct},
	{"SameUser", testConcurrentSame},
	{"KeysAtLimit", testConcurrentKeys},
}

// race runs f(0) … f(n-1) at once (they all start together) and returns
// their errors.
func race(n int, f func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = f(i)
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

func testConcurrentDistinct(e *env) {
	n := e.h.Concurrency
	want := make([]string, n)
	for i := range want {
		want[i] = e.name("u")
	}
	errs := race(n, func(i int) error { _, err := e.p.CreateUser(e.ctx, want[i], nil); return err })
	if err := errors.Join(errs...); err != nil {
		e.t.Fatalf("concurrent CreateUser of distinct users: %v", err)
	}
	e.eventually(func() error {
		return listed("ListUsers", e.p.ListUsers(e.ctx), userName, true, want...)
	})
}

func testConcurrentSame(e *env) {
	n := e.h.Concurrency
	name := e.name("u")
	errs := race(n, func(int) error { _, err := e.p.CreateUser(e.ctx, name, nil); return err })
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !isKindOnly(err, iam.ErrAlreadyExists):
			e.t.Errorf("concurrent CreateUser of one name: got %v, want nil or ErrAlreadyExists", err)
		}
	}
	if won != 1 {
		e.t.Errorf("%d concurrent CreateUser(%s): %d succeeded, want exactly 1", n, name, won)
	}
	e.eventually(func() error { return listed("ListUsers", e.p.ListUsers(e.ctx), userName, true, name) })
}

func testConcurrentKeys(e *env) {
	max := e.caps.MaxKeysPerUser
	if max == 0 {
		e.t.Skip("Capabilities.MaxKeysPerUser is 0: no documented cap on keys per user")
	}
	n := max + e.h.Concurrency
	u := e.newUser()
	errs := race(n, func(int) error { _, err := e.p.CreateAccessKey(e.ctx, u.Name, nil); return err })
	made := 0
	for _, err := range errs {
		switch {
		case err == nil:
			made++
		case !isKindOnly(err, iam.ErrLimit):
			e.t.Errorf("concurrent CreateAccessKey: got %v, want nil or ErrLimit", err)
		}
	}
	if made != max {
		e.t.Errorf("%d concurrent CreateAccessKey for one user: %d succeeded, want %d (Capabilities.MaxKeysPerUser)", n, made, max)
	}
	e.eventually(func() error {
		ks, err := iam.Collect(e.p.ListAccessKeys(e.ctx, u.Name))
		if err == nil && len(ks) != made {
			err = fmt.Errorf("ListAccessKeys lists %d keys, want %d", len(ks), made)
		}
		return err
	})
}
