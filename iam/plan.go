package iam

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/iamkit/iamkit/policy"
)

// Action is what a Change does.
type Action string

// The actions of a plan.
const (
	ActionCreate Action = "create"
	ActionUpdate Action = "update"
	ActionDelete Action = "delete"
	ActionNoOp   Action = "no-op"
)

// The kinds of resource a Change is about.
const (
	KindUser   = "user"
	KindGroup  = "group"
	KindPolicy = "policy"
)

// Change is one resource's change in a ChangeSet. It never holds a
// secret: a new access key is only announced ("create access key").
type Change struct {
	// Action is what the change does to the resource.
	Action Action `json:"action"`
	// Kind is KindUser, KindGroup or KindPolicy.
	Kind string `json:"kind"`
	// Name is the resource's name.
	Name string `json:"name"`
	// Steps says, for people, what Apply will do besides creating or
	// deleting the resource itself, such as "add to group/monitoring" or
	// "create access key"; a step that removes something begins with
	// "remove", "detach" or "delete".
	Steps []string `json:"steps,omitempty"`
	// Before and After are a policy's document, as indented JSON, before
	// and after the change: the portable document where the cloud gives
	// it back, else the native one (then both are native). Before is set
	// on an update.
	Before json.RawMessage `json:"before,omitempty"`
	// After is set on a create and an update.
	After json.RawMessage `json:"after,omitempty"`

	ops *changeOps
}

// Address is "KIND/NAME", as in the rendered plan.
func (c *Change) Address() string { return c.Kind + "/" + c.Name }

// changeOps is what Apply does for a change, as found by Plan.
type changeOps struct {
	// group and user changes
	create bool
	attach []string // policies to attach to the group or user
	detach []string // policies to detach from it
	// group changes
	evict []string // members to remove before deleting the group
	// user changes
	account      *wantAccount
	join, leave  []string // groups
	key          bool     // create an access key
	existingKeys []string
	user         *User
	// policy changes
	policy *wantPolicy
}

// ChangeSet is what Plan found to do: the changes that make the cloud
// match the desired service accounts, for Apply to carry out. Render (or
// String) shows it to people as terraform plan does; MarshalJSON gives it
// to programs.
type ChangeSet struct {
	// Provider is the Name of the provider the plan was made on.
	Provider string
	// Changes lists groups, then policies, then users, each sorted by
	// name; deletions come last. No-op changes are included.
	Changes []*Change
	// Calls is how many requests Plan sent (each listing counted once,
	// whatever its pages; retries included).
	Calls int64

	p       Provider
	deletes bool
}

// Summary counts the resources to add, change and destroy.
func (cs *ChangeSet) Summary() (add, change, destroy int) {
	for _, c := range cs.Changes {
		switch c.Action {
		case ActionCreate:
			add++
		case ActionUpdate:
			change++
		case ActionDelete:
			destroy++
		}
	}
	return add, change, destroy
}

// HasChanges reports whether applying the plan would change anything.
func (cs *ChangeSet) HasChanges() bool {
	a, c, d := cs.Summary()
	return a+c+d > 0
}

// PlanOption tunes Plan.
type PlanOption func(*planOptions)

type planOptions struct {
	deletes     bool
	concurrency int
	limiter     *Limiter
	retry       RetryPolicy
}

// WithDeletes makes Plan also delete what iamkit owns and the desired
// state does not name: users, groups and policies under the provider's
// iamkit path (see DefaultPath). Without it Plan never deletes.
func WithDeletes() PlanOption { return func(o *planOptions) { o.deletes = true } }

// WithPlanConcurrency bounds the reads Plan makes at once (default
// DefaultConcurrency).
func WithPlanConcurrency(n int) PlanOption { return func(o *planOptions) { o.concurrency = n } }

// WithPlanLimiter makes Plan pace its requests with l, which Apply can
// then share (ApplyOptions.Limiter).
func WithPlanLimiter(l *Limiter) PlanOption { return func(o *planOptions) { o.limiter = l } }

// WithPlanRetry sets how Plan retries throttled reads.
func WithPlanRetry(r RetryPolicy) PlanOption { return func(o *planOptions) { o.retry = r } }

