package aws

import (
	"context"
	"iter"
	"strings"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/iamkit/iamkit/iam"
)

// groupView converts an IAM group.
func groupView(g *types.Group) *iam.Group {
	return &iam.Group{
		Name:      awssdk.ToString(g.GroupName),
		ID:        awssdk.ToString(g.Arn),
		Path:      awssdk.ToString(g.Path),
		CreatedAt: awssdk.ToTime(g.CreateDate),
	}
}

// CreateGroup creates group name under the provider's path.
// ErrAlreadyExists if the name is taken.
func (p *Provider) CreateGroup(ctx context.Context, name string) (*iam.Group, error) {
	const op = "CreateGroup"
	res := groupRes(name)
	if err := begin(ctx, op, res, p.checkGroup(op, name)); err != nil {
		return nil, err
	}
	out, err := p.iam.CreateGroup(ctx, &iamsdk.CreateGroupInput{GroupName: awssdk.String(name), Path: awssdk.String(p.path)})
	if err != nil {
		return nil, p.wrap(ctx, op, res, err)
	}
	p.recent.Add(res)
	return groupView(out.Group), nil
}

// GetGroup returns group name, wherever its path, or ErrNotFound.
func (p *Provider) GetGroup(ctx context.Context, name string) (*iam.Group, error) {
	const op = "GetGroup"
	res := groupRes(name)
	if err := begin(ctx, op, res, p.checkGroup(op, name)); err != nil {
		return nil, err
	}
	var out *iamsdk.GetGroupOutput
	err := p.consistent(ctx, func() error {
		var err error
		out, err = p.iam.GetGroup(ctx, &iamsdk.GetGroupInput{GroupName: awssdk.String(name), MaxItems: awssdk.Int32(1)})
		return err
	}, res)
	if err != nil {
		return nil, p.wrap(ctx, op, res, err)
	}
	return groupView(out.Group), nil
}

// ListGroups lists the groups under the provider's path (all groups when
// the path is "/"), paging as needed.
func (p *Provider) ListGroups(ctx context.Context) iter.Seq2[*iam.Group, error] {
	return paginate(p, ctx, "ListGroups", "groups", nil, nil, func(ctx context.Context, marker *string, max *int32) (page[*iam.Group], error) {
		out, err := p.iam.ListGroups(ctx, &iamsdk.ListGroupsInput{PathPrefix: awssdk.String(p.path), Marker: marker, MaxItems: max})
		if err != nil {
			return page[*iam.Group]{}, err
		}
		pg := page[*iam.Group]{marker: out.Marker, truncated: out.IsTruncated}
		for i := range out.Groups {
			if p.owned(out.Groups[i].Path) {
				pg.items = append(pg.items, groupView(&out.Groups[i]))
			}
		}
		return pg, nil
	})
}

// DeleteGroup deletes group name. ErrConflict while it still has members,
// attached or inline policies.
func (p *Provider) DeleteGroup(ctx context.Context, name string) error {
	const op = "DeleteGroup"
	res := groupRes(name)
	if err := begin(ctx, op, res, p.checkGroup(op, name)); err != nil {
		return err
	}
	if p.checkDep {
		if err := p.groupDependents(ctx, op, name); err != nil {
			return err
		}
	}
	if _, err := p.iam.DeleteGroup(ctx, &iamsdk.DeleteGroupInput{GroupName: awssdk.String(name)}); err != nil {
		return p.wrap(ctx, op, res, err)
	}
	p.recent.Remove(res)
	return nil
}

