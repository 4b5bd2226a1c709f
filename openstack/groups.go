package openstack

import (
	"context"
	"iter"

	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/groups"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/users"
	"github.com/gophercloud/gophercloud/v2/pagination"

	"github.com/iamkit/iamkit/iam"
)

func groupsOf(page pagination.Page) ([]groups.Group, error) { return groups.ExtractGroups(page) }

func groupOf(g *groups.Group) *iam.Group {
	return &iam.Group{Name: g.Name, ID: g.ID, Path: extraString(g.Extra, xPath), CreatedAt: extraTime(g.Extra, xCreated)}
}

// CreateGroup creates Keystone group name in the provider's domain, marked
// as iamkit's.
func (p *Provider) CreateGroup(ctx context.Context, name string) (*iam.Group, error) {
	const op = "CreateGroup"
	res := "group/" + name
	if err := check(ctx, names.Group, op, res, name); err != nil {
		return nil, err
	}
	if _, err := p.findGroup(ctx, op, name); err == nil {
		return nil, fail(op, res, iam.ErrAlreadyExists, "a group of this name exists in the domain")
	} else if iam.KindOf(err) != iam.ErrNotFound {
		return nil, err
	}
	g, err := groups.Create(ctx, p.id, groups.CreateOpts{Name: name, DomainID: p.domain, Description: xGroupDesc,
		Extra: map[string]any{xPath: iam.DefaultPath, xCreated: now()}}).Extract()
	if err != nil {
		return nil, wrapAs(op, res, iam.ErrAlreadyExists, err)
	}
	return groupOf(g), nil
}

// findGroup returns the group of that name in the provider's domain.
func (p *Provider) findGroup(ctx context.Context, op, name string) (*groups.Group, error) {
	res := "group/" + name
	gs, err := collect(ctx, groups.List(p.id, groups.ListOpts{Name: name, DomainID: p.domain}), groupsOf)
	if err != nil {
		return nil, wrap(op, res, err)
	}
	for i := range gs {
		if gs[i].Name == name {
			return &gs[i], nil
		}
	}
	return nil, fail(op, res, iam.ErrNotFound, "no such group in domain "+p.domain)
}

// GetGroup returns group name.
func (p *Provider) GetGroup(ctx context.Context, name string) (*iam.Group, error) {
	const op = "GetGroup"
	if err := check(ctx, names.Group, op, "group/"+name, name); err != nil {
		return nil, err
	}
	g, err := p.findGroup(ctx, op, name)
	if err != nil {
		return nil, err
	}
	return groupOf(g), nil
}

// ListGroups lists the groups of the domain that iamkit made.
func (p *Provider) ListGroups(ctx context.Context) iter.Seq2[*iam.Group, error] {
	return listAll(ctx, "ListGroups", "", groups.List(p.id, groups.ListOpts{DomainID: p.domain}), groupsOf, ownedGroup)
}

func ownedGroup(g *groups.Group) *iam.Group {
	if extraString(g.Extra, xPath) == "" {
		return nil
	}
	return groupOf(g)
}

// DeleteGroup deletes group name; iam.ErrConflict while it has members or
// policies.
func (p *Provider) DeleteGroup(ctx context.Context, name string) error {
	const op = "DeleteGroup"
	res := "group/" + name
	if err := check(ctx, names.Group, op, res, name); err != nil {
		return err
	}
	g, err := p.findGroup(ctx, op, name)
	if err != nil {
		return err
	}
	members, err := collect(ctx, users.ListInGroup(p.id, g.ID, nil), users.ExtractUsers)
	if err != nil {
		return wrap(op, res, err)
	}
	if len(members) > 0 {
		return fail(op, res, iam.ErrConflict, "the group still has member "+members[0].Name)
	}
	attached, err := p.assignedPolicies(ctx, op, assignee{group: g.ID})
	if err != nil {
		return err
	}
	if len(attached) > 0 {
		return fail(op, res, iam.ErrConflict, "the group still has policy "+attached[0].Name)
	}
	return wrap(op, res, groups.Delete(ctx, p.id, g.ID).ExtractErr())
}

// userAndGroup resolves a user and a group by name.
func (p *Provider) userAndGroup(ctx context.Context, op, group, user string) (*users.User, *groups.Group, error) {
	res := "group/" + group
	if err := check(ctx, names.Group, op, res, group); err != nil {
		return nil, nil, err
	}
	if err := check(ctx, names.User, op, "user/"+user, user); err != nil {
		return nil, nil, err
	}
	g, err := p.findGroup(ctx, op, group)
	if err != nil {
		return nil, nil, err
	}
	u, err := p.findUser(ctx, op, user)
	if err != nil {
		return nil, nil, err
	}
	return u, g, nil
}

// AddUserToGroup makes user a member of group.
func (p *Provider) AddUserToGroup(ctx context.Context, group, user string) error {
	const op = "AddUserToGroup"
	u, g, err := p.userAndGroup(ctx, op, group, user)
	if err != nil {
		return err
	}
	return wrap(op, "group/"+group, users.AddToGroup(ctx, p.id, g.ID, u.ID).ExtractErr())
}

// RemoveUserFromGroup ends a membership; iam.ErrNotFound if there is none.
func (p *Provider) RemoveUserFromGroup(ctx context.Context, group, user string) error {
	const op = "RemoveUserFromGroup"
	u, g, err := p.userAndGroup(ctx, op, group, user)
	if err != nil {
		return err
	}
	if err := users.RemoveFromGroup(ctx, p.id, g.ID, u.ID).ExtractErr(); err != nil {
		return wrap(op, "group/"+group, err)
	}
	// The user's keys must lose the rules of the group's policies.
	return p.revokeStale(ctx, op, []string{u.ID})
}

// ListGroupMembers lists the users of group.
func (p *Provider) ListGroupMembers(ctx context.Context, group string) iter.Seq2[*iam.User, error] {
	const op = "ListGroupMembers"
	res := "group/" + group
	return scoped(ctx, names.Group, op, res, group, func() (*groups.Group, error) { return p.findGroup(ctx, op, group) },
		func(g *groups.Group) iter.Seq2[*iam.User, error] {
			return listAll(ctx, op, res, users.ListInGroup(p.id, g.ID, nil), users.ExtractUsers, userOf)
		})
}

// ListGroupsForUser lists the groups user belongs to.
func (p *Provider) ListGroupsForUser(ctx context.Context, user string) iter.Seq2[*iam.Group, error] {
	const op = "ListGroupsForUser"
	res := "user/" + user
	return scoped(ctx, names.User, op, res, user, func() (*users.User, error) { return p.findUser(ctx, op, user) },
		func(u *users.User) iter.Seq2[*iam.Group, error] {
			return listAll(ctx, op, res, users.ListGroups(p.id, u.ID), groupsOf, groupOf)
		})
}