// wantAccount is a desired account, resolved against the provider's
// capabilities as Provision resolves it.
type wantAccount struct {
	sa         ServiceAccount
	useGroup   bool
	policyName string
}

// wantPolicy is a desired policy and the accounts that use it.
type wantPolicy struct {
	name        string
	doc         policy.Document
	translate   policy.TranslateOptions
	description string
	tr          *policy.Translation
	docJSON     []byte
}

// desiredState is the validated desired state.
type desiredState struct {
	accounts []*wantAccount
	byUser   map[string]*wantAccount
	policies map[string]*wantPolicy
	groups   map[string][]string // group → policies attached to it
}

// resolveDesired checks desired without any call: required fields,
// duplicate users, names (by the provider's rules, see NameRuler), the
// policies (valid, translatable without widening or excess size) and
// policies of one name that say different things.
func resolveDesired(p Provider, desired []ServiceAccount) (*desiredState, error) {
	const op = "Plan"
	caps := p.Capabilities()
	rules := nameRulesOf(p)
	ds := &desiredState{byUser: map[string]*wantAccount{}, policies: map[string]*wantPolicy{}, groups: map[string][]string{}}
	for i, sa := range desired {
		if err := checkServiceAccount(sa); err != nil {
			return nil, &Error{Op: op, Resource: fmt.Sprintf("desired[%d]", i), Kind: ErrInvalid, Err: err}
		}
		if _, dup := ds.byUser[sa.User]; dup {
			return nil, &Error{Op: op, Resource: "user/" + sa.User, Kind: ErrInvalid, Msg: "user named twice in the desired state"}
		}
		wa := &wantAccount{sa: sa, useGroup: sa.Group != "" && caps.Groups && caps.GroupsForServiceAccounts}
		wa.policyName = sa.PolicyName
		if wa.policyName == "" {
			wa.policyName = sa.User
			if wa.useGroup {
				wa.policyName = sa.Group
			}
		}
		if err := rules.User.Check(sa.User); err != nil {
			return nil, &Error{Op: op, Resource: "user/" + sa.User, Kind: ErrInvalid, Err: err}
		}
		if wa.useGroup {
			if err := rules.Group.Check(sa.Group); err != nil {
				return nil, &Error{Op: op, Resource: "group/" + sa.Group, Kind: ErrInvalid, Err: err}
			}
		}
		if err := rules.Policy.Check(wa.policyName); err != nil {
			return nil, &Error{Op: op, Resource: "policy/" + wa.policyName, Kind: ErrInvalid, Err: err}
		}
		docJSON, err := json.Marshal(sa.Policy)
		if err != nil {
			return nil, &Error{Op: op, Resource: "policy/" + wa.policyName, Kind: ErrInvalid, Err: err}
		}
		if wp, ok := ds.policies[wa.policyName]; ok {
			if !bytes.Equal(wp.docJSON, docJSON) || wp.translate != sa.Translate {
				return nil, &Error{Op: op, Resource: "policy/" + wa.policyName, Kind: ErrInvalid,
					Msg: "accounts give different documents for the same policy (user " + sa.User + ")"}
			}
		} else {
			// Translating refuses a widening or oversized policy before any call.
			tr, err := p.Translator().Translate(sa.Policy, sa.Translate)
			if err != nil {
				return nil, &Error{Op: op, Provider: p.Name(), Resource: "policy/" + wa.policyName, Kind: KindOf(err), Err: err}
			}
			ds.policies[wa.policyName] = &wantPolicy{name: wa.policyName, doc: sa.Policy, translate: sa.Translate,
				description: sa.Description, tr: tr, docJSON: docJSON}
		}
		if wa.useGroup && !slices.Contains(ds.groups[sa.Group], wa.policyName) {
			ds.groups[sa.Group] = append(ds.groups[sa.Group], wa.policyName)
		}
		ds.accounts = append(ds.accounts, wa)
		ds.byUser[sa.User] = wa
	}
	return ds, nil
}

// NameRuler is implemented by providers that say which names their cloud
// accepts, as iamkit's providers all do. Plan checks every desired name
// with them before any call; for a provider without it, Plan only refuses
// empty names and control characters, leaving the rest to the provider.
type NameRuler interface {
	// NameRules returns the rules of the provider's cloud.
	NameRules() NameRules
}

