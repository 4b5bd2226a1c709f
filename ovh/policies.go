package ovh

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
)

// storedPolicy is a policy as GET /v2/iam/policy reads it.
type storedPolicy struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	Description string            `json:"description,omitempty"`
	Identities  []string          `json:"identities"`
	Resources   []NativeResource  `json:"resources"`
	Permissions NativePermissions `json:"permissions"`
	Conditions  *NativeCondition  `json:"conditions,omitempty"`
	ExpiredAt   *time.Time        `json:"expiredAt,omitempty"`
	ReadOnly    bool              `json:"readOnly,omitempty"`
	CreatedAt   time.Time         `json:"createdAt"`
	UpdatedAt   *time.Time        `json:"updatedAt,omitempty"`
}

// native returns the policy's writable fields, as sent to the API.
func (s *storedPolicy) native() NativePolicy {
	ids := s.Identities
	if ids == nil {
		ids = []string{}
	}
	res := make([]NativeResource, 0, len(s.Resources))
	for _, r := range s.Resources {
		res = append(res, NativeResource{URN: r.URN})
	}
	return NativePolicy{Name: s.Name, Description: s.Description, Identities: ids, Resources: res,
		Permissions: s.Permissions, Conditions: s.Conditions, ExpiredAt: s.ExpiredAt}
}

// OVHcloud policies have neither path nor tags (iam.policy.Creation has
// name, description, identities, resources, permissions,
// permissionsGroups, conditions and expiredAt): the description marks the
// policies iamkit creates. It is ownedDescription alone for a policy
// created without a description, ownedDescription + ownedSep + the
// caller's description otherwise. The adapter reports a marked policy
// under iam.DefaultPath (iamkit's, which Deprovision may delete once
// unused) with the caller's description, and any other as it is.
const (
	ownedDescription = "created by iamkit"
	ownedSep         = ": "
)

// markOwned returns the stored description of a policy iamkit creates
// with the caller's description desc.
func markOwned(desc string) string {
	if desc == "" {
		return ownedDescription
	}
	return ownedDescription + ownedSep + desc
}

// owned reads a stored description: the caller's description, and whether
// the policy is iamkit's.
func owned(stored string) (desc string, ok bool) {
	if stored == ownedDescription {
		return "", true
	}
	if d, ok := strings.CutPrefix(stored, ownedDescription+ownedSep); ok {
		return d, true
	}
	return stored, false
}

// toPolicy converts a stored policy. Native holds the policy without its
// identities (which change with attachments), as the translator writes it.
func (p *Provider) toPolicy(s *storedPolicy) *iam.Policy {
	n := s.native()
	n.Name, n.Description, n.Identities = "", "", []string{}
	raw, _ := json.Marshal(n)
	out := &iam.Policy{Name: s.Name, ID: s.ID, Description: s.Description, Native: raw, CreatedAt: s.CreatedAt}
	if desc, ok := owned(s.Description); ok {
		out.Description, out.Path = desc, iam.DefaultPath
	}
	if s.UpdatedAt != nil {
		out.UpdatedAt = *s.UpdatedAt
	}
	p.mu.Lock()
	if w, ok := p.written[s.ID]; ok && w.native == string(raw) {
		out.Document = w.doc
	}
	p.mu.Unlock()
	return out
}

// remember records the portable document this provider wrote to a
// policy: GetPolicy returns it as long as the stored policy still holds
// the document's translation (OVHcloud policies do not read back into the
// portable model).
func (p *Provider) remember(s *storedPolicy, doc policy.Document) {
	n := s.native()
	n.Name, n.Description, n.Identities = "", "", []string{}
	raw, _ := json.Marshal(n)
	p.mu.Lock()
	p.written[s.ID] = written{doc: doc, native: string(raw)}
	p.mu.Unlock()
}

// written is a document this provider wrote, with its translation.
type written struct {
	doc    policy.Document
	native string
}

// policies lists every policy of the account (readOnly ones included).
func (p *Provider) policies(ctx context.Context) iter.Seq2[*storedPolicy, error] {
	return func(yield func(*storedPolicy, error) bool) {
		for s, err := range pages[storedPolicy](ctx, p, "/v2/iam/policy") {
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(&s, nil) {
				return
			}
		}
	}
}

func (p *Provider) findPolicy(ctx context.Context, op, name string) (*storedPolicy, error) {
	for s, err := range p.policies(ctx) {
		if err != nil {
			return nil, wrap(op, "policy/"+name, err)
		}
		if s.Name == name && !s.ReadOnly {
			return s, nil
		}
	}
	return nil, fail(op, "policy/"+name, iam.ErrNotFound, "no policy of that name")
}

