package outscale

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	osc "github.com/outscale/osc-sdk-go/v2"

	"github.com/iamkit/iamkit/iam"
	iamretry "github.com/iamkit/iamkit/internal/retry"
	"github.com/iamkit/iamkit/policy"
	"github.com/iamkit/iamkit/provider"
)

// providerName is the provider's Name.
const providerName = "outscale"

func init() { provider.Register(providerName, openURL) }

// Options configure New. The zero value reads everything from the
// environment and ~/.osc/config.json, as the Outscale SDKs and CLI do (see
// the package documentation for the order).
type Options struct {
	// Region is the Outscale region, such as "eu-west-2" or "us-east-2".
	// Requests are signed for it.
	Region string
	// Profile names a profile of ~/.osc/config.json.
	Profile string
	// Endpoint is the API's base URL, such as
	// "https://api.eu-west-2.outscale.com/api/v1".
	Endpoint string
	// AccessKey and SecretKey are explicit credentials; they win over the
	// profile and the environment.
	AccessKey string
	SecretKey iam.Secret
	// HTTPClient sends the requests; its Transport is wrapped by the
	// request signer. Default: a client over http.DefaultTransport.
	HTTPClient *http.Client
	// Retry tunes throttling and propagation retries.
	Retry RetryOptions
	// PageSize is how many items one page of a listing asks for
	// (ResultsPerPage); default 100.
	PageSize int
	// Path is the path under which the provider creates users, user groups
	// and managed policies, and by which iam tells what iamkit owns;
	// default iam.DefaultPath ("/iamkit/"). It begins and ends with "/"
	// and holds 1 to 512 letters, digits, slashes or underscores.
	Path string
}

// Provider is the Outscale EIM adapter of iam.Provider, over the official
// SDK github.com/outscale/osc-sdk-go/v2. It also implements
// iam.InlinePolicies. It is safe for concurrent use.
type Provider struct {
	api      *osc.APIClient
	tr       *signingTransport
	region   string
	endpoint string
	retry    RetryOptions
	pageSize int32
	path     string
	recent   iamretry.Recent
}

var (
	_ iam.Provider       = (*Provider)(nil)
	_ iam.InlinePolicies = (*Provider)(nil)
)

// New returns a Provider for the account whose credentials opts and the
// environment name. It sends no request.
func New(ctx context.Context, opts Options) (*Provider, error) {
	if err := ctx.Err(); err != nil {
		return nil, &iam.Error{Provider: providerName, Op: "New", Err: err}
	}
	path := iam.DefaultPath
	if opts.Path != "" {
		if !validPath(opts.Path) {
			return nil, fail("New", "", iam.ErrInvalid, fmt.Sprintf("path %q: a path begins and ends with \"/\" and holds 1 to 512 letters, digits, slashes or underscores", opts.Path))
		}
		path = opts.Path
	}
	r, err := resolve(opts)
	if err != nil {
		return nil, err
	}
	if _, err := url.Parse(r.endpoint); err != nil {
		return nil, fail("New", "", iam.ErrInvalid, fmt.Sprintf("endpoint %q is not a URL", r.endpoint))
	}
	base := http.DefaultTransport
	hc := &http.Client{}
	if opts.HTTPClient != nil {
		c := *opts.HTTPClient
		hc = &c
		if c.Transport != nil {
			base = c.Transport
		}
	}
	tr := newSigningTransport(base, r.accessKey, r.secretKey, r.region)
	hc.Transport = tr
	cfg := osc.NewConfiguration()
	cfg.Servers = osc.ServerConfigurations{{URL: r.endpoint, Description: "iamkit"}}
	cfg.HTTPClient = hc
	cfg.UserAgent = "iamkit/outscale " + cfg.UserAgent
	p := &Provider{
		api:      osc.NewAPIClient(cfg),
		tr:       tr,
		region:   r.region,
		endpoint: r.endpoint,
		retry:    opts.Retry.withDefaults(),
		pageSize: 100,
		path:     path,
	}
	if opts.PageSize > 0 {
		p.pageSize = int32(min(opts.PageSize, 1000))
	}
	return p, nil
}

// openURL opens "outscale://REGION?profile=P&endpoint=E".
func openURL(ctx context.Context, u *url.URL) (iam.Provider, error) {
	bad := func(msg string) error { return fail("Open", "outscale://", iam.ErrInvalid, msg) }
	if u.Opaque != "" || (u.Path != "" && u.Path != "/") {
		return nil, bad("outscale://REGION takes no path")
	}
	opts := Options{Region: u.Hostname()}
	if u.Port() != "" {
		return nil, bad("outscale://REGION takes no port; use ?endpoint=")
	}
	q := u.Query()
	var unknown []string
	for k, vs := range q {
		v := vs[len(vs)-1]
		if len(vs) > 1 && (k == "profile" || k == "endpoint") {
			return nil, bad("setting " + k + " is repeated")
		}
		switch k {
		case "profile":
			opts.Profile = v
		case "endpoint":
			opts.Endpoint = v
		default:
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, bad(fmt.Sprintf("unknown setting(s) %s; known: profile, endpoint (credentials come from ~/.osc/config.json or OSC_* variables)", strings.Join(unknown, ", ")))
	}
	return New(ctx, opts)
}

// Name returns "outscale".
func (p *Provider) Name() string { return providerName }

// Region returns the region requests are signed for.
func (p *Provider) Region() string { return p.region }

// Endpoint returns the API's base URL.
func (p *Provider) Endpoint() string { return p.endpoint }

// Requests returns how many HTTP requests the provider has sent.
func (p *Provider) Requests() int { return int(p.tr.sent.Load()) }

// Capabilities says what Outscale EIM has.
func (p *Provider) Capabilities() iam.Capabilities {
	return iam.Capabilities{
		Groups:                   true,
		GroupsForServiceAccounts: true,
		ManagedPolicies:          true,
		InlinePolicies:           true,
		PolicyVersions:           5,
		AttachToUsers:            true,
		ResourceScoping:          false,
		Conditions:               false,
		KeyExpiry:                true,
		KeyStatus:                true,
		MaxKeysPerUser:           2,
		MaxPolicySize:            MaxPolicySize,
		Tags:                     false,
		Paths:                    true,
		EventualConsistency:      true,
	}
}

// Translator returns the provider's translator, a Translator.
func (p *Provider) Translator() policy.Translator { return Translator{} }

// String describes the provider without its credentials.
func (p *Provider) String() string {
	return fmt.Sprintf("outscale provider (region %s, endpoint %s)", p.region, p.endpoint)
}
