package iam

import (
	"context"
	"errors"
	"fmt"
)

// Recovered says what Recover did with one interrupted run.
type Recovered struct {
	// Run is the ID of the interrupted run.
	Run string
	// Op is the workflow it was: "Provision", "Rotate"….
	Op string
	// Completed is true when the run had delivered its key: everything it
	// made is in use, and the run was only closed.
	Completed bool
	// Unverified is set on a completed run that died while handing its key
	// KeyID to a sink that cannot say whether the key arrived: the key is
	// kept, since a tool may be using it. Check the sink; delete the key
	// if it is not there.
	Unverified bool
	// KeyID is the ID of the key the run made, if it made one.
	KeyID string
	// Undone lists the steps undone, in the order they were undone.
	Undone []Step
}

// Recover finishes or undoes every run left unfinished in j by a process
// that died mid-way (ordinary failures are rolled back at once and leave
// nothing in the journal). A run that delivered its access key is complete
// and is closed. Any other run is undone in reverse order: the key it
// created is deleted (its secret was never delivered, so no one can use
// it), then the membership, the user, the attachment, the policy and the
// group it created, and a policy it updated gets its previous document
// back. A step that was journaled as intended but may not have happened is
// undone if its effect is there.
//
// Recover is idempotent: a run it could not finish stays in the journal
// and the error says why; call it again.
//
// A run that died while handing its key to a sink is complete if the key
// arrived. Pass the sink with WithSink: if it implements DeliveryVerifier,
// Recover asks it; otherwise the key is kept and the run is reported
// Unverified.
func Recover(ctx context.Context, p Provider, j Journal, opts ...RecoverOption) ([]Recovered, error) {
	var o recoverOptions
	for _, f := range opts {
		f(&o)
	}
	runs, err := j.Unfinished(ctx)
	if err != nil {
		return nil, err
	}
	var out []Recovered
	var errs []error
	for _, run := range runs {
		rec, err := recoverRun(ctx, p, run, o)
		if err != nil {
			errs = append(errs, fmt.Errorf("run %s: %w", run.ID, err))
			continue
		}
		if err := j.Finish(ctx, run.ID); err != nil {
			errs = append(errs, fmt.Errorf("run %s: %w", run.ID, err))
			continue
		}
		out = append(out, rec)
	}
	return out, errors.Join(errs...)
}

// RecoverOption tunes Recover.
type RecoverOption func(*recoverOptions)

type recoverOptions struct{ sink Sink }

// WithSink names the sink the interrupted runs delivered their keys to.
func WithSink(s Sink) RecoverOption { return func(o *recoverOptions) { o.sink = s } }

func recoverRun(ctx context.Context, p Provider, run JournalRun, o recoverOptions) (Recovered, error) {
	rec := Recovered{Run: run.ID, Op: run.Op}
	// The steps the run meant to take, each with its latest record (a done
	// entry carries what the intent could not know, such as a key ID).
	var steps []Step
	lastIntent := -1
	var delivering *Step
	for _, e := range run.Entries {
		switch e.Event {
		case EventDelivered:
			rec.Completed = true
			return rec, nil
		case EventDelivering:
			delivering = e.Step
		case EventIntent:
			if e.Step != nil {
				lastIntent = len(steps)
				steps = append(steps, *e.Step)
			}
		case EventDone:
			if e.Step != nil && lastIntent >= 0 && steps[lastIntent].Action == e.Step.Action {
				steps[lastIntent] = *e.Step
			}
		}
	}
	if delivering != nil {
		rec.KeyID = delivering.KeyID
		v, ok := o.sink.(DeliveryVerifier)
		if !ok {
			rec.Completed, rec.Unverified = true, true
			return rec, nil
		}
		d := Delivery{Provider: p.Name(), User: delivering.User, Key: &AccessKey{ID: delivering.KeyID, Kind: delivering.KeyKind, User: delivering.User}}
		arrived, err := v.Delivered(ctx, d)
		if errors.Is(err, ErrUnsupported) {
			// The sink cannot tell for this kind of key (a file that holds
			// a token but not its name): as with a sink that never can.
			rec.Completed, rec.Unverified = true, true
			return rec, nil
		}
		if err != nil {
			return rec, fmt.Errorf("checking the delivery of key %s: %w", delivering.KeyID, err)
		}
		if arrived {
			rec.Completed = true
			return rec, nil
		}
	}
	for i := len(steps) - 1; i >= 0; i-- {
		s := steps[i]
		if err := undoStep(ctx, p, s); err != nil {
			return rec, fmt.Errorf("undo %s: %w", s.Action, err)
		}
		rec.Undone = append(rec.Undone, s)
	}
	return rec, nil
}
