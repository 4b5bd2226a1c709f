package outscale

import (
	"context"
	"iter"
	"net/http"
	"slices"
	"strconv"
	"strings"

	osc "github.com/outscale/osc-sdk-go/v2"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
)

func policyOf(m osc.Policy) *iam.Policy {
	return &iam.Policy{
		Name: m.GetPolicyName(), ID: m.GetOrn(), Path: m.GetPath(), Description: m.GetDescription(),
		Version: m.GetPolicyDefaultVersionId(), CreatedAt: parseTime(m.CreationDate), UpdatedAt: parseTime(m.LastModificationDate),
	}
}

// translate runs the translator for op, relabelling its error.
func (p *Provider) translate(op, res string, doc policy.Document, opts policy.TranslateOptions) ([]byte, error) {
	tr, err := Translator{}.Translate(doc, opts)
	if err != nil {
		return nil, relabel(err, op, res)
	}
	return tr.Native, nil
}

// CreatePolicy translates in.Document and creates the managed policy
// (version v1, the default) under the provider's Path. Its ID is its ORN,
// orn:ows:idauth::<account>:policy<path><name>.
func (p *Provider) CreatePolicy(ctx context.Context, in iam.PolicyInput) (*iam.Policy, error) {
	const op = "CreatePolicy"
	res := "policy/" + in.Name
	if err := checkName(names.Policy, op, res, in.Name); err != nil {
		return nil, err
	}
	if len(in.Description) > 1000 {
		return nil, fail(op, res, iam.ErrInvalid, "the description is longer than 1,000 characters")
	}
	native, err := p.translate(op, res, in.Document, in.Translate)
	if err != nil {
		return nil, err
	}
	req := osc.CreatePolicyRequest{PolicyName: in.Name, Document: string(native), Path: pathArg(p.path)}
	if in.Description != "" {
		req.Description = osc.PtrString(in.Description)
	}
	var out osc.CreatePolicyResponse
	err = p.call(ctx, op, res, iam.ErrAlreadyExists, func(ctx context.Context) (*http.Response, error) {
		r, resp, err := p.api.PolicyApi.CreatePolicy(ctx).CreatePolicyRequest(req).Execute()
		out = r
		return resp, err
	})
	if err != nil {
		return nil, err
	}
	p.recent.Add(res)
	pol := &iam.Policy{Name: in.Name, Path: p.path, Description: in.Description, Version: "v1"}
	if out.Policy != nil {
		pol = policyOf(*out.Policy)
	}
	pol.Native = native
	return pol, nil
}

func (p *Provider) listPolicies(ctx context.Context, op, res string) iter.Seq2[*osc.Policy, error] {
	return paged(p, ctx, op, res, func(ctx context.Context, first *int32, per int32) (page[osc.Policy], *http.Response, error) {
		req := osc.ReadPoliciesRequest{FirstItem: first, ResultsPerPage: osc.PtrInt32(per), Filters: &osc.ReadPoliciesFilters{Scope: osc.PtrString("LOCAL")}}
		r, resp, err := p.api.PolicyApi.ReadPolicies(ctx).ReadPoliciesRequest(req).Execute()
		return page[osc.Policy]{items: r.GetPolicies(), hasMore: r.HasMoreItems}, resp, err
	}, func(m osc.Policy) string { return m.GetOrn() }, func(m osc.Policy) *osc.Policy { return &m })
}

// findPolicy finds the account's policy name. ReadPolicies has no filter
// by name, so this pages through the account's policies.
func (p *Provider) findPolicy(ctx context.Context, op, name string) (*osc.Policy, error) {
	res := "policy/" + name
	for n := 1; ; n++ {
		for m, err := range p.listPolicies(ctx, op, res) {
			if err != nil {
				return nil, err
			}
			if m.GetPolicyName() == name {
				return m, nil
			}
		}
		if n >= p.retry.Attempts || !p.recent.Any(p.retry.Window, res) {
			return nil, fail(op, res, iam.ErrNotFound, "no such policy")
		}
		if err := p.retry.Sleep(ctx, p.retry.delay(n)); err != nil {
			return nil, &iam.Error{Provider: providerName, Op: op, Resource: res, Err: err}
		}
	}
}