// translate translates doc into the native policy's permissions,
// resources and conditions.
func (p *Provider) translate(op, name string, doc policy.Document, opts policy.TranslateOptions) (NativePolicy, error) {
	var n NativePolicy
	tr, err := p.Translator().Translate(doc, opts)
	if err != nil {
		var e *iam.Error
		if errors.As(err, &e) {
			return n, &iam.Error{Op: op, Provider: providerName, Resource: "policy/" + name, Kind: e.Kind, Msg: e.Msg}
		}
		return n, &iam.Error{Op: op, Provider: providerName, Resource: "policy/" + name, Kind: iam.KindOf(err), Err: err}
	}
	if err := json.Unmarshal(tr.Native, &n); err != nil {
		return n, wrap(op, "policy/"+name, err)
	}
	return n, nil
}

// CreatePolicy translates in.Document and creates an IAM v2 policy naming
// no identity yet. Its stored description marks it as iamkit's:
// "created by iamkit", followed by ": " and in.Description when given;
// the adapter reads the mark back as Path iam.DefaultPath and strips it
// from Description.
func (p *Provider) CreatePolicy(ctx context.Context, in iam.PolicyInput) (*iam.Policy, error) {
	const op = "CreatePolicy"
	if err := checkName(op, names.Policy, in.Name); err != nil {
		return nil, err
	}
	n, err := p.translate(op, in.Name, in.Document, in.Translate)
	if err != nil {
		return nil, err
	}
	if _, err := p.findPolicy(ctx, op, in.Name); err == nil {
		return nil, fail(op, "policy/"+in.Name, iam.ErrAlreadyExists, "a policy of that name exists")
	} else if !errors.Is(err, iam.ErrNotFound) {
		return nil, err
	}
	n.Name, n.Description = in.Name, markOwned(in.Description)
	var s storedPolicy
	if err := p.call(ctx, http.MethodPost, "/v2/iam/policy", n, &s); err != nil {
		return nil, wrap(op, "policy/"+in.Name, err)
	}
	p.remember(&s, in.Document)
	return p.toPolicy(&s), nil
}

// GetPolicy returns policy name. Its Document is the portable document
// this provider wrote, while the policy still holds its translation;
// otherwise empty (an OVHcloud policy does not read back into the portable
// model) and Native holds it. Path is iam.DefaultPath for the policies
// iamkit created (see CreatePolicy).
func (p *Provider) GetPolicy(ctx context.Context, name string) (*iam.Policy, error) {
	if err := checkName("GetPolicy", names.Policy, name); err != nil {
		return nil, err
	}
	s, err := p.findPolicy(ctx, "GetPolicy", name)
	if err != nil {
		return nil, err
	}
	return p.toPolicy(s), nil
}

// ListPolicies lists the account's policies, except OVHcloud's read-only
// ones.
func (p *Provider) ListPolicies(ctx context.Context) iter.Seq2[*iam.Policy, error] {
	return func(yield func(*iam.Policy, error) bool) {
		for s, err := range p.policies(ctx) {
			if err != nil {
				yield(nil, wrap("ListPolicies", "", err))
				return
			}
			if s.ReadOnly {
				continue
			}
			if !yield(p.toPolicy(s), nil) {
				return
			}
		}
	}
}

