package iam

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/iamkit/iamkit/internal/retry"
	"github.com/iamkit/iamkit/policy"
)

// DefaultConcurrency is how many requests Plan and Apply have in flight at
// most, unless told otherwise.
//
// Why 16: a request to a cloud's IAM API takes about 50 to 100 ms, nearly
// all of it waiting; 16 in flight hide that wait at 160 to 320 requests
// per second, more than IAM services accept for changes over any length
// of time (AWS throttles well below that), so on a real cloud the
// adaptive Limiter, not the pool, sets the pace. More workers would only
// queue on the limiter, hold more connections open (the AWS SDK keeps 10
// idle ones per host), and make more requests fail together when the
// cloud throttles; fewer would leave speed unused on a fast endpoint.
const DefaultConcurrency = 16

// RetryPolicy says how Plan and Apply retry a request the cloud throttled
// (IsRetryable; the adapters also classify transient 5xx answers as
// ErrThrottled). Other errors are never retried. Zero fields take the
// defaults.
type RetryPolicy struct {
	// Attempts is how many times in all a request is tried (default 10).
	Attempts int
	// BaseDelay is the longest wait before the second attempt (default
	// 100ms); it doubles with each attempt up to MaxDelay (default 5s),
	// and each wait is drawn at random below it (full jitter), so that
	// workers throttled together do not come back together.
	BaseDelay, MaxDelay time.Duration
}

func (r RetryPolicy) withDefaults() RetryPolicy {
	if r.Attempts <= 0 {
		r.Attempts = 10
	}
	if r.BaseDelay <= 0 {
		r.BaseDelay = 100 * time.Millisecond
	}
	if r.MaxDelay <= 0 {
		r.MaxDelay = 5 * time.Second
	}
	return r
}

// ApplyOptions tune Apply.
type ApplyOptions struct {
	// DryRun makes Apply send no request at all and change nothing; the
	// result lists the changes it would have made in Skipped.
	DryRun bool
	// Concurrency bounds the requests in flight (default
	// DefaultConcurrency).
	Concurrency int
	// Limiter paces the requests; nil for a new adaptive one. Share one
	// between Plan and Apply, and between runs on the same account.
	Limiter *Limiter
	// Retry says how throttled requests are retried.
	Retry RetryPolicy
	// Sink receives the new keys of the accounts that name no Sink of
	// their own. Deliveries are made one at a time, since a credentials
	// file is read and rewritten whole.
	Sink Sink
	// Journal records the accounts' runs when they name no Journal of
	// their own, so that Recover can finish or undo them after a crash.
	Journal Journal
}

// FailedChange is a change Apply could not make.
type FailedChange struct {
	// Change is the change that failed.
	Change *Change
	// Err says why.
	Err error
}

// Applied is what Apply did.
type Applied struct {
	// DryRun is set when nothing was done.
	DryRun bool
	// Accounts are the service accounts created or completed, in plan
	// order. Key holds a new key with its secret (never printed), or is
	// nil when the user kept its key.
	Accounts []*Provisioned
	// Done lists the changes made.
	Done []*Change
	// Failed lists those that failed, with why.
	Failed []FailedChange
	// Skipped lists those not attempted: all of them on a dry run, and
	// the accounts whose group or policy failed.
	Skipped []*Change
	// Calls is how many requests Apply sent, retries included (a listing
	// counts once, whatever its pages); Throttled how many of them the
	// cloud throttled.
	Calls, Throttled int64
}

