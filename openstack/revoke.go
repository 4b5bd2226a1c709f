package openstack

import (
	"context"
	"slices"
	"strings"

	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/applicationcredentials"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/ec2credentials"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/roles"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/users"

	"github.com/iamkit/iamkit/iam"
)

// An application credential's access rules are fixed when it is made, so a
// change that narrows what a user may do (UpdatePolicy, DetachPolicy,
// RemoveUserFromGroup) would leave its keys wider than its policies. The
// provider then deletes the iamkit keys whose rules the user's policies no
// longer all grant: narrowing takes effect at once, as it does on clouds
// with policy documents, and the tool whose rights were cut gets a new key
// with iam.Rotate. (With EC2 credentials and without AllowWideKeys, a
// user whose roles now grant more than its policies loses its EC2 keys.)

// revokeStale deletes the stale keys of the users ids.
func (p *Provider) revokeStale(ctx context.Context, op string, ids []string) error {
	slices.Sort(ids)
	for _, id := range slices.Compact(ids) {
		if err := p.revokeStaleOf(ctx, op, id); err != nil {
			return err
		}
	}
	return nil
}

func (p *Provider) revokeStaleOf(ctx context.Context, op, id string) error {
	res := "user/" + id
	unlock := p.userLock.lock(id)
	defer unlock()
	if p.keys == EC2Credentials {
		if p.allowWide {
			return nil
		}
		u, err := users.Get(ctx, p.id, id).Extract()
		if err != nil {
			return wrap(op, res, err)
		}
		if err := p.checkEC2Width(ctx, op, u); iam.KindOf(err) != iam.ErrInvalid {
			return err
		}
		creds, err := collect(ctx, ec2credentials.List(p.id, id), ec2credentials.ExtractCredentials)
		if err != nil {
			return wrap(op, res, err)
		}
		for _, c := range creds {
			if err := ec2credentials.Delete(ctx, p.id, id, c.Access).ExtractErr(); err != nil && kindOf(err) != iam.ErrNotFound {
				return wrap(op, res, err)
			}
		}
		return nil
	}
	rules, _, err := p.rulesFor(ctx, op, id)
	if err != nil {
		return err
	}
	granted := map[AccessRule]bool{noAccess: true}
	for _, r := range rules {
		granted[AccessRule{r.Service, r.Method, r.Path}] = true
	}
	creds, err := collect(ctx, applicationcredentials.List(p.id, id, nil), applicationcredentials.ExtractApplicationCredentials)
	if err != nil {
		return wrap(op, res, err)
	}
	for _, c := range creds {
		if !strings.HasPrefix(c.Description, keyDescription) {
			continue // not iamkit's key
		}
		stale := slices.ContainsFunc(c.AccessRules, func(r applicationcredentials.AccessRule) bool {
			return !granted[AccessRule{r.Service, r.Method, r.Path}]
		})
		if !stale {
			continue
		}
		if err := applicationcredentials.Delete(ctx, p.id, id, c.ID).ExtractErr(); err != nil && kindOf(err) != iam.ErrNotFound {
			return wrap(op, res, err)
		}
	}
	return nil
}

// holders returns the IDs of the users who hold role id on the project,
// directly or through a group.
func (p *Provider) holders(ctx context.Context, op, roleID string) ([]string, error) {
	as, err := collect(ctx, roles.ListAssignments(p.id, roles.ListAssignmentsOpts{RoleID: roleID, ScopeProjectID: p.project}), roles.ExtractRoleAssignments)
	if err != nil {
		return nil, wrap(op, "", err)
	}
	var ids []string
	for _, a := range as {
		got, err := p.membersOf(ctx, op, assignee{user: a.User.ID, group: a.Group.ID})
		if err != nil {
			return nil, err
		}
		ids = append(ids, got...)
	}
	return ids, nil
}

// membersOf returns the user, or the members of the group.
func (p *Provider) membersOf(ctx context.Context, op string, who assignee) ([]string, error) {
	if who.user != "" {
		return []string{who.user}, nil
	}
	if who.group == "" {
		return nil, nil
	}
	us, err := collect(ctx, users.ListInGroup(p.id, who.group, nil), users.ExtractUsers)
	if err != nil {
		return nil, wrap(op, "", err)
	}
	ids := make([]string, 0, len(us))
	for _, u := range us {
		ids = append(ids, u.ID)
	}
	return ids, nil
}
