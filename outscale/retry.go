package outscale

import (
	"context"
	"net/http"
	"time"

	"github.com/iamkit/iamkit/iam"
	iamretry "github.com/iamkit/iamkit/internal/retry"
)

// RetryOptions tune the provider's two kinds of retry. Zero fields take
// the defaults.
//
// Throttling and transient failures (HTTP 429 and 503, 5xx, no answer) are
// retried up to Attempts times in all, after exponentially growing delays
// (BaseDelay doubled each time, at most MaxDelay) with full jitter.
//
// Propagation: the OUTSCALE API documents that link and put operations
// (and, like IAM, new users, groups and policies) can take up to 15
// seconds to apply everywhere. Like the aws adapter does for IAM's
// eventual consistency, a read or write that names something this Provider
// created less than Window ago and is answered "not found"
// (InvalidResource) is tried again, with the same delays, until Window has
// passed since the creation: up to 12 attempts (or Attempts, if more),
// which with the default delays wait 15 s on average. A "not found" about
// anything else is returned at once.
type RetryOptions struct {
	// Attempts is how many times in all a call is tried (default 5; 1
	// disables retries).
	Attempts int
	// BaseDelay is the longest wait before the second attempt (default
	// 250ms); it doubles with each attempt, up to MaxDelay (default 4s).
	BaseDelay, MaxDelay time.Duration
	// Window is how long after creating something a "not found" about it
	// is retried (default 15s, the documented propagation time).
	Window time.Duration
	// Sleep waits between attempts; tests set it to return at once. The
	// default waits d or until ctx is done.
	Sleep func(ctx context.Context, d time.Duration) error
}

func (r RetryOptions) withDefaults() RetryOptions {
	if r.Attempts <= 0 {
		r.Attempts = 5
	}
	if r.BaseDelay <= 0 {
		r.BaseDelay = 250 * time.Millisecond
	}
	if r.MaxDelay <= 0 {
		r.MaxDelay = 4 * time.Second
	}
	r.MaxDelay = max(r.MaxDelay, r.BaseDelay)
	if r.Window <= 0 {
		r.Window = 15 * time.Second
	}
	if r.Sleep == nil {
		r.Sleep = sleep
	}
	return r
}

// propagationAttempts bounds the tries of a call answered "not found"
// about something just created: with delays doubling from 250 ms to 4 s,
// under full jitter, 12 tries wait 15 s (the documented propagation time)
// on average.
const propagationAttempts = 12

// delay returns the wait before attempt n+1 (n counted from 1), with
// full jitter.
func (r RetryOptions) delay(n int) time.Duration { return iamretry.Delay(r.BaseDelay, r.MaxDelay, n) }

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error { return iamretry.Sleep(ctx, d) }

// call runs one SDK call under op and resource, mapping its error and
// retrying as RetryOptions say. fn returns the HTTP response and the SDK
// error. conflict is the kind a 409 means for this call (nil:
// iam.ErrConflict). fresh names the resources ("user/NAME") whose recent
// creation makes a "not found" worth retrying.
func (p *Provider) call(ctx context.Context, op, resource string, conflict error, fn func(context.Context) (*http.Response, error), fresh ...string) error {
	for n := 1; ; n++ {
		if err := ctx.Err(); err != nil {
			return &iam.Error{Provider: providerName, Op: op, Resource: resource, Err: err}
		}
		resp, err := fn(ctx)
		if err == nil {
			return nil
		}
		werr := wrap(ctx, op, resource, resp, err, conflict)
		throttled := isKind(werr, iam.ErrThrottled) && n < p.retry.Attempts
		propagating := isKind(werr, iam.ErrNotFound) && len(fresh) > 0 && p.retry.Attempts > 1 &&
			n < max(p.retry.Attempts, propagationAttempts) && p.recent.Any(p.retry.Window, fresh...)
		if !throttled && !propagating {
			return werr
		}
		if serr := p.retry.Sleep(ctx, p.retry.delay(n)); serr != nil {
			return &iam.Error{Provider: providerName, Op: op, Resource: resource, Err: serr}
		}
	}
}
