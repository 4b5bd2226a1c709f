package openstack

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/gophercloud/gophercloud/v2"
	gos "github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/projects"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/tokens"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
	"github.com/iamkit/iamkit/provider"
)

// providerName is the provider's Name.
const providerName = "openstack"

func init() { provider.Register(providerName, openURL) }

// Options configure New.
type Options struct {
	// Auth says how to reach and authenticate to Keystone; LoadAuth reads
	// it from clouds.yaml or the OS_* variables. Ignored when Client is
	// set.
	Auth Auth
	// Client is an authenticated gophercloud provider client the caller
	// built; when set, Auth is ignored.
	Client *gophercloud.ProviderClient
	// Project is the ID or name of the project the provider's policies
	// are assigned on and its keys are scoped to. Empty: the project of
	// the caller's token.
	Project string
	// Domain is the ID of the domain users, groups and policy roles are
	// created in. Empty: the project's domain.
	Domain string
	// Roles names the cloud's reader, member and admin roles. Empty
	// fields default to Keystone's "reader", "member" and "admin".
	Roles Roles
	// Region selects the identity endpoint of the service catalog; empty:
	// Auth.RegionName.
	Region string
	// Keys says what access keys are: ApplicationCredentials (the
	// default, also when empty) or EC2Credentials.
	Keys iam.KeyKind
	// AllowWideKeys lets CreateAccessKey make keys that grant more than
	// the user's policies (without it, that is iam.ErrInvalid): an EC2
	// credential whose roles allow calls the policies do not, or an
	// application credential holding member whose rules read Swift's
	// temp-URL keys while its policies allow no object writes.
	AllowWideKeys bool
}

// Roles names the three default roles of a Keystone deployment, which
// policy roles imply. Clouds such as OVHcloud name theirs differently.
type Roles struct {
	// Reader is the role that reads ("reader" by default).
	Reader string
	// Member is the role that reads and writes ("member" by default).
	Member string
	// Admin is the role that administers ("admin" by default).
	Admin string
}

func (r Roles) withDefaults() Roles {
	if r.Reader == "" {
		r.Reader = "reader"
	}
	if r.Member == "" {
		r.Member = "member"
	}
	if r.Admin == "" {
		r.Admin = "admin"
	}
	return r
}

// Provider is the OpenStack adapter of iam.Provider, over Keystone v3
// through github.com/gophercloud/gophercloud/v2. It is safe for concurrent
// use.
type Provider struct {
	id       *gophercloud.ServiceClient
	auth     *gophercloud.ProviderClient
	project  string // project ID
	domain   string // domain ID
	roles    Roles
	roleIDs  map[string]string // name of Reader/Member/Admin → role ID
	userLock keyedMutex        // serializes key changes per user (password dance, EC2 times)
	keys     iam.KeyKind
	// allowWide is Options.AllowWideKeys.
	allowWide bool
}

var _ iam.Provider = (*Provider)(nil)

// New returns a Provider for the project and domain opts name, after
// authenticating (unless opts.Client is given) and resolving them.
func New(ctx context.Context, opts Options) (*Provider, error) {
	const op = "New"
	if err := ctx.Err(); err != nil {
		return nil, &iam.Error{Provider: providerName, Op: op, Err: err}
	}
	pc := opts.Client
	if pc == nil {
		var err error
		if pc, err = opts.Auth.Authenticate(ctx); err != nil {
			return nil, err
		}
	}
	region := opts.Region
	if region == "" {
		region = opts.Auth.RegionName
	}
	idc, err := gos.NewIdentityV3(pc, gophercloud.EndpointOpts{Region: region})
	if err != nil {
		return nil, fail(op, "", iam.ErrInvalid, "no identity v3 endpoint in the service catalog: "+err.Error())
	}
	switch opts.Keys {
	case "":
		opts.Keys = ApplicationCredentials
	case ApplicationCredentials, EC2Credentials:
	default:
		return nil, fail(op, "", iam.ErrInvalid, fmt.Sprintf("Options.Keys %q: want %q or %q", opts.Keys, ApplicationCredentials, EC2Credentials))
	}
	p := &Provider{id: idc, auth: pc, roles: opts.Roles.withDefaults(), keys: opts.Keys, allowWide: opts.AllowWideKeys}
	if err := p.resolveScope(ctx, opts.Project, opts.Domain); err != nil {
		return nil, err
	}
	if err := p.resolveRoles(ctx); err != nil {
		return nil, err
	}
	return p, nil
}

