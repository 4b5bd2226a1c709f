package ovh

import (
	"context"
	"iter"
	"net/http"
	"slices"
	"time"

	"github.com/iamkit/iamkit/iam"
)

// group is a local identity group as /me/identity/group reads it.
type group struct {
	Name         string    `json:"name"`
	Description  string    `json:"description,omitempty"`
	Role         string    `json:"role,omitempty"`
	URN          string    `json:"urn,omitempty"`
	DefaultGroup bool      `json:"defaultGroup,omitempty"`
	Creation     time.Time `json:"creation"`
}

// groupRequest is the body of POST /me/identity/group.
type groupRequest struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Role        string `json:"role"`
}

func (p *Provider) groupURN(g *group) string {
	if g.URN != "" {
		return g.URN
	}
	return "urn:v1:" + p.region + ":identity:group:" + p.nic + "/" + g.Name
}

func (p *Provider) toGroup(g *group) *iam.Group {
	return &iam.Group{Name: g.Name, ID: p.groupURN(g), CreatedAt: g.Creation}
}

func (p *Provider) getGroup(ctx context.Context, op, name string) (*group, error) {
	var g group
	if err := p.get(ctx, "/me/identity/group/"+esc(name), &g); err != nil {
		return nil, wrap(op, "group/"+name, err)
	}
	if g.Name == "" {
		g.Name = name
	}
	return &g, nil
}

// CreateGroup creates a local identity group with the role NONE: its
// rights come from the policies that name it.
func (p *Provider) CreateGroup(ctx context.Context, name string) (*iam.Group, error) {
	const op = "CreateGroup"
	if err := checkName(op, names.Group, name); err != nil {
		return nil, err
	}
	var g group
	body := groupRequest{Name: name, Description: "iamkit group", Role: "NONE"}
	if err := p.call(ctx, http.MethodPost, "/me/identity/group", body, &g); err != nil {
		return nil, wrap(op, "group/"+name, err)
	}
	if g.Name == "" {
		g.Name = name
	}
	return p.toGroup(&g), nil
}

// GetGroup returns group name.
func (p *Provider) GetGroup(ctx context.Context, name string) (*iam.Group, error) {
	if err := checkName("GetGroup", names.Group, name); err != nil {
		return nil, err
	}
	g, err := p.getGroup(ctx, "GetGroup", name)
	if err != nil {
		return nil, err
	}
	return p.toGroup(g), nil
}

// ListGroups lists the account's groups, except OVHcloud's default ones.
func (p *Provider) ListGroups(ctx context.Context) iter.Seq2[*iam.Group, error] {
	return func(yield func(*iam.Group, error) bool) {
		var list []string
		if err := p.get(ctx, "/me/identity/group", &list); err != nil {
			yield(nil, wrap("ListGroups", "", err))
			return
		}
		slices.Sort(list)
		for _, n := range list {
			g, err := p.getGroup(ctx, "ListGroups", n)
			if iam.KindOf(err) == iam.ErrNotFound {
				continue
			}
			if err != nil {
				yield(nil, err)
				return
			}
			if g.DefaultGroup {
				continue
			}
			if !yield(p.toGroup(g), nil) {
				return
			}
		}
	}
}

// DeleteGroup deletes group name; ErrConflict while a policy names it
// (and, from OVHcloud, while local users belong to it).
func (p *Provider) DeleteGroup(ctx context.Context, name string) error {
	const op = "DeleteGroup"
	if err := checkName(op, names.Group, name); err != nil {
		return err
	}
	g, err := p.getGroup(ctx, op, name)
	if err != nil {
		return err
	}
	urn := p.groupURN(g)
	for pol, err := range p.policies(ctx) {
		if err != nil {
			return wrap(op, "group/"+name, err)
		}
		if slices.Contains(pol.Identities, urn) {
			return fail(op, "group/"+name, iam.ErrConflict, "policy "+pol.Name+" names the group; detach it first")
		}
	}
	return wrap(op, "group/"+name, p.call(ctx, http.MethodDelete, "/me/identity/group/"+esc(name), nil, nil))
}

const noMembership = "OVHcloud service accounts cannot join identity groups (only local users can); attach the policy to the service account instead"

// AddUserToGroup returns ErrUnsupported: service accounts cannot join
// groups on OVHcloud. With Options.LocalUsers it sets the local user's
// group (ErrConflict while the user is in another, non-default, group:
// a local user has one group).
func (p *Provider) AddUserToGroup(ctx context.Context, grp, user string) error {
	const op = "AddUserToGroup"
	if err := checkName(op, names.Group, grp); err != nil {
		return err
	}
	if err := checkName(op, p.userRule(), user); err != nil {
		return err
	}
	if p.local {
		return p.addLocal(ctx, op, grp, user)
	}
	return fail(op, "group/"+grp, iam.ErrUnsupported, noMembership)
}

// RemoveUserFromGroup returns ErrUnsupported, as AddUserToGroup. With
// Options.LocalUsers it puts the member back in the DEFAULT group.
func (p *Provider) RemoveUserFromGroup(ctx context.Context, grp, user string) error {
	const op = "RemoveUserFromGroup"
	if err := checkName(op, names.Group, grp); err != nil {
		return err
	}
	if err := checkName(op, p.userRule(), user); err != nil {
		return err
	}
	if p.local {
		return p.removeLocal(ctx, op, grp, user)
	}
	return fail(op, "group/"+grp, iam.ErrUnsupported, noMembership)
}

// ListGroupMembers lists no one once the group is found: iamkit's users
// are service accounts, which never belong to groups. With
// Options.LocalUsers it lists iamkit's local users in the group.
func (p *Provider) ListGroupMembers(ctx context.Context, grp string) iter.Seq2[*iam.User, error] {
	return func(yield func(*iam.User, error) bool) {
		if err := checkName("ListGroupMembers", names.Group, grp); err != nil {
			yield(nil, err)
			return
		}
		if p.local {
			for u, err := range p.localMembers(ctx, grp) {
				if !yield(u, err) || err != nil {
					return
				}
			}
			return
		}
		if _, err := p.getGroup(ctx, "ListGroupMembers", grp); err != nil {
			yield(nil, err)
		}
	}
}

// ListGroupsForUser lists no group once the service account is found.
// With Options.LocalUsers it lists the local user's group, unless that is
// one of OVHcloud's default groups.
func (p *Provider) ListGroupsForUser(ctx context.Context, user string) iter.Seq2[*iam.Group, error] {
	return func(yield func(*iam.Group, error) bool) {
		if err := checkName("ListGroupsForUser", p.userRule(), user); err != nil {
			yield(nil, err)
			return
		}
		if p.local {
			for g, err := range p.localGroups(ctx, user) {
				if !yield(g, err) || err != nil {
					return
				}
			}
			return
		}
		if _, err := p.findClient(ctx, "ListGroupsForUser", user); err != nil {
			yield(nil, err)
		}
	}
}
