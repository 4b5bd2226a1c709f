package aws

import (
	"context"
	"errors"
	"iter"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/iamkit/iamkit/iam"
)

// The resources errors name, and the keys of the recent set.
func userRes(n string) string   { return "user/" + n }
func groupRes(n string) string  { return "group/" + n }
func policyRes(n string) string { return "policy/" + n }

// checkName checks n against rule and returns an ErrInvalid naming op, or
// nil. what is the resource kind ("user", "group", "policy").
func checkName(op string, rule iam.NameRule, what, n string) error {
	err := rule.Check(n)
	if err == nil {
		return nil
	}
	msg := err.Error()
	if ie := (*iam.Error)(nil); errors.As(err, &ie) && ie.Msg != "" {
		msg = ie.Msg
	}
	// Quoted: a bad name may hold anything, even a newline.
	return fail(op, what+"/"+strconv.Quote(n), iam.ErrInvalid, msg, nil)
}

func (p *Provider) checkUser(op, n string) error  { return checkName(op, p.rules.User, "user", n) }
func (p *Provider) checkGroup(op, n string) error { return checkName(op, p.rules.Group, "group", n) }
func (p *Provider) checkPolicy(op, n string) error {
	return checkName(op, p.rules.Policy, "policy", n)
}

// The AWS bounds on tags.
const (
	maxTags     = 50
	maxTagKey   = 128
	maxTagValue = 256
)

// checkTags returns why tags are not valid, or "".
func checkTags(tags map[string]string) string {
	if len(tags) > maxTags {
		return "a user may have at most 50 tags"
	}
	for k, v := range tags {
		if n := utf8.RuneCountInString(k); n == 0 || n > maxTagKey {
			return "a tag key must be 1 to 128 characters"
		}
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return "tag keys beginning with aws: are reserved"
		}
		if utf8.RuneCountInString(v) > maxTagValue {
			return "a tag value must be at most 256 characters"
		}
	}
	return ""
}

// userView converts an IAM user.
func userView(u *types.User) *iam.User {
	out := &iam.User{
		Name:      awssdk.ToString(u.UserName),
		ID:        awssdk.ToString(u.Arn),
		Path:      awssdk.ToString(u.Path),
		CreatedAt: awssdk.ToTime(u.CreateDate),
	}
	if len(u.Tags) > 0 {
		out.Tags = make(map[string]string, len(u.Tags))
		for _, t := range u.Tags {
			out.Tags[awssdk.ToString(t.Key)] = awssdk.ToString(t.Value)
		}
	}
	return out
}

// CreateUser creates IAM user name under opts.Path (default the
// provider's path) with opts.Tags. ErrAlreadyExists if the name is taken,
// anywhere in the account.
func (p *Provider) CreateUser(ctx context.Context, name string, opts *iam.UserOptions) (*iam.User, error) {
	const op = "CreateUser"
	res := userRes(name)
	var o iam.UserOptions
	if opts != nil {
		o = *opts
		o.Tags = maps.Clone(opts.Tags)
	}
	if o.Path == "" {
		o.Path = p.path
	}
	invalid := p.checkUser(op, name)
	if invalid == nil {
		if msg := checkPath(o.Path); msg != "" {
			invalid = fail(op, res, iam.ErrInvalid, msg, nil)
		} else if msg := checkTags(o.Tags); msg != "" {
			invalid = fail(op, res, iam.ErrInvalid, msg, nil)
		}
	}
	if err := begin(ctx, op, res, invalid); err != nil {
		return nil, err
	}
	in := &iamsdk.CreateUserInput{UserName: awssdk.String(name), Path: awssdk.String(o.Path)}
	for _, k := range slices.Sorted(maps.Keys(o.Tags)) {
		in.Tags = append(in.Tags, types.Tag{Key: awssdk.String(k), Value: awssdk.String(o.Tags[k])})
	}
	out, err := p.iam.CreateUser(ctx, in)
	if err != nil {
		return nil, p.wrap(ctx, op, res, err)
	}
	p.recent.Add(res)
	u := userView(out.User)
	if u.Tags == nil && len(o.Tags) > 0 {
		u.Tags = o.Tags
	}
	return u, nil
}

