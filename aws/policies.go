package aws

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"iter"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/awspolicy"
	"github.com/iamkit/iamkit/policy"
)

// policyARN returns the ARN of the provider's managed policy name.
func policyARN(partition, account, path, name string) string {
	return "arn:" + partition + ":iam::" + account + ":policy" + path + name
}

// translate translates doc for op on res with the translator as known so
// far, re-labelling its error with them. It sends no request.
func (p *Provider) translate(op, res string, doc policy.Document, opts policy.TranslateOptions) ([]byte, error) {
	tr, err := p.Translator().Translate(doc, opts)
	if err != nil {
		return nil, relabel(op, res, err)
	}
	return tr.Native, nil
}

// relabel gives a translation error the op and resource of the call.
func relabel(op, res string, err error) error {
	if ie := (*iam.Error)(nil); errors.As(err, &ie) {
		k := ie.Kind
		if k == nil {
			k = iam.ErrInvalid
		}
		return fail(op, res, k, ie.Msg, ie.Err)
	}
	k := iam.KindOf(err)
	if k == nil {
		k = iam.ErrInvalid
	}
	return fail(op, res, k, "", err)
}

// translateFor translates doc once the account is known: first with what
// is known (so that an invalid document costs no request), then, if the
// account had to be read, again with it.
func (p *Provider) translateFor(ctx context.Context, op, res string, doc policy.Document, opts policy.TranslateOptions) (native []byte, arnOf func(string) string, err error) {
	known, _ := p.knownAccount()
	if native, err = p.translate(op, res, doc, opts); err != nil {
		return nil, nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, ctxError(op, res, err, err)
	}
	acct, part, err := p.account(ctx, op, res)
	if err != nil {
		return nil, nil, err
	}
	if known == "" {
		if native, err = p.translate(op, res, doc, opts); err != nil {
			return nil, nil, err
		}
	}
	return native, func(n string) string { return policyARN(part, acct, p.path, n) }, nil
}

// arn returns the ARN of the provider's policy name, reading the account
// ID if need be.
func (p *Provider) arn(ctx context.Context, op, res, name string) (string, error) {
	acct, part, err := p.account(ctx, op, res)
	if err != nil {
		return "", err
	}
	return policyARN(part, acct, p.path, name), nil
}

// decodeDocument reads a policy document as IAM returns it: URL-encoded
// (RFC 3986). A document that already reads as JSON is kept as is, for
// IAM-compatible servers that do not encode.
func decodeDocument(s string) []byte {
	if t := strings.TrimLeft(s, " \t\r\n"); strings.HasPrefix(t, "{") {
		return []byte(s)
	}
	if d, err := url.PathUnescape(s); err == nil {
		return []byte(d)
	}
	if d, err := url.QueryUnescape(s); err == nil {
		return []byte(d)
	}
	return []byte(s)
}

// canonical returns the canonical form of a native document: awspolicy's
// Marshal of its Parse. A document the strict parser refuses (written by
// another tool) is returned compacted, or as it is.
func canonical(raw []byte) []byte {
	if doc, err := awspolicy.Parse(raw, awspolicy.AWS); err == nil {
		if out, err := awspolicy.Marshal(doc, awspolicy.AWS); err == nil {
			return out
		}
	}
	var b bytes.Buffer
	if json.Compact(&b, raw) == nil {
		return b.Bytes()
	}
	return raw
}

// portable reads a canonical native document back into the portable
// model with Import, keeping the result only when it translates back to
// the very same native document: a Document is only ever an exact
// reading. Otherwise it returns the zero Document (Native stays the truth).
func (p *Provider) portable(native []byte) policy.Document {
	doc, err := Import(native)
	if err != nil || len(doc.Statements) == 0 {
		return policy.Document{}
	}
	tr, err := p.Translator().Translate(doc, policy.TranslateOptions{})
	if err != nil || !bytes.Equal(canonical(tr.Native), native) {
		return policy.Document{}
	}
	return doc
}

