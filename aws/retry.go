package aws

import (
	"context"
	"time"

	iamretry "github.com/iamkit/iamkit/internal/retry"
)

// RetryOptions tune the two kinds of retry the provider does. Zero fields
// take the defaults.
//
// Eventual consistency: IAM takes a few seconds to make a new user, group,
// policy or key visible everywhere, so a call that names something this
// Provider created less than Window ago and is answered NoSuchEntity is
// tried again, up to Attempts times in all, after exponentially growing
// delays (BaseDelay, doubled each time, at most MaxDelay) with full
// jitter. A NoSuchEntity about anything else is returned at once.
//
// Throttling and transient errors (Throttling, 5xx, network failures) are
// retried by the AWS SDK's standard retryer, inside each of those
// attempts, never by iamkit itself. iamkit configures it with SDKAttempts
// and SDKMaxBackoff when it loads the AWS configuration; a caller's
// Options.Config keeps its own retryer unless either field is set.
type RetryOptions struct {
	// Attempts is how many times in all a call that may race a fresh
	// create is tried while it answers NoSuchEntity (default 5; 1
	// disables the retry).
	Attempts int
	// BaseDelay is the longest wait before the second attempt (default
	// 200ms); it doubles with each attempt, up to MaxDelay (default 1.6s).
	// With the defaults the retries wait at most 3 s in all.
	BaseDelay, MaxDelay time.Duration
	// Window is how long after creating something the provider retries
	// NoSuchEntity about it (default 1 minute).
	Window time.Duration
	// KeyWait bounds how long Options.WaitForKeys waits for a new key to
	// work (default 30s).
	KeyWait time.Duration
	// SDKAttempts is the SDK retryer's maximum number of attempts for
	// throttling and transient errors (default 5).
	SDKAttempts int
	// SDKMaxBackoff is the SDK retryer's longest delay between two
	// attempts (default 20s).
	SDKMaxBackoff time.Duration
}

// withDefaults fills the zero fields.
func (r RetryOptions) withDefaults() RetryOptions {
	if r.Attempts <= 0 {
		r.Attempts = 5
	}
	if r.BaseDelay <= 0 {
		r.BaseDelay = 200 * time.Millisecond
	}
	if r.MaxDelay <= 0 {
		r.MaxDelay = 1600 * time.Millisecond
	}
	if r.MaxDelay < r.BaseDelay {
		r.MaxDelay = r.BaseDelay
	}
	if r.Window <= 0 {
		r.Window = time.Minute
	}
	if r.KeyWait <= 0 {
		r.KeyWait = 30 * time.Second
	}
	if r.SDKAttempts <= 0 {
		r.SDKAttempts = 5
	}
	if r.SDKMaxBackoff <= 0 {
		r.SDKMaxBackoff = 20 * time.Second
	}
	return r
}

// delay returns the wait before attempt n+1 (n counted from 1), with
// full jitter.
func (r RetryOptions) delay(n int) time.Duration { return iamretry.Delay(r.BaseDelay, r.MaxDelay, n) }

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error { return iamretry.Sleep(ctx, d) }

// consistent runs call, and runs it again while it answers NoSuchEntity
// and one of the resources it names (keys) was created lately by this
// Provider, within RetryOptions' bounds. It returns call's last error,
// unwrapped (the caller maps it).
func (p *Provider) consistent(ctx context.Context, call func() error, keys ...string) error {
	err := call()
	if err == nil || !isNotFound(err) || !p.recent.Any(p.retry.Window, keys...) {
		return err
	}
	for n := 1; n < p.retry.Attempts; n++ {
		if serr := sleep(ctx, p.retry.delay(n)); serr != nil {
			return err
		}
		if err = call(); err == nil || !isNotFound(err) {
			return err
		}
	}
	return err
}