// readVersion reads the document of one version.
func (p *Provider) readVersion(ctx context.Context, op, res, orn, version string) ([]byte, error) {
	var body string
	err := p.call(ctx, op, res, nil, func(ctx context.Context) (*http.Response, error) {
		r, resp, err := p.api.PolicyApi.ReadPolicyVersion(ctx).ReadPolicyVersionRequest(osc.ReadPolicyVersionRequest{PolicyOrn: orn, VersionId: version}).Execute()
		if r.PolicyVersion != nil {
			body = r.PolicyVersion.GetBody()
		}
		return resp, err
	}, res)
	return []byte(body), err
}

// GetPolicy reads policy name with the document of its default version
// (Native; Document stays empty: EIM documents are not read back into the
// portable model).
func (p *Provider) GetPolicy(ctx context.Context, name string) (*iam.Policy, error) {
	const op = "GetPolicy"
	res := "policy/" + name
	if err := checkName(names.Policy, op, res, name); err != nil {
		return nil, err
	}
	m, err := p.findPolicy(ctx, op, name)
	if err != nil {
		return nil, err
	}
	pol := policyOf(*m)
	if pol.Native, err = p.readVersion(ctx, op, res, m.GetOrn(), m.GetPolicyDefaultVersionId()); err != nil {
		return nil, err
	}
	return pol, nil
}

// ListPolicies lists the account's own (LOCAL) policies, without their
// documents.
func (p *Provider) ListPolicies(ctx context.Context) iter.Seq2[*iam.Policy, error] {
	return func(yield func(*iam.Policy, error) bool) {
		for m, err := range p.listPolicies(ctx, "ListPolicies", "") {
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(policyOf(*m), nil) {
				return
			}
		}
	}
}

// versions lists the versions of a policy.
func (p *Provider) versions(ctx context.Context, op, res, orn string) ([]osc.PolicyVersion, error) {
	var out []osc.PolicyVersion
	seq := paged(p, ctx, op, res, func(ctx context.Context, first *int32, per int32) (page[osc.PolicyVersion], *http.Response, error) {
		r, resp, err := p.api.PolicyApi.ReadPolicyVersions(ctx).ReadPolicyVersionsRequest(osc.ReadPolicyVersionsRequest{PolicyOrn: orn, FirstItem: first, ResultsPerPage: osc.PtrInt32(per)}).Execute()
		return page[osc.PolicyVersion]{items: r.GetPolicyVersions(), hasMore: r.HasMoreItems}, resp, err
	}, func(v osc.PolicyVersion) string { return v.GetVersionId() }, func(v osc.PolicyVersion) *osc.PolicyVersion { return &v }, res)
	for v, err := range seq {
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	return out, nil
}

// versionNumber reads "v12" as 12 (0 when it cannot).
func versionNumber(id string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(id, "v"))
	return n
}

// deleteVersion deletes one non-default version.
func (p *Provider) deleteVersion(ctx context.Context, op, res, orn, id string) error {
	err := p.call(ctx, op, res, nil, func(ctx context.Context) (*http.Response, error) {
		_, resp, err := p.api.PolicyApi.DeletePolicyVersion(ctx).DeletePolicyVersionRequest(osc.DeletePolicyVersionRequest{PolicyOrn: orn, VersionId: id}).Execute()
		return resp, err
	})
	if isKind(err, iam.ErrNotFound) {
		return nil // deleted meanwhile
	}
	return err
}

