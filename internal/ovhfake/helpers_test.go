package ovhfake

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/ovh/go-ovh/ovh"
)

func asAPIError(err error, e **ovh.APIError) bool {
	return errors.As(err, e)
}

// recorder is a testing.TB that keeps the failures the fake reports
// instead of failing the test, so that a test can assert them.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recorder) Error(args ...any) { r.Errorf("%s", fmt.Sprint(args...)) }

// take returns and clears the recorded failures.
func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.errors
	r.errors = nil
	return e
}
