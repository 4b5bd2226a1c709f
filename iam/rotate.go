package iam

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// RotateOptions tune Rotate, RotateOlderThan and RetireKeys.
type RotateOptions struct {
	// Sink receives the new key (required by Rotate and RotateOlderThan).
	// The new key is delivered before any old key is touched, and a key
	// whose delivery failed is deleted.
	Sink Sink
	// Settings are passed to the sink in Delivery.Settings.
	Settings map[string]string
	// Key sets the options of the new key, such as its expiry; nil for
	// defaults.
	Key *KeyOptions
	// Wait, if set, is called with the delivered new key (with its
	// secret) and returns once the key works: for example a loop over
	// memory.Provider.Authorize, or a call that retries until the cloud
	// accepts the key where it is eventually consistent. ctx bounds it.
	// The old keys are left active until it returns nil.
	Wait func(ctx context.Context, k *AccessKey) error
	// Grace is how long to wait, after the old keys were deactivated,
	// before deleting them: a window in which a forgotten consumer of an
	// old key fails loudly but can still be saved by reactivating it.
	// The wait ends early, with an error, when ctx is done.
	Grace time.Duration
	// KeepInactive leaves the old keys inactive instead of deleting them.
	// It needs a cloud whose keys can be deactivated
	// (Capabilities.KeyStatus).
	KeepInactive bool
	// Force lets Rotate make room when the user already has as many
	// active keys as the cloud allows (Capabilities.MaxKeysPerUser): it
	// deletes the oldest active key first, cutting off whoever still uses
	// it. Without Force, Rotate refuses with ErrLimit and changes nothing.
	Force bool
	// Now is the clock that key ages and expiries are judged by; nil for
	// time.Now. It does not drive Grace, which is real time.
	Now func() time.Time
	// Journal, when set, records the new key from its creation to its
	// delivery, so that Recover deletes it if the process dies before the
	// sink has it.
	Journal Journal
}

func (o *RotateOptions) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// Rotated is what a rotation did.
type Rotated struct {
	// User is the user whose key was rotated.
	User string
	// New is the new key, with its secret, delivered to the sink: the
	// user's current key. (From RetireKeys: the key kept, without secret.)
	New *AccessKey
	// Deactivated lists the IDs of the keys deactivated, in order.
	Deactivated []string
	// Deleted lists the IDs of the keys deleted, in order: inactive or
	// expired keys removed to make room, the key removed by Force, and the
	// old keys once retired.
	Deleted []string
	// Pending lists the IDs of the old keys not yet retired as asked
	// (still active, or inactive but not deleted) when the rotation
	// stopped part-way; empty after a complete rotation.
	Pending []string
}

// KeyRotator is implemented by providers whose cloud cannot rotate a key
// by the generic path of Rotate, typically because it allows only one key
// per user (Capabilities.MaxKeysPerUser == 1: on OVHcloud a rotation makes
// a new service account and moves the policy identities to it). Rotate
// calls RotateAccessKey instead of its own steps whenever the provider
// implements it, in the manner of database/sql's optional driver
// interfaces, once opts has been checked.
//
// An implementation keeps the guarantees Rotate documents: the new
// credential is delivered to opts.Sink before the old one is touched, an
// undelivered credential is never left behind, and failures are
// *WorkflowError values with Op "Rotate".
//
// Rotate journals for the implementation (opts.Journal is nil when it is
// called): it records the keys before the rotation, and the new key when
// it reaches opts.Sink. So that Recover can delete a new credential a
// crash left undelivered, ListAccessKeys lists it and DeleteAccessKey
// deletes it (undoing what the rotation did for it) until it is settled.
type KeyRotator interface {
	// RotateAccessKey replaces user's credential as Rotate documents.
	RotateAccessKey(ctx context.Context, user string, opts RotateOptions) (*Rotated, error)
}