// Apply carries out a ChangeSet made by Plan on the same provider; a
// ChangeSet made otherwise (decoded from its JSON, built by hand) or on a
// provider of another Name is refused with ErrInvalid.
//
// Groups and policies come first, each created or updated once however
// many accounts share it (policies and groups at once, then the
// attachments); then the users, concurrently, each as one Provision run
// (create the user, add it to its group or attach its policy, create an
// access key and deliver it to the sink), journaled and rolled back on
// failure as Provision does, so that Recover can finish or undo a run a
// crash interrupted; then, when the plan has deletions, the users (as
// Deprovision removes them), the groups and the policies.
//
// Apply knows from the plan what exists, so it reads nothing again: a new
// account costs exactly its three changes (CreateUser, AddUserToGroup or
// AttachPolicy, CreateAccessKey). At most Concurrency requests are in
// flight, paced by an adaptive Limiter; a throttled request is retried
// with jittered exponential back-off, other errors are not. A create
// retried after a throttle that the cloud had in fact carried out is
// recognised (ErrAlreadyExists on a retry, or a key the user did not have
// before), so retries never make duplicates.
//
// A failure affects only its own resource and what depends on it; the
// error joins them all, and Applied says what was done, what failed and
// what was skipped. If the cloud changed since Plan (a user created
// meanwhile: ErrAlreadyExists), plan again.
func Apply(ctx context.Context, p Provider, cs *ChangeSet, opts ApplyOptions) (*Applied, error) {
	if cs == nil {
		return nil, &Error{Op: "Apply", Kind: ErrInvalid, Msg: "nil ChangeSet"}
	}
	if cs.Provider != p.Name() {
		return nil, &Error{Op: "Apply", Provider: p.Name(), Kind: ErrInvalid, Msg: "the plan was made on " + cs.Provider}
	}
	for _, c := range cs.Changes {
		// A ChangeSet decoded from JSON or built by hand lacks what Plan
		// read from the cloud.
		if c == nil || c.ops == nil {
			return nil, &Error{Op: "Apply", Provider: p.Name(), Kind: ErrInvalid, Msg: "the ChangeSet was not made by Plan"}
		}
	}
	out := &Applied{DryRun: opts.DryRun}
	if opts.DryRun {
		for _, c := range cs.Changes {
			if c.Action != ActionNoOp {
				out.Skipped = append(out.Skipped, c)
			}
		}
		return out, nil
	}
	if opts.Limiter == nil {
		opts.Limiter = NewLimiter(LimiterOptions{})
	}
	conc := opts.Concurrency
	if conc <= 0 {
		conc = DefaultConcurrency
	}
	a := &applier{pc: newPaced(p, opts.Limiter, opts.Retry), o: opts, out: out, isDone: map[*Change]bool{}, failed: map[string]error{}}

	// Phase by phase: each waits for the one before, since an attachment
	// needs its group and policy, and a membership its group.
	phases := [][]*Change{nil, nil, nil, nil, nil, nil}
	for _, c := range cs.Changes {
		if c.Action == ActionNoOp {
			continue
		}
		switch {
		case c.Kind == KindPolicy && c.Action != ActionDelete:
			phases[0] = append(phases[0], c)
		case c.Kind == KindGroup && c.Action != ActionDelete:
			if c.ops.create {
				phases[0] = append(phases[0], c)
			}
			if len(c.ops.attach)+len(c.ops.detach) > 0 {
				phases[1] = append(phases[1], c)
			}
		case c.Kind == KindUser && c.Action != ActionDelete:
			phases[2] = append(phases[2], c)
		case c.Kind == KindUser:
			phases[3] = append(phases[3], c)
		case c.Kind == KindGroup:
			phases[4] = append(phases[4], c)
		default:
			phases[5] = append(phases[5], c)
		}
	}
	for i, phase := range phases {
		sem := make(chan struct{}, conc)
		var wg sync.WaitGroup
		for _, c := range phase {
			sem <- struct{}{}
			wg.Go(func() {
				defer func() { <-sem }()
				a.do(ctx, i, c)
			})
		}
		wg.Wait()
	}
	out.Calls, out.Throttled = a.pc.calls.Load(), a.pc.throttled.Load()
	// Keep plan order in the result (positions looked up once: searching
	// the plan in each comparison made this quadratic, minutes for 10,000
	// accounts).
	pos := make(map[*Change]int, len(cs.Changes))
	userPos := map[string]int{}
	for i, c := range cs.Changes {
		pos[c] = i
		if c.Kind == KindUser && c.Action != ActionDelete {
			userPos[c.Name] = i
		}
	}
	slices.SortFunc(out.Done, func(x, y *Change) int { return pos[x] - pos[y] })
	slices.SortFunc(out.Skipped, func(x, y *Change) int { return pos[x] - pos[y] })
	slices.SortFunc(out.Failed, func(x, y FailedChange) int { return pos[x.Change] - pos[y.Change] })
	slices.SortFunc(out.Accounts, func(x, y *Provisioned) int { return userPos[x.User.Name] - userPos[y.User.Name] })
	errs := make([]error, 0, len(out.Failed))
	for _, f := range out.Failed {
		errs = append(errs, f.Err)
	}
	return out, errors.Join(errs...)
}