func nameRulesOf(p Provider) NameRules {
	if nr, ok := p.(NameRuler); ok {
		return nr.NameRules()
	}
	loose := func(what string) NameRule { return NameRule{What: what} }
	return NameRules{User: loose("user name"), Group: loose("group name"), Policy: loose("policy name")}
}

// current is what iamkit owns on the provider, as Plan read it.
type current struct {
	users    map[string]*User
	groups   map[string]*Group
	policies map[string]*Policy
	foreign  []string            // desired names taken by what iamkit does not own
	members  map[string][]string // owned group → its members
	groupPol map[string][]string // owned group → attached policies
	userPol  map[string][]string // desired user without group → attached policies
	keys     map[string][]*AccessKey
}

// Plan compares the desired service accounts with what iamkit owns on p
// and returns the changes that make them match: groups and policies to
// create or update (a policy's document diff is shown as JSON), users to
// create or complete (memberships, attachments, an access key when the
// user has no active one), and, with WithDeletes, what iamkit owns and
// desired does not name. Plan changes nothing.
//
// desired is checked before any call: a missing user or policy, a user
// named twice, a bad name, an invalid or untranslatable policy, or one
// policy name given different documents is ErrInvalid.
//
// Plan reads only what iamkit owns (the provider's iamkit path where the
// cloud has paths; see DefaultPath), with paged listings: the users,
// groups and policies (3 listings), then, concurrently, each owned
// group's members and attached policies (2 listings per group), the
// document of each desired policy that already exists when the listing
// lacks it (AWS: 1 GetPolicy each; memory: none), and each existing
// desired user's access keys (1 listing) and, for an account without a
// group, its attached policies (1 listing). Its cost grows linearly with
// what exists. A desired name taken by something iamkit does not own is
// ErrAlreadyExists: Plan never takes over what it did not create.
//
// Plan is a snapshot, not a lock. An object deleted by someone else
// between its listing and its reads counts as missing, and is planned
// again; a change made after Plan returns may make Apply fail, cleanly
// (see Apply), and a new Plan then sees it.
func Plan(ctx context.Context, p Provider, desired []ServiceAccount, opts ...PlanOption) (*ChangeSet, error) {
	o := planOptions{concurrency: DefaultConcurrency}
	for _, f := range opts {
		f(&o)
	}
	ds, err := resolveDesired(p, desired)
	if err != nil {
		return nil, err
	}
	if o.limiter == nil {
		o.limiter = NewLimiter(LimiterOptions{})
	}
	pc := newPaced(p, o.limiter, o.retry)
	cur, err := readCurrent(ctx, pc, ds, max(o.concurrency, 1))
	if err != nil {
		return nil, err
	}
	if len(cur.foreign) > 0 {
		return nil, &Error{Op: "Plan", Provider: p.Name(), Kind: ErrAlreadyExists,
			Msg: "not owned by iamkit (outside its path), left alone: " + strings.Join(cur.foreign, ", ")}
	}
	cs := diff(p, ds, cur, o.deletes)
	cs.Calls = pc.calls.Load()
	return cs, nil
}

