package iam

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/iamkit/iamkit/policy"
)

// ServiceAccount describes the identity an automation tool should run as.
type ServiceAccount struct {
	// User is the user's name (required).
	User string
	// Group is the group's name; optional. Where service accounts cannot
	// join groups (Capabilities.GroupsForServiceAccounts false) the policy
	// is attached to the user directly and Group is not created.
	Group string
	// Policy is the portable policy granted to the account (required).
	Policy policy.Document
	// PolicyName names the managed policy; it defaults to Group, or to
	// User when the policy is attached to the user directly.
	PolicyName string
	// Description is stored with the policy where the cloud allows it.
	Description string
	// Translate tunes the translation of Policy.
	Translate policy.TranslateOptions
	// Key sets the options of the access key; nil for defaults.
	Key *KeyOptions
}

// Provisioned is what Provision made or found.
type Provisioned struct {
	User   *User
	Group  *Group // nil when the policy is attached to the user directly
	Policy *Policy
	// Key is the new access key, with its secret. When the user already
	// had an active key, Key is that key without a secret and KeyExisted
	// is true: no second key is created.
	Key        *AccessKey
	KeyExisted bool
	// Changes lists, in order, what this call created or changed, such as
	// "create group/monitoring" or "attach policy/monitoring to group/monitoring".
	// It is empty when everything was already in place.
	Changes []string
}

// WorkflowError is returned by Provision when a step fails. It wraps the
// step's error (so errors.Is finds its kind) and says what was undone and
// what, if the undo itself failed, was left behind.
type WorkflowError struct {
	// Op is the workflow: "Provision".
	Op string
	// Step is the step that failed, such as "create access key for user/watcher_1".
	Step string
	// Err is the step's error.
	Err error
	// Undone lists what was rolled back, in the order it was undone.
	Undone []string
	// Left lists what could not be rolled back; UndoErr says why.
	Left    []string
	UndoErr error
}

func (e *WorkflowError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s: %v", e.Op, e.Step, e.Err)
	if len(e.Undone) > 0 {
		fmt.Fprintf(&b, " (rolled back: %s)", strings.Join(e.Undone, ", "))
	}
	if len(e.Left) > 0 {
		fmt.Fprintf(&b, " (NOT rolled back: %s: %v)", strings.Join(e.Left, ", "), e.UndoErr)
	}
	return b.String()
}

// Unwrap returns the failed step's error only: the kind of a WorkflowError
// is the kind of the original failure, never that of an undo.
func (e *WorkflowError) Unwrap() error { return e.Err }

// undoTimeout bounds the rollback of a failed workflow, which runs even
// when the caller's context is cancelled.
const undoTimeout = 2 * time.Minute

// run executes a workflow's steps and undoes the completed ones, in reverse
// order, when one fails. It is the seam where a journal will record intent
// and progress for crash safety.
type run struct {
	op      string
	p       Provider
	changes []string
	undos   []undo
}

type undo struct {
	what string
	fn   func(context.Context) error
}

// did records a change and how to undo it (fn may be nil: nothing to undo).
func (r *run) did(what string, fn func(context.Context) error) {
	r.changes = append(r.changes, what)
	if fn != nil {
		r.undos = append(r.undos, undo{what, fn})
	}
}

// fail rolls back and returns the WorkflowError for step.
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
	return we
}

// Provision creates (or completes) a service account: group, policy,
// attachment, user, membership and access key, in the order the clouds'
// own guides use. Input is checked, and the policy translated, before any
// call. Running it again with the same input changes nothing and creates
// no second key; with a changed policy it updates the policy.
//
// On failure it undoes what this call created, in reverse order, and
// returns a *WorkflowError wrapping the original error.
func Provision(ctx context.Context, p Provider, sa ServiceAccount) (*Provisioned, error) {
	if err := checkServiceAccount(sa); err != nil {
		return nil, err
	}
	caps := p.Capabilities()
	useGroup := sa.Group != "" && caps.Groups && caps.GroupsForServiceAccounts
	policyName := sa.PolicyName
	if policyName == "" {
		policyName = sa.User
		if useGroup {
			policyName = sa.Group
		}
	}
	// Translating first refuses a widening or oversized policy before
	// anything is created.
	tr, err := p.Translator().Translate(sa.Policy, sa.Translate)
	if err != nil {
		return nil, &Error{Op: "Provision", Provider: p.Name(), Resource: "policy/" + policyName, Kind: KindOf(err), Err: err}
	}

	r := &run{op: "Provision", p: p}
	out := &Provisioned{}
	target := UserPrincipal(sa.User)

	if useGroup {
		target = GroupPrincipal(sa.Group)
		g, err := ensure(ctx, func() (*Group, error) { return p.GetGroup(ctx, sa.Group) },
			func() (*Group, error) { return p.CreateGroup(ctx, sa.Group) })
		if err != nil {
			return nil, r.fail(ctx, "create group/"+sa.Group, err)
		}
		if g.created {
			r.did("create group/"+sa.Group, func(c context.Context) error { return p.DeleteGroup(c, sa.Group) })
		}
		out.Group = g.v
	}

	pol, err := ensurePolicy(ctx, r, p, policyName, sa, tr)
	if err != nil {
		return nil, err
	}
	out.Policy = pol

	attach := func() error {
		attached, err := hasAttached(ctx, p, target, policyName)
		if err != nil {
			return r.fail(ctx, "list policies of "+target.String(), err)
		}
		if attached {
			return nil
		}
		step := "attach policy/" + policyName + " to " + target.String()
		if err := p.AttachPolicy(ctx, policyName, target); err != nil {
			return r.fail(ctx, step, err)
		}
		r.did(step, func(c context.Context) error { return p.DetachPolicy(c, policyName, target) })
		return nil
	}
	// With a group, the policy is attached before the user exists, as the
	// guides do; without one, it can only be attached once the user exists.
	if useGroup {
		if err := attach(); err != nil {
			return nil, err
		}
	}

	u, err := ensure(ctx, func() (*User, error) { return p.GetUser(ctx, sa.User) },
		func() (*User, error) { return p.CreateUser(ctx, sa.User, nil) })
	if err != nil {
		return nil, r.fail(ctx, "create user/"+sa.User, err)
	}
	if u.created {
		r.did("create user/"+sa.User, func(c context.Context) error { return p.DeleteUser(c, sa.User) })
	}
	out.User = u.v

	if !useGroup {
		if err := attach(); err != nil {
			return nil, err
		}
	} else {
		member, err := contains(p.ListGroupsForUser(ctx, sa.User), func(g *Group) bool { return g.Name == sa.Group })
		if err != nil {
			return nil, r.fail(ctx, "list groups of user/"+sa.User, err)
		}
		if !member {
			step := "add user/" + sa.User + " to group/" + sa.Group
			if err := p.AddUserToGroup(ctx, sa.Group, sa.User); err != nil {
				return nil, r.fail(ctx, step, err)
			}
			r.did(step, func(c context.Context) error { return p.RemoveUserFromGroup(c, sa.Group, sa.User) })
		}
	}

	var existing *AccessKey
	for k, err := range p.ListAccessKeys(ctx, sa.User) {
		if err != nil {
			return nil, r.fail(ctx, "list access keys of user/"+sa.User, err)
		}
		if k.Status == KeyActive && !k.Expired(time.Now()) {
			existing = k
			break
		}
	}
	if existing != nil {
		out.Key, out.KeyExisted = existing, true
	} else {
		step := "create access key for user/" + sa.User
		k, err := p.CreateAccessKey(ctx, sa.User, sa.Key)
		if err != nil {
			return nil, r.fail(ctx, step, err)
		}
		r.did(step, nil)
		out.Key = k
	}
	out.Changes = r.changes
	return out, nil
}

