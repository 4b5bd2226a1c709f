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

// toGroup converts g. OVHcloud groups have no path: one iamkit made
// (its description says so) reads as being under iam.DefaultPath, which is
// how iam tells what it owns; any other has no path.
func (p *Provider) toGroup(g *group) *iam.Group {
	out := &iam.Group{Name: g.Name, ID: p.groupURN(g), CreatedAt: g.Creation}
	if g.Description == groupDesc {
		out.Path = iam.DefaultPath
	}
	return out
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

// groupDesc is the description of the groups iamkit makes, which marks
// them as iamkit's.
const groupDesc = "iamkit group"

// roleNone is the group role that grants nothing on the account: a
// member's rights are then those of the IAM policies only.
const roleNone = "NONE"

// checkRole refuses, with ErrInvalid, to put a user in group g (why says
// how the call would) when g's account-wide role is not NONE, unless
// Options.AllowPrivilegedGroups.
func (p *Provider) checkRole(op, resource string, g *group, why string) error {
	if g.Role == roleNone || p.allowPriv {
		return nil
	}
	role := "role " + g.Role
	if g.Role == "" {
		role = "a role OVHcloud did not give"
	}
	return fail(op, resource, iam.ErrInvalid, why+" group "+g.Name+", which has "+role+
		": OVHcloud grants a group's role to its members on the whole account, beyond their IAM policies, so the user's access keys "+
		"could do more than its policies allow; iamkit uses groups of role NONE only (set ovh.Options.AllowPrivilegedGroups to allow it)")
}

// defaultGroupOf returns the DEFAULT group, read at the first call of the
// provider and then remembered (a failed read is not).
func (p *Provider) defaultGroupOf(ctx context.Context, op string) (*group, error) {
	var g *group
	select {
	case g = <-p.defGroup:
	case <-ctx.Done():
		return nil, wrap(op, "group/"+defaultGroup, ctx.Err())
	}
	if g != nil {
		p.defGroup <- g
		return g, nil
	}
	g, err := p.getGroup(ctx, op, defaultGroup)
	if err != nil {
		p.defGroup <- nil
		return nil, err
	}
	p.defGroup <- g
	return g, nil
}

// checkDefaultRole refuses, as checkRole, a call that would put a user in
// the DEFAULT group while that group's role is not NONE. It reads the
// group once per provider, and not at all with
// Options.AllowPrivilegedGroups.
func (p *Provider) checkDefaultRole(ctx context.Context, op, resource, why string) error {
	if p.allowPriv {
		return nil
	}
	g, err := p.defaultGroupOf(ctx, op)
	if err != nil {
		return err
	}
	return p.checkRole(op, resource, g, why)
}

// CreateGroup creates a local identity group with the role NONE: its
// rights come from the policies that name it.
func (p *Provider) CreateGroup(ctx context.Context, name string) (*iam.Group, error) {
	const op = "CreateGroup"
	if err := checkName(op, names.Group, name); err != nil {
		return nil, err
	}
	var g group
	body := groupRequest{Name: name, Description: groupDesc, Role: roleNone}
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
// a local user has one group). A group whose account-wide role is not
// NONE (one made outside iamkit, or OVHcloud's ADMIN, REGULAR and
// UNPRIVILEGED) is refused with ErrInvalid unless
// Options.AllowPrivilegedGroups: its role would give the user rights its
// policies do not.
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
// Options.LocalUsers it puts the member back in the DEFAULT group,
// refused with ErrInvalid, as AddUserToGroup, while that group's role is
// not NONE.
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
		if _, err := p.lookupClient(ctx, "ListGroupsForUser", user); err != nil {
			yield(nil, err)
		}
	}
}