// rotateWith runs kr's rotation of user, journaled in opts.Journal as
// Rotate's own: the existing keys, then the new key from the moment it
// reaches the sink until the sink has it.
func rotateWith(ctx context.Context, p Provider, kr KeyRotator, user string, opts RotateOptions) (*Rotated, error) {
	if opts.Journal == nil {
		return kr.RotateAccessKey(ctx, user, opts)
	}
	res := "user/" + user
	keys, err := Collect(p.ListAccessKeys(ctx, user))
	if err != nil {
		return nil, &WorkflowError{Op: "Rotate", Step: "list access keys of " + res, Err: err}
	}
	jr, err := newRun(ctx, "Rotate", p, opts.Journal)
	if err != nil {
		return nil, err
	}
	step := Step{Action: StepCreateKey, User: user}
	for _, k := range keys {
		step.ExistingKeys = append(step.ExistingKeys, k.ID)
	}
	if err := jr.record(ctx, EventIntent, &step); err != nil {
		return nil, jr.closeIfClean(ctx, &WorkflowError{Op: "Rotate", Step: "journal access key creation for " + res, Err: err})
	}
	delivered := false
	inner := opts
	inner.Journal = nil
	inner.Sink = SinkFunc(func(ctx context.Context, d Delivery) error {
		step.KeyID, step.KeyKind = d.Key.ID, d.Key.Kind
		if err := errors.Join(jr.record(ctx, EventDone, &step), jr.record(ctx, EventDelivering, &step)); err != nil {
			return err // the rotator deletes the key it cannot deliver
		}
		if err := opts.Sink.Deliver(ctx, d); err != nil {
			return err
		}
		delivered = true
		if jr.record(ctx, EventDelivered, &step) == nil {
			_ = jr.finish(ctx)
		}
		return nil
	})
	out, err := kr.RotateAccessKey(ctx, user, inner)
	if err != nil && !delivered {
		// The rotator undid its key; if it could not, the run stays open
		// for Recover.
		return out, jr.closeIfClean(ctx, err)
	}
	return out, err
}

