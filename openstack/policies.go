package openstack

import (
	"context"
	"encoding/json"
	"iter"
	"slices"

	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/roles"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
)

// resolveRoles finds the IDs of the reader, member and admin roles.
func (p *Provider) resolveRoles(ctx context.Context) error {
	const op = "New"
	all, err := collect(ctx, roles.List(p.id, nil), roles.ExtractRoles)
	if err != nil {
		return wrap(op, "roles", err)
	}
	p.roleIDs = map[string]string{}
	for level, name := range map[string]string{levelReader: p.roles.Reader, levelMember: p.roles.Member, levelAdmin: p.roles.Admin} {
		i := slices.IndexFunc(all, func(r roles.Role) bool { return r.Name == name })
		if i < 0 {
			return fail(op, "role/"+name, iam.ErrInvalid, "Keystone has no global role of this name: set Options.Roles to the cloud's reader, member and admin roles")
		}
		p.roleIDs[level] = all[i].ID
	}
	return nil
}

// policyOf reads a policy role back.
func policyOf(r *roles.Role) *iam.Policy {
	pol := &iam.Policy{Name: r.Name, ID: r.ID, Path: extraString(r.Extra, xPath), Description: r.Description,
		CreatedAt: extraTime(r.Extra, xCreated), UpdatedAt: extraTime(r.Extra, xUpdated)}
	if doc, err := policy.Parse([]byte(extraString(r.Extra, xDocument))); err == nil {
		pol.Document = doc
	}
	pol.Native = []byte(extraString(r.Extra, xRules))
	return pol
}

// nativeOf returns the translation stored on a policy role.
func nativeOf(r *roles.Role) Native {
	var n Native
	_ = json.Unmarshal([]byte(extraString(r.Extra, xRules)), &n)
	return n
}

// translate translates doc for the provider's project.
func (p *Provider) translate(op, res string, doc policy.Document, opts policy.TranslateOptions) (*policy.Translation, error) {
	tr, err := p.Translator().Translate(doc, opts)
	if err != nil {
		return nil, &iam.Error{Provider: providerName, Op: op, Resource: res, Kind: iam.ErrInvalid, Err: err}
	}
	return tr, nil
}

// CreatePolicy translates in.Document and stores it as a domain-specific
// Keystone role of the same name that implies the reader or member role
// (see the package doc).
func (p *Provider) CreatePolicy(ctx context.Context, in iam.PolicyInput) (*iam.Policy, error) {
	const op = "CreatePolicy"
	res := "policy/" + in.Name
	if err := check(ctx, names.Policy, op, res, in.Name); err != nil {
		return nil, err
	}
	tr, err := p.translate(op, res, in.Document, in.Translate)
	if err != nil {
		return nil, err
	}
	if _, err := p.findRole(ctx, op, in.Name); err == nil {
		return nil, fail(op, res, iam.ErrAlreadyExists, "a role of this name exists in the domain")
	} else if iam.KindOf(err) != iam.ErrNotFound {
		return nil, err
	}
	doc, _ := json.Marshal(in.Document)
	t := now()
	r, err := roles.Create(ctx, p.id, roles.CreateOpts{Name: in.Name, DomainID: p.domain, Description: in.Description,
		Extra: map[string]any{xPath: iam.DefaultPath, xDocument: string(doc), xRules: string(tr.Native), xCreated: t, xUpdated: t}}).Extract()
	if err != nil {
		return nil, wrapAs(op, res, iam.ErrAlreadyExists, err)
	}
	var n Native
	_ = json.Unmarshal(tr.Native, &n)
	if err := p.setImplied(ctx, op, res, r.ID, nil, n.Roles); err != nil {
		// Undo: a role without its implications would grant nothing, but
		// would be mistaken for the policy.
		_ = roles.Delete(context.WithoutCancel(ctx), p.id, r.ID).ExtractErr()
		return nil, wrap(op, res, err)
	}
	return policyOf(r), nil
}

// setImplied makes role id imply the level roles want instead of have:
// the new implications first, so that no moment grants less than both.
func (p *Provider) setImplied(ctx context.Context, op, res, id string, have, want []string) error {
	for _, l := range want {
		if !slices.Contains(have, l) {
			if _, err := roles.CreateRoleInferenceRule(ctx, p.id, id, p.roleIDs[l]).Extract(); err != nil {
				if l == levelAdmin && kindOf(err) == iam.ErrDenied {
					// Keystone's [assignment] prohibited_implied_role
					// (admin by default) forbids the implication.
					return &iam.Error{Provider: providerName, Op: op, Resource: res, Kind: iam.ErrUnsupported, Err: keystoneError(err),
						Msg: "Keystone refuses a role implying " + p.roles.Admin + " ([assignment] prohibited_implied_role): identity management cannot be a policy here"}
				}
				return err
			}
		}
	}
	for _, l := range have {
		if !slices.Contains(want, l) {
			if err := roles.DeleteRoleInferenceRule(ctx, p.id, id, p.roleIDs[l]).ExtractErr(); err != nil && kindOf(err) != iam.ErrNotFound {
				return err
			}
		}
	}
	return nil
}

