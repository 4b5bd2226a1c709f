package ovh

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	goovh "github.com/ovh/go-ovh/ovh"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
	"github.com/iamkit/iamkit/provider"
)

// providerName is the provider's Name.
const providerName = "ovh"

func init() { provider.Register(providerName, openURL) }

// Options configure New. The zero value reads everything as OVHcloud's
// own tools do, through go-ovh: the OVH_* variables (OVH_ENDPOINT,
// OVH_APPLICATION_KEY, OVH_APPLICATION_SECRET, OVH_CONSUMER_KEY,
// OVH_CLIENT_ID, OVH_CLIENT_SECRET) and ovh.conf (./ovh.conf,
// ~/.ovh.conf, /etc/ovh.conf).
type Options struct {
	// Endpoint is "ovh-eu", "ovh-ca", "ovh-us" or an API base URL such as
	// "https://eu.api.ovh.com/1.0". Empty: OVH_ENDPOINT or ovh.conf's
	// default, else "ovh-eu".
	Endpoint string
	// AppKey, AppSecret and ConsumerKey are an application's credentials.
	AppKey      string
	AppSecret   iam.Secret
	ConsumerKey iam.Secret
	// ClientID and ClientSecret are a service account's OAuth2
	// credentials (a service account managing others), used instead.
	ClientID     string
	ClientSecret iam.Secret
	// TokenURL is the OAuth2 token endpoint for ClientID and
	// ClientSecret. go-ovh knows the token endpoints of ovh-eu, ovh-ca and
	// ovh-us only; set it for any other endpoint (a test server). Authorize
	// uses it too.
	TokenURL string
	// Client is a go-ovh client the caller built; when set the fields
	// above are ignored. The provider builds each request with it
	// (signature or token) but sends it with its own HTTP client over the
	// same Transport: go-ovh's own sending is not safe for concurrent use.
	Client *goovh.Client
	// Region is the IAM region of the account's URNs ("eu", "ca", "us").
	// Empty: from the endpoint, else from the account's subsidiary.
	Region string
	// PageSize is how many items one page of a v2 listing asks for
	// (X-Pagination-Size); default 100.
	PageSize int
	// IdentityWait bounds how long a policy change naming a new service
	// account is retried while IAM answers INVALID_RESOURCE_URN (the
	// account is not known to IAM yet); default 15 s, negative: no retry.
	IdentityWait time.Duration
	// LocalUsers makes the provider's users local identity users
	// (/me/identity/user), which join groups and whose access keys are
	// personal access tokens, instead of service accounts (OAuth2
	// clients).
	LocalUsers bool
	// AllowPrivilegedGroups lets local users (LocalUsers) be in an
	// identity group whose account-wide role is not NONE (ADMIN, REGULAR
	// or UNPRIVILEGED): AddUserToGroup into such a group, and CreateUser
	// and RemoveUserFromGroup while the account's DEFAULT group (where
	// they put the user) has such a role. Without it those calls are
	// refused with ErrInvalid before any change. The risk: OVHcloud gives
	// a group's role to its members on the whole account, on top of their
	// IAM policies, so the user's access keys (personal access tokens) may
	// do more than the policies iamkit attaches grant; iamkit's
	// no-widening guarantee then no longer holds for them.
	AllowPrivilegedGroups bool
}

// Provider is the OVHcloud adapter of iam.Provider, over
// github.com/ovh/go-ovh. It is safe for concurrent use.
type Provider struct {
	c        *goovh.Client
	hc       *http.Client       // sends the requests go-ovh builds
	reqMu    sync.Mutex         // serializes go-ovh's NewRequest
	tokens   oauth2.TokenSource // Options.TokenURL's, or nil
	tokenURL string
	region   string
	nic      string
	pageSize int
	idWait   time.Duration
	local    bool // Options.LocalUsers
	sent     atomic.Int64

	// allowPriv is Options.AllowPrivilegedGroups.
	allowPriv bool
	// defGroup holds one value, the DEFAULT group as first read (nil
	// until then): taking the value is holding the lock (see
	// defaultGroupOf), so the group is read once per provider and waiters
	// honour their context.
	defGroup chan *group

	// writeMu serializes the changes to service accounts and their keys
	// made through this provider (OVHcloud has no conditional writes).
	writeMu sync.Mutex
	// policyMu serializes the read-modify-write of policies (a policy is
	// written whole: two attachments at once would drop one identity).
	// Taken after writeMu when both are held.
	policyMu sync.Mutex

	mu sync.Mutex
	// pending holds, by client id, the secret of a client this provider
	// created and whose key has not been handed out yet.
	pending map[string]iam.Secret
	// written holds, by policy id, the portable documents this provider
	// wrote.
	written map[string]written
	// known holds the OAuth2 clients read so far, by id (see clients).
	known map[string]client
}