// applier is one Apply's shared state.
type applier struct {
	pc *paced
	o  ApplyOptions

	mu     sync.Mutex
	out    *Applied
	isDone map[*Change]bool // in out.Done
	failed map[string]error // address → error, for what depends on it

	deliver sync.Mutex // one delivery at a time
}

func (a *applier) done(c *Change) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.isDone[c] {
		a.isDone[c] = true
		a.out.Done = append(a.out.Done, c)
	}
}

func (a *applier) fail(c *Change, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	err = fmt.Errorf("%s: %w", c.Address(), err)
	a.failed[c.Address()] = err
	if a.isDone[c] {
		delete(a.isDone, c)
		a.out.Done = slices.DeleteFunc(a.out.Done, func(d *Change) bool { return d == c })
	}
	a.out.Failed = append(a.out.Failed, FailedChange{Change: c, Err: err})
}

// blocked returns the error of a failed resource that c depends on.
func (a *applier) blocked(deps ...string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, d := range deps {
		if err := a.failed[d]; err != nil {
			return err
		}
	}
	return nil
}

func (a *applier) do(ctx context.Context, phase int, c *Change) {
	var err error
	switch phase {
	case 0:
		if c.Kind == KindPolicy {
			err = a.policy(ctx, c)
		} else {
			err = a.createGroup(ctx, c)
		}
	case 1:
		err = a.attachGroup(ctx, c)
	case 2:
		err = a.account(ctx, c)
	case 3:
		err = Deprovision(ctx, a.pc, c.Name)
	case 4:
		err = a.deleteGroup(ctx, c)
	case 5:
		err = ignoreNotFound(a.pc.DeletePolicy(ctx, c.Name))
	}
	var skip *skipError
	switch {
	case errors.Is(err, errReported):
	case errors.As(err, &skip):
		a.mu.Lock()
		a.out.Skipped = append(a.out.Skipped, c)
		a.failed[c.Address()] = skip.err
		a.mu.Unlock()
	case err != nil:
		a.fail(c, err)
	default:
		a.done(c)
	}
}

// skipError marks a change not attempted because one it depends on failed.
type skipError struct{ err error }

func (e *skipError) Error() string { return "skipped: " + e.err.Error() }
func (e *skipError) Unwrap() error { return e.err }

// policy creates or updates a policy, journaled and undone on failure as
// in Provision.
func (a *applier) policy(ctx context.Context, c *Change) error {
	wp := c.ops.policy
	r, err := newRun(ctx, "Provision", a.pc, a.o.Journal)
	if err != nil {
		return err
	}
	if c.Action == ActionCreate {
		err = r.change(ctx, "create policy/"+wp.name, &Step{Action: StepCreatePolicy, Policy: wp.name}, func() error {
			_, err := a.pc.CreatePolicy(ctx, PolicyInput{Name: wp.name, Description: wp.description, Document: wp.doc, Translate: wp.translate})
			return err
		})
	} else {
		step := Step{Action: StepUpdatePolicy, Policy: wp.name}
		// Only a portable document can be restored by an undo.
		if _, perr := policy.Parse(c.Before); len(c.Before) > 0 && perr == nil {
			step.Previous = compact(c.Before)
		}
		err = r.change(ctx, "update policy/"+wp.name, &step, func() error {
			_, err := a.pc.UpdatePolicy(ctx, wp.name, wp.doc, wp.translate)
			return err
		})
	}
	if err != nil {
		return err
	}
	_ = r.finish(ctx)
	return nil
}

func (a *applier) createGroup(ctx context.Context, c *Change) error {
	r, err := newRun(ctx, "Provision", a.pc, a.o.Journal)
	if err != nil {
		return err
	}
	err = r.change(ctx, "create group/"+c.Name, &Step{Action: StepCreateGroup, Group: c.Name}, func() error {
		_, err := a.pc.CreateGroup(ctx, c.Name)
		return err
	})
	if err != nil {
		return err
	}
	_ = r.finish(ctx)
	return nil
}

// errReported says that a change's failure was reported already, by an
// earlier phase of the same change.
var errReported = errors.New("reported")

