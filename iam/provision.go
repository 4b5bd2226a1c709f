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
	// Sink, when set, receives the new access key; the key counts as
	// delivered only once it returned nil, and a key whose delivery
	// failed is deleted with the rest of the run.
	Sink Sink
	// Settings are passed to the Sink in Delivery.Settings.
	Settings map[string]string
	// Journal, when set, records the run's progress so that Recover can
	// finish or undo it after a crash.
	Journal Journal
}

// Provisioned is what Provision made or found.
type Provisioned struct {
	// User is the service account's user, made or found.
	User *User
	// Group is the account's group, made or found; nil when the policy is
	// attached to the user directly.
	Group *Group
	// Policy is the account's policy as it now stands, made, updated or
	// found.
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

// WorkflowError is returned by the workflows (Provision, Rotate,
// RotateOlderThan, RetireKeys) when a step fails. It wraps the
// step's error (so errors.Is finds its kind) and says what was undone and
// what, if the undo itself failed, was left behind.
type WorkflowError struct {
	// Op is the workflow, such as "Provision" or "Rotate".
	Op string
	// Step is the step that failed, such as "create access key for user/watcher_1".
	Step string
	// Err is the step's error.
	Err error
	// Undone lists what was rolled back, in the order it was undone.
	Undone []string
	// Left lists what could not be rolled back; UndoErr says why.
	Left []string
	// UndoErr is why the undo of Left failed.
	UndoErr error
}

// Error says the workflow, the failed step and its error, then what was
// rolled back and what was not.
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

// Provision creates (or completes) a service account: group, policy,
// attachment, user, membership and access key, in the order the clouds'
// own guides use. Input is checked, and the policy translated, before any
// call. Running it again with the same input changes nothing and creates
// no second key; with a changed policy it updates the policy.
//
// Provision never takes over what iamkit did not create: an existing
// user, group or policy of that name outside the provider's iamkit path
// (see DefaultPath) is ErrAlreadyExists, as in Plan. Joining someone
// else's group would hand the account that group's rights, and updating
// someone else's policy would change the rights of everyone it names.
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

	r, err := newRun(ctx, "Provision", p, sa.Journal)
	if err != nil {
		return nil, err
	}
	out := &Provisioned{}
	target := UserPrincipal(sa.User)

	// What exists is read first, so that a name taken by what iamkit does
	// not own is refused before any change.
	var g *Group
	if useGroup {
		if g, err = lookup(ctx, r, p, "group/"+sa.Group, func(n string) (*Group, error) { return p.GetGroup(ctx, n) }, sa.Group, func(g *Group) string { return g.Path }); err != nil {
			return nil, err
		}
	}
	pol, err := lookup(ctx, r, p, "policy/"+policyName, func(n string) (*Policy, error) { return p.GetPolicy(ctx, n) }, policyName, func(p *Policy) string { return p.Path })
	if err != nil {
		return nil, err
	}
	u, err := lookup(ctx, r, p, "user/"+sa.User, func(n string) (*User, error) { return p.GetUser(ctx, n) }, sa.User, func(u *User) string { return u.Path })
	if err != nil {
		return nil, err
	}

	if useGroup {
		target = GroupPrincipal(sa.Group)
		if g == nil {
			err = r.change(ctx, "create group/"+sa.Group, &Step{Action: StepCreateGroup, Group: sa.Group}, func() error {
				g, err = p.CreateGroup(ctx, sa.Group)
				return err
			})
			if err != nil {
				return nil, err
			}
		}
		out.Group = g
	}

	if pol, err = ensurePolicy(ctx, r, p, policyName, sa, tr, pol); err != nil {
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
		to := target
		return r.change(ctx, "attach policy/"+policyName+" to "+target.String(),
			&Step{Action: StepAttach, Policy: policyName, Principal: &to},
			func() error { return p.AttachPolicy(ctx, policyName, target) })
	}
	// With a group, the policy is attached before the user exists, as the
	// guides do; without one, it can only be attached once the user exists.
	if useGroup {
		if err := attach(); err != nil {
			return nil, err
		}
	}

	if u == nil {
		err = r.change(ctx, "create user/"+sa.User, &Step{Action: StepCreateUser, User: sa.User}, func() error {
			u, err = p.CreateUser(ctx, sa.User, nil)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	out.User = u

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
			err := r.change(ctx, "add user/"+sa.User+" to group/"+sa.Group,
				&Step{Action: StepAddMember, Group: sa.Group, User: sa.User},
				func() error { return p.AddUserToGroup(ctx, sa.Group, sa.User) })
			if err != nil {
				return nil, err
			}
		}
	}

	keys, err := Collect(p.ListAccessKeys(ctx, sa.User))
	if err != nil {
		return nil, r.fail(ctx, "list access keys of user/"+sa.User, err)
	}
	now := time.Now()
	for _, k := range keys {
		if k.Status == KeyActive && !k.Expired(now) {
			out.Key, out.KeyExisted = k, true
			break
		}
	}
	if out.Key == nil {
		step := Step{Action: StepCreateKey, User: sa.User}
		for _, k := range keys {
			step.ExistingKeys = append(step.ExistingKeys, k.ID)
		}
		what := "create access key for user/" + sa.User
		var key *AccessKey
		err := r.change(ctx, what, &step, func() error {
			key, err = p.CreateAccessKey(ctx, sa.User, sa.Key)
			if err == nil {
				step.KeyID, step.KeyKind = key.ID, key.Kind
			}
			return err
		})
		if err != nil {
			return nil, err
		}
		if sa.Sink != nil {
			if err := r.record(ctx, EventDelivering, &step); err != nil {
				return nil, r.fail(ctx, "journal delivery of user/"+sa.User, err)
			}
			d := Delivery{Provider: p.Name(), User: sa.User, Key: key, Settings: sa.Settings}
			if err := sa.Sink.Deliver(ctx, d); err != nil {
				return nil, r.fail(ctx, "deliver access key of user/"+sa.User, err)
			}
		}
		if err := r.record(ctx, EventDelivered, &step); err != nil {
			return nil, r.fail(ctx, "journal delivery of user/"+sa.User, err)
		}
		out.Key = key
	}
	// Everything is in place and delivered: a journal that fails to close
	// the run now only leaves Recover a delivered run to close.
	_ = r.finish(ctx)
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

// lookup reads resource name with get: nil when it does not exist,
// ErrAlreadyExists (through r.fail) when it is not iamkit's.
func lookup[T any](ctx context.Context, r *run, p Provider, resource string, get func(string) (*T, error), name string, path func(*T) string) (*T, error) {
	v, err := get(name)
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, r.fail(ctx, "get "+resource, err)
	}
	if err := notOwned(p, resource, path(v)); err != nil {
		return nil, r.fail(ctx, "get "+resource, err)
	}
	return v, nil
}

// ensurePolicy creates policy name, or updates pol, the existing one, to
// say what sa.Policy says.
func ensurePolicy(ctx context.Context, r *run, p Provider, name string, sa ServiceAccount, tr *policy.Translation, pol *Policy) (*Policy, error) {
	if pol == nil {
		err := r.change(ctx, "create policy/"+name, &Step{Action: StepCreatePolicy, Policy: name}, func() error {
			var err error
			pol, err = p.CreatePolicy(ctx, PolicyInput{Name: name, Description: sa.Description, Document: sa.Policy, Translate: sa.Translate})
			return err
		})
		return pol, err
	}
	if samePolicy(pol, sa.Policy, tr) {
		return pol, nil
	}
	step := Step{Action: StepUpdatePolicy, Policy: name}
	if len(pol.Document.Statements) > 0 {
		if prev, err := json.Marshal(pol.Document); err == nil {
			step.Previous = prev
		}
	}
	var updated *Policy
	err := r.change(ctx, "update policy/"+name, &step, func() error {
		var err error
		updated, err = p.UpdatePolicy(ctx, name, sa.Policy, sa.Translate)
		return err
	})
	return updated, err
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
