package ovh

import (
	"context"
	"iter"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/iamkit/iamkit/iam"
)

// localDesc marks the local identity users iamkit made: ListUsers lists
// only those, and the adapter acts on no other.
const localDesc = "iamkit local user"

// defaultGroup is the group OVHcloud puts a local user in when it names
// none; RemoveUserFromGroup puts the user back there.
const defaultGroup = "DEFAULT"

// localName is the rule of local user logins as iamkit applies it.
var localName = iam.NameRule{What: "local user login", Max: 32, Allowed: iam.CharsIn("_.-"), Describe: "letters, digits and _.-"}

// userRule returns the name rule of the provider's users.
func (p *Provider) userRule() iam.NameRule {
	if p.local {
		return localName
	}
	return names.User
}

// localUser is a local identity user as /me/identity/user/{user} reads it.
type localUser struct {
	Login       string    `json:"login"`
	Description string    `json:"description,omitempty"`
	Email       *string   `json:"email,omitempty"`
	Group       string    `json:"group,omitempty"`
	Type        string    `json:"type,omitempty"`
	URN         string    `json:"urn,omitempty"`
	Creation    time.Time `json:"creation"`
}

// localUserRequest is the body of POST /me/identity/user.
type localUserRequest struct {
	Login       string `json:"login"`
	Description string `json:"description"`
	Group       string `json:"group"`
}

// localUserUpdate is the body of PUT /me/identity/user/{user}.
type localUserUpdate struct {
	Description string  `json:"description"`
	Email       *string `json:"email,omitempty"`
	Group       string  `json:"group"`
}

func (u *localUser) iamkits() bool { return strings.HasPrefix(u.Description, localDesc) }

// localURN returns the IAM identity URN of a local user.
func (p *Provider) localURN(u *localUser) string {
	if u.URN != "" {
		return u.URN
	}
	return "urn:v1:" + p.region + ":identity:user:" + p.nic + "/" + u.Login
}

// userOfLocal converts u; an iamkit user (its description says so) reads
// as being under iam.DefaultPath, as toGroup explains.
func (p *Provider) userOfLocal(u *localUser) *iam.User {
	out := &iam.User{Name: u.Login, ID: p.localURN(u), CreatedAt: u.Creation}
	if u.iamkits() {
		out.Path = iam.DefaultPath
	}
	return out
}

// findLocal returns iamkit's local user login.
func (p *Provider) findLocal(ctx context.Context, op, login string) (*localUser, error) {
	var u localUser
	if err := p.get(ctx, "/me/identity/user/"+esc(login), &u); err != nil {
		return nil, wrap(op, "user/"+login, err)
	}
	if u.Login == "" {
		u.Login = login
	}
	if !u.iamkits() {
		return nil, fail(op, "user/"+login, iam.ErrNotFound, "no local user of that login made by iamkit")
	}
	return &u, nil
}

// userURN returns the identity URN of the provider's user name.
func (p *Provider) userURN(ctx context.Context, op, name string) (string, error) {
	if p.local {
		u, err := p.findLocal(ctx, op, name)
		if err != nil {
			return "", err
		}
		return p.localURN(u), nil
	}
	c, err := p.lookupClient(ctx, op, name)
	if err != nil {
		return "", err
	}
	return p.identityURN(c), nil
}

// locals lists iamkit's local users, by login.
func (p *Provider) locals(ctx context.Context, op string) iter.Seq2[*localUser, error] {
	return func(yield func(*localUser, error) bool) {
		var logins []string
		if err := p.get(ctx, "/me/identity/user", &logins); err != nil {
			yield(nil, wrap(op, "", err))
			return
		}
		slices.Sort(logins)
		for _, l := range logins {
			u, err := p.findLocal(ctx, op, l)
			if iam.KindOf(err) == iam.ErrNotFound {
				continue // deleted meanwhile, or not iamkit's
			}
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(u, nil) {
				return
			}
		}
	}
}

// createLocal creates local user name in the DEFAULT group: ErrInvalid,
// before anything is created, while that group's role is not NONE.
func (p *Provider) createLocal(ctx context.Context, op, name string) (*iam.User, error) {
	if err := p.checkDefaultRole(ctx, op, "user/"+name, "a new local user is placed in"); err != nil {
		return nil, err
	}
	body := localUserRequest{Login: name, Description: localDesc, Group: defaultGroup}
	if err := p.call(ctx, http.MethodPost, "/me/identity/user", body, nil); err != nil {
		return nil, wrap(op, "user/"+name, err)
	}
	u, err := p.findLocal(ctx, op, name)
	if err != nil {
		return nil, err
	}
	return p.userOfLocal(u), nil
}