func (a *applier) attachGroup(ctx context.Context, c *Change) error {
	if a.blocked(c.Address()) != nil {
		return errReported
	}
	var deps []string
	for _, pol := range c.ops.attach {
		deps = append(deps, "policy/"+pol)
	}
	if err := a.blocked(deps...); err != nil {
		return &skipError{err}
	}
	r, err := newRun(ctx, "Provision", a.pc, a.o.Journal)
	if err != nil {
		return err
	}
	to := GroupPrincipal(c.Name)
	for _, pol := range c.ops.attach {
		err := r.change(ctx, "attach policy/"+pol+" to "+to.String(), &Step{Action: StepAttach, Policy: pol, Principal: &to},
			func() error { return a.pc.AttachPolicy(ctx, pol, to) })
		if err != nil {
			return err
		}
	}
	for _, pol := range c.ops.detach {
		if err := ignoreNotFound(a.pc.DetachPolicy(ctx, pol, to)); err != nil {
			return r.fail(ctx, "detach policy/"+pol+" from "+to.String(), err)
		}
		r.did("detach policy/"+pol+" from "+to.String(), nil)
	}
	_ = r.finish(ctx)
	return nil
}

// account creates or completes one service account, as Provision does
// but without reading what the plan already knows.
func (a *applier) account(ctx context.Context, c *Change) error {
	wa := c.ops.account
	sa := wa.sa
	deps := []string{"policy/" + wa.policyName}
	if wa.useGroup {
		deps = append(deps, "group/"+sa.Group)
	}
	if err := a.blocked(deps...); err != nil {
		return &skipError{err}
	}
	j := sa.Journal
	if j == nil {
		j = a.o.Journal
	}
	sink := sa.Sink
	if sink == nil {
		sink = a.o.Sink
	}
	r, err := newRun(ctx, "Provision", a.pc, j)
	if err != nil {
		return err
	}
	out := &Provisioned{User: c.ops.user, Policy: &Policy{Name: wa.policyName}}
	if wa.useGroup {
		out.Group = &Group{Name: sa.Group}
	}
	if c.ops.create {
		err := r.change(ctx, "create user/"+sa.User, &Step{Action: StepCreateUser, User: sa.User}, func() error {
			u, err := a.pc.CreateUser(ctx, sa.User, nil)
			out.User = u
			return err
		})
		if err != nil {
			return err
		}
	}
	for _, g := range c.ops.join {
		err := r.change(ctx, "add user/"+sa.User+" to group/"+g, &Step{Action: StepAddMember, Group: g, User: sa.User},
			func() error { return a.pc.AddUserToGroup(ctx, g, sa.User) })
		if err != nil {
			return err
		}
	}
	for _, g := range c.ops.leave {
		if err := ignoreNotFound(a.pc.RemoveUserFromGroup(ctx, g, sa.User)); err != nil {
			return r.fail(ctx, "remove user/"+sa.User+" from group/"+g, err)
		}
		r.did("remove user/"+sa.User+" from group/"+g, nil)
	}
	to := UserPrincipal(sa.User)
	for _, pol := range c.ops.attach {
		err := r.change(ctx, "attach policy/"+pol+" to "+to.String(), &Step{Action: StepAttach, Policy: pol, Principal: &to},
			func() error { return a.pc.AttachPolicy(ctx, pol, to) })
		if err != nil {
			return err
		}
	}
	for _, pol := range c.ops.detach {
		if err := ignoreNotFound(a.pc.DetachPolicy(ctx, pol, to)); err != nil {
			return r.fail(ctx, "detach policy/"+pol+" from "+to.String(), err)
		}
		r.did("detach policy/"+pol+" from "+to.String(), nil)
	}
	if c.ops.key {
		step := Step{Action: StepCreateKey, User: sa.User, ExistingKeys: slices.Clone(c.ops.existingKeys)}
		var key *AccessKey
		err := r.change(ctx, "create access key for user/"+sa.User, &step, func() error {
			var err error
			key, err = a.createKey(ctx, sa.User, sa.Key, step.ExistingKeys)
			if err == nil {
				step.KeyID, step.KeyKind = key.ID, key.Kind
			}
			return err
		})
		if err != nil {
			return err
		}
		if sink != nil {
			if err := r.record(ctx, EventDelivering, &step); err != nil {
				return r.fail(ctx, "journal delivery of user/"+sa.User, err)
			}
			a.deliver.Lock()
			err := sink.Deliver(ctx, Delivery{Provider: a.pc.Name(), User: sa.User, Key: key, Settings: sa.Settings})
			a.deliver.Unlock()
			if err != nil {
				return r.fail(ctx, "deliver access key of user/"+sa.User, err)
			}
		}
		if err := r.record(ctx, EventDelivered, &step); err != nil {
			return r.fail(ctx, "journal delivery of user/"+sa.User, err)
		}
		out.Key = key
	}
	_ = r.finish(ctx)
	if out.User == nil {
		out.User = &User{Name: sa.User}
	}
	out.Changes = r.changes
	a.mu.Lock()
	a.out.Accounts = append(a.out.Accounts, out)
	a.mu.Unlock()
	return nil
}

