package outscale

import (
	"context"
	"iter"
	"net/http"

	osc "github.com/outscale/osc-sdk-go/v2"

	"github.com/iamkit/iamkit/iam"
)

func groupOf(g osc.UserGroup) *iam.Group {
	return &iam.Group{Name: g.GetName(), ID: g.GetOrn(), Path: g.GetPath(), CreatedAt: parseTime(g.CreationDate)}
}

// CreateGroup creates user group name under the provider's Path.
func (p *Provider) CreateGroup(ctx context.Context, name string) (*iam.Group, error) {
	const op = "CreateGroup"
	res := "group/" + name
	if err := checkName(names.Group, op, res, name); err != nil {
		return nil, err
	}
	var out osc.CreateUserGroupResponse
	err := p.call(ctx, op, res, iam.ErrAlreadyExists, func(ctx context.Context) (*http.Response, error) {
		r, resp, err := p.api.UserGroupApi.CreateUserGroup(ctx).CreateUserGroupRequest(osc.CreateUserGroupRequest{UserGroupName: name, Path: pathArg(p.path)}).Execute()
		out = r
		return resp, err
	})
	if err != nil {
		return nil, err
	}
	p.recent.Add(res)
	if out.UserGroup == nil {
		return &iam.Group{Name: name, Path: p.path}, nil
	}
	return groupOf(*out.UserGroup), nil
}

// readGroup reads group name and its members, at the group's path (see
// withPath).
func (p *Provider) readGroup(ctx context.Context, op, name string) (osc.ReadUserGroupResponse, error) {
	res := "group/" + name
	var out osc.ReadUserGroupResponse
	err := p.withGroupPath(ctx, name, func(path *string) error {
		return p.call(ctx, op, res, nil, func(ctx context.Context) (*http.Response, error) {
			r, resp, err := p.api.UserGroupApi.ReadUserGroup(ctx).ReadUserGroupRequest(osc.ReadUserGroupRequest{UserGroupName: name, Path: path}).Execute()
			out = r
			return resp, err
		}, res)
	})
	return out, err
}

// GetGroup reads user group name, at the provider's Path, "/" or
// wherever a listing finds it.
func (p *Provider) GetGroup(ctx context.Context, name string) (*iam.Group, error) {
	const op = "GetGroup"
	res := "group/" + name
	if err := checkName(names.Group, op, res, name); err != nil {
		return nil, err
	}
	out, err := p.readGroup(ctx, op, name)
	if err != nil {
		return nil, err
	}
	if out.UserGroup == nil {
		return nil, fail(op, res, iam.ErrNotFound, "no such user group")
	}
	return groupOf(*out.UserGroup), nil
}

// ListGroups lists the account's user groups.
func (p *Provider) ListGroups(ctx context.Context) iter.Seq2[*iam.Group, error] {
	return paged(p, ctx, "ListGroups", "", func(ctx context.Context, first *int32, per int32) (page[osc.UserGroup], *http.Response, error) {
		req := osc.ReadUserGroupsRequest{FirstItem: first, ResultsPerPage: osc.PtrInt32(per)}
		r, resp, err := p.api.UserGroupApi.ReadUserGroups(ctx).ReadUserGroupsRequest(req).Execute()
		return page[osc.UserGroup]{items: r.GetUserGroups(), hasMore: r.HasMoreItems}, resp, err
	}, func(g osc.UserGroup) string { return g.GetUserGroupId() + "/" + g.GetName() }, groupOf)
}

// DeleteGroup deletes user group name; iam.ErrConflict while it has
// members or policies (it never forces).
func (p *Provider) DeleteGroup(ctx context.Context, name string) error {
	const op = "DeleteGroup"
	res := "group/" + name
	if err := checkName(names.Group, op, res, name); err != nil {
		return err
	}
	err := p.withGroupPath(ctx, name, func(path *string) error {
		return p.call(ctx, op, res, iam.ErrConflict, func(ctx context.Context) (*http.Response, error) {
			_, resp, err := p.api.UserGroupApi.DeleteUserGroup(ctx).DeleteUserGroupRequest(osc.DeleteUserGroupRequest{UserGroupName: name, Path: path}).Execute()
			return resp, err
		}, res)
	})
	if err == nil {
		p.recent.Remove(res)
	}
	return err
}

func (p *Provider) checkMembership(op, group, user string) (string, error) {
	res := "group/" + group + " user/" + user
	if err := checkName(names.Group, op, res, group); err != nil {
		return res, err
	}
	return res, checkName(names.User, op, res, user)
}