// UpdatePolicy writes doc as a new default version of policy name. When
// the policy already has the 5 versions Outscale keeps, the oldest
// non-default version is deleted first.
func (p *Provider) UpdatePolicy(ctx context.Context, name string, doc policy.Document, opts policy.TranslateOptions) (*iam.Policy, error) {
	const op = "UpdatePolicy"
	res := "policy/" + name
	if err := checkName(names.Policy, op, res, name); err != nil {
		return nil, err
	}
	native, err := p.translate(op, res, doc, opts)
	if err != nil {
		return nil, err
	}
	m, err := p.findPolicy(ctx, op, name)
	if err != nil {
		return nil, err
	}
	orn := m.GetOrn()
	vs, err := p.versions(ctx, op, res, orn)
	if err != nil {
		return nil, err
	}
	limit := p.Capabilities().PolicyVersions
	if len(vs) >= limit {
		var old []osc.PolicyVersion
		for _, v := range vs {
			if !v.GetDefaultVersion() {
				old = append(old, v)
			}
		}
		slices.SortFunc(old, func(a, b osc.PolicyVersion) int {
			return versionNumber(a.GetVersionId()) - versionNumber(b.GetVersionId())
		})
		for i := 0; i <= len(vs)-limit && i < len(old); i++ {
			if err := p.deleteVersion(ctx, op, res, orn, old[i].GetVersionId()); err != nil {
				return nil, err
			}
		}
	}
	var out osc.CreatePolicyVersionResponse
	err = p.call(ctx, op, res, nil, func(ctx context.Context) (*http.Response, error) {
		r, resp, err := p.api.PolicyApi.CreatePolicyVersion(ctx).CreatePolicyVersionRequest(osc.CreatePolicyVersionRequest{
			PolicyOrn: orn, Document: string(native), SetAsDefault: osc.PtrBool(true),
		}).Execute()
		out = r
		return resp, err
	}, res)
	if err != nil {
		return nil, err
	}
	pol := policyOf(*m)
	pol.Native = native
	if out.PolicyVersion != nil {
		pol.Version = out.PolicyVersion.GetVersionId()
		pol.UpdatedAt = parseTime(out.PolicyVersion.CreationDate)
	}
	return pol, nil
}

// DeletePolicy deletes policy name with its non-default versions;
// iam.ErrConflict while it is linked (checked before any version is
// deleted).
func (p *Provider) DeletePolicy(ctx context.Context, name string) error {
	const op = "DeletePolicy"
	res := "policy/" + name
	if err := checkName(names.Policy, op, res, name); err != nil {
		return err
	}
	m, err := p.findPolicy(ctx, op, name)
	if err != nil {
		return err
	}
	if m.GetResourcesCount() > 0 {
		return fail(op, res, iam.ErrConflict, "the policy is linked to users or groups; unlink it first")
	}
	orn := m.GetOrn()
	vs, err := p.versions(ctx, op, res, orn)
	if err != nil {
		return err
	}
	for _, v := range vs {
		if !v.GetDefaultVersion() {
			if err := p.deleteVersion(ctx, op, res, orn, v.GetVersionId()); err != nil {
				return err
			}
		}
	}
	err = p.call(ctx, op, res, iam.ErrConflict, func(ctx context.Context) (*http.Response, error) {
		_, resp, err := p.api.PolicyApi.DeletePolicy(ctx).DeletePolicyRequest(osc.DeletePolicyRequest{PolicyOrn: orn}).Execute()
		return resp, err
	})
	if err == nil {
		p.recent.Remove(res)
	}
	return err
}

func (p *Provider) checkPrincipal(op, pol string, pr iam.Principal) (string, error) {
	res := "policy/" + pol + " " + pr.String()
	if err := checkName(names.Policy, op, res, pol); err != nil {
		return res, err
	}
	return res, p.checkPrincipalName(op, res, pr)
}

func (p *Provider) checkPrincipalName(op, res string, pr iam.Principal) error {
	switch pr.Kind {
	case iam.PrincipalUser:
		return checkName(names.User, op, res, pr.Name)
	case iam.PrincipalGroup:
		return checkName(names.Group, op, res, pr.Name)
	}
	return fail(op, res, iam.ErrInvalid, "a principal is a user or a group")
}