// createKey creates an access key, retrying throttles. A throttled
// CreateAccessKey normally did nothing, but a transient failure may have
// created a key whose secret never came back: before trying again, any
// key the user did not have before (existing) is deleted, so that the
// user never ends up with an unknown key or over its cap.
func (a *applier) createKey(ctx context.Context, user string, opts *KeyOptions, existing []string) (*AccessKey, error) {
	rp := a.pc.retry
	for n := 1; ; n++ {
		var key *AccessKey
		err := a.pc.once(ctx, func() error {
			var err error
			key, err = a.pc.p.CreateAccessKey(ctx, user, opts)
			return err
		})
		if err == nil || !IsRetryable(err) || n >= rp.Attempts {
			return key, err
		}
		if err := retry.Sleep(ctx, retry.Delay(rp.BaseDelay, rp.MaxDelay, n)); err != nil {
			return nil, err
		}
		if err := undoKey(ctx, a.pc, Step{User: user, ExistingKeys: existing}); err != nil {
			return nil, err
		}
	}
}

func (a *applier) deleteGroup(ctx context.Context, c *Change) error {
	for _, m := range c.ops.evict {
		if err := ignoreNotFound(a.pc.RemoveUserFromGroup(ctx, c.Name, m)); err != nil {
			return err
		}
	}
	for _, pol := range c.ops.detach {
		if err := ignoreNotFound(a.pc.DetachPolicy(ctx, pol, GroupPrincipal(c.Name))); err != nil {
			return err
		}
	}
	return ignoreNotFound(a.pc.DeleteGroup(ctx, c.Name))
}

// paced is a Provider that sends every request through a Limiter and
// retries the throttled ones, so that the workflows Apply runs
// (Provision's steps, Deprovision) are paced and retried too. It also
// counts the requests.
type paced struct {
	p     Provider
	l     *Limiter
	retry RetryPolicy

	calls, throttled atomic.Int64
}

var (
	_ Provider       = (*paced)(nil)
	_ InlinePolicies = (*paced)(nil)
	_ UserDependents = (*paced)(nil)
)

func newPaced(p Provider, l *Limiter, r RetryPolicy) *paced {
	if pp, ok := p.(*paced); ok {
		p = pp.p
	}
	return &paced{p: p, l: l, retry: r.withDefaults()}
}

// once sends one request through the limiter and tells the limiter how
// it went.
func (c *paced) once(ctx context.Context, f func() error) error {
	if err := c.l.Wait(ctx); err != nil {
		return err
	}
	c.calls.Add(1)
	err := f()
	switch {
	case err == nil:
		c.l.Succeeded()
	case IsRetryable(err):
		c.throttled.Add(1)
		c.l.Throttled()
	}
	return err
}

// do sends a request, retrying it while it is throttled.
func (c *paced) do(ctx context.Context, f func() error) (retried bool, err error) {
	for n := 1; ; n++ {
		err = c.once(ctx, f)
		if err == nil || !IsRetryable(err) || n >= c.retry.Attempts {
			return n > 1, err
		}
		if serr := retry.Sleep(ctx, retry.Delay(c.retry.BaseDelay, c.retry.MaxDelay, n)); serr != nil {
			return true, err
		}
	}
}

// created runs a create, retried; when a retry meets ErrAlreadyExists,
// an earlier attempt the cloud reported as failed had in fact succeeded:
// get answers what was created. What get finds outside iamkit's path
// (path gives it) was made by someone else meanwhile, not by the earlier
// attempt: the ErrAlreadyExists stands, so that Apply never takes over
// (joins to a group, gives a key to) what it does not own.
func created[T any](c *paced, ctx context.Context, create func() (T, error), get func() (T, error), path func(T) string) (T, error) {
	var v T
	retried, err := c.do(ctx, func() error {
		var err error
		v, err = create()
		return err
	})
	if retried && errors.Is(err, ErrAlreadyExists) {
		exists := err
		var got T
		_, err = c.do(ctx, func() error {
			var err error
			got, err = get()
			return err
		})
		if err == nil && !ownedPath(c, path(got)) {
			return v, exists
		}
		v = got
	}
	return v, err
}