// policyView converts an IAM managed policy and its default document
// (canonical native form), if known.
func (p *Provider) policyView(pol *types.Policy, native []byte) *iam.Policy {
	out := &iam.Policy{
		Name:        awssdk.ToString(pol.PolicyName),
		ID:          awssdk.ToString(pol.Arn),
		Path:        awssdk.ToString(pol.Path),
		Description: awssdk.ToString(pol.Description),
		Version:     awssdk.ToString(pol.DefaultVersionId),
		CreatedAt:   awssdk.ToTime(pol.CreateDate),
		UpdatedAt:   awssdk.ToTime(pol.UpdateDate),
	}
	if out.UpdatedAt.IsZero() {
		out.UpdatedAt = out.CreatedAt
	}
	if native != nil {
		out.Native = native
		out.Document = p.portable(native)
	}
	return out
}

// CreatePolicy translates in.Document and creates managed policy in.Name
// under the provider's path. ErrInvalid for a bad name, description or
// document (or a widening translation), ErrLimit for a document over 6,144
// non-whitespace characters, ErrAlreadyExists if the name is taken.
func (p *Provider) CreatePolicy(ctx context.Context, in iam.PolicyInput) (*iam.Policy, error) {
	const op = "CreatePolicy"
	res := policyRes(in.Name)
	invalid := p.checkPolicy(op, in.Name)
	if invalid == nil && utf8.RuneCountInString(in.Description) > maxDescription {
		invalid = fail(op, res, iam.ErrInvalid, "description is longer than 1000 characters", nil)
	}
	if err := begin(ctx, op, res, invalid); err != nil {
		return nil, err
	}
	native, _, err := p.translateFor(ctx, op, res, in.Document, in.Translate)
	if err != nil {
		return nil, err
	}
	input := &iamsdk.CreatePolicyInput{
		PolicyName:     awssdk.String(in.Name),
		Path:           awssdk.String(p.path),
		PolicyDocument: awssdk.String(string(native)),
	}
	if in.Description != "" {
		input.Description = awssdk.String(in.Description)
	}
	out, err := p.iam.CreatePolicy(ctx, input)
	if err != nil {
		return nil, p.wrap(ctx, op, res, err)
	}
	p.recent.Add(res)
	view := p.policyView(out.Policy, canonical(native))
	if view.Description == "" {
		// IAM's CreatePolicy answer leaves the description out.
		view.Description = in.Description
	}
	if view.Version == "" {
		view.Version = "v1"
	}
	return view, nil
}

// getPolicy reads policy arn and its default version's document.
func (p *Provider) getPolicy(ctx context.Context, arn string) (*types.Policy, []byte, error) {
	out, err := p.iam.GetPolicy(ctx, &iamsdk.GetPolicyInput{PolicyArn: awssdk.String(arn)})
	if err != nil {
		return nil, nil, err
	}
	v, err := p.iam.GetPolicyVersion(ctx, &iamsdk.GetPolicyVersionInput{PolicyArn: awssdk.String(arn), VersionId: out.Policy.DefaultVersionId})
	if err != nil {
		return nil, nil, err
	}
	return out.Policy, canonical(decodeDocument(awssdk.ToString(v.PolicyVersion.Document))), nil
}

// GetPolicy returns the provider's policy name at its default version:
// Native is the document IAM stores (canonical JSON) and Document its
// portable reading, when Import reads it exactly. ErrNotFound if there is
// no such policy under the provider's path.
func (p *Provider) GetPolicy(ctx context.Context, name string) (*iam.Policy, error) {
	const op = "GetPolicy"
	res := policyRes(name)
	if err := begin(ctx, op, res, p.checkPolicy(op, name)); err != nil {
		return nil, err
	}
	arn, err := p.arn(ctx, op, res, name)
	if err != nil {
		return nil, err
	}
	var pol *types.Policy
	var native []byte
	err = p.consistent(ctx, func() error {
		var err error
		pol, native, err = p.getPolicy(ctx, arn)
		return err
	}, res)
	if err != nil {
		return nil, p.wrap(ctx, op, res, err)
	}
	return p.policyView(pol, native), nil
}

