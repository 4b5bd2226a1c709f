package openstack

import (
	"context"
	"iter"
	"maps"
	"strings"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/applicationcredentials"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/users"
	"github.com/gophercloud/gophercloud/v2/pagination"

	"github.com/iamkit/iamkit/iam"
)

// Names: Keystone takes user and role names of 1 to 255 characters and
// group names of 1 to 64, of any characters; iamkit keeps to letters,
// digits and _+=,.@- so that a name reads the same in a URL, a log line
// and a clouds.yaml entry, and travels to the other clouds.
var names = func() iam.NameRules {
	const chars, desc = "_+=,.@-", "letters, digits and _+=,.@-"
	return iam.NameRules{
		User:   iam.NameRule{What: "user name", Max: 255, Allowed: iam.CharsIn(chars), Describe: desc},
		Group:  iam.NameRule{What: "group name", Max: 64, Allowed: iam.CharsIn(chars), Describe: desc},
		Policy: iam.NameRule{What: "policy name", Max: 255, Allowed: iam.CharsIn(chars), Describe: desc},
	}
}()

// NameRules returns the rules the provider checks names with.
func NameRules() iam.NameRules { return names }

// NameRules returns the rules names are checked with before any request
// (iam.NameRuler: iam.Plan checks desired names with them).
func (p *Provider) NameRules() iam.NameRules { return names }

// The extra attributes iamkit keeps on Keystone users, groups and roles
// (Keystone stores unknown attributes of these as "extra" and returns
// them). xPath marks what iamkit owns.
const (
	xPath      = "iamkit_path"
	xTags      = "iamkit_tags"
	xCreated   = "iamkit_created_at"
	xUpdated   = "iamkit_updated_at"
	xDocument  = "iamkit_document"
	xRules     = "iamkit_access_rules"
	xUserDesc  = "iamkit service account"
	xGroupDesc = "iamkit group"
)

// extraString returns the string extra attribute k, or "".
func extraString(extra map[string]any, k string) string {
	s, _ := extra[k].(string)
	return s
}

func extraTime(extra map[string]any, k string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, extraString(extra, k))
	return t
}

func now() string { return time.Now().UTC().Format(time.RFC3339Nano) }

// validPath checks a path: it begins and ends with "/" and holds at most
// 512 printable characters.
func validPath(p string) bool {
	return len(p) <= 512 && strings.HasPrefix(p, "/") && strings.HasSuffix(p, "/") && !strings.ContainsFunc(p, func(r rune) bool { return r < 0x20 || r == 0x7f })
}

func userOf(u *users.User) *iam.User {
	out := &iam.User{Name: u.Name, ID: u.ID, Path: extraString(u.Extra, xPath), CreatedAt: extraTime(u.Extra, xCreated)}
	if tags, ok := u.Extra[xTags].(map[string]any); ok && len(tags) > 0 {
		out.Tags = map[string]string{}
		for k, v := range tags {
			if s, ok := v.(string); ok {
				out.Tags[k] = s
			}
		}
	}
	return out
}

// CreateUser creates Keystone user name in the provider's domain, enabled
// and without a password, marked as iamkit's under opts.Path (default
// iam.DefaultPath) with opts.Tags, and gives it the reader role on the
// project so that it can hold application credentials (what they allow is
// set by their access rules; see the package doc).
func (p *Provider) CreateUser(ctx context.Context, name string, opts *iam.UserOptions) (*iam.User, error) {
	const op = "CreateUser"
	res := "user/" + name
	if err := check(ctx, names.User, op, res, name); err != nil {
		return nil, err
	}
	path := iam.DefaultPath
	extra := map[string]any{xCreated: now()}
	if opts != nil {
		if opts.Path != "" {
			if !validPath(opts.Path) {
				return nil, fail(op, res, iam.ErrInvalid, `a path begins and ends with "/" and holds at most 512 printable characters`)
			}
			path = opts.Path
		}
		if len(opts.Tags) > 0 {
			extra[xTags] = maps.Clone(opts.Tags)
		}
	}
	extra[xPath] = path
	// Keystone's user names are unique per domain, but some backends
	// compare case-insensitively: ask first for a clear ErrAlreadyExists.
	if _, err := p.findUser(ctx, op, name); err == nil {
		return nil, fail(op, res, iam.ErrAlreadyExists, "a user of this name exists in the domain")
	} else if iam.KindOf(err) != iam.ErrNotFound {
		return nil, err
	}
	enabled := true
	u, err := users.Create(ctx, p.id, users.CreateOpts{Name: name, DomainID: p.domain, Enabled: &enabled, Description: xUserDesc, Extra: extra}).Extract()
	if err != nil {
		return nil, wrapAs(op, res, iam.ErrAlreadyExists, err)
	}
	if err := p.assignBase(ctx, u.ID); err != nil {
		// Undo: a user without the base role could not hold keys.
		_ = users.Delete(context.WithoutCancel(ctx), p.id, u.ID).ExtractErr()
		return nil, wrap(op, res, err)
	}
	return userOf(u), nil
}

// findUser returns the user of that name in the provider's domain.
func (p *Provider) findUser(ctx context.Context, op, name string) (*users.User, error) {
	res := "user/" + name
	pages, err := users.List(p.id, users.ListOpts{Name: name, DomainID: p.domain}).AllPages(ctx)
	if err != nil {
		return nil, wrap(op, res, err)
	}
	us, err := users.ExtractUsers(pages)
	if err != nil {
		return nil, wrap(op, res, err)
	}
	for i := range us {
		if us[i].Name == name {
			return &us[i], nil
		}
	}
	return nil, fail(op, res, iam.ErrNotFound, "no such user in domain "+p.domain)
}