// groupDependents returns ErrConflict when group has members, attached or
// inline policies (Options.CheckDependents).
func (p *Provider) groupDependents(ctx context.Context, op, group string) error {
	res := groupRes(group)
	gn := awssdk.String(group)
	one := awssdk.Int32(1)
	var deps []string
	g, err := p.iam.GetGroup(ctx, &iamsdk.GetGroupInput{GroupName: gn, MaxItems: one})
	if err != nil {
		return p.wrap(ctx, op, res, err)
	}
	if len(g.Users) > 0 {
		deps = append(deps, "members")
	}
	att, err := p.iam.ListAttachedGroupPolicies(ctx, &iamsdk.ListAttachedGroupPoliciesInput{GroupName: gn, MaxItems: one})
	if err != nil {
		return p.wrap(ctx, op, res, err)
	}
	if len(att.AttachedPolicies) > 0 {
		deps = append(deps, "attached policies")
	}
	inl, err := p.iam.ListGroupPolicies(ctx, &iamsdk.ListGroupPoliciesInput{GroupName: gn, MaxItems: one})
	if err != nil {
		return p.wrap(ctx, op, res, err)
	}
	if len(inl.PolicyNames) > 0 {
		deps = append(deps, "inline policies")
	}
	if len(deps) > 0 {
		return fail(op, res, iam.ErrConflict, "group still has "+strings.Join(deps, ", ")+"; remove or detach them first", nil)
	}
	return nil
}

// AddUserToGroup makes user a member of group; adding a member again is
// not an error. ErrNotFound if either does not exist.
func (p *Provider) AddUserToGroup(ctx context.Context, group, user string) error {
	const op = "AddUserToGroup"
	res := groupRes(group)
	if err := begin(ctx, op, res, p.checkGroup(op, group), p.checkUser(op, user)); err != nil {
		return err
	}
	err := p.consistent(ctx, func() error {
		_, err := p.iam.AddUserToGroup(ctx, &iamsdk.AddUserToGroupInput{GroupName: awssdk.String(group), UserName: awssdk.String(user)})
		return err
	}, res, userRes(user))
	return p.wrap(ctx, op, res, err)
}

// RemoveUserFromGroup ends a membership; ErrNotFound if there is none.
func (p *Provider) RemoveUserFromGroup(ctx context.Context, group, user string) error {
	const op = "RemoveUserFromGroup"
	res := groupRes(group)
	if err := begin(ctx, op, res, p.checkGroup(op, group), p.checkUser(op, user)); err != nil {
		return err
	}
	_, err := p.iam.RemoveUserFromGroup(ctx, &iamsdk.RemoveUserFromGroupInput{GroupName: awssdk.String(group), UserName: awssdk.String(user)})
	return p.wrap(ctx, op, res, err)
}

// ListGroupMembers lists the users of group, wherever their path;
// ErrNotFound if the group does not exist.
func (p *Provider) ListGroupMembers(ctx context.Context, group string) iter.Seq2[*iam.User, error] {
	const op = "ListGroupMembers"
	res := groupRes(group)
	return paginate(p, ctx, op, res, p.checkGroup(op, group), []string{res}, func(ctx context.Context, marker *string, max *int32) (page[*iam.User], error) {
		out, err := p.iam.GetGroup(ctx, &iamsdk.GetGroupInput{GroupName: awssdk.String(group), Marker: marker, MaxItems: max})
		if err != nil {
			return page[*iam.User]{}, err
		}
		pg := page[*iam.User]{marker: out.Marker, truncated: out.IsTruncated}
		for i := range out.Users {
			pg.items = append(pg.items, userView(&out.Users[i]))
		}
		return pg, nil
	})
}

// ListGroupsForUser lists the groups user belongs to, wherever their path;
// ErrNotFound if the user does not exist.
func (p *Provider) ListGroupsForUser(ctx context.Context, user string) iter.Seq2[*iam.Group, error] {
	const op = "ListGroupsForUser"
	res := userRes(user)
	return paginate(p, ctx, op, res, p.checkUser(op, user), []string{res}, func(ctx context.Context, marker *string, max *int32) (page[*iam.Group], error) {
		out, err := p.iam.ListGroupsForUser(ctx, &iamsdk.ListGroupsForUserInput{UserName: awssdk.String(user), Marker: marker, MaxItems: max})
		if err != nil {
			return page[*iam.Group]{}, err
		}
		pg := page[*iam.Group]{marker: out.Marker, truncated: out.IsTruncated}
		for i := range out.Groups {
			pg.items = append(pg.items, groupView(&out.Groups[i]))
		}
		return pg, nil
	})
}