// Rotate replaces the access keys of user with a new one, without
// downtime and within the cloud's cap on keys per user
// (Capabilities.MaxKeysPerUser; 0 means no cap):
//
//  1. It lists the user's keys (ErrNotFound for a missing user).
//  2. If the user is at the cap, it deletes inactive and expired keys,
//     oldest first, until there is room for one more. If every key is
//     active and usable it refuses with ErrLimit and changes nothing,
//     unless opts.Force, which deletes the oldest active key instead.
//  3. It creates the new key (with opts.Key).
//  4. It delivers the new key to opts.Sink. If anything fails before the
//     sink returned nil, the new key is deleted: an undelivered key is
//     never left behind, and the old keys remain as they were.
//  5. It calls opts.Wait, if set, until the new key works.
//  6. It deactivates every key that was active before (where the cloud
//     has key status; see Capabilities.KeyStatus),
//  7. waits opts.Grace,
//  8. and deletes those keys, unless opts.KeepInactive.
//
// Inactive keys that are not in the way are left alone. A user with no
// active key simply gets one.
//
// Refusals made before any change (a missing Sink, a cap reached without
// Force, a cloud that cannot rotate) are *Error values. A step that fails
// returns a *WorkflowError with Op "Rotate" that wraps the step's error,
// so errors.Is finds its kind.
//
// When a step after the delivery fails (opts.Wait, deactivating, the
// grace period, deleting), the new key is already the current one: Rotate
// then returns both the error and a *Rotated whose New is that key and
// whose Pending lists the old keys still to retire. Both the old and new
// keys may then be active; nothing is undone, since the sink no longer
// holds the old secret. Finish with RetireKeys(ctx, p, user, New.ID, opts)
// once the new key works; the error says so too.
//
// With one key per user at most (OVHcloud), rotation needs a new service
// account: Rotate returns ErrUnsupported unless the provider implements
// KeyRotator.
//
// Rotate is not meant to run concurrently for the same user.
func Rotate(ctx context.Context, p Provider, user string, opts RotateOptions) (*Rotated, error) {
	if err := checkRotate(p, user, opts); err != nil {
		return nil, err
	}
	if kr, ok := p.(KeyRotator); ok {
		return rotateWith(ctx, p, kr, user, opts)
	}
	caps := p.Capabilities()
	res := "user/" + user
	if caps.MaxKeysPerUser == 1 {
		return nil, &Error{Op: "Rotate", Provider: p.Name(), Resource: res, Kind: ErrUnsupported,
			Msg: "the cloud allows one access key per user, so a key cannot be replaced without downtime and " +
				p.Name() + " does not rotate keys itself (iam.KeyRotator); provision a new service account instead"}
	}
	if opts.KeepInactive && !caps.KeyStatus {
		return nil, &Error{Op: "Rotate", Provider: p.Name(), Resource: res, Kind: ErrUnsupported,
			Msg: "RotateOptions.KeepInactive: " + p.Name() + " access keys cannot be deactivated, only deleted"}
	}

	rt := &rotation{p: p, user: user, out: &Rotated{User: user}}
	keys, err := Collect(p.ListAccessKeys(ctx, user))
	if err != nil {
		return nil, rt.fail(ctx, "list access keys of "+res, err)
	}
	now := opts.now()
	slices.SortStableFunc(keys, func(a, b *AccessKey) int { return a.CreatedAt.Compare(b.CreatedAt) })

	// Decide everything before changing anything, so that a refusal
	// leaves the user as it was.
	room, err := makeRoom(p, user, keys, caps.MaxKeysPerUser, now, opts.Force)
	if err != nil {
		return nil, err
	}
	var old []string
	for _, k := range keys {
		if k.Status == KeyActive && !slices.Contains(room, k) {
			old = append(old, k.ID)
		}
	}

	for _, k := range room {
		if err := p.DeleteAccessKey(ctx, user, k.ID); err != nil && !errors.Is(err, ErrNotFound) {
			return nil, rt.fail(ctx, "delete access key "+k.ID+" of "+res+" to make room", err)
		}
		rt.out.Deleted = append(rt.out.Deleted, k.ID)
	}

	jr, err := newRun(ctx, "Rotate", p, opts.Journal)
	if err != nil {
		return nil, err
	}
	step := Step{Action: StepCreateKey, User: user}
	for _, k := range keys {
		if !slices.Contains(room, k) {
			step.ExistingKeys = append(step.ExistingKeys, k.ID)
		}
	}
	if err := jr.record(ctx, EventIntent, &step); err != nil {
		return nil, jr.closeIfClean(ctx, rt.fail(ctx, "journal access key creation for "+res, err))
	}
	nk, err := p.CreateAccessKey(ctx, user, opts.Key)
	if err != nil {
		// The cloud may have made the key and lost the answer: sweep for
		// a key that was not there before.
		rt.sweep = true
		for _, k := range keys {
			if !slices.Contains(room, k) {
				rt.before = append(rt.before, k.ID)
			}
		}
		return nil, jr.closeIfClean(ctx, rt.fail(ctx, "create access key for "+res, err))
	}
	rt.undelivered = nk
	step.KeyID, step.KeyKind = nk.ID, nk.Kind
	if err := errors.Join(jr.record(ctx, EventDone, &step), jr.record(ctx, EventDelivering, &step)); err != nil {
		return nil, jr.closeIfClean(ctx, rt.fail(ctx, "journal access key "+nk.ID+" of "+res, err))
	}
	d := Delivery{Provider: p.Name(), User: user, Key: nk, Settings: maps.Clone(opts.Settings)}
	if err := opts.Sink.Deliver(ctx, d); err != nil {
		return nil, jr.closeIfClean(ctx, rt.fail(ctx, "deliver access key "+nk.ID+" of "+res, err))
	}
	rt.undelivered = nil
	// Delivered: from here on nothing is rolled back, and a crash leaves
	// nothing for Recover to undo.
	if jr.record(ctx, EventDelivered, &step) == nil {
		_ = jr.finish(ctx)
	}
	rt.out.New = nk
	rt.out.Pending = old

	if opts.Wait != nil {
		if err := opts.Wait(ctx, nk); err != nil {
			return rt.out, rt.incomplete("wait for access key "+nk.ID+" of "+res+" to work", err)
		}
	}
	if err := rt.retire(ctx, keysByID(keys, old), opts); err != nil {
		return rt.out, err
	}
	return rt.out, nil
}

