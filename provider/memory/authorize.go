package memory

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"slices"
	"time"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
)

// Authorize answers what a cloud would answer a call made with access key
// keyID and its secret: nil if the key may do action (a portable action
// such as "compute:Read", or a native one) on resource ("" or "*" for
// any), or an error of kind iam.ErrDenied whose message says why: unknown
// key, wrong secret, inactive, expired or not yet visible key, or the
// decision of the policies attached to the key's user and to its groups.
// An empty action is ErrInvalid.
//
// Authorize is not an iam.Provider method: it is not counted by Calls,
// delayed by SetLatency or subject to faults.
func (p *Provider) Authorize(ctx context.Context, keyID, secret, action, resource string) error {
	const op = "Authorize"
	req := policy.Request{Action: action, Resource: resource}
	d, who, names, err := p.authorize(ctx, op, keyID, secret, &req)
	if err != nil {
		return err
	}
	if d.Allowed {
		return nil
	}
	return fail(op, requested(resource), iam.ErrDenied, "%s may not %s; policy decision: %s", who, action, explain(d, names))
}

// AuthorizeRequest evaluates req, a call made with access key keyID and its
// secret, against the policies of the key's user and of its groups, and
// returns the decision: use it for calls that conditions apply to (source
// IP, resource tags, time). A zero req.Time is the clock's time.
//
// A policy's refusal is a Decision with Allowed false and a nil error; the
// error is for the key itself (unknown, wrong secret, inactive, expired,
// not yet visible: ErrDenied), an empty action (ErrInvalid) or a done
// context.
func (p *Provider) AuthorizeRequest(ctx context.Context, keyID, secret string, req policy.Request) (policy.Decision, error) {
	d, _, _, err := p.authorize(ctx, "AuthorizeRequest", keyID, secret, &req)
	if err != nil {
		return policy.Decision{Document: -1, Statement: -1}, err
	}
	return d, nil
}

// authorize checks the key and evaluates req. It returns the decision, the
// key's user as "user/NAME", and the names of the policies in the order
// they were passed to policy.Evaluate, so a decision can name its policy.
func (p *Provider) authorize(ctx context.Context, op, keyID, secret string, req *policy.Request) (policy.Decision, string, []string, error) {
	var none policy.Decision
	res := requested(req.Resource)
	if err := ctx.Err(); err != nil {
		return none, "", nil, ctxError(op, res, err)
	}
	if req.Action == "" {
		return none, "", nil, fail(op, res, iam.ErrInvalid, "action is empty")
	}
	now := p.now()
	if req.Time.IsZero() {
		req.Time = now
	}

	p.mu.RLock()
	k, ok := p.keys[keyID]
	var (
		names []string
		docs  []policy.Document
	)
	if ok {
		// Policies in a fixed order (the user's, then each group's, by
		// name) so that a decision names the same policy every time.
		u := p.users[k.user]
		names = sortedKeys(u.policies, nil)
		for _, g := range sortedKeys(u.groups, nil) {
			names = sortedKeys(p.groups[g].policies, names)
		}
		// Stored versions are immutable: their documents can be read
		// after the lock is released.
		docs = make([]policy.Document, len(names))
		for i, n := range names {
			docs[i] = p.policies[n].def.doc
		}
	}
	var key accessKey
	if ok {
		key = *k
	}
	p.mu.RUnlock()

	if err := p.checkKey(op, res, keyID, secret, ok, &key, now); err != nil {
		return none, "", nil, err
	}
	return policy.Evaluate(*req, docs...), userRes(key.user), names, nil
}

// checkKey refuses an unknown, not yet visible, wrongly signed, inactive
// or expired key, in the order a cloud finds out.
func (p *Provider) checkKey(op, res, keyID, secret string, found bool, k *accessKey, now time.Time) error {
	ref := keyRef(keyID)
	if !found {
		return fail(op, res, iam.ErrDenied, "unknown access key %s", ref)
	}
	if age := now.Sub(k.created); age < p.keyDelay {
		// A cloud that has not propagated the key yet does not know it.
		return fail(op, res, iam.ErrDenied,
			"access key %s is not yet visible (created %s ago, keys take %s to become visible); retry shortly", ref, age, p.keyDelay)
	}
	sum := sha256.Sum256([]byte(secret))
	if subtle.ConstantTimeCompare(sum[:], k.hash[:]) != 1 {
		return fail(op, res, iam.ErrDenied, "wrong secret for access key %s", ref)
	}
	if k.status != iam.KeyActive {
		return fail(op, res, iam.ErrDenied, "access key %s is inactive", ref)
	}
	if !k.expires.IsZero() && !now.Before(k.expires) {
		return fail(op, res, iam.ErrDenied, "access key %s expired at %s", ref, k.expires.UTC().Format(time.RFC3339))
	}
	return nil
}

// explain says why d refused, naming the deciding policy.
func explain(d policy.Decision, names []string) string {
	s := fmt.Sprint(d)
	if d.Document >= 0 && d.Document < len(names) {
		s += ", from " + policyRes(names[d.Document])
	}
	if len(names) == 0 {
		s += " (no policy is attached to the user or its groups)"
	}
	return s
}

// sortedKeys appends the keys of m to dst, sorted, and returns it.
func sortedKeys(m map[string]struct{}, dst []string) []string {
	start := len(dst)
	for k := range m {
		dst = append(dst, k)
	}
	slices.Sort(dst[start:])
	return dst
}

// requested names the resource of a request in errors.
func requested(resource string) string {
	if resource == "" {
		return "*"
	}
	return resource
}
