package aws

import (
	"context"
	"strings"
	"sync"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	iamsdk "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/iamkit/iamkit/iam"
	iamretry "github.com/iamkit/iamkit/internal/retry"
	"github.com/iamkit/iamkit/policy"
)

var (
	_ iam.Provider       = (*Provider)(nil)
	_ iam.InlinePolicies = (*Provider)(nil)
	_ iam.UserDependents = (*Provider)(nil)
)

// name is the provider's Name and the Provider field of its errors.
const name = "aws"

// DefaultPath is the IAM path given to the users, groups and policies
// iamkit creates, and the prefix its listings are limited to, unless
// Options.Path says otherwise.
const DefaultPath = "/iamkit/"

// defaultRegion is used when neither the options nor the AWS configuration
// name a region. IAM is a global service: the region only selects the
// partition and the STS endpoint.
const defaultRegion = "us-east-1"

// Options configure New. The zero Options load the AWS default
// configuration chain (environment, shared files, SSO, instance roles…)
// and use the iamkit path "/iamkit/".
type Options struct {
	// Config is the caller's AWS configuration, used as it is (credentials,
	// region, HTTP client, retryer) when set; Region and Profile are then
	// ignored. When nil, New loads the default configuration with
	// config.LoadDefaultConfig, honouring Region and Profile.
	Config *awssdk.Config
	// Region selects the partition and the STS endpoint; IAM itself is
	// global. Default: the configuration's region, else "us-east-1".
	Region string
	// Profile names a profile of the shared configuration files.
	Profile string
	// Endpoint is a custom IAM and STS endpoint URL, such as a moto server
	// or an IAM-compatible cloud. Default: the AWS endpoints.
	Endpoint string
	// Path is the IAM path of what iamkit creates and the prefix its
	// listings show (default "/iamkit/"; "/" lists the whole account). It
	// must begin and end with "/".
	Path string
	// AccountID is the account's 12-digit ID, used to build policy ARNs.
	// When empty it is read once, when first needed, with
	// sts:GetCallerIdentity.
	AccountID string
	// Retry tunes the retries; the zero value gives the defaults.
	Retry RetryOptions
	// WaitForKeys makes CreateAccessKey return only once the new key
	// works (sts:GetCallerIdentity succeeds with it), waiting at most
	// Retry.KeyWait.
	WaitForKeys bool
	// PageSize is how many items one page of a listing asks for
	// (MaxItems); 0 leaves it to IAM (100).
	PageSize int32
	// CheckDependents makes DeleteUser and DeleteGroup look for
	// dependents (access keys, memberships, attached and inline policies)
	// themselves and refuse with iam.ErrConflict, for IAM-compatible
	// servers that do not refuse such deletes as AWS does (moto). It costs
	// a few listings per delete; AWS itself needs no such check.
	CheckDependents bool
}

// Provider is the AWS IAM adapter of iam.Provider. It also implements
// iam.InlinePolicies and iam.UserDependents. It is safe for concurrent use.
type Provider struct {
	cfg      awssdk.Config
	iam      *iamsdk.Client
	sts      *sts.Client
	endpoint string
	path     string
	retry    RetryOptions
	waitKeys bool
	pageSize int32
	checkDep bool
	rules    iam.NameRules
	recent   iamretry.Recent

	acctMu    sync.Mutex
	accountID string
	partition string
}

// New returns a Provider over the configuration opts describe. It sends
// no request: the account ID, when needed and not given, is read on first
// use.
func New(ctx context.Context, opts Options) (*Provider, error) {
	const op = "New"
	if err := ctx.Err(); err != nil {
		return nil, ctxError(op, "", err, err)
	}
	path := opts.Path
	if path == "" {
		path = DefaultPath
	}
	if msg := checkPath(path); msg != "" {
		return nil, fail(op, "", iam.ErrInvalid, "Options.Path: "+msg, nil)
	}
	if opts.AccountID != "" && !validAccountID(opts.AccountID) {
		return nil, fail(op, "", iam.ErrInvalid, "Options.AccountID must be 12 digits", nil)
	}
	if opts.Endpoint != "" {
		if msg := checkEndpoint(opts.Endpoint); msg != "" {
			return nil, fail(op, "", iam.ErrInvalid, "Options.Endpoint: "+msg, nil)
		}
	}
	rt := opts.Retry.withDefaults()

	var cfg awssdk.Config
	ownRetryer := false
	if opts.Config != nil {
		cfg = opts.Config.Copy()
	} else {
		var lo []func(*config.LoadOptions) error
		if opts.Region != "" {
			lo = append(lo, config.WithRegion(opts.Region))
		}
		if opts.Profile != "" {
			lo = append(lo, config.WithSharedConfigProfile(opts.Profile))
		}
		var err error
		cfg, err = config.LoadDefaultConfig(ctx, lo...)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctxError(op, "", ctx.Err(), err)
			}
			return nil, fail(op, "", iam.ErrInvalid, "cannot load the AWS configuration", err)
		}
		ownRetryer = true
	}
	if cfg.Region == "" {
		cfg.Region = defaultRegion
	}
	if ownRetryer || opts.Retry.SDKAttempts > 0 || opts.Retry.SDKMaxBackoff > 0 {
		cfg.Retryer = rt.sdkRetryer
	}
	p := &Provider{
		cfg:       cfg,
		endpoint:  opts.Endpoint,
		path:      path,
		retry:     rt,
		waitKeys:  opts.WaitForKeys,
		pageSize:  max(opts.PageSize, 0),
		checkDep:  opts.CheckDependents,
		rules:     iam.AWSNameRules(),
		accountID: opts.AccountID,
		partition: partitionOf(cfg.Region),
	}
	p.iam = iamsdk.NewFromConfig(cfg, func(o *iamsdk.Options) {
		if p.endpoint != "" {
			o.BaseEndpoint = awssdk.String(p.endpoint)
		}
	})
	p.sts = p.stsClient(cfg)
	return p, nil
}

