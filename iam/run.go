package iam

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/iamkit/iamkit/policy"
)

// undoTimeout bounds the rollback of a failed workflow, which runs even
// when the caller's context is cancelled.
const undoTimeout = 2 * time.Minute

// run executes a workflow's steps: it journals each change before and
// after the cloud call when a Journal is set, and undoes the completed
// changes, in reverse order, when a step fails.
type run struct {
	op      string
	p       Provider
	changes []string
	undos   []undo

	j   Journal
	id  string
	seq int
}

type undo struct {
	what string
	fn   func(context.Context) error
}

func newRun(ctx context.Context, op string, p Provider, j Journal) (*run, error) {
	r := &run{op: op, p: p, j: j}
	if j != nil {
		r.id = newRunID(time.Now())
		if err := r.record(ctx, EventStart, nil); err != nil {
			return nil, &Error{Op: op, Provider: p.Name(), Msg: "journal", Err: err}
		}
	}
	return r, nil
}

// record appends an entry to the run's journal, if it has one.
func (r *run) record(ctx context.Context, ev JournalEvent, s *Step) error {
	if r.j == nil {
		return nil
	}
	r.seq++
	return r.j.Append(ctx, JournalEntry{Run: r.id, Seq: r.seq, Time: time.Now().UTC(), Op: r.op, Event: ev, Step: s})
}

// change journals the intent of step, runs do, journals its completion
// (with what do added to the step, such as a key ID) and registers the
// undo. what names the change for people.
func (r *run) change(ctx context.Context, what string, step *Step, do func() error) error {
	if err := r.record(ctx, EventIntent, step); err != nil {
		return r.fail(ctx, what, err)
	}
	if err := do(); err != nil {
		if step.Action == StepCreateKey && !refused(err) {
			// The cloud may have made the key and lost the answer (a 5xx,
			// a broken connection, a timeout): the rollback sweeps for a
			// key the user did not have before, as Recover would, so that
			// neither a key nobody holds nor its user is left behind.
			sweep := *step
			sweep.KeyID = ""
			r.undos = append(r.undos, undo{what, func(c context.Context) error { return undoKey(c, r.p, sweep) }})
		}
		return r.fail(ctx, what, err)
	}
	done := *step
	r.did(what, func(c context.Context) error { return undoStep(c, r.p, done) })
	if err := r.record(ctx, EventDone, &done); err != nil {
		// The change happened: it is undone with the rest.
		return r.fail(ctx, what, err)
	}
	return nil
}

// refused reports whether err is the cloud's answer that it did not do
// what was asked (a bad request, a refusal, a quota, a missing or
// conflicting resource), rather than an error that leaves the outcome
// unknown (throttling, which also stands for transient 5xx answers, or no
// kind at all: a transport error, a cancelled context).
func refused(err error) bool {
	switch KindOf(err) {
	case nil, ErrThrottled:
		return false
	}
	return true
}

// did records a change and how to undo it (fn may be nil: nothing to undo).
func (r *run) did(what string, fn func(context.Context) error) {
	r.changes = append(r.changes, what)
	if fn != nil {
		r.undos = append(r.undos, undo{what, fn})
	}
}

// fail rolls back and returns the WorkflowError for step. A run whose
// rollback completed is finished in the journal; one that left something
// behind stays there for Recover.
func (r *run) fail(ctx context.Context, step string, err error) error {
	we := &WorkflowError{Op: r.op, Step: step, Err: err}
	uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), undoTimeout)
	defer cancel()
	for i := len(r.undos) - 1; i >= 0; i-- {
		u := r.undos[i]
		if uerr := u.fn(uctx); uerr != nil && !errors.Is(uerr, ErrNotFound) {
			we.Left = append(we.Left, u.what)
			we.UndoErr = errors.Join(we.UndoErr, uerr)
			continue
		}
		we.Undone = append(we.Undone, u.what)
	}
	r.undos = nil
	if len(we.Left) == 0 && r.j != nil {
		if ferr := r.j.Finish(uctx, r.id); ferr != nil {
			we.UndoErr = errors.Join(we.UndoErr, ferr)
		}
	}
	return we
}

// finish closes a successful run in the journal.
func (r *run) finish(ctx context.Context) error {
	if r.j == nil {
		return nil
	}
	return r.j.Finish(context.WithoutCancel(ctx), r.id)
}

// closeIfClean finishes the run in the journal when err, a workflow's
// failure, was rolled back completely, and returns err.
func (r *run) closeIfClean(ctx context.Context, err error) error {
	var we *WorkflowError
	if r.j != nil && errors.As(err, &we) && len(we.Left) == 0 {
		_ = r.j.Finish(context.WithoutCancel(ctx), r.id)
	}
	return err
}

// undoStep reverses one step; what is already gone counts as undone.
func undoStep(ctx context.Context, p Provider, s Step) error {
	var err error
	switch s.Action {
	case StepCreateGroup:
		err = p.DeleteGroup(ctx, s.Group)
	case StepCreatePolicy:
		err = p.DeletePolicy(ctx, s.Policy)
	case StepUpdatePolicy:
		if len(s.Previous) == 0 {
			return nil
		}
		var prev policy.Document
		if err := json.Unmarshal(s.Previous, &prev); err != nil {
			return &Error{Op: "undo " + string(s.Action), Resource: "policy/" + s.Policy, Kind: ErrInvalid, Err: err}
		}
		// An update that never reached the cloud needs no undo.
		if cur, gerr := p.GetPolicy(ctx, s.Policy); gerr == nil && len(cur.Document.Statements) > 0 {
			if b, merr := json.Marshal(cur.Document); merr == nil && bytes.Equal(b, s.Previous) {
				return nil
			}
		}
		// The previous document was accepted before, maybe with widening
		// allowed: restoring it must not be refused.
		_, err = p.UpdatePolicy(ctx, s.Policy, prev, policy.TranslateOptions{AllowWidening: true})
	case StepAttach:
		if s.Principal == nil {
			return nil
		}
		err = p.DetachPolicy(ctx, s.Policy, *s.Principal)
	case StepCreateUser:
		err = p.DeleteUser(ctx, s.User)
	case StepAddMember:
		err = p.RemoveUserFromGroup(ctx, s.Group, s.User)
	case StepCreateKey:
		err = undoKey(ctx, p, s)
	default:
		return &Error{Op: "undo", Kind: ErrInvalid, Msg: "unknown step " + string(s.Action)}
	}
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// undoKey deletes the key a create-key step made: by ID when the step
// completed, else every key of the user that was not there before it.
func undoKey(ctx context.Context, p Provider, s Step) error {
	if s.KeyID != "" {
		return p.DeleteAccessKey(ctx, s.User, s.KeyID)
	}
	keys, err := Collect(p.ListAccessKeys(ctx, s.User))
	if err != nil {
		return err
	}
	for _, k := range keys {
		if slices.Contains(s.ExistingKeys, k.ID) {
			continue
		}
		if err := p.DeleteAccessKey(ctx, s.User, k.ID); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	return nil
}