// ListPolicies lists the customer-managed policies under the provider's
// path (Scope Local), paging as needed. Listed policies carry no document:
// read one with GetPolicy.
func (p *Provider) ListPolicies(ctx context.Context) iter.Seq2[*iam.Policy, error] {
	return paginate(p, ctx, "ListPolicies", "policies", nil, nil, func(ctx context.Context, marker *string, max *int32) (page[*iam.Policy], error) {
		out, err := p.iam.ListPolicies(ctx, &iamsdk.ListPoliciesInput{
			Scope: types.PolicyScopeTypeLocal, PathPrefix: awssdk.String(p.path), Marker: marker, MaxItems: max,
		})
		if err != nil {
			return page[*iam.Policy]{}, err
		}
		pg := page[*iam.Policy]{marker: out.Marker, truncated: out.IsTruncated}
		for i := range out.Policies {
			if p.owned(out.Policies[i].Path) {
				pg.items = append(pg.items, p.policyView(&out.Policies[i], nil))
			}
		}
		return pg, nil
	})
}

// UpdatePolicy makes doc the default version of policy name. When the
// policy has its 5 versions already, the oldest non-default one is
// deleted first. Errors as for CreatePolicy, and ErrNotFound.
func (p *Provider) UpdatePolicy(ctx context.Context, name string, doc policy.Document, opts policy.TranslateOptions) (*iam.Policy, error) {
	const op = "UpdatePolicy"
	res := policyRes(name)
	if err := begin(ctx, op, res, p.checkPolicy(op, name)); err != nil {
		return nil, err
	}
	native, arnOf, err := p.translateFor(ctx, op, res, doc, opts)
	if err != nil {
		return nil, err
	}
	arn := arnOf(name)
	var pol *iamsdk.GetPolicyOutput
	err = p.consistent(ctx, func() error {
		var err error
		pol, err = p.iam.GetPolicy(ctx, &iamsdk.GetPolicyInput{PolicyArn: awssdk.String(arn)})
		return err
	}, res)
	if err != nil {
		return nil, p.wrap(ctx, op, res, err)
	}
	var v *iamsdk.CreatePolicyVersionOutput
	for try := 0; ; try++ {
		if err := p.pruneVersions(ctx, arn); err != nil {
			return nil, p.wrap(ctx, op, res, err)
		}
		v, err = p.iam.CreatePolicyVersion(ctx, &iamsdk.CreatePolicyVersionInput{
			PolicyArn: awssdk.String(arn), PolicyDocument: awssdk.String(string(native)), SetAsDefault: true,
		})
		// A concurrent update may have taken the freed slot: prune again, once.
		if err != nil && codeOf(err) == "LimitExceeded" && try == 0 {
			continue
		}
		break
	}
	if err != nil {
		return nil, p.wrap(ctx, op, res, err)
	}
	out := p.policyView(pol.Policy, canonical(native))
	out.Version = awssdk.ToString(v.PolicyVersion.VersionId)
	out.UpdatedAt = awssdk.ToTime(v.PolicyVersion.CreateDate)
	if out.UpdatedAt.IsZero() {
		out.UpdatedAt = time.Now().UTC()
	}
	return out, nil
}

// pruneVersions deletes the oldest non-default versions of policy arn
// until there is room for a new one.
func (p *Provider) pruneVersions(ctx context.Context, arn string) error {
	vs, err := p.versions(ctx, arn)
	if err != nil {
		return err
	}
	var old []types.PolicyVersion
	for _, v := range vs {
		if !v.IsDefaultVersion {
			old = append(old, v)
		}
	}
	slices.SortFunc(old, func(a, b types.PolicyVersion) int {
		return awssdk.ToTime(a.CreateDate).Compare(awssdk.ToTime(b.CreateDate))
	})
	for n := len(vs); n >= maxPolicyVersions && len(old) > 0; n-- {
		_, err := p.iam.DeletePolicyVersion(ctx, &iamsdk.DeletePolicyVersionInput{PolicyArn: awssdk.String(arn), VersionId: old[0].VersionId})
		if err != nil && !isNotFound(err) {
			return err
		}
		old = old[1:]
	}
	return nil
}