// stsClient returns an STS client over cfg, at the custom endpoint if any.
func (p *Provider) stsClient(cfg awssdk.Config) *sts.Client {
	return sts.NewFromConfig(cfg, func(o *sts.Options) {
		if p.endpoint != "" {
			o.BaseEndpoint = awssdk.String(p.endpoint)
		}
	})
}

// sdkRetryer is the SDK retryer iamkit configures: the standard one, which
// retries throttling and transient errors (never NoSuchEntity), with the
// attempts and back-off of the options.
func (r RetryOptions) sdkRetryer() awssdk.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = r.SDKAttempts
		o.MaxBackoff = r.SDKMaxBackoff
		o.Backoff = retry.NewExponentialJitterBackoff(r.SDKMaxBackoff)
	})
}

// Name returns "aws".
func (p *Provider) Name() string { return name }

// NameRules returns the rules names are checked with before any request
// (iam.NameRuler: iam.Plan checks desired names with them).
func (p *Provider) NameRules() iam.NameRules { return p.rules }

// Path returns the IAM path of what the provider creates and the prefix
// of its listings.
func (p *Provider) Path() string { return p.path }

// Capabilities reports what AWS IAM has: everything iamkit models but key
// expiry.
func (p *Provider) Capabilities() iam.Capabilities {
	return iam.Capabilities{
		Groups:                   true,
		GroupsForServiceAccounts: true,
		ManagedPolicies:          true,
		InlinePolicies:           true,
		PolicyVersions:           maxPolicyVersions,
		AttachToUsers:            true,
		ResourceScoping:          true,
		Conditions:               true,
		KeyExpiry:                false,
		KeyStatus:                true,
		MaxKeysPerUser:           maxKeysPerUser,
		MaxPolicySize:            MaxManagedPolicySize,
		Tags:                     true,
		Paths:                    true,
		EventualConsistency:      true,
	}
}

// The IAM quotas the adapter relies on.
const (
	maxPolicyVersions = 5
	maxKeysPerUser    = 2
	maxDescription    = 1000
)

// Translator returns the translator the provider uses, for the account
// and partition known so far (the account ID may still be empty if it has
// not been read yet).
func (p *Provider) Translator() policy.Translator {
	acct, part := p.knownAccount()
	return &Translator{Partition: part, AccountID: acct}
}

// String describes the provider without its configuration, so that
// printing it can never show credentials.
func (p *Provider) String() string { return "aws.Provider(" + p.path + ")" }

// GoString is String.
func (p *Provider) GoString() string { return p.String() }

// knownAccount returns the account ID (possibly empty) and partition.
func (p *Provider) knownAccount() (string, string) {
	p.acctMu.Lock()
	defer p.acctMu.Unlock()
	return p.accountID, p.partition
}

// account returns the account ID and partition, reading them once with
// sts:GetCallerIdentity when Options.AccountID was not given.
func (p *Provider) account(ctx context.Context, op, res string) (string, string, error) {
	p.acctMu.Lock()
	defer p.acctMu.Unlock()
	if p.accountID != "" {
		return p.accountID, p.partition, nil
	}
	out, err := p.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", "", p.wrap(ctx, op, res, err)
	}
	acct := awssdk.ToString(out.Account)
	if !validAccountID(acct) {
		return "", "", fail(op, res, iam.ErrInvalid, "sts:GetCallerIdentity answered no valid account ID", nil)
	}
	p.accountID = acct
	// arn:PARTITION:iam::ACCOUNT:user/NAME
	if parts := strings.SplitN(awssdk.ToString(out.Arn), ":", 3); len(parts) == 3 && parts[0] == "arn" && parts[1] != "" {
		p.partition = parts[1]
	}
	return p.accountID, p.partition, nil
}

// partitionOf returns the AWS partition of region.
func partitionOf(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "us-isob-"):
		return "aws-iso-b"
	case strings.HasPrefix(region, "us-iso-"):
		return "aws-iso"
	case strings.HasPrefix(region, "eu-isoe-"):
		return "aws-iso-e"
	}
	return "aws"
}

func validAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// checkPath returns why path is not a valid IAM path, or "".
func checkPath(path string) string {
	switch {
	case len(path) > 512:
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

// begin is the prologue of every call: the context first, then the
// arguments, checked locally so that a bad one costs no request.
func begin(ctx context.Context, op, res string, invalid ...error) error {
	if err := ctx.Err(); err != nil {
		return ctxError(op, res, err, err)
	}
	return firstErr(invalid...)
}

// firstErr returns the first non-nil error.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
