package outscale

import (
	"context"
	"iter"
	"net/http"

	osc "github.com/outscale/osc-sdk-go/v2"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
)

func (p *Provider) checkInline(op string, of iam.Principal, name string) (string, error) {
	res := of.String() + " inline-policy/" + name
	if err := p.checkPrincipalName(op, res, of); err != nil {
		return res, err
	}
	return res, checkName(names.Policy, op, res, name)
}

// PutInlinePolicy creates or replaces the inline policy name of a user
// (PutUserPolicy) or a group (PutUserGroupPolicy, at the group's path:
// the provider's Path, "/" or wherever a listing finds it), translated as
// CreatePolicy does. It can take up to 15 s to apply.
func (p *Provider) PutInlinePolicy(ctx context.Context, of iam.Principal, name string, doc policy.Document, opts policy.TranslateOptions) (*iam.Policy, error) {
	const op = "PutInlinePolicy"
	res, err := p.checkInline(op, of, name)
	if err != nil {
		return nil, err
	}
	native, err := p.translate(op, res, doc, opts)
	if err != nil {
		return nil, err
	}
	fresh := string(of.Kind) + "/" + of.Name
	if of.Kind == iam.PrincipalUser {
		err = p.call(ctx, op, res, nil, func(ctx context.Context) (*http.Response, error) {
			_, resp, err := p.api.PolicyApi.PutUserPolicy(ctx).PutUserPolicyRequest(osc.PutUserPolicyRequest{UserName: of.Name, PolicyName: name, PolicyDocument: string(native)}).Execute()
			return resp, err
		}, fresh)
	} else {
		err = p.withGroupPath(ctx, of.Name, func(path *string) error {
			return p.call(ctx, op, res, nil, func(ctx context.Context) (*http.Response, error) {
				_, resp, err := p.api.PolicyApi.PutUserGroupPolicy(ctx).PutUserGroupPolicyRequest(osc.PutUserGroupPolicyRequest{UserGroupName: of.Name, UserGroupPath: path, PolicyName: name, PolicyDocument: string(native)}).Execute()
				return resp, err
			}, fresh)
		})
	}
	if err != nil {
		return nil, err
	}
	return &iam.Policy{Name: name, Native: native}, nil
}

// GetInlinePolicy reads an inline policy; iam.ErrNotFound if there is none.
func (p *Provider) GetInlinePolicy(ctx context.Context, of iam.Principal, name string) (*iam.Policy, error) {
	const op = "GetInlinePolicy"
	res, err := p.checkInline(op, of, name)
	if err != nil {
		return nil, err
	}
	var body string
	fresh := string(of.Kind) + "/" + of.Name
	if of.Kind == iam.PrincipalUser {
		err = p.call(ctx, op, res, nil, func(ctx context.Context) (*http.Response, error) {
			r, resp, err := p.api.PolicyApi.ReadUserPolicy(ctx).ReadUserPolicyRequest(osc.ReadUserPolicyRequest{UserName: of.Name, PolicyName: name}).Execute()
			body = r.GetPolicyDocument()
			return resp, err
		}, fresh)
	} else {
		err = p.withGroupPath(ctx, of.Name, func(path *string) error {
			return p.call(ctx, op, res, nil, func(ctx context.Context) (*http.Response, error) {
				r, resp, err := p.api.PolicyApi.ReadUserGroupPolicy(ctx).ReadUserGroupPolicyRequest(osc.ReadUserGroupPolicyRequest{UserGroupName: of.Name, UserGroupPath: path, PolicyName: name}).Execute()
				if r.Policy != nil {
					body = r.Policy.GetBody()
				}
				return resp, err
			}, fresh)
		})
	}
	if err != nil {
		return nil, err
	}
	return &iam.Policy{Name: name, Native: []byte(body)}, nil
}

// ListInlinePolicies lists a principal's inline policies: with their
// documents for groups, by name only for users (ReadUserPolicies answers
// names).
func (p *Provider) ListInlinePolicies(ctx context.Context, of iam.Principal) iter.Seq2[*iam.Policy, error] {
	const op = "ListInlinePolicies"
	res := of.String()
	if err := p.checkPrincipalName(op, res, of); err != nil {
		return errSeq[iam.Policy](err)
	}
	fresh := string(of.Kind) + "/" + of.Name
	if of.Kind == iam.PrincipalUser {
		return single(ctx, p, op, res, func(ctx context.Context) ([]*iam.Policy, *http.Response, error) {
			r, resp, err := p.api.PolicyApi.ReadUserPolicies(ctx).ReadUserPoliciesRequest(osc.ReadUserPoliciesRequest{UserName: of.Name}).Execute()
			var out []*iam.Policy
			for _, n := range r.GetPolicyNames() {
				out = append(out, &iam.Policy{Name: n})
			}
			return out, resp, err
		}, fresh)
	}
	return groupSeq(p, ctx, of.Name, func(path *string) iter.Seq2[*iam.Policy, error] {
		return paged(p, ctx, op, res, func(ctx context.Context, first *int32, per int32) (page[osc.InlinePolicy], *http.Response, error) {
			r, resp, err := p.api.PolicyApi.ReadUserGroupPolicies(ctx).ReadUserGroupPoliciesRequest(osc.ReadUserGroupPoliciesRequest{UserGroupName: of.Name, UserGroupPath: path, FirstItem: first, ResultsPerPage: osc.PtrInt32(per)}).Execute()
			return page[osc.InlinePolicy]{items: r.GetPolicies(), hasMore: r.HasMoreItems}, resp, err
		}, func(ip osc.InlinePolicy) string { return ip.GetName() }, func(ip osc.InlinePolicy) *iam.Policy {
			return &iam.Policy{Name: ip.GetName(), Native: []byte(ip.GetBody())}
		}, fresh)
	})
}

// DeleteInlinePolicy deletes an inline policy; iam.ErrNotFound if there
// is none.
func (p *Provider) DeleteInlinePolicy(ctx context.Context, of iam.Principal, name string) error {
	const op = "DeleteInlinePolicy"
	res, err := p.checkInline(op, of, name)
	if err != nil {
		return err
	}
	if of.Kind == iam.PrincipalUser {
		return p.call(ctx, op, res, nil, func(ctx context.Context) (*http.Response, error) {
			_, resp, err := p.api.PolicyApi.DeleteUserPolicy(ctx).DeleteUserPolicyRequest(osc.DeleteUserPolicyRequest{UserName: of.Name, PolicyName: name}).Execute()
			return resp, err
		})
	}
	return p.withGroupPath(ctx, of.Name, func(path *string) error {
		return p.call(ctx, op, res, nil, func(ctx context.Context) (*http.Response, error) {
			_, resp, err := p.api.PolicyApi.DeleteUserGroupPolicy(ctx).DeleteUserGroupPolicyRequest(osc.DeleteUserGroupPolicyRequest{UserGroupName: of.Name, UserGroupPath: path, PolicyName: name}).Execute()
			return resp, err
		})
	})
}
