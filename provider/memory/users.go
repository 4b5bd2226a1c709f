package memory

import (
	"context"
	"iter"
	"maps"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/iamkit/iamkit/iam"
)

// user is a stored user and what hangs on it.
type user struct {
	name     string
	path     string
	tags     map[string]string
	created  time.Time
	groups   map[string]struct{}
	policies map[string]struct{}
	keys     map[string]*accessKey
}

// view returns a copy the caller may change freely.
func (u *user) view() *iam.User {
	return &iam.User{
		Name:      u.name,
		ID:        arn("user", u.path, u.name),
		Path:      u.path,
		Tags:      maps.Clone(u.tags),
		CreatedAt: u.created,
	}
}

// The AWS bounds on paths and tags.
const (
	maxPath     = 512
	maxTags     = 50
	maxTagKey   = 128
	maxTagValue = 256
)

// checkPath returns why path is not a valid path, or "".
func checkPath(path string) string {
	switch {
	case len(path) > maxPath:
		return "path is longer than 512 characters"
	case !strings.HasPrefix(path, "/") || !strings.HasSuffix(path, "/"):
		return "path must begin and end with /"
	}
	for _, c := range path {
		if c < 0x21 || c > 0x7e {
			return "path may hold only printable ASCII characters other than space"
		}
	}
	return ""
}

// checkTags returns why tags are not valid, or "".
func checkTags(tags map[string]string) string {
	if len(tags) > maxTags {
		return "a user may have at most 50 tags"
	}
	for k, v := range tags {
		if n := utf8.RuneCountInString(k); n == 0 || n > maxTagKey {
			return "a tag key must be 1 to 128 characters"
		}
		if utf8.RuneCountInString(v) > maxTagValue {
			return "a tag value must be at most 256 characters"
		}
	}
	return ""
}

// CreateUser creates user name, with opts' path (default "/iamkit/") and
// tags. ErrAlreadyExists if it exists.
func (p *Provider) CreateUser(ctx context.Context, name string, opts *iam.UserOptions) (*iam.User, error) {
	const op = "CreateUser"
	res := userRes(name)
	if err := p.begin(ctx, op, res, checkName(op, p.rules.User, "user", name)); err != nil {
		return nil, err
	}
	var o iam.UserOptions
	if opts != nil {
		o = *opts
	}
	if o.Path == "" {
		o.Path = defaultPath
	}
	if msg := checkPath(o.Path); msg != "" {
		return nil, fail(op, res, iam.ErrInvalid, "%s", msg)
	}
	if msg := checkTags(o.Tags); msg != "" {
		return nil, fail(op, res, iam.ErrInvalid, "%s", msg)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.users[name]; ok {
		return nil, fail(op, res, iam.ErrAlreadyExists, "")
	}
	u := &user{
		name:     name,
		path:     o.Path,
		tags:     maps.Clone(o.Tags),
		created:  p.now(),
		groups:   map[string]struct{}{},
		policies: map[string]struct{}{},
		keys:     map[string]*accessKey{},
	}
	p.users[name] = u
	if err := p.commit(op, res); err != nil {
		return nil, err
	}
	return u.view(), nil
}

// GetUser returns user name, or ErrNotFound.
func (p *Provider) GetUser(ctx context.Context, name string) (*iam.User, error) {
	const op = "GetUser"
	res := userRes(name)
	if err := p.begin(ctx, op, res, checkName(op, p.rules.User, "user", name)); err != nil {
		return nil, err
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	u, ok := p.users[name]
	if !ok {
		return nil, fail(op, res, iam.ErrNotFound, "")
	}
	return u.view(), nil
}

// ListUsers lists every user, ordered by name.
func (p *Provider) ListUsers(ctx context.Context) iter.Seq2[*iam.User, error] {
	return paginate(p, ctx, "ListUsers", "users", nil, func(after string) ([]*iam.User, string, bool, error) {
		items, last, more := pageOf(p.users, after, p.pageSize, func(_ string, u *user) *iam.User { return u.view() })
		return items, last, more, nil
	})
}

// DeleteUser deletes user name. ErrConflict while it still has access
// keys, group memberships or attached policies.
func (p *Provider) DeleteUser(ctx context.Context, name string) error {
	const op = "DeleteUser"
	res := userRes(name)
	if err := p.begin(ctx, op, res, checkName(op, p.rules.User, "user", name)); err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	u, ok := p.users[name]
	if !ok {
		return fail(op, res, iam.ErrNotFound, "")
	}
	var deps []string
	if n := len(u.keys); n > 0 {
		deps = append(deps, plural(n, "access key", "access keys"))
	}
	if n := len(u.groups); n > 0 {
		deps = append(deps, plural(n, "group membership", "group memberships"))
	}
	if n := len(u.policies); n > 0 {
		deps = append(deps, plural(n, "attached policy", "attached policies"))
	}
	if len(deps) > 0 {
		return fail(op, res, iam.ErrConflict, "user still has %s; delete or detach them first", strings.Join(deps, ", "))
	}
	delete(p.users, name)
	return p.commit(op, res)
}
