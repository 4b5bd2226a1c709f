package tbtest

import (
	"fmt"
	"sync"
	"testing"
)

// A Recorder is a testing.TB that keeps the failures reported through
// Error and Errorf instead of failing the test, so that a test can assert
// them. Everything else goes to the embedded TB. It is safe for
// concurrent use, as a fake server reports from its handler goroutines.
type Recorder struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

// Helper does nothing: the recorded failures carry no location.
func (r *Recorder) Helper() {}

// Errorf records the formatted failure.
func (r *Recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

// Error records the failure as fmt.Sprint formats it.
func (r *Recorder) Error(args ...any) { r.Errorf("%s", fmt.Sprint(args...)) }

// Take returns the failures recorded since the last Take, and forgets them.
func (r *Recorder) Take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.errors
	r.errors = nil
	return e
}
