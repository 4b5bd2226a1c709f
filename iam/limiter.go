package iam

import (
	"context"
	"sync"
	"time"
)

// LimiterOptions tune a Limiter. Zero fields take the defaults.
type LimiterOptions struct {
	// Rate is the initial limit in requests per second; 0 (the default)
	// starts unlimited, so that only the concurrency bounds the pace until
	// the cloud first answers ErrThrottled. Clouds do not publish their
	// IAM rate quotas, so a fixed starting rate would be either too slow
	// or a guess: the first throttle measures the quota instead.
	Rate float64
	// Min is the floor of the limit (default 1 request per second): a
	// cloud that throttles every request still sees progress, slowly.
	Min float64
	// Decrease is the factor the limit is multiplied by on throttling
	// (default 0.5).
	Decrease float64
	// Increase is how many requests per second the limit regains for
	// every second of requests that succeed (default 20).
	Increase float64
	// Cooldown is the shortest time between two decreases (default 1s):
	// the requests in flight when the limit was cut were sent at the old
	// pace, and their throttles say nothing about the new one.
	Cooldown time.Duration
}

func (o LimiterOptions) withDefaults() LimiterOptions {
	if o.Min <= 0 {
		o.Min = 1
	}
	if o.Decrease <= 0 || o.Decrease >= 1 {
		o.Decrease = 0.5
	}
	if o.Increase <= 0 {
		o.Increase = 20
	}
	if o.Cooldown <= 0 {
		o.Cooldown = time.Second
	}
	return o
}

// Limiter is a client-side rate limit that adapts to the cloud's answers:
// it cuts the allowed rate multiplicatively when a request is throttled
// and raises it additively while requests succeed (AIMD, as TCP does with
// its window), so that many workers share what the cloud accepts without
// hammering it. Apply and Plan use one; share a Limiter between calls that
// reach the same account. It is safe for concurrent use.
//
// The limit starts unlimited (see LimiterOptions.Rate); on the first
// throttle it becomes Decrease times the rate actually measured, and it
// never grows beyond twice the measured rate, so that a long run of
// successes does not build up a limit the next throttle cannot bring
// down.
type Limiter struct {
	o LimiterOptions

	mu      sync.Mutex
	rate    float64   // requests per second; 0: unlimited
	next    time.Time // when the next request may go
	lastCut time.Time
	grants  [64]time.Time // ring of the latest grant times, to measure the rate
	n       int           // grants made
	cuts    int

	// The outcomes since the last decision (a cut, or a throttle judged
	// as background), and what the epoch before the last cut looked like:
	// a cut that did not lower the throttled share is undone.
	ok, thr  int
	prev     epoch
	baseline float64 // throttled share the pace does not explain; 0: none seen
}

// epoch is the state before a cut.
type epoch struct {
	valid bool
	rate  float64 // the limit before the cut (0: unlimited)
	share float64 // the throttled share that led to it
}

// minEpoch is how many outcomes a throttled share needs before it is
// compared: with fewer, a share of 10% is noise.
const minEpoch = 50

// NewLimiter returns a Limiter tuned by o.
func NewLimiter(o LimiterOptions) *Limiter {
	o = o.withDefaults()
	return &Limiter{o: o, rate: max(o.Rate, 0)}
}

// Wait blocks until a request may be sent, or ctx is done.
func (l *Limiter) Wait(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	l.mu.Lock()
	now := time.Now()
	at := now
	if l.rate > 0 {
		at = l.next
		if at.Before(now) {
			at = now
		}
		l.next = at.Add(time.Duration(float64(time.Second) / l.rate))
	}
	l.grants[l.n%len(l.grants)] = at
	l.n++
	l.mu.Unlock()
	if d := time.Until(at); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	return nil
}

// minSamples is how many grants a measured rate needs.
const minSamples = 4

// measured returns the rate of the latest grants, or 0 when too few
// were made to tell. l.mu is held.
func (l *Limiter) measured(now time.Time) float64 {
	k := min(l.n, len(l.grants))
	if k < minSamples {
		return 0
	}
	oldest := l.grants[(l.n-k)%len(l.grants)]
	span := now.Sub(oldest).Seconds()
	if span <= 0 {
		return 0
	}
	return float64(k-1) / span
}

// Throttled reports that the cloud throttled a request: the limit is cut
// by LimiterOptions.Decrease, at most once per Cooldown.
//
// Not every throttle is caused by the pace: some clouds (and test proxies)
// throttle a share of requests whatever the rate. A cut that does not
// lower the throttled share is undone, that share becomes the background
// level, and only a share well above it (1.5 times, plus 5 points) cuts
// again. Throttling caused by the pace falls after a cut, so the cut stays.
func (l *Limiter) Throttled() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.thr++
	now := time.Now()
	if !l.lastCut.IsZero() && now.Sub(l.lastCut) < l.o.Cooldown {
		return
	}
	n := l.ok + l.thr
	share := float64(l.thr) / float64(n)
	if l.prev.valid || l.baseline > 0 {
		if n < minEpoch {
			// Too few outcomes since the last decision to judge it.
			return
		}
		if l.prev.valid && share >= 0.75*l.prev.share {
			// The slower pace did not help: not ours to fix.
			l.rate = l.prev.rate
			l.baseline = max(l.baseline, share)
			l.decided(now, epoch{})
			return
		}
		if share <= 1.5*l.baseline+0.05 {
			l.decided(now, epoch{})
			return
		}
	}
	cur := l.rate
	m := l.measured(now)
	if cur == 0 && m == 0 {
		// Too few requests to measure a pace: a cut now would be a guess
		// (and a guess of the floor would crawl for a long while). The
		// retry's back-off spaces this request; the next throttle cuts.
		return
	}
	before := l.rate
	if m > 0 && (cur == 0 || m < cur) {
		cur = m
	}
	l.rate = max(cur*l.o.Decrease, l.o.Min)
	l.cuts++
	l.decided(now, epoch{valid: n >= minEpoch, rate: before, share: share})
}

// decided starts a new epoch at now. l.mu is held.
func (l *Limiter) decided(now time.Time, prev epoch) {
	l.lastCut = now
	l.ok, l.thr = 0, 0
	l.prev = prev
}

// Succeeded reports that a request went through: the limit regains
// Increase/rate, that is Increase requests per second for every second of
// successes.
func (l *Limiter) Succeeded() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ok++
	if l.rate == 0 {
		return
	}
	r := l.rate + l.o.Increase/l.rate
	if m := l.measured(time.Now()); m > 0 {
		r = min(r, max(2*m, l.rate))
	}
	l.rate = r
}

// Rate returns the current limit in requests per second; 0 means
// unlimited.
func (l *Limiter) Rate() float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.rate
}

// Cuts returns how many times the limit was cut.
func (l *Limiter) Cuts() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.cuts
}