func (c *paced) call(ctx context.Context, f func() error) error {
	_, err := c.do(ctx, f)
	return err
}

// list runs a listing, retrying it whole while it is throttled: the
// items are handed on only once the listing completed, so that a retry
// never repeats an item.
func list[T any](c *paced, ctx context.Context, seq func() iter.Seq2[T, error]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var items []T
		err := c.call(ctx, func() error {
			var err error
			items, err = Collect(seq())
			return err
		})
		if err != nil {
			var zero T
			yield(zero, err)
			return
		}
		for _, v := range items {
			if !yield(v, nil) {
				return
			}
		}
	}
}

func (c *paced) Name() string               { return c.p.Name() }
func (c *paced) Capabilities() Capabilities { return c.p.Capabilities() }
func (c *paced) Translator() policy.Translator {
	return c.p.Translator()
}

// Path is the wrapped provider's iamkit path, so that ownedPath judges
// ownership as on the provider itself.
func (c *paced) Path() string {
	if pp, ok := c.p.(interface{ Path() string }); ok {
		return pp.Path()
	}
	return ""
}

func (c *paced) CreateUser(ctx context.Context, name string, opts *UserOptions) (*User, error) {
	return created(c, ctx, func() (*User, error) { return c.p.CreateUser(ctx, name, opts) },
		func() (*User, error) { return c.p.GetUser(ctx, name) }, func(u *User) string { return u.Path })
}

func (c *paced) GetUser(ctx context.Context, name string) (u *User, err error) {
	err = c.call(ctx, func() error { u, err = c.p.GetUser(ctx, name); return err })
	return u, err
}

func (c *paced) ListUsers(ctx context.Context) iter.Seq2[*User, error] {
	return list(c, ctx, func() iter.Seq2[*User, error] { return c.p.ListUsers(ctx) })
}

func (c *paced) DeleteUser(ctx context.Context, name string) error {
	return c.call(ctx, func() error { return c.p.DeleteUser(ctx, name) })
}

func (c *paced) CreateGroup(ctx context.Context, name string) (*Group, error) {
	return created(c, ctx, func() (*Group, error) { return c.p.CreateGroup(ctx, name) },
		func() (*Group, error) { return c.p.GetGroup(ctx, name) }, func(g *Group) string { return g.Path })
}

func (c *paced) GetGroup(ctx context.Context, name string) (g *Group, err error) {
	err = c.call(ctx, func() error { g, err = c.p.GetGroup(ctx, name); return err })
	return g, err
}

func (c *paced) ListGroups(ctx context.Context) iter.Seq2[*Group, error] {
	return list(c, ctx, func() iter.Seq2[*Group, error] { return c.p.ListGroups(ctx) })
}

func (c *paced) DeleteGroup(ctx context.Context, name string) error {
	return c.call(ctx, func() error { return c.p.DeleteGroup(ctx, name) })
}

func (c *paced) AddUserToGroup(ctx context.Context, group, user string) error {
	return c.call(ctx, func() error { return c.p.AddUserToGroup(ctx, group, user) })
}

func (c *paced) RemoveUserFromGroup(ctx context.Context, group, user string) error {
	return c.call(ctx, func() error { return c.p.RemoveUserFromGroup(ctx, group, user) })
}

func (c *paced) ListGroupMembers(ctx context.Context, group string) iter.Seq2[*User, error] {
	return list(c, ctx, func() iter.Seq2[*User, error] { return c.p.ListGroupMembers(ctx, group) })
}

func (c *paced) ListGroupsForUser(ctx context.Context, user string) iter.Seq2[*Group, error] {
	return list(c, ctx, func() iter.Seq2[*Group, error] { return c.p.ListGroupsForUser(ctx, user) })
}

func (c *paced) CreatePolicy(ctx context.Context, in PolicyInput) (*Policy, error) {
	return created(c, ctx, func() (*Policy, error) { return c.p.CreatePolicy(ctx, in) },
		func() (*Policy, error) { return c.p.GetPolicy(ctx, in.Name) }, func(p *Policy) string { return p.Path })
}

func (c *paced) GetPolicy(ctx context.Context, name string) (pol *Policy, err error) {
	err = c.call(ctx, func() error { pol, err = c.p.GetPolicy(ctx, name); return err })
	return pol, err
}