// GetUser returns user name.
func (p *Provider) GetUser(ctx context.Context, name string) (*iam.User, error) {
	const op = "GetUser"
	if err := check(ctx, names.User, op, "user/"+name, name); err != nil {
		return nil, err
	}
	u, err := p.findUser(ctx, op, name)
	if err != nil {
		return nil, err
	}
	return userOf(u), nil
}

// ListUsers lists the users of the domain that iamkit made (those under
// its path), never the others. Keystone answers a listing in one page.
func (p *Provider) ListUsers(ctx context.Context) iter.Seq2[*iam.User, error] {
	return listAll(ctx, "ListUsers", "", users.List(p.id, users.ListOpts{DomainID: p.domain}), users.ExtractUsers,
		func(u *users.User) *iam.User {
			if extraString(u.Extra, xPath) == "" {
				return nil
			}
			return userOf(u)
		})
}

// DeleteUser deletes user name; iam.ErrConflict while it has application
// credentials, policies or group memberships.
func (p *Provider) DeleteUser(ctx context.Context, name string) error {
	const op = "DeleteUser"
	res := "user/" + name
	if err := check(ctx, names.User, op, res, name); err != nil {
		return err
	}
	u, err := p.findUser(ctx, op, name)
	if err != nil {
		return err
	}
	keys, err := collect(ctx, applicationcredentials.List(p.id, u.ID, nil), applicationcredentials.ExtractApplicationCredentials)
	if err != nil {
		return wrap(op, res, err)
	}
	if len(keys) > 0 {
		return fail(op, res, iam.ErrConflict, "the user still has application credentials")
	}
	if has, err := p.hasEC2(ctx, u); err != nil {
		return wrap(op, res, err)
	} else if has {
		return fail(op, res, iam.ErrConflict, "the user still has EC2 credentials")
	}
	gs, err := collect(ctx, users.ListGroups(p.id, u.ID), groupsOf)
	if err != nil {
		return wrap(op, res, err)
	}
	if len(gs) > 0 {
		return fail(op, res, iam.ErrConflict, "the user is still a member of group "+gs[0].Name)
	}
	attached, err := p.assignedPolicies(ctx, op, assignee{user: u.ID})
	if err != nil {
		return err
	}
	if len(attached) > 0 {
		return fail(op, res, iam.ErrConflict, "the user still has policy "+attached[0].Name)
	}
	if err := users.Delete(ctx, p.id, u.ID).ExtractErr(); err != nil {
		return wrap(op, res, err)
	}
	return nil
}

// check checks ctx and a name before any call.
func check(ctx context.Context, rule iam.NameRule, op, res, name string) error {
	if err := ctx.Err(); err != nil {
		return &iam.Error{Provider: providerName, Op: op, Resource: res, Err: err}
	}
	if err := rule.Check(name); err != nil {
		return &iam.Error{Provider: providerName, Op: op, Resource: res, Kind: iam.ErrInvalid, Err: err}
	}
	return nil
}

// listAll yields the items of a Keystone listing, converted by conv (nil:
// skipped). Keystone does not page identity listings (it may truncate them
// at its list_limit, which is reported as iam.ErrLimit), so this is one
// request per page link, usually one.
func listAll[T any, R any](ctx context.Context, op, res string, pager pagination.Pager, extract func(pagination.Page) ([]T, error), conv func(*T) *R) iter.Seq2[*R, error] {
	return func(yield func(*R, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(nil, &iam.Error{Provider: providerName, Op: op, Resource: res, Err: err})
			return
		}
		stopped := false
		err := pager.EachPage(ctx, func(ctx context.Context, page pagination.Page) (bool, error) {
			items, err := extract(page)
			if err != nil {
				return false, err
			}
			if truncated(page) {
				return false, fail(op, res, iam.ErrLimit, "Keystone truncated the listing at its list_limit; raise [DEFAULT] list_limit")
			}
			for i := range items {
				r := conv(&items[i])
				if r == nil {
					continue
				}
				if !yield(r, nil) {
					stopped = true
					return false, nil
				}
			}
			return true, nil
		})
		if err != nil && !stopped {
			yield(nil, wrap(op, res, err))
		}
	}
}

// scoped is the shape of a listing about one user or group: check the
// name, resolve it with find, then list; lookup failures are yielded.
func scoped[F, R any](ctx context.Context, rule iam.NameRule, op, res, name string, find func() (F, error), list func(F) iter.Seq2[*R, error]) iter.Seq2[*R, error] {
	return func(yield func(*R, error) bool) {
		if err := check(ctx, rule, op, res, name); err != nil {
			yield(nil, err)
			return
		}
		f, err := find()
		if err != nil {
			yield(nil, err)
			return
		}
		for r, err := range list(f) {
			if !yield(r, err) || err != nil {
				return
			}
		}
	}
}

// truncated reports Keystone's "truncated": true.
func truncated(page pagination.Page) bool {
	body, ok := page.GetBody().(map[string]any)
	if !ok {
		return false
	}
	t, _ := body["truncated"].(bool)
	return t
}

// collect collects every item of a listing.
func collect[T any](ctx context.Context, pager pagination.Pager, extract func(pagination.Page) ([]T, error)) ([]T, error) {
	pages, err := pager.AllPages(ctx)
	if err != nil {
		return nil, err
	}
	return extract(pages)
}