// GetUser returns user name, wherever its path, or ErrNotFound.
func (p *Provider) GetUser(ctx context.Context, name string) (*iam.User, error) {
	const op = "GetUser"
	res := userRes(name)
	if err := begin(ctx, op, res, p.checkUser(op, name)); err != nil {
		return nil, err
	}
	var out *iamsdk.GetUserOutput
	err := p.consistent(ctx, func() error {
		var err error
		out, err = p.iam.GetUser(ctx, &iamsdk.GetUserInput{UserName: awssdk.String(name)})
		return err
	}, res)
	if err != nil {
		return nil, p.wrap(ctx, op, res, err)
	}
	return userView(out.User), nil
}

// ListUsers lists the users under the provider's path (all users when
// the path is "/"), paging as needed. Listed users carry no tags: IAM's
// ListUsers does not return them.
func (p *Provider) ListUsers(ctx context.Context) iter.Seq2[*iam.User, error] {
	return paginate(p, ctx, "ListUsers", "users", nil, nil, func(ctx context.Context, marker *string, max *int32) (page[*iam.User], error) {
		out, err := p.iam.ListUsers(ctx, &iamsdk.ListUsersInput{PathPrefix: awssdk.String(p.path), Marker: marker, MaxItems: max})
		if err != nil {
			return page[*iam.User]{}, err
		}
		pg := page[*iam.User]{marker: out.Marker, truncated: out.IsTruncated}
		for i := range out.Users {
			if p.owned(out.Users[i].Path) {
				pg.items = append(pg.items, userView(&out.Users[i]))
			}
		}
		return pg, nil
	})
}

// DeleteUser deletes user name. ErrConflict while it still has access
// keys, group memberships, attached or inline policies, or any of the
// dependents DeleteUserDependents removes (AWS refuses the delete; with
// Options.CheckDependents the provider checks the first four itself).
func (p *Provider) DeleteUser(ctx context.Context, name string) error {
	const op = "DeleteUser"
	res := userRes(name)
	if err := begin(ctx, op, res, p.checkUser(op, name)); err != nil {
		return err
	}
	if p.checkDep {
		if err := p.userDependents(ctx, op, name); err != nil {
			return err
		}
	}
	_, err := p.iam.DeleteUser(ctx, &iamsdk.DeleteUserInput{UserName: awssdk.String(name)})
	if err != nil {
		return p.wrap(ctx, op, res, err)
	}
	p.recent.Remove(res)
	return nil
}

// userDependents returns ErrConflict when user has keys, memberships,
// attached or inline policies (Options.CheckDependents).
func (p *Provider) userDependents(ctx context.Context, op, user string) error {
	res := userRes(user)
	un := awssdk.String(user)
	one := awssdk.Int32(1)
	var deps []string
	keys, err := p.iam.ListAccessKeys(ctx, &iamsdk.ListAccessKeysInput{UserName: un})
	if err != nil {
		return p.wrap(ctx, op, res, err)
	}
	if n := len(keys.AccessKeyMetadata); n > 0 {
		deps = append(deps, plural(n, "access key", "access keys"))
	}
	groups, err := p.iam.ListGroupsForUser(ctx, &iamsdk.ListGroupsForUserInput{UserName: un, MaxItems: one})
	if err != nil {
		return p.wrap(ctx, op, res, err)
	}
	if len(groups.Groups) > 0 {
		deps = append(deps, "group memberships")
	}
	att, err := p.iam.ListAttachedUserPolicies(ctx, &iamsdk.ListAttachedUserPoliciesInput{UserName: un, MaxItems: one})
	if err != nil {
		return p.wrap(ctx, op, res, err)
	}
	if len(att.AttachedPolicies) > 0 {
		deps = append(deps, "attached policies")
	}
	inl, err := p.iam.ListUserPolicies(ctx, &iamsdk.ListUserPoliciesInput{UserName: un, MaxItems: one})
	if err != nil {
		return p.wrap(ctx, op, res, err)
	}
	if len(inl.PolicyNames) > 0 {
		deps = append(deps, "inline policies")
	}
	if len(deps) > 0 {
		return fail(op, res, iam.ErrConflict, "user still has "+strings.Join(deps, ", ")+"; delete or detach them first", nil)
	}
	return nil
}
