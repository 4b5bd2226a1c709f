package iam

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"slices"
	"sync"
	"time"
)

// Journal records a workflow's intent and progress before and after each
// cloud call, so that a run interrupted by a crash can be finished or
// undone by Recover. A process can die between any two calls, and an
// access key's secret exists only in the create response: the journal is
// what lets Recover find and delete a key whose secret was never
// delivered.
//
// A journal never holds a secret: entries name resources and key IDs only.
type Journal interface {
	// Append records e durably (a file journal has fsync'd it) before
	// returning.
	Append(ctx context.Context, e JournalEntry) error
	// Unfinished returns the runs that have entries but have not been
	// finished, each with its entries in order.
	Unfinished(ctx context.Context) ([]JournalRun, error)
	// Finish marks a run finished: completed, rolled back or recovered.
	Finish(ctx context.Context, run string) error
}

// JournalEvent says what a journal entry records.
type JournalEvent string

// The events of a run.
const (
	// EventStart opens a run.
	EventStart JournalEvent = "start"
	// EventIntent is written before a cloud call that changes something.
	EventIntent JournalEvent = "intent"
	// EventDone is written after that call succeeded.
	EventDone JournalEvent = "done"
	// EventDelivering is written before a new key is handed to its sink.
	EventDelivering JournalEvent = "delivering"
	// EventDelivered is written once a new key's sink returned nil.
	EventDelivered JournalEvent = "delivered"
)

// StepAction names a step a workflow takes.
type StepAction string

// The steps whose effects Recover knows how to undo.
const (
	StepCreateGroup  StepAction = "create-group"
	StepCreatePolicy StepAction = "create-policy"
	StepUpdatePolicy StepAction = "update-policy"
	StepAttach       StepAction = "attach-policy"
	StepCreateUser   StepAction = "create-user"
	StepAddMember    StepAction = "add-member"
	StepCreateKey    StepAction = "create-key"
)

// Step is one change a workflow makes, with what is needed to undo it.
type Step struct {
	// Action is the kind of change.
	Action StepAction `json:"action"`
	// User, Group and Policy name what the step changes, as its Action
	// needs them.
	User   string `json:"user,omitempty"`
	Group  string `json:"group,omitempty"`
	Policy string `json:"policy,omitempty"`
	// Principal is what a policy is attached to.
	Principal *Principal `json:"principal,omitempty"`
	// KeyID is the created key's ID, on the done entry of create-key.
	KeyID string `json:"key_id,omitempty"`
	// KeyKind is the created key's kind, with KeyID.
	KeyKind KeyKind `json:"key_kind,omitempty"`
	// ExistingKeys are the user's key IDs before create-key, so that
	// Recover can tell a key created by the run from older ones.
	ExistingKeys []string `json:"existing_keys,omitempty"`
	// Previous is the policy document replaced by update-policy, as JSON.
	Previous json.RawMessage `json:"previous,omitempty"`
}

// JournalEntry is one record of a run.
type JournalEntry struct {
	// Run is the ID of the run the entry belongs to.
	Run string `json:"run"`
	// Seq numbers the run's entries from 1, in the order written.
	Seq int `json:"seq"`
	// Time is when the entry was written.
	Time time.Time `json:"time"`
	// Op is the workflow that runs: "Provision", "Rotate"….
	Op string `json:"op"`
	// Event is what the entry records of the run or of Step.
	Event JournalEvent `json:"event"`
	// Step is the change the entry is about; nil for the run's own
	// events.
	Step *Step `json:"step,omitempty"`
}

// JournalRun is an unfinished run as a journal returns it.
type JournalRun struct {
	// ID is the run's ID.
	ID string
	// Op is the workflow that ran.
	Op string
	// Entries are the run's entries, in Seq order.
	Entries []JournalEntry
}

// newRunID returns a unique, time-ordered run identifier.
func newRunID(now time.Time) string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return now.UTC().Format("20060102T150405.000000000Z") + "-" + hex.EncodeToString(b[:])
}

// MemoryJournal is a Journal held in memory: for tests, and for programs
// that only need rollback of ordinary failures. It does not survive a
// crash. It is safe for concurrent use.
type MemoryJournal struct {
	mu   sync.Mutex
	runs map[string][]JournalEntry
}

// NewMemoryJournal returns an empty MemoryJournal.
func NewMemoryJournal() *MemoryJournal { return &MemoryJournal{runs: map[string][]JournalEntry{}} }

// Append records e.
func (j *MemoryJournal) Append(ctx context.Context, e JournalEntry) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.runs[e.Run] = append(j.runs[e.Run], e)
	return nil
}

// Unfinished returns the unfinished runs, oldest first.
func (j *MemoryJournal) Unfinished(ctx context.Context) ([]JournalRun, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]JournalRun, 0, len(j.runs))
	for id, es := range j.runs {
		out = append(out, JournalRun{ID: id, Op: es[0].Op, Entries: slices.Clone(es)})
	}
	slices.SortFunc(out, func(a, b JournalRun) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// Finish forgets run.
func (j *MemoryJournal) Finish(ctx context.Context, run string) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	delete(j.runs, run)
	return nil
}
