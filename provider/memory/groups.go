package memory

import (
	"context"
	"iter"
	"strings"
	"time"

	"github.com/iamkit/iamkit/iam"
)

// group is a stored group, its members and its attached policies.
type group struct {
	name     string
	path     string
	created  time.Time
	members  map[string]struct{}
	policies map[string]struct{}
}

// view returns a copy the caller may change freely.
func (g *group) view() *iam.Group {
	return &iam.Group{Name: g.name, ID: arn("group", g.path, g.name), Path: g.path, CreatedAt: g.created}
}

// CreateGroup creates group name, with path "/iamkit/". ErrAlreadyExists
// if it exists.
func (p *Provider) CreateGroup(ctx context.Context, name string) (*iam.Group, error) {
	const op = "CreateGroup"
	res := groupRes(name)
	if err := p.begin(ctx, op, res, checkName(op, p.rules.Group, "group", name)); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.groups[name]; ok {
		return nil, fail(op, res, iam.ErrAlreadyExists, "")
	}
	g := &group{name: name, path: defaultPath, created: p.now(), members: map[string]struct{}{}, policies: map[string]struct{}{}}
	p.groups[name] = g
	if err := p.commit(op, res); err != nil {
		return nil, err
	}
	return g.view(), nil
}

// GetGroup returns group name, or ErrNotFound.
func (p *Provider) GetGroup(ctx context.Context, name string) (*iam.Group, error) {
	const op = "GetGroup"
	res := groupRes(name)
	if err := p.begin(ctx, op, res, checkName(op, p.rules.Group, "group", name)); err != nil {
		return nil, err
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	g, ok := p.groups[name]
	if !ok {
		return nil, fail(op, res, iam.ErrNotFound, "")
	}
	return g.view(), nil
}

// ListGroups lists every group, ordered by name.
func (p *Provider) ListGroups(ctx context.Context) iter.Seq2[*iam.Group, error] {
	return paginate(p, ctx, "ListGroups", "groups", nil, func(after string) ([]*iam.Group, string, bool, error) {
		items, last, more := pageOf(p.groups, after, p.pageSize, func(_ string, g *group) *iam.Group { return g.view() })
		return items, last, more, nil
	})
}

// DeleteGroup deletes group name. ErrConflict while it still has members
// or attached policies.
func (p *Provider) DeleteGroup(ctx context.Context, name string) error {
	const op = "DeleteGroup"
	res := groupRes(name)
	if err := p.begin(ctx, op, res, checkName(op, p.rules.Group, "group", name)); err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	g, ok := p.groups[name]
	if !ok {
		return fail(op, res, iam.ErrNotFound, "")
	}
	var deps []string
	if n := len(g.members); n > 0 {
		deps = append(deps, plural(n, "member", "members"))
	}
	if n := len(g.policies); n > 0 {
		deps = append(deps, plural(n, "attached policy", "attached policies"))
	}
	if len(deps) > 0 {
		return fail(op, res, iam.ErrConflict, "group still has %s; remove or detach them first", strings.Join(deps, ", "))
	}
	delete(p.groups, name)
	return p.commit(op, res)
}

// AddUserToGroup makes user a member of group; adding a member again is
// not an error. ErrNotFound if either does not exist.
func (p *Provider) AddUserToGroup(ctx context.Context, groupName, userName string) error {
	return p.changeMembership(ctx, "AddUserToGroup", groupName, userName, func(g *group, u *user) error {
		g.members[userName] = struct{}{}
		u.groups[groupName] = struct{}{}
		return nil
	})
}

// RemoveUserFromGroup ends a membership; ErrNotFound if there is none.
func (p *Provider) RemoveUserFromGroup(ctx context.Context, groupName, userName string) error {
	const op = "RemoveUserFromGroup"
	return p.changeMembership(ctx, op, groupName, userName, func(g *group, u *user) error {
		if _, ok := g.members[userName]; !ok {
			return fail(op, groupRes(groupName), iam.ErrNotFound, "user/%s is not a member", userName)
		}
		delete(g.members, userName)
		delete(u.groups, groupName)
		return nil
	})
}

// changeMembership runs op, which changes the membership of user userName
// in group groupName: it checks both names, looks up both ends
// (ErrNotFound if either does not exist), calls change on them under
// p.mu, and commits unless change fails.
func (p *Provider) changeMembership(ctx context.Context, op, groupName, userName string, change func(*group, *user) error) error {
	res := groupRes(groupName)
	invalid := firstErr(checkName(op, p.rules.Group, "group", groupName), checkName(op, p.rules.User, "user", userName))
	if err := p.begin(ctx, op, res, invalid); err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	g, ok := p.groups[groupName]
	if !ok {
		return fail(op, res, iam.ErrNotFound, "")
	}
	u, ok := p.users[userName]
	if !ok {
		return fail(op, userRes(userName), iam.ErrNotFound, "")
	}
	if err := change(g, u); err != nil {
		return err
	}
	return p.commit(op, res)
}

// ListGroupMembers lists the users of group, ordered by name; ErrNotFound
// if the group does not exist.
func (p *Provider) ListGroupMembers(ctx context.Context, groupName string) iter.Seq2[*iam.User, error] {
	const op = "ListGroupMembers"
	res := groupRes(groupName)
	invalid := checkName(op, p.rules.Group, "group", groupName)
	return paginate(p, ctx, op, res, invalid, func(after string) ([]*iam.User, string, bool, error) {
		g, ok := p.groups[groupName]
		if !ok {
			return nil, "", false, fail(op, res, iam.ErrNotFound, "")
		}
		items, last, more := pageOf(g.members, after, p.pageSize, func(n string, _ struct{}) *iam.User { return p.users[n].view() })
		return items, last, more, nil
	})
}

// ListGroupsForUser lists the groups user belongs to, ordered by name;
// ErrNotFound if the user does not exist.
func (p *Provider) ListGroupsForUser(ctx context.Context, userName string) iter.Seq2[*iam.Group, error] {
	const op = "ListGroupsForUser"
	res := userRes(userName)
	invalid := checkName(op, p.rules.User, "user", userName)
	return paginate(p, ctx, op, res, invalid, func(after string) ([]*iam.Group, string, bool, error) {
		u, ok := p.users[userName]
		if !ok {
			return nil, "", false, fail(op, res, iam.ErrNotFound, "")
		}
		items, last, more := pageOf(u.groups, after, p.pageSize, func(n string, _ struct{}) *iam.Group { return p.groups[n].view() })
		return items, last, more, nil
	})
}