func checkServiceAccount(sa ServiceAccount) error {
	switch {
	case sa.User == "":
		return &Error{Op: "Provision", Kind: ErrInvalid, Msg: "ServiceAccount.User is required"}
	case len(sa.Policy.Statements) == 0:
		return &Error{Op: "Provision", Resource: "user/" + sa.User, Kind: ErrInvalid, Msg: "ServiceAccount.Policy has no statement"}
	}
	if err := policy.Validate(sa.Policy); err != nil {
		return &Error{Op: "Provision", Resource: "user/" + sa.User, Kind: ErrInvalid, Err: err}
	}
	return nil
}

type found[T any] struct {
	v       T
	created bool
}

// ensure gets a resource, creating it when it does not exist. A create that
// loses a race with another creator falls back to get.
func ensure[T any](ctx context.Context, get, create func() (T, error)) (found[T], error) {
	v, err := get()
	if err == nil {
		return found[T]{v: v}, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return found[T]{}, err
	}
	v, err = create()
	if errors.Is(err, ErrAlreadyExists) {
		v, err = get()
		return found[T]{v: v}, err
	}
	return found[T]{v: v, created: err == nil}, err
}

func ensurePolicy(ctx context.Context, r *run, p Provider, name string, sa ServiceAccount, tr *policy.Translation) (*Policy, error) {
	step := "create policy/" + name
	pol, err := p.GetPolicy(ctx, name)
	if errors.Is(err, ErrNotFound) {
		pol, err = p.CreatePolicy(ctx, PolicyInput{Name: name, Description: sa.Description, Document: sa.Policy, Translate: sa.Translate})
		if err != nil {
			return nil, r.fail(ctx, step, err)
		}
		r.did(step, func(c context.Context) error { return p.DeletePolicy(c, name) })
		return pol, nil
	}
	if err != nil {
		return nil, r.fail(ctx, "get policy/"+name, err)
	}
	if samePolicy(pol, sa.Policy, tr) {
		return pol, nil
	}
	step = "update policy/" + name
	old := pol.Document
	updated, err := p.UpdatePolicy(ctx, name, sa.Policy, sa.Translate)
	if err != nil {
		return nil, r.fail(ctx, step, err)
	}
	var undo func(context.Context) error
	if len(old.Statements) > 0 {
		undo = func(c context.Context) error {
			_, err := p.UpdatePolicy(c, name, old, policy.TranslateOptions{AllowWidening: true})
			return err
		}
	}
	r.did(step, undo)
	return updated, nil
}

// samePolicy reports whether the stored policy already says what doc says:
// by the native form where both are known (what the cloud enforces), else
// by the portable document.
func samePolicy(pol *Policy, doc policy.Document, tr *policy.Translation) bool {
	if len(pol.Native) > 0 && len(tr.Native) > 0 {
		return bytes.Equal(compact(pol.Native), compact(tr.Native))
	}
	if len(pol.Document.Statements) == 0 {
		return false
	}
	a, err1 := json.Marshal(pol.Document)
	b, err2 := json.Marshal(doc)
	return err1 == nil && err2 == nil && bytes.Equal(a, b)
}

func compact(b []byte) []byte {
	var buf bytes.Buffer
	if json.Compact(&buf, b) != nil {
		return b
	}
	return buf.Bytes()
}

func hasAttached(ctx context.Context, p Provider, to Principal, name string) (bool, error) {
	return contains(p.ListAttachedPolicies(ctx, to), func(pol *Policy) bool { return pol.Name == name })
}