// AttachPolicy links policy name to a user (LinkPolicy) or a group
// (LinkManagedPolicyToUserGroup). Linking again is not an error: the API's
// 409 is checked against the principal's linked policies. The link can
// take up to 15 s to apply.
func (p *Provider) AttachPolicy(ctx context.Context, name string, to iam.Principal) error {
	const op = "AttachPolicy"
	res, err := p.checkPrincipal(op, name, to)
	if err != nil {
		return err
	}
	m, err := p.findPolicy(ctx, op, name)
	if err != nil {
		return relabel(err, op, res)
	}
	orn := m.GetOrn()
	fresh := []string{"policy/" + name, string(to.Kind) + "/" + to.Name}
	err = p.call(ctx, op, res, iam.ErrConflict, func(ctx context.Context) (*http.Response, error) {
		if to.Kind == iam.PrincipalUser {
			_, resp, err := p.api.PolicyApi.LinkPolicy(ctx).LinkPolicyRequest(osc.LinkPolicyRequest{PolicyOrn: orn, UserName: to.Name}).Execute()
			return resp, err
		}
		_, resp, err := p.api.PolicyApi.LinkManagedPolicyToUserGroup(ctx).LinkManagedPolicyToUserGroupRequest(osc.LinkManagedPolicyToUserGroupRequest{PolicyOrn: orn, UserGroupName: to.Name}).Execute()
		return resp, err
	}, fresh...)
	if isKind(err, iam.ErrConflict) {
		for pol, lerr := range p.ListAttachedPolicies(ctx, to) {
			if lerr != nil {
				break
			}
			if pol.ID == orn || pol.Name == name {
				return nil
			}
		}
	}
	return err
}

// DetachPolicy unlinks policy name; iam.ErrNotFound if it was not linked.
func (p *Provider) DetachPolicy(ctx context.Context, name string, from iam.Principal) error {
	const op = "DetachPolicy"
	res, err := p.checkPrincipal(op, name, from)
	if err != nil {
		return err
	}
	m, err := p.findPolicy(ctx, op, name)
	if err != nil {
		return relabel(err, op, res)
	}
	orn := m.GetOrn()
	return p.call(ctx, op, res, iam.ErrConflict, func(ctx context.Context) (*http.Response, error) {
		if from.Kind == iam.PrincipalUser {
			_, resp, err := p.api.PolicyApi.UnlinkPolicy(ctx).UnlinkPolicyRequest(osc.UnlinkPolicyRequest{PolicyOrn: orn, UserName: from.Name}).Execute()
			return resp, err
		}
		_, resp, err := p.api.PolicyApi.UnlinkManagedPolicyFromUserGroup(ctx).UnlinkManagedPolicyFromUserGroupRequest(osc.UnlinkManagedPolicyFromUserGroupRequest{PolicyOrn: orn, UserGroupName: from.Name}).Execute()
		return resp, err
	})
}

// ListAttachedPolicies lists the managed policies linked to a user or a
// group, without their documents.
func (p *Provider) ListAttachedPolicies(ctx context.Context, of iam.Principal) iter.Seq2[*iam.Policy, error] {
	const op = "ListAttachedPolicies"
	res := of.String()
	if err := p.checkPrincipalName(op, res, of); err != nil {
		return errSeq[iam.Policy](err)
	}
	conv := func(l osc.LinkedPolicy) *iam.Policy {
		return &iam.Policy{Name: l.GetPolicyName(), ID: l.GetOrn(), CreatedAt: parseTime(l.CreationDate), UpdatedAt: parseTime(l.LastModificationDate)}
	}
	key := func(l osc.LinkedPolicy) string { return l.GetOrn() }
	fresh := string(of.Kind) + "/" + of.Name
	if of.Kind == iam.PrincipalUser {
		return paged(p, ctx, op, res, func(ctx context.Context, first *int32, per int32) (page[osc.LinkedPolicy], *http.Response, error) {
			r, resp, err := p.api.PolicyApi.ReadLinkedPolicies(ctx).ReadLinkedPoliciesRequest(osc.ReadLinkedPoliciesRequest{UserName: of.Name, FirstItem: first, ResultsPerPage: osc.PtrInt32(per)}).Execute()
			return page[osc.LinkedPolicy]{items: r.GetPolicies(), hasMore: r.HasMoreItems}, resp, err
		}, key, conv, fresh)
	}
	return paged(p, ctx, op, res, func(ctx context.Context, first *int32, per int32) (page[osc.LinkedPolicy], *http.Response, error) {
		r, resp, err := p.api.PolicyApi.ReadManagedPoliciesLinkedToUserGroup(ctx).ReadManagedPoliciesLinkedToUserGroupRequest(osc.ReadManagedPoliciesLinkedToUserGroupRequest{UserGroupName: of.Name, FirstItem: first, ResultsPerPage: osc.PtrInt32(per)}).Execute()
		return page[osc.LinkedPolicy]{items: r.GetPolicies(), hasMore: r.HasMoreItems}, resp, err
	}, key, conv, fresh)
}
