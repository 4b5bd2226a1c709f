package memory

import (
	"context"
	"iter"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
)

// maxDescription is the AWS bound on a policy's description.
const maxDescription = 1000

// PolicyVersion is one stored version of a managed policy, as returned by
// Provider.PolicyVersions.
type PolicyVersion struct {
	// ID is "v1", "v2"…, in order of creation; IDs are never reused.
	ID string
	// Default marks the version in force.
	Default bool
	// Document is the portable document of the version.
	Document policy.Document
	// Native is its translation by the memory provider's Translator.
	Native []byte
	// CreatedAt is when the version was made, by the provider's clock.
	CreatedAt time.Time
}

// managedPolicy is a stored policy with its versions and attachments.
type managedPolicy struct {
	name        string
	description string
	created     time.Time
	versions    []*policyVersion // oldest first
	def         *policyVersion   // the default version, one of versions
	next        int              // number of the next version
	users       map[string]struct{}
	groups      map[string]struct{}
}

// policyVersion is immutable once stored, so that Authorize can read its
// document under the read lock without copying it.
type policyVersion struct {
	id      string
	doc     policy.Document
	native  []byte
	created time.Time
}

// view returns a copy of the policy at its default version.
func (m *managedPolicy) view() *iam.Policy {
	return &iam.Policy{
		Name:        m.name,
		ID:          arn("policy", defaultPath, m.name),
		Path:        defaultPath,
		Description: m.description,
		Document:    copyDoc(m.def.doc),
		Native:      slices.Clone(m.def.native),
		Version:     m.def.id,
		CreatedAt:   m.created,
		UpdatedAt:   m.def.created,
	}
}

// addVersion stores a new default version, first pruning the oldest
// non-default version when the cap is reached.
func (m *managedPolicy) addVersion(doc policy.Document, native []byte, now time.Time, limit int) {
	for len(m.versions) >= limit {
		i := slices.IndexFunc(m.versions, func(v *policyVersion) bool { return v != m.def })
		if i < 0 {
			i = 0 // a cap of 1: the old default gives way to the new one
		}
		m.versions = slices.Delete(m.versions, i, i+1)
	}
	m.next++
	v := &policyVersion{id: "v" + strconv.Itoa(m.next), doc: doc, native: native, created: now}
	m.versions = append(m.versions, v)
	m.def = v
}

// copyDoc returns a deep copy of d.
func copyDoc(d policy.Document) policy.Document {
	d.Statements = slices.Clone(d.Statements)
	for i := range d.Statements {
		s := &d.Statements[i]
		s.Actions = slices.Clone(s.Actions)
		s.NotActions = slices.Clone(s.NotActions)
		s.Resources = slices.Clone(s.Resources)
		s.NotResources = slices.Clone(s.NotResources)
		s.Conditions = slices.Clone(s.Conditions)
		for j := range s.Conditions {
			s.Conditions[j].Values = slices.Clone(s.Conditions[j].Values)
		}
	}
	return d
}

// CreatePolicy translates in.Document and stores it as version v1.
// ErrInvalid for an invalid document or a description over 1000
// characters, ErrLimit for a document over Limits.MaxPolicySize,
// ErrAlreadyExists if the name is taken.
func (p *Provider) CreatePolicy(ctx context.Context, in iam.PolicyInput) (*iam.Policy, error) {
	const op = "CreatePolicy"
	res := policyRes(in.Name)
	invalid := checkName(op, p.rules.Policy, "policy", in.Name)
	if invalid == nil && utf8.RuneCountInString(in.Description) > maxDescription {
		invalid = fail(op, res, iam.ErrInvalid, "description is longer than %d characters", maxDescription)
	}
	var native []byte
	var doc policy.Document
	if invalid == nil {
		native, doc, invalid = p.translate(op, res, in.Document, in.Translate)
	}
	if err := p.begin(ctx, op, res, invalid); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.policies[in.Name]; ok {
		return nil, fail(op, res, iam.ErrAlreadyExists, "")
	}
	now := p.now()
	m := &managedPolicy{
		name:        in.Name,
		description: in.Description,
		created:     now,
		users:       map[string]struct{}{},
		groups:      map[string]struct{}{},
	}
	m.addVersion(doc, native, now, p.limits.PolicyVersions)
	p.policies[in.Name] = m
	if err := p.commit(op, res); err != nil {
		return nil, err
	}
	return m.view(), nil
}