var (
	_ iam.Provider   = (*Provider)(nil)
	_ iam.KeyRotator = (*Provider)(nil)
)

// me is the part of GET /me the provider reads.
type me struct {
	Nichandle     string `json:"nichandle"`
	OVHSubsidiary string `json:"ovhSubsidiary"`
}

// New returns a Provider for the account the credentials name. It reads
// the account's NIC handle (and, if needed, its region) with GET /me.
func New(ctx context.Context, opts Options) (*Provider, error) {
	if err := ctx.Err(); err != nil {
		return nil, &iam.Error{Provider: providerName, Op: "New", Err: err}
	}
	c := opts.Client
	var tokens oauth2.TokenSource
	if c == nil {
		var err error
		endpoint := opts.Endpoint
		switch {
		case opts.TokenURL != "":
			if opts.ClientID == "" || opts.ClientSecret.IsZero() {
				return nil, fail("New", "", iam.ErrInvalid, "Options.TokenURL needs ClientID and ClientSecret")
			}
			// go-ovh sends the bearer token it is given; send replaces
			// it with a fresh one from the token source.
			c, err = goovh.NewAccessTokenClient(endpoint, "iamkit-oauth2")
			tokens = (&clientcredentials.Config{ClientID: opts.ClientID, ClientSecret: opts.ClientSecret.Reveal(),
				TokenURL: opts.TokenURL, Scopes: []string{"all"}}).TokenSource(context.WithoutCancel(ctx))
		case opts.ClientID != "" || !opts.ClientSecret.IsZero():
			c, err = goovh.NewOAuth2Client(endpoint, opts.ClientID, opts.ClientSecret.Reveal())
		default:
			c, err = goovh.NewClient(endpoint, opts.AppKey, opts.AppSecret.Reveal(), opts.ConsumerKey.Reveal())
		}
		if err != nil {
			return nil, fail("New", "", iam.ErrInvalid, "go-ovh: "+err.Error())
		}
		c.UserAgent = "iamkit"
	}
	if c.Client == nil {
		c.Client = &http.Client{}
	}
	hc := &http.Client{Transport: c.Client.Transport, CheckRedirect: c.Client.CheckRedirect, Jar: c.Client.Jar, Timeout: c.Timeout}
	p := &Provider{c: c, hc: hc, tokens: tokens, tokenURL: opts.TokenURL, pageSize: 100, pending: map[string]iam.Secret{}, written: map[string]written{}, known: map[string]client{}, defGroup: make(chan *group, 1)}
	p.defGroup <- nil
	if opts.PageSize > 0 {
		p.pageSize = opts.PageSize
	}
	p.idWait = opts.IdentityWait
	p.local = opts.LocalUsers
	p.allowPriv = opts.AllowPrivilegedGroups
	if p.idWait == 0 {
		p.idWait = 15 * time.Second
	}
	var m me
	if err := p.get(ctx, "/me", &m); err != nil {
		return nil, wrap("New", "/me", err)
	}
	if m.Nichandle == "" {
		return nil, fail("New", "/me", iam.ErrInvalid, "GET /me returned no nichandle")
	}
	p.nic = m.Nichandle
	p.region = opts.Region
	if p.region == "" {
		p.region = regionOf(c.Endpoint(), m.OVHSubsidiary)
	}
	return p, nil
}

// regionOf returns the IAM region of an endpoint, or of a subsidiary when
// the endpoint is not one of OVHcloud's.
func regionOf(endpoint, subsidiary string) string {
	switch endpoint {
	case goovh.OvhEU:
		return "eu"
	case goovh.OvhCA:
		return "ca"
	case goovh.OvhUS:
		return "us"
	}
	switch strings.ToUpper(subsidiary) {
	case "US":
		return "us"
	case "CA", "QC", "WS", "WE", "ASIA", "AU", "SG", "IN":
		return "ca"
	}
	return "eu"
}