// put replaces a stored policy.
func (p *Provider) put(ctx context.Context, n NativePolicy, id string) (*storedPolicy, error) {
	var out storedPolicy
	if err := p.call(ctx, http.MethodPut, "/v2/iam/policy/"+esc(id), n, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdatePolicy replaces the permissions, resources and conditions of
// policy name in place (OVHcloud policies have no versions), keeping its
// identities.
func (p *Provider) UpdatePolicy(ctx context.Context, name string, doc policy.Document, opts policy.TranslateOptions) (*iam.Policy, error) {
	const op = "UpdatePolicy"
	if err := checkName(op, names.Policy, name); err != nil {
		return nil, err
	}
	n, err := p.translate(op, name, doc, opts)
	if err != nil {
		return nil, err
	}
	p.policyMu.Lock()
	defer p.policyMu.Unlock()
	s, err := p.findPolicy(ctx, op, name)
	if err != nil {
		return nil, err
	}
	n.Name, n.Description, n.Identities = s.Name, s.Description, s.native().Identities
	out, err := p.put(ctx, n, s.ID)
	if err != nil {
		return nil, wrap(op, "policy/"+name, err)
	}
	p.remember(out, doc)
	return p.toPolicy(out), nil
}

// DeletePolicy deletes policy name; ErrConflict while it names identities.
func (p *Provider) DeletePolicy(ctx context.Context, name string) error {
	const op = "DeletePolicy"
	if err := checkName(op, names.Policy, name); err != nil {
		return err
	}
	s, err := p.findPolicy(ctx, op, name)
	if err != nil {
		return err
	}
	if len(s.Identities) > 0 {
		return fail(op, "policy/"+name, iam.ErrConflict, "the policy is attached; detach it first")
	}
	return wrap(op, "policy/"+name, p.call(ctx, http.MethodDelete, "/v2/iam/policy/"+esc(s.ID), nil, nil))
}

// principalURN returns the identity URN of a user or group.
func (p *Provider) principalURN(ctx context.Context, op string, pr iam.Principal) (string, error) {
	switch pr.Kind {
	case iam.PrincipalUser:
		if err := checkName(op, p.userRule(), pr.Name); err != nil {
			return "", err
		}
		return p.userURN(ctx, op, pr.Name)
	case iam.PrincipalGroup:
		if err := checkName(op, names.Group, pr.Name); err != nil {
			return "", err
		}
		g, err := p.getGroup(ctx, op, pr.Name)
		if err != nil {
			return "", err
		}
		return p.groupURN(g), nil
	}
	return "", fail(op, pr.String(), iam.ErrInvalid, "a principal is a user or a group")
}

// AttachPolicy adds the principal's identity URN to the policy's
// identities. A service account created moments ago may not be known to
// IAM yet: the call is retried briefly on INVALID_RESOURCE_URN.
func (p *Provider) AttachPolicy(ctx context.Context, name string, to iam.Principal) error {
	const op = "AttachPolicy"
	if err := checkName(op, names.Policy, name); err != nil {
		return err
	}
	urn, err := p.principalURN(ctx, op, to)
	if err != nil {
		return err
	}
	return p.editIdentities(ctx, op, name, func(ids []string) ([]string, error) {
		if slices.Contains(ids, urn) {
			return nil, nil
		}
		return append(ids, urn), nil
	})
}

// DetachPolicy removes the principal's identity URN from the policy.
func (p *Provider) DetachPolicy(ctx context.Context, name string, from iam.Principal) error {
	const op = "DetachPolicy"
	if err := checkName(op, names.Policy, name); err != nil {
		return err
	}
	urn, err := p.principalURN(ctx, op, from)
	if err != nil {
		return err
	}
	return p.editIdentities(ctx, op, name, func(ids []string) ([]string, error) {
		i := slices.Index(ids, urn)
		if i < 0 {
			return nil, fail(op, "policy/"+name, iam.ErrNotFound, "the policy is not attached to "+from.String())
		}
		return slices.Delete(ids, i, i+1), nil
	})
}

// editIdentities reads policy name, applies edit to its identities (nil:
// nothing to change) and writes it back, retrying on a URN IAM does not
// know yet.
func (p *Provider) editIdentities(ctx context.Context, op, name string, edit func([]string) ([]string, error)) error {
	p.policyMu.Lock()
	defer p.policyMu.Unlock()
	s, err := p.findPolicy(ctx, op, name)
	if err != nil {
		return err
	}
	n := s.native()
	ids, err := edit(slices.Clone(n.Identities))
	if err != nil || ids == nil {
		return err
	}
	n.Identities = ids
	return wrap(op, "policy/"+name, p.retryURN(ctx, func() error {
		_, err := p.put(ctx, n, s.ID)
		return err
	}))
}

// retryURN runs f, retrying for up to Options.IdentityWait while IAM
// answers INVALID_RESOURCE_URN for an identity (a new service account).
func (p *Provider) retryURN(ctx context.Context, f func() error) error {
	wait := 250 * time.Millisecond
	deadline := time.Now().Add(p.idWait)
	for {
		err := f()
		if err == nil || !urnNotYetKnown(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, 2*time.Second)
	}
}

// ListAttachedPolicies lists the policies whose identities hold the
// principal's URN.
func (p *Provider) ListAttachedPolicies(ctx context.Context, pr iam.Principal) iter.Seq2[*iam.Policy, error] {
	const op = "ListAttachedPolicies"
	return func(yield func(*iam.Policy, error) bool) {
		urn, err := p.principalURN(ctx, op, pr)
		if err != nil {
			yield(nil, err)
			return
		}
		for s, err := range p.policies(ctx) {
			if err != nil {
				yield(nil, wrap(op, pr.String(), err))
				return
			}
			if !s.ReadOnly && slices.Contains(s.Identities, urn) {
				if !yield(p.toPolicy(s), nil) {
					return
				}
			}
		}
	}
}