// RetireKeys finishes a rotation that stopped after delivering its new
// key: every key of user other than keep is deactivated (where the cloud
// has key status), then, after opts.Grace, deleted, unless
// opts.KeepInactive. keep must be an active key of user: RetireKeys
// refuses with ErrNotFound or ErrInvalid otherwise, and changes nothing,
// so that a mistaken ID cannot cut the user off. Only Grace,
// KeepInactive and Now of opts are used.
//
// The returned Rotated has New set to keep (without its secret). Errors
// are as for Rotate, with Op "RetireKeys".
func RetireKeys(ctx context.Context, p Provider, user, keep string, opts RotateOptions) (*Rotated, error) {
	res := "user/" + user
	switch {
	case user == "":
		return nil, &Error{Op: "RetireKeys", Provider: p.Name(), Kind: ErrInvalid, Msg: "user is empty"}
	case keep == "":
		return nil, &Error{Op: "RetireKeys", Provider: p.Name(), Resource: res, Kind: ErrInvalid, Msg: "the ID of the key to keep is empty"}
	case opts.KeepInactive && !p.Capabilities().KeyStatus:
		return nil, &Error{Op: "RetireKeys", Provider: p.Name(), Resource: res, Kind: ErrUnsupported,
			Msg: "RotateOptions.KeepInactive: " + p.Name() + " access keys cannot be deactivated, only deleted"}
	}
	rt := &rotation{op: "RetireKeys", p: p, user: user, out: &Rotated{User: user}}
	keys, err := Collect(p.ListAccessKeys(ctx, user))
	if err != nil {
		return nil, rt.fail(ctx, "list access keys of "+res, err)
	}
	i := slices.IndexFunc(keys, func(k *AccessKey) bool { return k.ID == keep })
	switch {
	case i < 0:
		return nil, &Error{Op: "RetireKeys", Provider: p.Name(), Resource: res + "/access-key/" + keep, Kind: ErrNotFound,
			Msg: "the key to keep is not a key of the user; nothing was changed"}
	case keys[i].Status != KeyActive || keys[i].Expired(opts.now()):
		return nil, &Error{Op: "RetireKeys", Provider: p.Name(), Resource: res + "/access-key/" + keep, Kind: ErrInvalid,
			Msg: "the key to keep is inactive or expired: retiring the others would leave the user without a working key; nothing was changed"}
	}
	rt.out.New = keys[i]
	others := slices.Delete(slices.Clone(keys), i, i+1)
	if opts.KeepInactive {
		others = slices.DeleteFunc(others, func(k *AccessKey) bool { return k.Status != KeyActive })
	}
	for _, k := range others {
		rt.out.Pending = append(rt.out.Pending, k.ID)
	}
	if err := rt.retire(ctx, others, opts); err != nil {
		return rt.out, err
	}
	return rt.out, nil
}