// resolveScope sets the project and domain: the named ones, else the
// token's project and that project's domain.
func (p *Provider) resolveScope(ctx context.Context, project, domain string) error {
	const op = "New"
	if project == "" {
		r, ok := p.auth.GetAuthResult().(tokens.CreateResult)
		if !ok {
			return fail(op, "", iam.ErrInvalid, "Options.Project is empty and the client's token is not a Keystone v3 token")
		}
		proj, err := r.ExtractProject()
		if err != nil || proj == nil || proj.ID == "" {
			return fail(op, "", iam.ErrInvalid, "Options.Project is empty and the token is not scoped to a project")
		}
		p.project = proj.ID
		if domain == "" {
			domain = proj.Domain.ID
		}
	} else {
		got, err := p.findProject(ctx, project)
		if err != nil {
			return err
		}
		p.project = got.ID
		if domain == "" {
			domain = got.DomainID
		}
	}
	p.domain = domain
	return nil
}

// findProject finds a project by ID, else by name.
func (p *Provider) findProject(ctx context.Context, ref string) (*projects.Project, error) {
	const op = "New"
	res := "project/" + ref
	got, err := projects.Get(ctx, p.id, url.PathEscape(ref)).Extract()
	if err == nil {
		return got, nil
	}
	if kindOf(err) != iam.ErrNotFound {
		return nil, wrap(op, res, err)
	}
	pages, err := projects.List(p.id, projects.ListOpts{Name: ref}).AllPages(ctx)
	if err != nil {
		return nil, wrap(op, res, err)
	}
	ps, err := projects.ExtractProjects(pages)
	if err != nil {
		return nil, wrap(op, res, err)
	}
	switch len(ps) {
	case 0:
		return nil, fail(op, res, iam.ErrNotFound, "no project has this ID or name")
	case 1:
		return &ps[0], nil
	}
	return nil, fail(op, res, iam.ErrInvalid, "several projects have this name (in different domains): give its ID")
}

// Name returns "openstack".
func (p *Provider) Name() string { return providerName }

// Path returns iam.DefaultPath, the path iamkit's users, groups and policy
// roles carry.
func (p *Provider) Path() string { return iam.DefaultPath }

// Project returns the ID of the project policies are assigned on.
func (p *Provider) Project() string { return p.project }

// Domain returns the ID of the domain users, groups and roles live in.
func (p *Provider) Domain() string { return p.domain }

// ServiceClient returns the identity v3 client the provider uses, for
// calls iamkit does not make.
func (p *Provider) ServiceClient() *gophercloud.ServiceClient { return p.id }

// Capabilities says what Keystone has: users, groups and role
// assignments; no policy documents (a policy is a role, see the package
// doc), no conditions, application credentials that expire but cannot be
// deactivated.
func (p *Provider) Capabilities() iam.Capabilities {
	return iam.Capabilities{
		Groups:                   true,
		GroupsForServiceAccounts: true,
		ManagedPolicies:          true,
		AttachToUsers:            true,
		ResourceScoping:          true,
		KeyExpiry:                p.keys == ApplicationCredentials,
		Tags:                     true,
		Paths:                    true,
	}
}

// Translator returns the translator of the provider's project.
func (p *Provider) Translator() policy.Translator { return Translator{Project: p.project} }

// urlSettings are the settings an openstack:// URL may carry.
var urlSettings = []string{"admin", "allow_wide_keys", "cloud", "domain", "keys", "member", "project", "reader", "region"}