// findRole returns the iamkit policy role of that name in the domain.
func (p *Provider) findRole(ctx context.Context, op, name string) (*roles.Role, error) {
	res := "policy/" + name
	rs, err := collect(ctx, roles.List(p.id, roles.ListOpts{DomainID: p.domain, Name: name}), roles.ExtractRoles)
	if err != nil {
		return nil, wrap(op, res, err)
	}
	for i := range rs {
		if rs[i].Name == name {
			if extraString(rs[i].Extra, xPath) == "" {
				return nil, fail(op, res, iam.ErrConflict, "a role of this name exists in the domain but is not an iamkit policy")
			}
			return &rs[i], nil
		}
	}
	return nil, fail(op, res, iam.ErrNotFound, "no such policy in domain "+p.domain)
}

// GetPolicy returns policy name.
func (p *Provider) GetPolicy(ctx context.Context, name string) (*iam.Policy, error) {
	const op = "GetPolicy"
	if err := check(ctx, names.Policy, op, "policy/"+name, name); err != nil {
		return nil, err
	}
	r, err := p.findRole(ctx, op, name)
	if err != nil {
		return nil, err
	}
	return policyOf(r), nil
}

// ListPolicies lists the iamkit policy roles of the domain.
func (p *Provider) ListPolicies(ctx context.Context) iter.Seq2[*iam.Policy, error] {
	return listAll(ctx, "ListPolicies", "", roles.List(p.id, roles.ListOpts{DomainID: p.domain}), roles.ExtractRoles,
		func(r *roles.Role) *iam.Policy {
			if extraString(r.Extra, xPath) == "" {
				return nil
			}
			return policyOf(r)
		})
}

// UpdatePolicy replaces the document of policy name in place (Keystone
// roles have no versions): the role's implied roles change at once for
// every user and group it is assigned to; the access rules apply to
// application credentials created from then on (see the package doc).
func (p *Provider) UpdatePolicy(ctx context.Context, name string, doc policy.Document, opts policy.TranslateOptions) (*iam.Policy, error) {
	const op = "UpdatePolicy"
	res := "policy/" + name
	if err := check(ctx, names.Policy, op, res, name); err != nil {
		return nil, err
	}
	tr, err := p.translate(op, res, doc, opts)
	if err != nil {
		return nil, err
	}
	r, err := p.findRole(ctx, op, name)
	if err != nil {
		return nil, err
	}
	var n Native
	_ = json.Unmarshal(tr.Native, &n)
	if err := p.setImplied(ctx, op, res, r.ID, nativeOf(r).Roles, n.Roles); err != nil {
		return nil, wrap(op, res, err)
	}
	raw, _ := json.Marshal(doc)
	extra := map[string]any{xPath: extraString(r.Extra, xPath), xDocument: string(raw), xRules: string(tr.Native),
		xCreated: extraString(r.Extra, xCreated), xUpdated: now()}
	up, err := roles.Update(ctx, p.id, r.ID, roles.UpdateOpts{Extra: extra}).Extract()
	if err != nil {
		// Undo: the implications must match the stored translation, from
		// which the next update starts (a member implication left on a
		// policy stored as reader would stay).
		_ = p.setImplied(context.WithoutCancel(ctx), op, res, r.ID, n.Roles, nativeOf(r).Roles)
		return nil, wrap(op, res, err)
	}
	// Narrowing takes effect at once: see revoke.go.
	ids, err := p.holders(ctx, op, r.ID)
	if err == nil {
		err = p.revokeStale(ctx, op, ids)
	}
	if err != nil {
		return nil, err
	}
	return policyOf(up), nil
}

// DeletePolicy deletes policy name; iam.ErrConflict while it is assigned.
func (p *Provider) DeletePolicy(ctx context.Context, name string) error {
	const op = "DeletePolicy"
	res := "policy/" + name
	if err := check(ctx, names.Policy, op, res, name); err != nil {
		return err
	}
	r, err := p.findRole(ctx, op, name)
	if err != nil {
		return err
	}
	as, err := collect(ctx, roles.ListAssignments(p.id, roles.ListAssignmentsOpts{RoleID: r.ID}), roles.ExtractRoleAssignments)
	if err != nil {
		return wrap(op, res, err)
	}
	if len(as) > 0 {
		return fail(op, res, iam.ErrConflict, "the policy is still attached")
	}
	return wrap(op, res, roles.Delete(ctx, p.id, r.ID).ExtractErr())
}