// RotateOlderThan rotates, with Rotate and opts, the key of every user
// iamkit owns (under the provider's iamkit path, see DefaultPath) whose
// newest active key is older than age by opts.Now. Users without an
// active key are skipped, and so are the users iamkit did not create:
// their keys are their owners' to rotate.
//
// A failure for one user does not stop the others: the errors are joined
// (errors.Join), each naming its user. The results hold every rotation
// that delivered a new key, including those that stopped part-way (see
// Rotate). A user whose keys carry no creation time is reported with
// ErrUnsupported rather than rotated on every run. RotateOlderThan stops
// early when ctx is done.
func RotateOlderThan(ctx context.Context, p Provider, age time.Duration, opts RotateOptions) ([]*Rotated, error) {
	switch {
	case age < 0:
		return nil, &Error{Op: "RotateOlderThan", Provider: p.Name(), Kind: ErrInvalid, Msg: fmt.Sprintf("age %v is negative", age)}
	case opts.Sink == nil:
		return nil, &Error{Op: "RotateOlderThan", Provider: p.Name(), Kind: ErrInvalid, Msg: "RotateOptions.Sink is required: a new key must be delivered somewhere"}
	}
	users, err := Collect(p.ListUsers(ctx))
	if err != nil {
		return nil, &WorkflowError{Op: "RotateOlderThan", Step: "list users", Err: err}
	}
	var (
		out  []*Rotated
		errs []error
	)
	for _, u := range users {
		if !ownedPath(p, u.Path) {
			continue
		}
		if ctx.Err() != nil {
			errs = append(errs, &WorkflowError{Op: "RotateOlderThan", Step: "rotate user/" + u.Name, Err: ctx.Err()})
			break
		}
		due, err := keyDue(ctx, p, u.Name, age, opts.now())
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !due {
			continue
		}
		r, err := Rotate(ctx, p, u.Name, opts)
		if r != nil {
			out = append(out, r)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return out, errors.Join(errs...)
}

// keyDue reports whether the newest active key of user is older than age.
func keyDue(ctx context.Context, p Provider, user string, age time.Duration, now time.Time) (bool, error) {
	keys, err := Collect(p.ListAccessKeys(ctx, user))
	if err != nil {
		return false, &WorkflowError{Op: "RotateOlderThan", Step: "list access keys of user/" + user, Err: err}
	}
	var newest *AccessKey
	for _, k := range keys {
		if k.Status != KeyActive {
			continue
		}
		if k.CreatedAt.IsZero() {
			return false, &Error{Op: "RotateOlderThan", Provider: p.Name(), Resource: "user/" + user, Kind: ErrUnsupported,
				Msg: "the provider does not say when access key " + k.ID + " was created, so its age is unknown; rotate it with Rotate"}
		}
		if newest == nil || k.CreatedAt.After(newest.CreatedAt) {
			newest = k
		}
	}
	return newest != nil && now.Sub(newest.CreatedAt) > age, nil
}

func checkRotate(p Provider, user string, opts RotateOptions) error {
	switch {
	case user == "":
		return &Error{Op: "Rotate", Provider: p.Name(), Kind: ErrInvalid, Msg: "user is empty"}
	case opts.Sink == nil:
		return &Error{Op: "Rotate", Provider: p.Name(), Resource: "user/" + user, Kind: ErrInvalid,
			Msg: "RotateOptions.Sink is required: a new key must be delivered before the old one is retired"}
	}
	return nil
}

// makeRoom returns the keys to delete so that one more fits under the cap
// (keys sorted oldest first), or the ErrLimit refusal.
func makeRoom(p Provider, user string, keys []*AccessKey, limit int, now time.Time, force bool) ([]*AccessKey, error) {
	if limit <= 0 || len(keys) < limit {
		return nil, nil
	}
	need := len(keys) - limit + 1
	var room []*AccessKey
	// Inactive keys first, then active but expired ones: neither works.
	for _, pass := range []func(*AccessKey) bool{
		func(k *AccessKey) bool { return k.Status != KeyActive },
		func(k *AccessKey) bool { return k.Status == KeyActive && k.Expired(now) },
	} {
		for _, k := range keys {
			if len(room) < need && pass(k) {
				room = append(room, k)
			}
		}
	}
	if len(room) == need {
		return room, nil
	}
	var usable []*AccessKey
	for _, k := range keys {
		if !slices.Contains(room, k) {
			usable = append(usable, k)
		}
	}
	short := need - len(room)
	if !force {
		ids := make([]string, len(usable))
		for i, k := range usable {
			ids[i] = k.ID
		}
		return nil, &Error{Op: "Rotate", Provider: p.Name(), Resource: "user/" + user, Kind: ErrLimit,
			Msg: fmt.Sprintf("the user has %d active access keys (%s), the most %s allows (%d), so there is no room for a new key; "+
				"deactivate or delete the key no longer in use and rotate again, or set RotateOptions.Force to delete the oldest active key (%s) first, "+
				"which cuts off whoever still uses it; nothing was changed",
				len(usable), strings.Join(ids, ", "), p.Name(), limit, usable[0].ID)}
	}
	return append(room, usable[:short]...), nil
}

func keysByID(keys []*AccessKey, ids []string) []*AccessKey {
	var out []*AccessKey
	for _, k := range keys {
		if slices.Contains(ids, k.ID) {
			out = append(out, k)
		}
	}
	return out
}

// rotation is the state of one Rotate or RetireKeys call.
type rotation struct {
	op   string // "" for "Rotate"
	p    Provider
	user string
	out  *Rotated
	// undelivered is the new key until the sink has accepted it.
	undelivered *AccessKey
	// sweep is set when creating the new key failed: any key of the user
	// not in before is then one the cloud made without answering.
	sweep  bool
	before []string
}

func (rt *rotation) opName() string { return cmp.Or(rt.op, "Rotate") }

// fail deletes the undelivered new key, if any, and returns the
// WorkflowError for step.
func (rt *rotation) fail(ctx context.Context, step string, err error) error {
	we := &WorkflowError{Op: rt.opName(), Step: step, Err: err}
	uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), undoTimeout)
	defer cancel()
	undo := func(id string) {
		what := "create access key " + id + " for user/" + rt.user
		if uerr := rt.p.DeleteAccessKey(uctx, rt.user, id); uerr != nil && !errors.Is(uerr, ErrNotFound) {
			we.Left = append(we.Left, what)
			we.UndoErr = errors.Join(we.UndoErr, uerr)
			return
		}
		we.Undone = append(we.Undone, what)
	}
	switch {
	case rt.undelivered != nil:
		undo(rt.undelivered.ID)
	case rt.sweep:
		keys, lerr := Collect(rt.p.ListAccessKeys(uctx, rt.user))
		if lerr != nil {
			we.Left = append(we.Left, "any access key the failed call created for user/"+rt.user)
			we.UndoErr = lerr
			break
		}
		for _, k := range keys {
			if !slices.Contains(rt.before, k.ID) {
				undo(k.ID)
			}
		}
	}
	rt.undelivered, rt.sweep = nil, false
	return we
}