func (p *Provider) listLocals(ctx context.Context) iter.Seq2[*iam.User, error] {
	return func(yield func(*iam.User, error) bool) {
		for u, err := range p.locals(ctx, "ListUsers") {
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(p.userOfLocal(u), nil) {
				return
			}
		}
	}
}

func (p *Provider) deleteLocal(ctx context.Context, op, name string) error {
	u, err := p.findLocal(ctx, op, name)
	if err != nil {
		return err
	}
	if g, err := p.getGroup(ctx, op, u.Group); err == nil && !g.DefaultGroup {
		return fail(op, "user/"+name, iam.ErrConflict, "the user is a member of group "+u.Group+"; remove it from the group first")
	}
	keys, err := p.patNames(ctx, op, name)
	if err != nil {
		return err
	}
	if len(keys) > 0 {
		return fail(op, "user/"+name, iam.ErrConflict, "the user has access keys (personal access tokens "+strings.Join(keys, ", ")+"); delete them first")
	}
	urn := p.localURN(u)
	for pol, err := range p.policies(ctx) {
		if err != nil {
			return wrap(op, "user/"+name, err)
		}
		if slices.Contains(pol.Identities, urn) {
			return fail(op, "user/"+name, iam.ErrConflict, "policy "+pol.Name+" names the user; detach it first")
		}
	}
	return wrap(op, "user/"+name, p.call(ctx, http.MethodDelete, "/me/identity/user/"+esc(name), nil, nil))
}

// setLocalGroup puts local user u in group grp.
func (p *Provider) setLocalGroup(ctx context.Context, op string, u *localUser, grp string) error {
	body := localUserUpdate{Description: u.Description, Email: u.Email, Group: grp}
	return wrap(op, "user/"+u.Login, p.call(ctx, http.MethodPut, "/me/identity/user/"+esc(u.Login), body, nil))
}

// addLocal puts the user in group grp: a local user belongs to one group,
// so ErrConflict while it belongs to another (non-default) one; ErrInvalid
// when grp's role is not NONE (checkRole).
func (p *Provider) addLocal(ctx context.Context, op, grp, user string) error {
	g, err := p.getGroup(ctx, op, grp)
	if err != nil {
		return err
	}
	if err := p.checkRole(op, "group/"+grp, g, "user "+user+" would join"); err != nil {
		return err
	}
	u, err := p.findLocal(ctx, op, user)
	if err != nil {
		return err
	}
	if u.Group == g.Name {
		return nil
	}
	if cur, err := p.getGroup(ctx, op, u.Group); err == nil && !cur.DefaultGroup {
		return fail(op, "user/"+user, iam.ErrConflict, "an OVHcloud local user belongs to one group and this one is in group "+u.Group+"; remove it from that group first")
	}
	return p.setLocalGroup(ctx, op, u, g.Name)
}

// removeLocal puts the user back in the default group: ErrInvalid while
// that group's role is not NONE.
func (p *Provider) removeLocal(ctx context.Context, op, grp, user string) error {
	g, err := p.getGroup(ctx, op, grp)
	if err != nil {
		return err
	}
	u, err := p.findLocal(ctx, op, user)
	if err != nil {
		return err
	}
	if u.Group != g.Name || g.DefaultGroup {
		return fail(op, "group/"+grp, iam.ErrNotFound, "user "+user+" is not a member of the group")
	}
	if err := p.checkDefaultRole(ctx, op, "group/"+grp, "user "+user+" would go back to"); err != nil {
		return err
	}
	return p.setLocalGroup(ctx, op, u, defaultGroup)
}

func (p *Provider) localMembers(ctx context.Context, grp string) iter.Seq2[*iam.User, error] {
	const op = "ListGroupMembers"
	return func(yield func(*iam.User, error) bool) {
		g, err := p.getGroup(ctx, op, grp)
		if err != nil {
			yield(nil, err)
			return
		}
		for u, err := range p.locals(ctx, op) {
			if err != nil {
				yield(nil, err)
				return
			}
			if u.Group == g.Name && !yield(p.userOfLocal(u), nil) {
				return
			}
		}
	}
}

func (p *Provider) localGroups(ctx context.Context, user string) iter.Seq2[*iam.Group, error] {
	const op = "ListGroupsForUser"
	return func(yield func(*iam.Group, error) bool) {
		u, err := p.findLocal(ctx, op, user)
		if err != nil {
			yield(nil, err)
			return
		}
		if u.Group == "" {
			return
		}
		g, err := p.getGroup(ctx, op, u.Group)
		if iam.KindOf(err) == iam.ErrNotFound {
			return
		}
		if err != nil {
			yield(nil, err)
			return
		}
		if !g.DefaultGroup {
			yield(p.toGroup(g), nil)
		}
	}
}