func readCurrent(ctx context.Context, pc *paced, ds *desiredState, conc int) (*current, error) {
	cur := &current{
		users: map[string]*User{}, groups: map[string]*Group{}, policies: map[string]*Policy{},
		members: map[string][]string{}, groupPol: map[string][]string{}, userPol: map[string][]string{},
		keys: map[string][]*AccessKey{},
	}
	p := pc.p
	var users []*User
	var groups []*Group
	var pols []*Policy
	var errs [3]error
	var wg sync.WaitGroup
	wg.Go(func() { users, errs[0] = Collect(pc.ListUsers(ctx)) })
	wg.Go(func() {
		if p.Capabilities().Groups {
			groups, errs[1] = Collect(pc.ListGroups(ctx))
		}
	})
	wg.Go(func() { pols, errs[2] = Collect(pc.ListPolicies(ctx)) })
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	for _, u := range users {
		if ownedPath(p, u.Path) {
			cur.users[u.Name] = u
		} else if _, ok := ds.byUser[u.Name]; ok {
			cur.foreign = append(cur.foreign, "user/"+u.Name)
		}
	}
	for _, g := range groups {
		if ownedPath(p, g.Path) {
			cur.groups[g.Name] = g
		} else if _, ok := ds.groups[g.Name]; ok {
			cur.foreign = append(cur.foreign, "group/"+g.Name)
		}
	}
	for _, pol := range pols {
		if ownedPath(p, pol.Path) {
			cur.policies[pol.Name] = pol
		} else if _, ok := ds.policies[pol.Name]; ok {
			cur.foreign = append(cur.foreign, "policy/"+pol.Name)
		}
	}
	if len(cur.foreign) > 0 {
		return cur, nil
	}

	// An object listed above may be deleted by someone else before it is
	// read below: its read then fails with ErrNotFound, and the object
	// counts as gone, as if the listing had come a moment later.
	var mu sync.Mutex
	gone := map[string]bool{} // "group/NAME", "user/NAME", "policy/NAME"
	read := func(kind, name string, f func() error) func() error {
		return func() error {
			err := f()
			if errors.Is(err, ErrNotFound) {
				mu.Lock()
				gone[kind+"/"+name] = true
				mu.Unlock()
				return nil
			}
			return err
		}
	}
	var tasks []func() error
	for name := range cur.groups {
		tasks = append(tasks, read("group", name, func() error {
			ms, err := Collect(pc.ListGroupMembers(ctx, name))
			if err != nil {
				return err
			}
			names := make([]string, len(ms))
			for i, m := range ms {
				names[i] = m.Name
			}
			mu.Lock()
			cur.members[name] = names
			mu.Unlock()
			return nil
		}), read("group", name, func() error {
			pols, err := Collect(pc.ListAttachedPolicies(ctx, GroupPrincipal(name)))
			if err != nil {
				return err
			}
			mu.Lock()
			cur.groupPol[name] = policyNames(pols)
			mu.Unlock()
			return nil
		}))
	}
	for name, pol := range cur.policies {
		if _, want := ds.policies[name]; !want || len(pol.Native) > 0 || len(pol.Document.Statements) > 0 {
			continue // the listing has the document, or it is not needed
		}
		tasks = append(tasks, read("policy", name, func() error {
			full, err := pc.GetPolicy(ctx, name)
			if err != nil {
				return err
			}
			mu.Lock()
			cur.policies[name] = full
			mu.Unlock()
			return nil
		}))
	}
	for _, wa := range ds.accounts {
		name := wa.sa.User
		if _, ok := cur.users[name]; !ok {
			continue
		}
		tasks = append(tasks, read("user", name, func() error {
			keys, err := Collect(pc.ListAccessKeys(ctx, name))
			if err != nil {
				return err
			}
			mu.Lock()
			cur.keys[name] = keys
			mu.Unlock()
			return nil
		}))
		if !wa.useGroup {
			tasks = append(tasks, read("user", name, func() error {
				pols, err := Collect(pc.ListAttachedPolicies(ctx, UserPrincipal(name)))
				if err != nil {
					return err
				}
				mu.Lock()
				cur.userPol[name] = policyNames(pols)
				mu.Unlock()
				return nil
			}))
		}
	}
	if err := runAll(ctx, conc, tasks); err != nil {
		return nil, err
	}
	for key := range gone {
		kind, name, _ := strings.Cut(key, "/")
		switch kind {
		case "group":
			delete(cur.groups, name)
			delete(cur.members, name)
			delete(cur.groupPol, name)
		case "user":
			delete(cur.users, name)
			delete(cur.keys, name)
			delete(cur.userPol, name)
			for g, ms := range cur.members {
				cur.members[g] = slices.DeleteFunc(ms, func(m string) bool { return m == name })
			}
		case "policy":
			delete(cur.policies, name)
			for _, attached := range []map[string][]string{cur.groupPol, cur.userPol} {
				for pr, ps := range attached {
					attached[pr] = slices.DeleteFunc(ps, func(n string) bool { return n == name })
				}
			}
		}
	}
	return cur, nil
}

func policyNames(pols []*Policy) []string {
	out := make([]string, len(pols))
	for i, p := range pols {
		out[i] = p.Name
	}
	return out
}