// incomplete returns the WorkflowError of a step after the delivery: the
// new key stays, and the error says how to finish.
func (rt *rotation) incomplete(step string, err error) error {
	var hint string
	if len(rt.out.Pending) > 0 {
		hint = fmt.Sprintf("; rotation incomplete: access key %s is delivered and active, old keys %s are not retired yet; "+
			"once the new key works, finish with iam.RetireKeys(ctx, p, %q, %q, opts)",
			rt.out.New.ID, strings.Join(rt.out.Pending, ", "), rt.user, rt.out.New.ID)
	}
	if hint != "" {
		err = &hintError{err: err, hint: hint}
	}
	return &WorkflowError{Op: rt.opName(), Step: step, Err: err}
}

// retire deactivates old (where the cloud has key status), waits
// opts.Grace and deletes them unless opts.KeepInactive. Keys already gone
// count as retired.
func (rt *rotation) retire(ctx context.Context, old []*AccessKey, opts RotateOptions) error {
	if len(old) == 0 {
		return nil
	}
	res := "user/" + rt.user
	if rt.p.Capabilities().KeyStatus {
		for _, k := range old {
			if k.Status != KeyActive {
				continue
			}
			err := rt.p.SetAccessKeyStatus(ctx, rt.user, k.ID, KeyInactive)
			if errors.Is(err, ErrNotFound) {
				rt.done(k.ID)
				continue
			}
			if err != nil {
				return rt.incomplete("deactivate access key "+k.ID+" of "+res, err)
			}
			rt.out.Deactivated = append(rt.out.Deactivated, k.ID)
			if opts.KeepInactive {
				rt.done(k.ID)
			}
		}
	}
	if opts.KeepInactive || len(rt.out.Pending) == 0 {
		return nil
	}
	if err := sleep(ctx, opts.Grace); err != nil {
		return rt.incomplete(fmt.Sprintf("wait %v before deleting the old keys of %s", opts.Grace, res), err)
	}
	for _, id := range slices.Clone(rt.out.Pending) {
		err := rt.p.DeleteAccessKey(ctx, rt.user, id)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return rt.incomplete("delete access key "+id+" of "+res, err)
		}
		if err == nil {
			rt.out.Deleted = append(rt.out.Deleted, id)
		}
		rt.done(id)
	}
	return nil
}

// done removes id from the pending keys.
func (rt *rotation) done(id string) {
	rt.out.Pending = slices.DeleteFunc(rt.out.Pending, func(p string) bool { return p == id })
}

// hintError adds what to do next to an error's message; errors.Is and
// errors.As see the error itself.
type hintError struct {
	err  error
	hint string
}

func (e *hintError) Error() string { return e.err.Error() + e.hint }
func (e *hintError) Unwrap() error { return e.err }

// sleep waits d, or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
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
