package outscale

import (
	"context"
	"iter"
	"net/http"
	"time"

	osc "github.com/outscale/osc-sdk-go/v2"

	"github.com/iamkit/iamkit/iam"
)

// Names, from the spec's descriptions. CreateUser: 1 to 64 alphanumeric
// characters and + = , . @ - _. PutUserPolicy: policy names of 1 to 128
// characters. Group and managed-policy names have no documented rule: the
// user-name alphabet with 128 characters is applied, as IAM does.
var names = func() iam.NameRules {
	const chars, desc = "+=,.@-_", "letters, digits and +=,.@-_"
	return iam.NameRules{
		User:   iam.NameRule{What: "user name", Max: 64, Allowed: iam.CharsIn(chars), Describe: desc},
		Group:  iam.NameRule{What: "user group name", Max: 128, Allowed: iam.CharsIn(chars), Describe: desc},
		Policy: iam.NameRule{What: "policy name", Max: 128, Allowed: iam.CharsIn(chars), Describe: desc},
	}
}()

// NameRules returns the rules the provider checks names with.
func NameRules() iam.NameRules { return names }

// NameRules returns the rules names are checked with before any request
// (iam.NameRuler: iam.Plan checks desired names with them).
func (p *Provider) NameRules() iam.NameRules { return names }

// validPath checks a user, group or policy path: it begins and ends with
// "/" and holds 1 to 512 alphanumerics, slashes or underscores.
func validPath(p string) bool {
	if len(p) < 1 || len(p) > 512 || p[0] != '/' || p[len(p)-1] != '/' {
		return false
	}
	for _, c := range p {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '/' || c == '_') {
			return false
		}
	}
	return true
}

// EIM dates: "2010-10-01 12:34:56.789000000 +00:00" for users, policies
// and keys; ISO 8601 for groups. parseTime accepts both.
func parseTime(s *string) time.Time {
	if s == nil {
		return time.Time{}
	}
	for _, layout := range []string{"2006-01-02 15:04:05.999999999 -07:00", time.RFC3339Nano, "2006-01-02T15:04:05.999Z", "2006-01-02"} {
		if t, err := time.Parse(layout, *s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

func userOf(u osc.User) *iam.User {
	return &iam.User{Name: u.GetUserName(), ID: u.GetUserId(), Path: u.GetPath(), CreatedAt: parseTime(u.CreationDate)}
}

// CreateUser creates EIM user name, under opts.Path (default: the
// provider's Path, "/iamkit/" unless Options.Path says otherwise).
// Outscale users have no tags: opts.Tags is iam.ErrUnsupported.
func (p *Provider) CreateUser(ctx context.Context, name string, opts *iam.UserOptions) (*iam.User, error) {
	const op = "CreateUser"
	res := "user/" + name
	if err := checkName(names.User, op, res, name); err != nil {
		return nil, err
	}
	req := osc.CreateUserRequest{UserName: name, Path: pathArg(p.path)}
	if opts != nil {
		if len(opts.Tags) > 0 {
			return nil, fail(op, res, iam.ErrUnsupported, "Outscale EIM users have no tags")
		}
		if opts.Path != "" {
			if !validPath(opts.Path) {
				return nil, fail(op, res, iam.ErrInvalid, "a path begins and ends with \"/\" and holds 1 to 512 letters, digits, slashes or underscores")
			}
			req.Path = osc.PtrString(opts.Path)
		}
	}
	var out osc.CreateUserResponse
	err := p.call(ctx, op, res, iam.ErrAlreadyExists, func(ctx context.Context) (*http.Response, error) {
		r, resp, err := p.api.UserApi.CreateUser(ctx).CreateUserRequest(req).Execute()
		out = r
		return resp, err
	})
	if err != nil {
		return nil, err
	}
	p.recent.Add(res)
	if out.User == nil {
		path := "/"
		if req.Path != nil {
			path = *req.Path
		}
		return &iam.User{Name: name, Path: path}, nil
	}
	return userOf(*out.User), nil
}

// listUsers pages through ReadUsers.
func (p *Provider) listUsers(ctx context.Context, op, res string, fresh ...string) iter.Seq2[*iam.User, error] {
	return paged(p, ctx, op, res, func(ctx context.Context, first *int32, per int32) (page[osc.User], *http.Response, error) {
		req := osc.ReadUsersRequest{FirstItem: first, ResultsPerPage: osc.PtrInt32(per)}
		r, resp, err := p.api.UserApi.ReadUsers(ctx).ReadUsersRequest(req).Execute()
		return page[osc.User]{items: r.GetUsers(), hasMore: r.HasMoreItems}, resp, err
	}, func(u osc.User) string { return u.GetUserId() + "/" + u.GetUserName() }, func(u osc.User) *iam.User { return userOf(u) }, fresh...)
}

// GetUser finds user name. ReadUsers has no filter by name, so this pages
// through the account's users.
func (p *Provider) GetUser(ctx context.Context, name string) (*iam.User, error) {
	const op = "GetUser"
	res := "user/" + name
	if err := checkName(names.User, op, res, name); err != nil {
		return nil, err
	}
	for n := 1; ; n++ {
		for u, err := range p.listUsers(ctx, op, res) {
			if err != nil {
				return nil, err
			}
			if u.Name == name {
				return u, nil
			}
		}
		// Not listed: retry while it was created lately (propagation).
		if n >= p.retry.Attempts || !p.recent.Any(p.retry.Window, res) {
			return nil, fail(op, res, iam.ErrNotFound, "no such user")
		}
		if err := p.retry.Sleep(ctx, p.retry.delay(n)); err != nil {
			return nil, &iam.Error{Provider: providerName, Op: op, Resource: res, Err: err}
		}
	}
}

// ListUsers lists the account's EIM users.
func (p *Provider) ListUsers(ctx context.Context) iter.Seq2[*iam.User, error] {
	return p.listUsers(ctx, "ListUsers", "")
}

// DeleteUser deletes user name; iam.ErrConflict while it has keys, groups
// or policies.
func (p *Provider) DeleteUser(ctx context.Context, name string) error {
	const op = "DeleteUser"
	res := "user/" + name
	if err := checkName(names.User, op, res, name); err != nil {
		return err
	}
	err := p.call(ctx, op, res, iam.ErrConflict, func(ctx context.Context) (*http.Response, error) {
		_, resp, err := p.api.UserApi.DeleteUser(ctx).DeleteUserRequest(osc.DeleteUserRequest{UserName: name}).Execute()
		return resp, err
	}, res)
	if err == nil {
		p.recent.Remove(res)
	}
	return err
}