// Name returns "ovh".
func (p *Provider) Name() string { return providerName }

// Path returns iam.DefaultPath, the path the adapter reports iamkit's
// policies under (see CreatePolicy).
func (p *Provider) Path() string { return iam.DefaultPath }

// Region returns the IAM region of the account's URNs.
func (p *Provider) Region() string { return p.region }

// NIC returns the account's NIC handle.
func (p *Provider) NIC() string { return p.nic }

// Requests returns how many API requests the provider has sent.
func (p *Provider) Requests() int { return int(p.sent.Load()) }

// Capabilities says what OVHcloud IAM has. With Options.LocalUsers,
// users join groups (GroupsForServiceAccounts) and their keys are
// personal access tokens, which can expire (KeyExpiry), two per user at
// most (iamkit's cap: OVHcloud documents none); otherwise a service
// account has one credential that does not expire.
func (p *Provider) Capabilities() iam.Capabilities {
	maxKeys := 1
	if p.local {
		maxKeys = maxLocalKeys
	}
	return iam.Capabilities{
		Groups:                   true,
		GroupsForServiceAccounts: p.local,
		ManagedPolicies:          true,
		InlinePolicies:           false,
		PolicyVersions:           0,
		AttachToUsers:            true,
		ResourceScoping:          true,
		Conditions:               true,
		KeyExpiry:                p.local,
		KeyStatus:                false,
		MaxKeysPerUser:           maxKeys,
		MaxPolicySize:            0,
		Tags:                     false,
		Paths:                    false,
		EventualConsistency:      true,
	}
}

// Translator returns the provider's translator, for the account's region.
func (p *Provider) Translator() policy.Translator {
	return Translator{Region: p.region, NIC: p.nic}
}

// String describes the provider without its credentials.
func (p *Provider) String() string {
	return fmt.Sprintf("ovh provider (endpoint %s, account %s, region %s)", p.c.Endpoint(), p.nic, p.region)
}

// send builds one authenticated request with go-ovh (signature or bearer
// token) and sends it with the provider's own HTTP client: go-ovh's
// NewRequest writes its client's Timeout on every call, so concurrent
// requests through go-ovh's Do race; NewRequest runs under reqMu.
func (p *Provider) send(ctx context.Context, method, path string, body any, header http.Header) (*http.Response, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p.reqMu.Lock()
	req, err := p.c.NewRequest(method, path, body, true)
	p.reqMu.Unlock()
	if err != nil {
		return nil, err
	}
	req = req.WithContext(ctx)
	if p.tokens != nil {
		tok, err := p.tokens.Token()
		if err != nil {
			return nil, fmt.Errorf("OAuth2 token: %w", err)
		}
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	p.sent.Add(1)
	return p.hc.Do(req)
}

// call sends one authenticated request and decodes its answer into out.
func (p *Provider) call(ctx context.Context, method, path string, body, out any) error {
	resp, err := p.send(ctx, method, path, body, nil)
	if err != nil {
		return err
	}
	return p.c.UnmarshalResponse(resp, out)
}

func (p *Provider) get(ctx context.Context, path string, out any) error {
	return p.call(ctx, http.MethodGet, path, nil, out)
}

// pages lists a v2 collection, following X-Pagination-Cursor-Next.
func pages[T any](ctx context.Context, p *Provider, path string) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		cursor := ""
		for {
			if err := ctx.Err(); err != nil {
				yield(zero, err)
				return
			}
			h := http.Header{}
			h.Set("X-Pagination-Size", strconv.Itoa(p.pageSize))
			if cursor != "" {
				h.Set("X-Pagination-Cursor", cursor)
			}
			resp, err := p.send(ctx, http.MethodGet, path, nil, h)
			if err != nil {
				yield(zero, err)
				return
			}
			next := resp.Header.Get("X-Pagination-Cursor-Next")
			var items []T
			if err := p.c.UnmarshalResponse(resp, &items); err != nil {
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			if next == "" || next == cursor {
				return
			}
			cursor = next
		}
	}
}

// esc escapes one path segment.
func esc(s string) string { return url.PathEscape(s) }