// runAll runs tasks with at most conc at once and returns the first error;
// after an error no new task starts.
func runAll(ctx context.Context, conc int, tasks []func() error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	sem := make(chan struct{}, conc)
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for _, t := range tasks {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-sem }()
			if err := t(); err != nil {
				once.Do(func() { first = err; cancel(err) })
			}
		})
	}
	wg.Wait()
	if first != nil {
		return first
	}
	return ctx.Err()
}

// diff computes the changes from the desired and current states.
func diff(p Provider, ds *desiredState, cur *current, deletes bool) *ChangeSet {
	cs := &ChangeSet{Provider: p.Name(), p: p, deletes: deletes}
	owned := func(m map[string][]string, k, v string) bool { return slices.Contains(m[k], v) }

	for _, g := range sortedKeys(ds.groups) {
		c := &Change{Kind: KindGroup, Name: g, ops: &changeOps{}}
		_, exists := cur.groups[g]
		c.ops.create = !exists
		for _, pol := range ds.groups[g] {
			if !owned(cur.groupPol, g, pol) {
				c.ops.attach = append(c.ops.attach, pol)
			}
		}
		for _, pol := range cur.groupPol[g] {
			if _, ours := cur.policies[pol]; ours && !slices.Contains(ds.groups[g], pol) {
				c.ops.detach = append(c.ops.detach, pol)
			}
		}
		cs.add(c, !exists)
	}
	for _, name := range sortedKeys(ds.policies) {
		wp := ds.policies[name]
		c := &Change{Kind: KindPolicy, Name: name, ops: &changeOps{policy: wp}}
		old, exists := cur.policies[name]
		switch {
		case !exists:
			c.Action = ActionCreate
			c.After = indentJSON(wp.docJSON)
		case samePolicy(old, wp.doc, wp.tr):
			c.Action = ActionNoOp
		default:
			c.Action = ActionUpdate
			if len(old.Document.Statements) > 0 {
				b, _ := json.Marshal(old.Document)
				c.Before, c.After = indentJSON(b), indentJSON(wp.docJSON)
			} else {
				c.Before, c.After = indentJSON(old.Native), indentJSON(wp.tr.Native)
			}
		}
		cs.Changes = append(cs.Changes, c)
	}
	memberOf := map[string][]string{} // user → owned groups
	for _, g := range sortedKeys(cur.members) {
		for _, u := range cur.members[g] {
			memberOf[u] = append(memberOf[u], g)
		}
	}
	now := time.Now()
	for _, name := range sortedKeys(ds.byUser) {
		wa := ds.byUser[name]
		c := &Change{Kind: KindUser, Name: name, ops: &changeOps{account: wa}}
		u, exists := cur.users[name]
		c.ops.create, c.ops.user = !exists, u
		if wa.useGroup {
			if !slices.Contains(memberOf[name], wa.sa.Group) {
				c.ops.join = []string{wa.sa.Group}
			}
		} else if !owned(cur.userPol, name, wa.policyName) {
			c.ops.attach = []string{wa.policyName}
		}
		for _, g := range memberOf[name] {
			if !wa.useGroup || g != wa.sa.Group {
				c.ops.leave = append(c.ops.leave, g)
			}
		}
		if !wa.useGroup {
			for _, pol := range cur.userPol[name] {
				if _, ours := cur.policies[pol]; ours && pol != wa.policyName {
					c.ops.detach = append(c.ops.detach, pol)
				}
			}
		}
		c.ops.key = true
		for _, k := range cur.keys[name] {
			c.ops.existingKeys = append(c.ops.existingKeys, k.ID)
			if k.Status == KeyActive && !k.Expired(now) {
				c.ops.key = false
			}
		}
		cs.add(c, !exists)
	}
	if !deletes {
		return cs
	}
	gone := map[string]bool{}
	for _, name := range sortedKeys(cur.users) {
		if _, want := ds.byUser[name]; !want {
			gone[name] = true
			cs.Changes = append(cs.Changes, &Change{Action: ActionDelete, Kind: KindUser, Name: name,
				Steps: []string{"delete its access keys, memberships and policies"}, ops: &changeOps{}})
		}
	}
	for _, g := range sortedKeys(cur.groups) {
		if _, want := ds.groups[g]; want {
			continue
		}
		c := &Change{Action: ActionDelete, Kind: KindGroup, Name: g, ops: &changeOps{detach: cur.groupPol[g]}}
		for _, m := range cur.members[g] {
			if !gone[m] {
				c.ops.evict = append(c.ops.evict, m)
			}
		}
		c.Steps = c.ops.steps()
		cs.Changes = append(cs.Changes, c)
	}
	for _, name := range sortedKeys(cur.policies) {
		if _, want := ds.policies[name]; !want {
			cs.Changes = append(cs.Changes, &Change{Action: ActionDelete, Kind: KindPolicy, Name: name, ops: &changeOps{}})
		}
	}
	return cs
}