// AddUserToGroup makes user a member of group. Adding a member again is
// not an error: the API's 409 is checked against the group's members.
func (p *Provider) AddUserToGroup(ctx context.Context, group, user string) error {
	const op = "AddUserToGroup"
	res, err := p.checkMembership(op, group, user)
	if err != nil {
		return err
	}
	err = p.withMemberPaths(ctx, group, user, func(groupPath, userPath *string) error {
		return p.call(ctx, op, res, iam.ErrConflict, func(ctx context.Context) (*http.Response, error) {
			_, resp, err := p.api.UserGroupApi.AddUserToUserGroup(ctx).AddUserToUserGroupRequest(osc.AddUserToUserGroupRequest{
				UserGroupName: group, UserGroupPath: groupPath, UserName: user, UserPath: userPath,
			}).Execute()
			return resp, err
		}, "group/"+group, "user/"+user)
	})
	if isKind(err, iam.ErrConflict) {
		if member, lerr := p.isMember(ctx, group, user); lerr == nil && member {
			return nil
		}
	}
	return err
}

func (p *Provider) isMember(ctx context.Context, group, user string) (bool, error) {
	out, err := p.readGroup(ctx, "AddUserToGroup", group)
	if err != nil {
		return false, err
	}
	for _, u := range out.GetUsers() {
		if u.GetUserName() == user {
			return true, nil
		}
	}
	return false, nil
}

// RemoveUserFromGroup ends a membership; iam.ErrNotFound if there is none.
func (p *Provider) RemoveUserFromGroup(ctx context.Context, group, user string) error {
	const op = "RemoveUserFromGroup"
	res, err := p.checkMembership(op, group, user)
	if err != nil {
		return err
	}
	return p.withMemberPaths(ctx, group, user, func(groupPath, userPath *string) error {
		return p.call(ctx, op, res, iam.ErrConflict, func(ctx context.Context) (*http.Response, error) {
			_, resp, err := p.api.UserGroupApi.RemoveUserFromUserGroup(ctx).RemoveUserFromUserGroupRequest(osc.RemoveUserFromUserGroupRequest{
				UserGroupName: group, UserGroupPath: groupPath, UserName: user, UserPath: userPath,
			}).Execute()
			return resp, err
		})
	})
}

// ListGroupMembers lists the users of group (ReadUserGroup answers them
// all at once).
func (p *Provider) ListGroupMembers(ctx context.Context, group string) iter.Seq2[*iam.User, error] {
	const op = "ListGroupMembers"
	res := "group/" + group
	if err := checkName(names.Group, op, res, group); err != nil {
		return errSeq[iam.User](err)
	}
	return groupSeq(p, ctx, group, func(path *string) iter.Seq2[*iam.User, error] {
		return single(ctx, p, op, res, func(ctx context.Context) ([]*iam.User, *http.Response, error) {
			r, resp, err := p.api.UserGroupApi.ReadUserGroup(ctx).ReadUserGroupRequest(osc.ReadUserGroupRequest{UserGroupName: group, Path: path}).Execute()
			var out []*iam.User
			for _, u := range r.GetUsers() {
				out = append(out, userOf(u))
			}
			return out, resp, err
		}, res)
	})
}

// ListGroupsForUser lists the groups user belongs to.
func (p *Provider) ListGroupsForUser(ctx context.Context, user string) iter.Seq2[*iam.Group, error] {
	const op = "ListGroupsForUser"
	res := "user/" + user
	if err := checkName(names.User, op, res, user); err != nil {
		return errSeq[iam.Group](err)
	}
	return func(yield func(*iam.Group, error) bool) {
		var groups []*iam.Group
		err := p.withUserPath(ctx, user, func(path *string) error {
			return p.call(ctx, op, res, nil, func(ctx context.Context) (*http.Response, error) {
				r, resp, err := p.api.UserGroupApi.ReadUserGroupsPerUser(ctx).ReadUserGroupsPerUserRequest(osc.ReadUserGroupsPerUserRequest{UserName: user, UserPath: path}).Execute()
				groups = groups[:0]
				for _, g := range r.GetUserGroups() {
					groups = append(groups, groupOf(g))
				}
				return resp, err
			}, res)
		})
		if err != nil {
			yield(nil, err)
			return
		}
		for _, g := range groups {
			if !yield(g, nil) {
				return
			}
		}
	}
}