// versions lists every version of policy arn.
func (p *Provider) versions(ctx context.Context, arn string) ([]types.PolicyVersion, error) {
	var all []types.PolicyVersion
	var marker *string
	for {
		out, err := p.iam.ListPolicyVersions(ctx, &iamsdk.ListPolicyVersionsInput{PolicyArn: awssdk.String(arn), Marker: marker})
		if err != nil {
			return nil, err
		}
		all = append(all, out.Versions...)
		if !out.IsTruncated || awssdk.ToString(out.Marker) == "" || awssdk.ToString(out.Marker) == awssdk.ToString(marker) {
			return all, nil
		}
		marker = out.Marker
	}
}

// DeletePolicy deletes policy name with all its versions. ErrConflict
// while it is attached to a user, group or role: the attachments are
// checked first, so that a refused delete keeps every version.
func (p *Provider) DeletePolicy(ctx context.Context, name string) error {
	const op = "DeletePolicy"
	res := policyRes(name)
	if err := begin(ctx, op, res, p.checkPolicy(op, name)); err != nil {
		return err
	}
	arn, err := p.arn(ctx, op, res, name)
	if err != nil {
		return err
	}
	ents, err := p.iam.ListEntitiesForPolicy(ctx, &iamsdk.ListEntitiesForPolicyInput{PolicyArn: awssdk.String(arn), MaxItems: awssdk.Int32(1)})
	if err != nil {
		return p.wrap(ctx, op, res, err)
	}
	var to []string
	if n := len(ents.PolicyUsers); n > 0 {
		to = append(to, "users")
	}
	if n := len(ents.PolicyGroups); n > 0 {
		to = append(to, "groups")
	}
	if n := len(ents.PolicyRoles); n > 0 {
		to = append(to, "roles")
	}
	if len(to) > 0 {
		return fail(op, res, iam.ErrConflict, "policy is attached to "+strings.Join(to, " and ")+"; detach it first", nil)
	}
	vs, err := p.versions(ctx, arn)
	if err != nil {
		return p.wrap(ctx, op, res, err)
	}
	for _, v := range vs {
		if v.IsDefaultVersion {
			continue
		}
		if _, err := p.iam.DeletePolicyVersion(ctx, &iamsdk.DeletePolicyVersionInput{PolicyArn: awssdk.String(arn), VersionId: v.VersionId}); err != nil && !isNotFound(err) {
			return p.wrap(ctx, op, res, err)
		}
	}
	if _, err := p.iam.DeletePolicy(ctx, &iamsdk.DeletePolicyInput{PolicyArn: awssdk.String(arn)}); err != nil {
		return p.wrap(ctx, op, res, err)
	}
	p.recent.Remove(res)
	return nil
}

// checkPrincipal returns the ErrInvalid of a principal that is neither a
// user nor a group or whose name breaks the rules, or nil.
func (p *Provider) checkPrincipal(op string, pr iam.Principal) error {
	switch pr.Kind {
	case iam.PrincipalUser:
		return p.checkUser(op, pr.Name)
	case iam.PrincipalGroup:
		return p.checkGroup(op, pr.Name)
	}
	return fail(op, strings.ToValidUTF8(pr.String(), "?"), iam.ErrInvalid,
		`principal kind "`+string(pr.Kind)+`" is neither "user" nor "group"`, nil)
}

// principalRes names pr in errors and in the recent set.
func principalRes(pr iam.Principal) string {
	if pr.Kind == iam.PrincipalGroup {
		return groupRes(pr.Name)
	}
	return userRes(pr.Name)
}