// add appends a user or group change, deciding its action from whether
// the resource is new and whether it has steps.
func (cs *ChangeSet) add(c *Change, create bool) {
	c.Steps = c.ops.steps()
	switch {
	case create:
		c.Action = ActionCreate
	case len(c.Steps) > 0:
		c.Action = ActionUpdate
	default:
		c.Action = ActionNoOp
	}
	cs.Changes = append(cs.Changes, c)
}

// steps describes the ops for people, in the order Apply takes them.
func (o *changeOps) steps() []string {
	var s []string
	for _, m := range o.evict {
		s = append(s, "remove user/"+m)
	}
	for _, g := range o.join {
		s = append(s, "add to group/"+g)
	}
	for _, g := range o.leave {
		s = append(s, "remove from group/"+g)
	}
	for _, p := range o.attach {
		s = append(s, "attach policy/"+p)
	}
	for _, p := range o.detach {
		s = append(s, "detach policy/"+p)
	}
	if o.key {
		s = append(s, "create access key")
		if o.account != nil && o.account.sa.Sink != nil {
			s = append(s, "deliver it to the sink")
		}
	}
	return s
}

func indentJSON(b []byte) json.RawMessage {
	var buf bytes.Buffer
	if json.Indent(&buf, b, "", "  ") != nil {
		return json.RawMessage(b)
	}
	return buf.Bytes()
}

// String renders the plan as Render does.
func (cs *ChangeSet) String() string {
	var b strings.Builder
	_ = cs.Render(&b)
	return b.String()
}

// Render writes the plan for people, as terraform plan does: one block
// per resource that changes, marked "+" (create), "~" (update) or "-"
// (delete), with its steps and, for a policy, its document (the diff of
// it, for an update), then the line "Plan: N to add, M to change, K to
// destroy.". Unchanged resources are not shown.
func (cs *ChangeSet) Render(w io.Writer) error {
	var b strings.Builder
	if !cs.HasChanges() {
		fmt.Fprintf(&b, "No changes. The service accounts on %s match the desired state.\n", cs.Provider)
		_, err := io.WriteString(w, b.String())
		return err
	}
	fmt.Fprintf(&b, "iamkit will perform the following actions on %s:\n\n", cs.Provider)
	for _, c := range cs.Changes {
		var mark string
		switch c.Action {
		case ActionCreate:
			mark = "+"
		case ActionUpdate:
			mark = "~"
		case ActionDelete:
			mark = "-"
		default:
			continue
		}
		fmt.Fprintf(&b, "  %s %s\n", mark, c.Address())
		for _, s := range c.Steps {
			m := "+"
			if strings.HasPrefix(s, "remove") || strings.HasPrefix(s, "detach") || strings.HasPrefix(s, "delete") {
				m = "-"
			}
			fmt.Fprintf(&b, "      %s %s\n", m, s)
		}
		switch {
		case c.Action == ActionCreate && len(c.After) > 0:
			for _, l := range strings.Split(string(c.After), "\n") {
				fmt.Fprintf(&b, "      + %s\n", l)
			}
		case c.Action == ActionUpdate && len(c.After) > 0:
			for _, l := range lineDiff(strings.Split(string(c.Before), "\n"), strings.Split(string(c.After), "\n")) {
				fmt.Fprintf(&b, "      %s\n", l)
			}
		}
		b.WriteByte('\n')
	}
	add, change, destroy := cs.Summary()
	fmt.Fprintf(&b, "Plan: %d to add, %d to change, %d to destroy.\n", add, change, destroy)
	_, err := io.WriteString(w, b.String())
	return err
}

