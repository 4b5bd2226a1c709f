package memory

import (
	"context"
	"sync"
	"time"

	"github.com/iamkit/iamkit/iam"
)

var _ iam.Provider = (*Provider)(nil)

// name is the provider's Name and the Provider field of its errors.
const name = "memory"

// defaultPath is the path given to users and groups created without one.
const defaultPath = "/iamkit/"

// account is the account number in the IDs of the memory provider.
const account = "000000000000"

// Limits are the quotas the provider enforces. A zero field means the
// default, which is the AWS quota.
type Limits struct {
	// MaxKeysPerUser caps the access keys of one user (default 2).
	MaxKeysPerUser int
	// PolicyVersions is how many versions of a managed policy are kept
	// (default 5).
	PolicyVersions int
	// MaxPolicySize caps a policy's native document, in non-whitespace
	// characters of its canonical JSON (default 6144).
	MaxPolicySize int
}

// DefaultLimits returns the limits a Provider has unless WithLimits says
// otherwise: those of AWS IAM.
func DefaultLimits() Limits {
	return Limits{MaxKeysPerUser: 2, PolicyVersions: 5, MaxPolicySize: 6144}
}

// withDefaults fills the zero (or negative) fields of l from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxKeysPerUser <= 0 {
		l.MaxKeysPerUser = d.MaxKeysPerUser
	}
	if l.PolicyVersions <= 0 {
		l.PolicyVersions = d.PolicyVersions
	}
	if l.MaxPolicySize <= 0 {
		l.MaxPolicySize = d.MaxPolicySize
	}
	return l
}

// defaultPageSize is how many items one page of a listing holds.
const defaultPageSize = 100

// Option configures a Provider made by New.
type Option func(*config)

// config is what the Options set; a Provider keeps it as New completes it.
type config struct {
	limits   Limits
	rules    iam.NameRules
	clock    func() time.Time
	pageSize int
	keyDelay time.Duration
	// stateFile is where the state is saved after every change
	// (persist.go); "" for none.
	stateFile string
}

// WithLimits sets the quotas; zero fields keep their default.
func WithLimits(l Limits) Option { return func(c *config) { c.limits = l } }

// WithNameRules sets the rules names must follow (default
// iam.AWSNameRules()).
func WithNameRules(r iam.NameRules) Option { return func(c *config) { c.rules = r } }

// WithClock sets the clock used for timestamps, key expiry, key visibility
// and the time of authorization requests (default time.Now).
func WithClock(now func() time.Time) Option { return func(c *config) { c.clock = now } }

// WithPageSize sets how many items one page of a listing holds (default
// 100), so that a test can make listings span several pages. n <= 0 keeps
// the default.
func WithPageSize(n int) Option { return func(c *config) { c.pageSize = n } }

// WithKeyVisibilityDelay makes the provider eventually consistent: a new
// access key is refused by Authorize until d has passed, by the clock,
// since its creation. Capabilities then reports EventualConsistency.
func WithKeyVisibilityDelay(d time.Duration) Option { return func(c *config) { c.keyDelay = d } }

// Provider is an in-memory identity service that implements iam.Provider
// like a real (AWS-like) cloud, enforces the policies it stores
// (Authorize) and lets tests inject faults (InjectFault, SetLatency).
//
// It is safe for concurrent use. The zero Provider is not usable; call New.
type Provider struct {
	config

	// mu guards the identity state below.
	mu       sync.RWMutex
	users    map[string]*user
	groups   map[string]*group
	policies map[string]*managedPolicy
	keys     map[string]*accessKey // by key ID
	keySeq   int64                 // orders keys by creation
	saved    []byte                // the state file's contents, if any

	// fmu guards the fault-injection state, kept apart so that read-only
	// calls can share mu.
	fmu     sync.Mutex
	faults  []*pendingFault
	calls   map[string]int
	total   int
	latency time.Duration
}

// New returns an empty Provider configured by opts.
func New(opts ...Option) *Provider {
	c := config{rules: iam.AWSNameRules(), clock: time.Now, pageSize: defaultPageSize}
	for _, o := range opts {
		o(&c)
	}
	if c.clock == nil {
		c.clock = time.Now
	}
	if c.pageSize <= 0 {
		c.pageSize = defaultPageSize
	}
	c.limits = c.limits.withDefaults()
	c.keyDelay = max(c.keyDelay, 0)
	return &Provider{
		config:   c,
		users:    map[string]*user{},
		groups:   map[string]*group{},
		policies: map[string]*managedPolicy{},
		keys:     map[string]*accessKey{},
		calls:    map[string]int{},
	}
}

// Name returns "memory".
func (p *Provider) Name() string { return name }

// NameRules returns the rules names are checked with (WithNameRules;
// iam.NameRuler: iam.Plan checks desired names with them).
func (p *Provider) NameRules() iam.NameRules { return p.rules }

// Capabilities reports everything but inline policies, with the
// provider's limits.
func (p *Provider) Capabilities() iam.Capabilities {
	return iam.Capabilities{
		Groups:                   true,
		GroupsForServiceAccounts: true,
		ManagedPolicies:          true,
		InlinePolicies:           false,
		PolicyVersions:           p.limits.PolicyVersions,
		AttachToUsers:            true,
		ResourceScoping:          true,
		Conditions:               true,
		KeyExpiry:                true,
		KeyStatus:                true,
		MaxKeysPerUser:           p.limits.MaxKeysPerUser,
		MaxPolicySize:            p.limits.MaxPolicySize,
		Tags:                     true,
		Paths:                    true,
		EventualConsistency:      p.keyDelay > 0,
	}
}

// String describes the provider without any of its contents, so that
// printing it can never show stored state.
func (p *Provider) String() string { return "memory.Provider" }

// GoString is String, so that %#v does not dump the state either.
func (p *Provider) GoString() string { return p.String() }

// now reads the clock, without the monotonic reading so that returned
// times compare with == as they would after a round trip to a cloud.
func (p *Provider) now() time.Time { return p.clock().Round(0) }

// arn returns the identifier of a resource, shaped like an AWS ARN.
func arn(kind, path, name string) string {
	return "arn:memory:iam::" + account + ":" + kind + path + name
}

// begin runs the prologue every provider call shares, in the order a
// client and a cloud would: the context, then the names (checked locally,
// so a bad name costs no request and is not counted), then the simulated
// latency, then the request itself, counted and possibly failed by an
// injected fault.
func (p *Provider) begin(ctx context.Context, op, resource string, invalid error) error {
	if err := ctx.Err(); err != nil {
		return ctxError(op, resource, err)
	}
	if invalid != nil {
		return invalid
	}
	return p.request(ctx, op, resource)
}

// request simulates one request reaching the fake: latency, counting,
// faults. Listings make one request per page.
func (p *Provider) request(ctx context.Context, op, resource string) error {
	p.fmu.Lock()
	d := p.latency
	p.fmu.Unlock()
	if d > 0 {
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctxError(op, resource, ctx.Err())
		case <-t.C:
		}
	}
	if err := ctx.Err(); err != nil {
		return ctxError(op, resource, err)
	}
	return p.arrive(op, resource)
}