// assignee is a user or a group, by ID.
type assignee struct{ user, group string }

// principal resolves a principal to an assignee.
func (p *Provider) principal(ctx context.Context, op string, to iam.Principal) (assignee, error) {
	switch to.Kind {
	case iam.PrincipalUser:
		if err := check(ctx, names.User, op, to.String(), to.Name); err != nil {
			return assignee{}, err
		}
		u, err := p.findUser(ctx, op, to.Name)
		if err != nil {
			return assignee{}, err
		}
		return assignee{user: u.ID}, nil
	case iam.PrincipalGroup:
		if err := check(ctx, names.Group, op, to.String(), to.Name); err != nil {
			return assignee{}, err
		}
		g, err := p.findGroup(ctx, op, to.Name)
		if err != nil {
			return assignee{}, err
		}
		return assignee{group: g.ID}, nil
	}
	return assignee{}, fail(op, to.String(), iam.ErrInvalid, "a principal is a user or a group")
}

// AttachPolicy assigns the policy's role to a user or group on the
// project.
func (p *Provider) AttachPolicy(ctx context.Context, name string, to iam.Principal) error {
	const op = "AttachPolicy"
	res := "policy/" + name
	if err := check(ctx, names.Policy, op, res, name); err != nil {
		return err
	}
	who, err := p.principal(ctx, op, to)
	if err != nil {
		return err
	}
	r, err := p.findRole(ctx, op, name)
	if err != nil {
		return err
	}
	return wrap(op, res, roles.Assign(ctx, p.id, r.ID, roles.AssignOpts{UserID: who.user, GroupID: who.group, ProjectID: p.project}).ExtractErr())
}

// DetachPolicy removes the assignment; iam.ErrNotFound if there is none.
func (p *Provider) DetachPolicy(ctx context.Context, name string, from iam.Principal) error {
	const op = "DetachPolicy"
	res := "policy/" + name
	if err := check(ctx, names.Policy, op, res, name); err != nil {
		return err
	}
	who, err := p.principal(ctx, op, from)
	if err != nil {
		return err
	}
	r, err := p.findRole(ctx, op, name)
	if err != nil {
		return err
	}
	if err := roles.Unassign(ctx, p.id, r.ID, roles.UnassignOpts{UserID: who.user, GroupID: who.group, ProjectID: p.project}).ExtractErr(); err != nil {
		return wrap(op, res, err)
	}
	// The keys of those who lost the policy must lose its rules.
	ids, err := p.membersOf(ctx, op, who)
	if err != nil {
		return err
	}
	return p.revokeStale(ctx, op, ids)
}

// ListAttachedPolicies lists the policies assigned to a principal on the
// project.
func (p *Provider) ListAttachedPolicies(ctx context.Context, to iam.Principal) iter.Seq2[*iam.Policy, error] {
	const op = "ListAttachedPolicies"
	return func(yield func(*iam.Policy, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(nil, &iam.Error{Provider: providerName, Op: op, Resource: to.String(), Err: err})
			return
		}
		who, err := p.principal(ctx, op, to)
		if err != nil {
			yield(nil, err)
			return
		}
		pols, err := p.assignedPolicies(ctx, op, who)
		if err != nil {
			yield(nil, err)
			return
		}
		for _, r := range pols {
			if !yield(policyOf(r), nil) {
				return
			}
		}
	}
}

// assignedPolicies returns the iamkit policy roles assigned directly to a
// user or group on the project.
func (p *Provider) assignedPolicies(ctx context.Context, op string, who assignee) ([]*roles.Role, error) {
	as, err := collect(ctx, roles.ListAssignments(p.id, roles.ListAssignmentsOpts{UserID: who.user, GroupID: who.group, ScopeProjectID: p.project}), roles.ExtractRoleAssignments)
	if err != nil {
		return nil, wrap(op, "", err)
	}
	return p.policiesIn(ctx, op, as)
}

// policiesIn returns iamkit's policies among the roles of assignments as.
func (p *Provider) policiesIn(ctx context.Context, op string, as []roles.RoleAssignment) ([]*roles.Role, error) {
	if len(as) == 0 {
		return nil, nil
	}
	mine, err := collect(ctx, roles.List(p.id, roles.ListOpts{DomainID: p.domain}), roles.ExtractRoles)
	if err != nil {
		return nil, wrap(op, "", err)
	}
	var out []*roles.Role
	for i := range mine {
		r := &mine[i]
		if extraString(r.Extra, xPath) == "" {
			continue
		}
		if slices.ContainsFunc(as, func(a roles.RoleAssignment) bool { return a.Role.ID == r.ID }) {
			out = append(out, r)
		}
	}
	return out, nil
}
