package outscale

import (
	"context"
	"iter"

	osc "github.com/outscale/osc-sdk-go/v2"

	"github.com/iamkit/iamkit/iam"
)

// Path returns the path under which the provider creates users, groups
// and managed policies (Options.Path, default iam.DefaultPath), and by
// which iam recognises them as iamkit's.
func (p *Provider) Path() string { return p.path }

// pathArg is path as a request's path field: nil for "/", which the API
// takes when the field is absent.
func pathArg(path string) *string {
	if path == "/" {
		return nil
	}
	return osc.PtrString(path)
}

// userPath looks up the path of user name by listing the account's users;
// ok is false when the user is not listed (or the listing fails).
func (p *Provider) userPath(ctx context.Context, name string) (path string, ok bool) {
	for u, err := range p.listUsers(ctx, "GetUser", "user/"+name) {
		if err != nil {
			return "", false
		}
		if u.Name == name {
			return foundPath(u.Path)
		}
	}
	return "", false
}

// groupPath looks up the path of group name by listing the account's
// groups; ok is false when the group is not listed (or the listing fails).
func (p *Provider) groupPath(ctx context.Context, name string) (path string, ok bool) {
	for g, err := range p.ListGroups(ctx) {
		if err != nil {
			return "", false
		}
		if g.Name == name {
			return foundPath(g.Path)
		}
	}
	return "", false
}

// foundPath is a listed path: "/" when the API gave none, not ok when it
// is not one a request may carry.
func foundPath(path string) (string, bool) {
	if path == "" {
		return "/", true
	}
	return path, validPath(path)
}

// withPath runs fn with the path of a user or a group, which EIM addresses
// by name and path: the iamkit path first (what iamkit made costs no extra
// request), then "/" (made outside iamkit, the API's default), then, when
// neither is found, the path lookup finds by listing if it is another one.
func (p *Provider) withPath(lookup func() (string, bool), fn func(path *string) error) error {
	err := fn(pathArg(p.path))
	if !isKind(err, iam.ErrNotFound) {
		return err
	}
	if p.path != "/" {
		if err = fn(nil); !isKind(err, iam.ErrNotFound) {
			return err
		}
	}
	if path, ok := lookup(); ok && path != p.path && path != "/" {
		return fn(osc.PtrString(path))
	}
	return err
}

// withUserPath runs fn with the path of user (see withPath).
func (p *Provider) withUserPath(ctx context.Context, user string, fn func(path *string) error) error {
	return p.withPath(func() (string, bool) { return p.userPath(ctx, user) }, fn)
}

// withGroupPath runs fn with the path of group (see withPath).
func (p *Provider) withGroupPath(ctx context.Context, group string, fn func(path *string) error) error {
	return p.withPath(func() (string, bool) { return p.groupPath(ctx, group) }, fn)
}

// withMemberPaths runs fn with the paths of group and user, for the
// membership calls that name both. Both at the iamkit path cost one
// request; then the user is tried at "/", its path is looked up (once),
// and the group is tried at "/" and at its looked-up path with it.
func (p *Provider) withMemberPaths(ctx context.Context, group, user string, fn func(groupPath, userPath *string) error) error {
	home := pathArg(p.path)
	err := fn(home, home)
	if !isKind(err, iam.ErrNotFound) {
		return err
	}
	if p.path != "/" {
		if err = fn(home, nil); !isKind(err, iam.ErrNotFound) {
			return err
		}
	}
	u, ok := p.userPath(ctx, user)
	if !ok {
		return err // no such user
	}
	up := pathArg(u)
	if u != p.path && u != "/" {
		if err = fn(home, up); !isKind(err, iam.ErrNotFound) {
			return err
		}
	}
	// The user is at u: the group is elsewhere, or does not exist.
	if p.path != "/" {
		if err = fn(nil, up); !isKind(err, iam.ErrNotFound) {
			return err
		}
	}
	if g, ok := p.groupPath(ctx, group); ok && g != p.path && g != "/" {
		return fn(osc.PtrString(g), up)
	}
	return err
}

// groupSeq yields the items seq lists for group, trying the group's paths
// as withGroupPath does while nothing has been yielded yet: a listing that
// fails after its first items reports the error instead of starting over.
func groupSeq[R any](p *Provider, ctx context.Context, group string, seq func(path *string) iter.Seq2[*R, error]) iter.Seq2[*R, error] {
	return func(yield func(*R, error) bool) {
		var late error
		started := false
		err := p.withGroupPath(ctx, group, func(path *string) error {
			for it, err := range seq(path) {
				if err != nil {
					if started {
						late = err
						return nil
					}
					return err
				}
				started = true
				if !yield(it, nil) {
					return nil
				}
			}
			return nil
		})
		if err == nil {
			err = late
		}
		if err != nil {
			yield(nil, err)
		}
	}
}