// lineDiff returns the lines of a and b marked "  " (in both), "- " (only
// in a) or "+ " (only in b), by a longest common subsequence: policy
// documents are small.
func lineDiff(a, b []string) []string {
	n, m := len(a), len(b)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []string
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case a[i] == b[j]:
			out = append(out, "  "+a[i])
			i++
			j++
		case lcs[i+1][j] >= lcs[i][j+1]:
			out = append(out, "- "+a[i])
			i++
		default:
			out = append(out, "+ "+b[j])
			j++
		}
	}
	for ; i < n; i++ {
		out = append(out, "- "+a[i])
	}
	for ; j < m; j++ {
		out = append(out, "+ "+b[j])
	}
	return out
}

// UnmarshalJSON reads a plan MarshalJSON wrote, such as one saved for
// review. The result renders and compares (Equal) but does not apply:
// Apply needs what Plan read from the cloud, so a reviewed plan is applied
// by planning again and checking that the new plan is Equal to it.
func (cs *ChangeSet) UnmarshalJSON(b []byte) error {
	var in struct {
		Provider *string   `json:"provider"`
		Changes  []*Change `json:"changes"`
	}
	if err := json.Unmarshal(b, &in); err != nil {
		return &Error{Op: "ChangeSet.UnmarshalJSON", Kind: ErrInvalid, Msg: "not a plan", Err: err}
	}
	if in.Provider == nil || in.Changes == nil {
		return &Error{Op: "ChangeSet.UnmarshalJSON", Kind: ErrInvalid, Msg: `not a plan: "provider" or "changes" is missing`}
	}
	for i, c := range in.Changes {
		if c == nil || c.Name == "" || !slices.Contains([]Action{ActionCreate, ActionUpdate, ActionDelete, ActionNoOp}, c.Action) ||
			!slices.Contains([]string{KindUser, KindGroup, KindPolicy}, c.Kind) {
			return &Error{Op: "ChangeSet.UnmarshalJSON", Kind: ErrInvalid, Msg: fmt.Sprintf("change %d has no name, or an unknown action or kind", i)}
		}
	}
	// Written, the documents were compacted: indent them again, as Plan
	// gives them, so that the plan renders as it did.
	for _, c := range in.Changes {
		for _, doc := range []*json.RawMessage{&c.Before, &c.After} {
			var buf bytes.Buffer
			if len(*doc) > 0 && json.Indent(&buf, *doc, "", "  ") == nil {
				*doc = buf.Bytes()
			}
		}
	}
	*cs = ChangeSet{Provider: *in.Provider, Changes: in.Changes}
	return nil
}

// Equal reports whether cs and other plan the same changes on the same
// provider: the same actions on the same resources, with the same steps
// and policy documents (compared as JSON values). Calls does not count.
func (cs *ChangeSet) Equal(other *ChangeSet) bool {
	if cs == nil || other == nil {
		return cs == other
	}
	return cs.Provider == other.Provider && slices.EqualFunc(cs.Changes, other.Changes, func(a, b *Change) bool {
		return a.Action == b.Action && a.Kind == b.Kind && a.Name == b.Name && slices.Equal(a.Steps, b.Steps) &&
			sameJSON(a.Before, b.Before) && sameJSON(a.After, b.After)
	})
}

// sameJSON reports whether a and b hold the same JSON value (or are both
// empty): a plan read back has its documents compacted.
func sameJSON(a, b json.RawMessage) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return bytes.Equal(a, b)
	}
	return reflect.DeepEqual(x, y)
}

// MarshalJSON writes the plan for programs:
// {"provider":…,"changes":[{"action","kind","name","steps","before","after"}…],
// "summary":{"add","change","destroy"}}. No-op changes are included.
func (cs *ChangeSet) MarshalJSON() ([]byte, error) {
	add, change, destroy := cs.Summary()
	type summary struct {
		Add     int `json:"add"`
		Change  int `json:"change"`
		Destroy int `json:"destroy"`
	}
	changes := cs.Changes
	if changes == nil {
		changes = []*Change{}
	}
	return json.Marshal(struct {
		Provider string    `json:"provider"`
		Changes  []*Change `json:"changes"`
		Summary  summary   `json:"summary"`
	}{cs.Provider, changes, summary{add, change, destroy}})
}