// AttachPolicy attaches the provider's policy name to a user or group;
// attaching it again is not an error. ErrNotFound if either does not
// exist.
func (p *Provider) AttachPolicy(ctx context.Context, name string, to iam.Principal) error {
	const op = "AttachPolicy"
	res := policyRes(name)
	if err := begin(ctx, op, res, p.checkPolicy(op, name), p.checkPrincipal(op, to)); err != nil {
		return err
	}
	arn, err := p.arn(ctx, op, res, name)
	if err != nil {
		return err
	}
	err = p.consistent(ctx, func() error {
		var err error
		if to.Kind == iam.PrincipalUser {
			_, err = p.iam.AttachUserPolicy(ctx, &iamsdk.AttachUserPolicyInput{PolicyArn: awssdk.String(arn), UserName: awssdk.String(to.Name)})
		} else {
			_, err = p.iam.AttachGroupPolicy(ctx, &iamsdk.AttachGroupPolicyInput{PolicyArn: awssdk.String(arn), GroupName: awssdk.String(to.Name)})
		}
		return err
	}, res, principalRes(to))
	return p.wrap(ctx, op, res, err)
}

// DetachPolicy detaches policy name from a user or group; ErrNotFound if
// it was not attached or either does not exist. The provider's own policy
// of that name is meant first; failing that, any policy of that name
// attached to the principal (an AWS-managed one, or one under another
// path), so that Deprovision can detach whatever ListAttachedPolicies
// lists.
func (p *Provider) DetachPolicy(ctx context.Context, name string, from iam.Principal) error {
	const op = "DetachPolicy"
	res := policyRes(name)
	if err := begin(ctx, op, res, p.checkPolicy(op, name), p.checkPrincipal(op, from)); err != nil {
		return err
	}
	arn, err := p.arn(ctx, op, res, name)
	if err != nil {
		return err
	}
	err = p.detach(ctx, arn, from)
	if err != nil && isNotFound(err) {
		var other string
		for pol, lerr := range p.ListAttachedPolicies(ctx, from) {
			if lerr != nil {
				break
			}
			if pol.Name == name && pol.ID != arn {
				other = pol.ID
				break
			}
		}
		if other != "" {
			err = p.detach(ctx, other, from)
		}
	}
	return p.wrap(ctx, op, res, err)
}

func (p *Provider) detach(ctx context.Context, arn string, from iam.Principal) error {
	var err error
	if from.Kind == iam.PrincipalUser {
		_, err = p.iam.DetachUserPolicy(ctx, &iamsdk.DetachUserPolicyInput{PolicyArn: awssdk.String(arn), UserName: awssdk.String(from.Name)})
	} else {
		_, err = p.iam.DetachGroupPolicy(ctx, &iamsdk.DetachGroupPolicyInput{PolicyArn: awssdk.String(arn), GroupName: awssdk.String(from.Name)})
	}
	return err
}

// ListAttachedPolicies lists every managed policy attached to a user or
// group, whatever its path (AWS-managed ones included), by name and ARN
// only; ErrNotFound if the principal does not exist.
func (p *Provider) ListAttachedPolicies(ctx context.Context, pr iam.Principal) iter.Seq2[*iam.Policy, error] {
	const op = "ListAttachedPolicies"
	res := principalRes(pr)
	invalid := p.checkPrincipal(op, pr)
	return paginate(p, ctx, op, res, invalid, []string{res}, func(ctx context.Context, marker *string, max *int32) (page[*iam.Policy], error) {
		var list []types.AttachedPolicy
		var pg page[*iam.Policy]
		if pr.Kind == iam.PrincipalUser {
			out, err := p.iam.ListAttachedUserPolicies(ctx, &iamsdk.ListAttachedUserPoliciesInput{UserName: awssdk.String(pr.Name), Marker: marker, MaxItems: max})
			if err != nil {
				return pg, err
			}
			list, pg.marker, pg.truncated = out.AttachedPolicies, out.Marker, out.IsTruncated
		} else {
			out, err := p.iam.ListAttachedGroupPolicies(ctx, &iamsdk.ListAttachedGroupPoliciesInput{GroupName: awssdk.String(pr.Name), Marker: marker, MaxItems: max})
			if err != nil {
				return pg, err
			}
			list, pg.marker, pg.truncated = out.AttachedPolicies, out.Marker, out.IsTruncated
		}
		for _, a := range list {
			pg.items = append(pg.items, &iam.Policy{Name: awssdk.ToString(a.PolicyName), ID: awssdk.ToString(a.PolicyArn)})
		}
		return pg, nil
	})
}