// GetPolicy returns policy name at its default version, or ErrNotFound.
func (p *Provider) GetPolicy(ctx context.Context, name string) (*iam.Policy, error) {
	const op = "GetPolicy"
	res := policyRes(name)
	if err := p.begin(ctx, op, res, checkName(op, p.rules.Policy, "policy", name)); err != nil {
		return nil, err
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	m, ok := p.policies[name]
	if !ok {
		return nil, fail(op, res, iam.ErrNotFound, "")
	}
	return m.view(), nil
}

// ListPolicies lists every policy at its default version, ordered by name.
func (p *Provider) ListPolicies(ctx context.Context) iter.Seq2[*iam.Policy, error] {
	return paginate(p, ctx, "ListPolicies", "policies", nil, func(after string) ([]*iam.Policy, string, bool, error) {
		items, last, more := pageOf(p.policies, after, p.pageSize, func(_ string, m *managedPolicy) *iam.Policy { return m.view() })
		return items, last, more, nil
	})
}

// UpdatePolicy stores doc as a new default version of policy name. When
// Limits.PolicyVersions versions exist, the oldest non-default one is
// deleted first. Errors as for CreatePolicy, and ErrNotFound.
func (p *Provider) UpdatePolicy(ctx context.Context, name string, doc policy.Document, opts policy.TranslateOptions) (*iam.Policy, error) {
	const op = "UpdatePolicy"
	res := policyRes(name)
	invalid := checkName(op, p.rules.Policy, "policy", name)
	var native []byte
	if invalid == nil {
		native, doc, invalid = p.translate(op, res, doc, opts)
	}
	if err := p.begin(ctx, op, res, invalid); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	m, ok := p.policies[name]
	if !ok {
		return nil, fail(op, res, iam.ErrNotFound, "")
	}
	m.addVersion(doc, native, p.now(), p.limits.PolicyVersions)
	if err := p.commit(op, res); err != nil {
		return nil, err
	}
	return m.view(), nil
}

// DeletePolicy deletes policy name and all its versions. ErrConflict while
// it is attached.
func (p *Provider) DeletePolicy(ctx context.Context, name string) error {
	const op = "DeletePolicy"
	res := policyRes(name)
	if err := p.begin(ctx, op, res, checkName(op, p.rules.Policy, "policy", name)); err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	m, ok := p.policies[name]
	if !ok {
		return fail(op, res, iam.ErrNotFound, "")
	}
	var to []string
	if n := len(m.users); n > 0 {
		to = append(to, plural(n, "user", "users"))
	}
	if n := len(m.groups); n > 0 {
		to = append(to, plural(n, "group", "groups"))
	}
	if len(to) > 0 {
		return fail(op, res, iam.ErrConflict, "policy is attached to %s; detach it first", strings.Join(to, " and "))
	}
	delete(p.policies, name)
	return p.commit(op, res)
}

// checkPrincipal returns the ErrInvalid of a principal that is neither a
// user nor a group or whose name breaks the rules, or nil.
func (p *Provider) checkPrincipal(op string, pr iam.Principal) error {
	switch pr.Kind {
	case iam.PrincipalUser:
		return checkName(op, p.rules.User, "user", pr.Name)
	case iam.PrincipalGroup:
		return checkName(op, p.rules.Group, "group", pr.Name)
	}
	return fail(op, pr.String(), iam.ErrInvalid, "principal kind %q is neither %q nor %q", pr.Kind, iam.PrincipalUser, iam.PrincipalGroup)
}

// attachments returns the names of the policies attached to pr;
// ErrNotFound if pr does not exist. p.mu must be held.
func (p *Provider) attachments(op string, pr iam.Principal) (map[string]struct{}, error) {
	switch pr.Kind {
	case iam.PrincipalUser:
		if u, ok := p.users[pr.Name]; ok {
			return u.policies, nil
		}
	case iam.PrincipalGroup:
		if g, ok := p.groups[pr.Name]; ok {
			return g.policies, nil
		}
	}
	return nil, fail(op, pr.String(), iam.ErrNotFound, "")
}

// attached returns the policy's set of principals of pr's kind.
func (m *managedPolicy) attached(pr iam.Principal) map[string]struct{} {
	if pr.Kind == iam.PrincipalUser {
		return m.users
	}
	return m.groups
}

// AttachPolicy attaches policy name to a user or group; attaching it again
// is not an error. ErrNotFound if the policy or the principal does not
// exist.
func (p *Provider) AttachPolicy(ctx context.Context, name string, to iam.Principal) error {
	return p.changeAttachment(ctx, "AttachPolicy", name, to, func(m *managedPolicy, set map[string]struct{}) error {
		set[name] = struct{}{}
		m.attached(to)[to.Name] = struct{}{}
		return nil
	})
}

// DetachPolicy detaches policy name from a user or group; ErrNotFound if
// it was not attached or either does not exist.
func (p *Provider) DetachPolicy(ctx context.Context, name string, from iam.Principal) error {
	const op = "DetachPolicy"
	return p.changeAttachment(ctx, op, name, from, func(m *managedPolicy, set map[string]struct{}) error {
		if _, ok := set[name]; !ok {
			return fail(op, policyRes(name), iam.ErrNotFound, "not attached to %s", from)
		}
		delete(set, name)
		delete(m.attached(from), from.Name)
		return nil
	})
}

// changeAttachment runs op, which changes whether policy name is attached
// to pr: it checks both names, looks up the policy and pr (ErrNotFound if
// either does not exist), calls change with the policy and the names of
// the policies attached to pr under p.mu, and commits unless change fails.
func (p *Provider) changeAttachment(ctx context.Context, op, name string, pr iam.Principal, change func(m *managedPolicy, set map[string]struct{}) error) error {
	res := policyRes(name)
	invalid := firstErr(checkName(op, p.rules.Policy, "policy", name), p.checkPrincipal(op, pr))
	if err := p.begin(ctx, op, res, invalid); err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	m, ok := p.policies[name]
	if !ok {
		return fail(op, res, iam.ErrNotFound, "")
	}
	set, err := p.attachments(op, pr)
	if err != nil {
		return err
	}
	if err := change(m, set); err != nil {
		return err
	}
	return p.commit(op, res)
}

// ListAttachedPolicies lists the policies attached to a user or group,
// ordered by name; ErrNotFound if the principal does not exist.
func (p *Provider) ListAttachedPolicies(ctx context.Context, pr iam.Principal) iter.Seq2[*iam.Policy, error] {
	const op = "ListAttachedPolicies"
	res := pr.String()
	return paginate(p, ctx, op, res, p.checkPrincipal(op, pr), func(after string) ([]*iam.Policy, string, bool, error) {
		set, err := p.attachments(op, pr)
		if err != nil {
			return nil, "", false, err
		}
		items, last, more := pageOf(set, after, p.pageSize, func(n string, _ struct{}) *iam.Policy { return p.policies[n].view() })
		return items, last, more, nil
	})
}

// PolicyVersions returns the stored versions of policy name, oldest first.
// It is a test helper: it is not counted by Calls, delayed or subject to
// faults. ErrNotFound if the policy does not exist.
func (p *Provider) PolicyVersions(ctx context.Context, name string) ([]PolicyVersion, error) {
	const op = "PolicyVersions"
	res := policyRes(name)
	if err := ctx.Err(); err != nil {
		return nil, ctxError(op, res, err)
	}
	if err := checkName(op, p.rules.Policy, "policy", name); err != nil {
		return nil, err
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	m, ok := p.policies[name]
	if !ok {
		return nil, fail(op, res, iam.ErrNotFound, "")
	}
	out := make([]PolicyVersion, len(m.versions))
	for i, v := range m.versions {
		out[i] = PolicyVersion{ID: v.id, Default: v == m.def, Document: copyDoc(v.doc), Native: slices.Clone(v.native), CreatedAt: v.created}
	}
	return out, nil
}
