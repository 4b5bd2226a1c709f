package iam_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/iamkit/iamkit/iam"
)

// drive sends n requests through l from 16 workers, each taking 2 ms;
// throttled says whether the i-th request is throttled.
func drive(t *testing.T, l *iam.Limiter, n int, throttled func(i int64) bool) {
	t.Helper()
	var next atomic.Int64
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for {
				i := next.Add(1)
				if i > int64(n) {
					return
				}
				if err := l.Wait(context.Background()); err != nil {
					t.Error(err)
					return
				}
				time.Sleep(2 * time.Millisecond)
				if throttled(i) {
					l.Throttled()
				} else {
					l.Succeeded()
				}
			}
		})
	}
	wg.Wait()
}

// TestLimiterBackgroundThrottling: a cloud that throttles one request in
// ten whatever the pace does not drive the limit down: the cut that did
// not lower the throttled share is undone, and that share is then taken as
// the background level.
func TestLimiterBackgroundThrottling(t *testing.T) {
	l := iam.NewLimiter(iam.LimiterOptions{Cooldown: 50 * time.Millisecond})
	drive(t, l, 4000, func(i int64) bool { return i%10 == 0 })
	if r := l.Rate(); r != 0 && l.Cuts() > 2 {
		t.Errorf("rate %.0f/s after %d cuts under background throttling, want the cut undone", r, l.Cuts())
	}
}

// TestLimiterPaceThrottling: throttling that a slower pace removes keeps
// the limit cut.
func TestLimiterPaceThrottling(t *testing.T) {
	l := iam.NewLimiter(iam.LimiterOptions{Cooldown: 50 * time.Millisecond})
	var cut atomic.Bool
	// Half of the requests are throttled until the first cut, none after.
	drive(t, l, 1500, func(i int64) bool {
		if l.Cuts() > 0 {
			cut.Store(true)
		}
		return !cut.Load() && i%2 == 0
	})
	if l.Cuts() == 0 || l.Rate() == 0 {
		t.Errorf("rate %.0f/s after %d cuts: the cut that ended the throttling was undone", l.Rate(), l.Cuts())
	}
}
