// Package retry holds the pieces of the adapters' retry logic that do not
// depend on a cloud: exponential back-off with full jitter, a sleep that
// honours its context, and the set of resources a provider created lately
// (eventually consistent clouds answer "not found" about those for a while).
package retry

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"
)

// Delay returns the wait before attempt n+1 (n counted from 1): a random
// duration up to base·2^(n-1), capped at maxDelay ("full jitter", so that
// many clients retrying together spread out).
func Delay(base, maxDelay time.Duration, n int) time.Duration {
	d := base
	for i := 1; i < n && d < maxDelay; i++ {
		d *= 2
	}
	d = min(d, maxDelay)
	if d <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(d) + 1))
}

// Sleep waits d or until ctx is done, and returns ctx's error if it is.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Recent remembers what a provider created lately, so that only calls
// about those retry a "not found". The zero Recent is ready to use and
// safe for concurrent use.
type Recent struct {
	mu sync.Mutex
	m  map[string]time.Time
}

// Add records that key (such as "user/NAME") was just created.
func (s *Recent) Add(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string]time.Time{}
	}
	s.m[key] = time.Now()
}

// Remove forgets key, after a delete: a "not found" about it is then the
// truth.
func (s *Recent) Remove(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, key)
}

// Any reports whether one of keys was added less than window ago, pruning
// older entries.
func (s *Recent) Any(window time.Duration, keys ...string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	for k, t := range s.m {
		if now.Sub(t) > window {
			delete(s.m, k)
		}
	}
	for _, k := range keys {
		if _, ok := s.m[k]; ok {
			return true
		}
	}
	return false
}
