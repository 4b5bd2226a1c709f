package aws

import (
	"context"
	"iter"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
)

// inlineRes names an inline policy in errors.
func inlineRes(of iam.Principal, name string) string {
	return principalRes(of) + "/inline-policy/" + name
}

// inlineLimit returns the size limit of an inline policy of pr, and what
// to call it in messages.
func inlineLimit(pr iam.Principal) (int, string) {
	if pr.Kind == iam.PrincipalGroup {
		return MaxInlineGroupPolicySize, "inline group policy"
	}
	return MaxInlineUserPolicySize, "inline user policy"
}

// inlineView is an inline policy: it has no ARN, versions or dates.
func (p *Provider) inlineView(name string, native []byte) *iam.Policy {
	return &iam.Policy{Name: name, Native: native, Document: p.portable(native)}
}

// PutInlinePolicy creates or replaces the inline policy name of a user or
// group, translated as CreatePolicy does. Its size is checked before the
// call against IAM's inline limits: 2,048 non-whitespace characters for a
// user, 5,120 for a group (ErrLimit). (IAM counts the limit over all of a
// principal's inline policies together; a set of policies that passes
// this check one by one may still be refused with ErrLimit by IAM.)
func (p *Provider) PutInlinePolicy(ctx context.Context, of iam.Principal, name string, doc policy.Document, opts policy.TranslateOptions) (*iam.Policy, error) {
	const op = "PutInlinePolicy"
	res := inlineRes(of, name)
	if err := begin(ctx, op, res, p.checkPrincipal(op, of), p.checkPolicy(op, name)); err != nil {
		return nil, err
	}
	limit, what := inlineLimit(of)
	// Translate and measure with what is known first, so that a bad or
	// oversized document costs no request; then with the account ID.
	native, err := p.translate(op, res, doc, opts)
	if err != nil {
		return nil, err
	}
	if err := CheckSize(native, limit, what); err != nil {
		return nil, relabel(op, res, err)
	}
	if native, _, err = p.translateFor(ctx, op, res, doc, opts); err != nil {
		return nil, err
	}
	if err := CheckSize(native, limit, what); err != nil {
		return nil, relabel(op, res, err)
	}
	err = p.consistent(ctx, func() error {
		var err error
		if of.Kind == iam.PrincipalUser {
			_, err = p.iam.PutUserPolicy(ctx, &iamsdk.PutUserPolicyInput{UserName: awssdk.String(of.Name), PolicyName: awssdk.String(name), PolicyDocument: awssdk.String(string(native))})
		} else {
			_, err = p.iam.PutGroupPolicy(ctx, &iamsdk.PutGroupPolicyInput{GroupName: awssdk.String(of.Name), PolicyName: awssdk.String(name), PolicyDocument: awssdk.String(string(native))})
		}
		return err
	}, principalRes(of))
	if err != nil {
		return nil, p.wrap(ctx, op, res, err)
	}
	return p.inlineView(name, canonical(native)), nil
}

// getInline reads one inline policy's canonical native document.
func (p *Provider) getInline(ctx context.Context, of iam.Principal, name string) ([]byte, error) {
	var doc string
	if of.Kind == iam.PrincipalUser {
		out, err := p.iam.GetUserPolicy(ctx, &iamsdk.GetUserPolicyInput{UserName: awssdk.String(of.Name), PolicyName: awssdk.String(name)})
		if err != nil {
			return nil, err
		}
		doc = awssdk.ToString(out.PolicyDocument)
	} else {
		out, err := p.iam.GetGroupPolicy(ctx, &iamsdk.GetGroupPolicyInput{GroupName: awssdk.String(of.Name), PolicyName: awssdk.String(name)})
		if err != nil {
			return nil, err
		}
		doc = awssdk.ToString(out.PolicyDocument)
	}
	return canonical(decodeDocument(doc)), nil
}

// GetInlinePolicy returns the inline policy name of a user or group, or
// ErrNotFound.
func (p *Provider) GetInlinePolicy(ctx context.Context, of iam.Principal, name string) (*iam.Policy, error) {
	const op = "GetInlinePolicy"
	res := inlineRes(of, name)
	if err := begin(ctx, op, res, p.checkPrincipal(op, of), p.checkPolicy(op, name)); err != nil {
		return nil, err
	}
	var native []byte
	err := p.consistent(ctx, func() error {
		var err error
		native, err = p.getInline(ctx, of, name)
		return err
	}, principalRes(of))
	if err != nil {
		return nil, p.wrap(ctx, op, res, err)
	}
	return p.inlineView(name, native), nil
}

// ListInlinePolicies lists the inline policies of a user or group, each
// with its document (one request per policy beyond the listing's own);
// ErrNotFound if the principal does not exist.
func (p *Provider) ListInlinePolicies(ctx context.Context, of iam.Principal) iter.Seq2[*iam.Policy, error] {
	const op = "ListInlinePolicies"
	res := principalRes(of)
	names := paginate(p, ctx, op, res, p.checkPrincipal(op, of), []string{res}, func(ctx context.Context, marker *string, max *int32) (page[string], error) {
		var pg page[string]
		if of.Kind == iam.PrincipalUser {
			out, err := p.iam.ListUserPolicies(ctx, &iamsdk.ListUserPoliciesInput{UserName: awssdk.String(of.Name), Marker: marker, MaxItems: max})
			if err != nil {
				return pg, err
			}
			pg.items, pg.marker, pg.truncated = out.PolicyNames, out.Marker, out.IsTruncated
		} else {
			out, err := p.iam.ListGroupPolicies(ctx, &iamsdk.ListGroupPoliciesInput{GroupName: awssdk.String(of.Name), Marker: marker, MaxItems: max})
			if err != nil {
				return pg, err
			}
			pg.items, pg.marker, pg.truncated = out.PolicyNames, out.Marker, out.IsTruncated
		}
		return pg, nil
	})
	return func(yield func(*iam.Policy, error) bool) {
		for n, err := range names {
			if err != nil {
				yield(nil, err)
				return
			}
			native, err := p.getInline(ctx, of, n)
			switch {
			case isNotFound(err):
				continue // deleted meanwhile
			case err != nil:
				yield(nil, p.wrap(ctx, op, inlineRes(of, n), err))
				return
			}
			if !yield(p.inlineView(n, native), nil) {
				return
			}
		}
	}
}

// DeleteInlinePolicy deletes the inline policy name of a user or group;
// ErrNotFound if there is none.
func (p *Provider) DeleteInlinePolicy(ctx context.Context, of iam.Principal, name string) error {
	const op = "DeleteInlinePolicy"
	res := inlineRes(of, name)
	if err := begin(ctx, op, res, p.checkPrincipal(op, of), p.checkPolicy(op, name)); err != nil {
		return err
	}
	var err error
	if of.Kind == iam.PrincipalUser {
		_, err = p.iam.DeleteUserPolicy(ctx, &iamsdk.DeleteUserPolicyInput{UserName: awssdk.String(of.Name), PolicyName: awssdk.String(name)})
	} else {
		_, err = p.iam.DeleteGroupPolicy(ctx, &iamsdk.DeleteGroupPolicyInput{GroupName: awssdk.String(of.Name), PolicyName: awssdk.String(name)})
	}
	return p.wrap(ctx, op, res, err)
}