// openURL opens the provider an openstack:// URL describes (see ParseURL).
func openURL(ctx context.Context, u *url.URL) (iam.Provider, error) {
	opts, err := ParseURL(u)
	if err != nil {
		return nil, err
	}
	return New(ctx, opts)
}

// ParseURL reads the Options an openstack:// URL describes, with the
// credentials LoadAuth finds for it: "openstack://?cloud=NAME" (the entry
// of clouds.yaml) or "openstack://" (OS_CLOUD or the OS_* variables). The
// query may add:
//
//   - project=ID or name, domain=ID, region=NAME: Options.Project,
//     Domain and Region;
//   - reader=, member=, admin=: the names of the cloud's default roles
//     (Options.Roles), for clouds that name theirs otherwise;
//   - keys=application_credential (the default) or keys=ec2: what access
//     keys are (Options.Keys);
//   - allow_wide_keys=true: Options.AllowWideKeys.
//
// A host or path, an unknown, repeated or empty setting, or a bad value is
// ErrInvalid; ParseURL sends no request.
func ParseURL(u *url.URL) (Options, error) {
	const op = "Open"
	bad := func(msg string) (Options, error) { return Options{}, fail(op, "", iam.ErrInvalid, msg) }
	if u.Host != "" || (u.Path != "" && u.Path != "/") {
		return Options{}, fail(op, u.Redacted(), iam.ErrInvalid, `use "openstack://?cloud=NAME" or "openstack://"; the cloud is named in the query`)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return bad("malformed URL query")
	}
	var o Options
	for k, vs := range q {
		if !slices.Contains(urlSettings, k) {
			return bad("unknown URL setting " + strings.ToValidUTF8(k, "?") + " (want " + strings.Join(urlSettings, ", ") + ")")
		}
		if len(vs) != 1 {
			return bad("URL setting " + k + " is repeated")
		}
		v := vs[0]
		if v == "" {
			return bad("URL setting " + k + " is empty")
		}
		switch k {
		case "project":
			o.Project = v
		case "domain":
			o.Domain = v
		case "region":
			o.Region = v
		case "reader":
			o.Roles.Reader = v
		case "member":
			o.Roles.Member = v
		case "admin":
			o.Roles.Admin = v
		case "keys":
			switch v {
			case "application_credential":
				o.Keys = ApplicationCredentials
			case "ec2":
				o.Keys = EC2Credentials
			default:
				return bad(fmt.Sprintf("keys=%q: want application_credential or ec2", strings.ToValidUTF8(v, "?")))
			}
		case "allow_wide_keys":
			switch v {
			case "true":
				o.AllowWideKeys = true
			case "false":
			default:
				return bad(fmt.Sprintf("allow_wide_keys=%q: want true or false", strings.ToValidUTF8(v, "?")))
			}
		}
	}
	if o.Auth, err = LoadAuth(q.Get("cloud")); err != nil {
		return Options{}, err
	}
	return o, nil
}

// keyedMutex is a set of mutexes by key. A key's mutex exists only while
// someone holds or waits for it, so a long-lived provider does not keep one
// per user it ever touched.
type keyedMutex struct {
	mu sync.Mutex
	m  map[string]*keyedEntry
}

type keyedEntry struct {
	sync.Mutex
	refs int // holders and waiters, guarded by keyedMutex.mu
}

// lock locks key's mutex and returns its unlock function.
func (k *keyedMutex) lock(key string) (unlock func()) {
	k.mu.Lock()
	if k.m == nil {
		k.m = map[string]*keyedEntry{}
	}
	e := k.m[key]
	if e == nil {
		e = &keyedEntry{}
		k.m[key] = e
	}
	e.refs++
	k.mu.Unlock()
	e.Lock()
	return func() {
		e.Unlock()
		k.mu.Lock()
		if e.refs--; e.refs == 0 {
			delete(k.m, key)
		}
		k.mu.Unlock()
	}
}

// held returns how many keys have a mutex, for tests.
func (k *keyedMutex) held() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.m)
}