func (c *paced) ListPolicies(ctx context.Context) iter.Seq2[*Policy, error] {
	return list(c, ctx, func() iter.Seq2[*Policy, error] { return c.p.ListPolicies(ctx) })
}

func (c *paced) UpdatePolicy(ctx context.Context, name string, doc policy.Document, opts policy.TranslateOptions) (pol *Policy, err error) {
	err = c.call(ctx, func() error { pol, err = c.p.UpdatePolicy(ctx, name, doc, opts); return err })
	return pol, err
}

func (c *paced) DeletePolicy(ctx context.Context, name string) error {
	return c.call(ctx, func() error { return c.p.DeletePolicy(ctx, name) })
}

func (c *paced) AttachPolicy(ctx context.Context, name string, to Principal) error {
	return c.call(ctx, func() error { return c.p.AttachPolicy(ctx, name, to) })
}

func (c *paced) DetachPolicy(ctx context.Context, name string, from Principal) error {
	return c.call(ctx, func() error { return c.p.DetachPolicy(ctx, name, from) })
}

func (c *paced) ListAttachedPolicies(ctx context.Context, pr Principal) iter.Seq2[*Policy, error] {
	return list(c, ctx, func() iter.Seq2[*Policy, error] { return c.p.ListAttachedPolicies(ctx, pr) })
}

// CreateAccessKey is sent once, not retried: a retry could leave a key
// whose secret was lost (see applier.createKey, which retries safely).
func (c *paced) CreateAccessKey(ctx context.Context, user string, opts *KeyOptions) (k *AccessKey, err error) {
	err = c.once(ctx, func() error { k, err = c.p.CreateAccessKey(ctx, user, opts); return err })
	return k, err
}

func (c *paced) ListAccessKeys(ctx context.Context, user string) iter.Seq2[*AccessKey, error] {
	return list(c, ctx, func() iter.Seq2[*AccessKey, error] { return c.p.ListAccessKeys(ctx, user) })
}

func (c *paced) SetAccessKeyStatus(ctx context.Context, user, keyID string, status KeyStatus) error {
	return c.call(ctx, func() error { return c.p.SetAccessKeyStatus(ctx, user, keyID, status) })
}

func (c *paced) DeleteAccessKey(ctx context.Context, user, keyID string) error {
	return c.call(ctx, func() error { return c.p.DeleteAccessKey(ctx, user, keyID) })
}

func (c *paced) inline(of Principal) (InlinePolicies, error) {
	ip, ok := c.p.(InlinePolicies)
	if !ok {
		return nil, &Error{Op: "InlinePolicies", Provider: c.p.Name(), Resource: of.String(), Kind: ErrUnsupported}
	}
	return ip, nil
}

func (c *paced) PutInlinePolicy(ctx context.Context, of Principal, name string, doc policy.Document, opts policy.TranslateOptions) (pol *Policy, err error) {
	ip, err := c.inline(of)
	if err != nil {
		return nil, err
	}
	err = c.call(ctx, func() error { pol, err = ip.PutInlinePolicy(ctx, of, name, doc, opts); return err })
	return pol, err
}

func (c *paced) GetInlinePolicy(ctx context.Context, of Principal, name string) (pol *Policy, err error) {
	ip, err := c.inline(of)
	if err != nil {
		return nil, err
	}
	err = c.call(ctx, func() error { pol, err = ip.GetInlinePolicy(ctx, of, name); return err })
	return pol, err
}

func (c *paced) ListInlinePolicies(ctx context.Context, of Principal) iter.Seq2[*Policy, error] {
	ip, err := c.inline(of)
	if err != nil {
		return func(yield func(*Policy, error) bool) { yield(nil, err) }
	}
	return list(c, ctx, func() iter.Seq2[*Policy, error] { return ip.ListInlinePolicies(ctx, of) })
}

func (c *paced) DeleteInlinePolicy(ctx context.Context, of Principal, name string) error {
	ip, err := c.inline(of)
	if err != nil {
		return err
	}
	return c.call(ctx, func() error { return ip.DeleteInlinePolicy(ctx, of, name) })
}

// DeleteUserDependents forwards to the wrapped provider, when it has any.
func (c *paced) DeleteUserDependents(ctx context.Context, user string) error {
	ud, ok := c.p.(UserDependents)
	if !ok {
		return nil
	}
	return c.call(ctx, func() error { return ud.DeleteUserDependents(ctx, user) })
}
