package aws_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iamkit/iamkit/aws"
	"github.com/iamkit/iamkit/internal/awspolicy"
	"github.com/iamkit/iamkit/policy"
	"github.com/iamkit/iamkit/policy/policytest"
)

const testAccount = "123456789012"

// resourceCalls are catalog calls on named resources: the portable
// reference and the ARN AWS would authorize.
var resourceCalls = []policytest.Call{
	{Native: "aws:s3:GetObject", Portable: "objectstorage:Read", Resource: "objectstorage:object/logs/x", NativeResource: "arn:aws:s3:::logs/x"},
	{Native: "aws:s3:PutObject", Portable: "objectstorage:Write", Resource: "objectstorage:object/other/y/z", NativeResource: "arn:aws:s3:::other/y/z"},
	{Native: "aws:s3:ListBucket", Portable: "objectstorage:List", Resource: "objectstorage:bucket/logs", NativeResource: "arn:aws:s3:::logs"},
	{Native: "aws:s3:DeleteBucket", Portable: "objectstorage:Write", Resource: "objectstorage:bucket/logs-archive", NativeResource: "arn:aws:s3:::logs-archive"},
	{Native: "aws:s3:PutBucketPolicy", Portable: "objectstorage:Permissions", Resource: "objectstorage:bucket/other", NativeResource: "arn:aws:s3:::other"},
	{Native: "aws:ec2:TerminateInstances", Portable: "compute:Write", Resource: "compute:instance/i-1", NativeResource: "arn:aws:ec2:eu-west-3:123456789012:instance/i-1"},
	{Native: "aws:ec2:StopInstances", Portable: "compute:Write", Resource: "compute:instance/i-2", NativeResource: "arn:aws:ec2:us-east-1:123456789012:instance/i-2"},
	{Native: "aws:ec2:GetPasswordData", Portable: "compute:Permissions", Resource: "compute:instance/i-1", NativeResource: "arn:aws:ec2:eu-west-3:123456789012:instance/i-1"},
	{Native: "aws:ec2:DeleteVolume", Portable: "blockstorage:Write", Resource: "blockstorage:volume/vol-1", NativeResource: "arn:aws:ec2:eu-west-3:123456789012:volume/vol-1"},
	{Native: "aws:ec2:ModifySnapshotAttribute", Portable: "blockstorage:Permissions", Resource: "blockstorage:snapshot/snap-1", NativeResource: "arn:aws:ec2:eu-west-3::snapshot/snap-1"},
	{Native: "aws:ec2:DeleteSecurityGroup", Portable: "network:Write", Resource: "network:security-group/sg-1", NativeResource: "arn:aws:ec2:eu-west-3:123456789012:security-group/sg-1"},
	{Native: "aws:ec2:DeregisterImage", Portable: "image:Write", Resource: "image:image/ami-1", NativeResource: "arn:aws:ec2:eu-west-3::image/ami-1"},
	{Native: "aws:iam:CreateAccessKey", Portable: "iam:Permissions", Resource: "iam:user/bob", NativeResource: "arn:aws:iam::123456789012:user/bob"},
	{Native: "aws:iam:DeleteUser", Portable: "iam:Write", Resource: "iam:user/alice", NativeResource: "arn:aws:iam::123456789012:user/iamkit/alice"},
	{Native: "aws:iam:AttachGroupPolicy", Portable: "iam:Permissions", Resource: "iam:group/ops", NativeResource: "arn:aws:iam::123456789012:group/iamkit/ops"},
	{Native: "aws:iam:GetUser", Portable: "iam:Read", Resource: "iam:user/bobby", NativeResource: "arn:aws:iam::123456789012:user/bobby"},
	// The EC2 tagging actions, on a resource of each EC2-API service.
	{Native: "aws:ec2:CreateTags", Portable: "compute:Tag", Resource: "compute:instance/i-1", NativeResource: "arn:aws:ec2:eu-west-3:123456789012:instance/i-1"},
	{Native: "aws:ec2:DeleteTags", Portable: "compute:Tag", Resource: "compute:key-pair/deploy", NativeResource: "arn:aws:ec2:eu-west-3:123456789012:key-pair/deploy"},
	{Native: "aws:ec2:CreateTags", Portable: "blockstorage:Tag", Resource: "blockstorage:volume/vol-1", NativeResource: "arn:aws:ec2:eu-west-3:123456789012:volume/vol-1"},
	{Native: "aws:ec2:DeleteTags", Portable: "blockstorage:Tag", Resource: "blockstorage:snapshot/snap-1", NativeResource: "arn:aws:ec2:eu-west-3::snapshot/snap-1"},
	{Native: "aws:ec2:CreateTags", Portable: "network:Tag", Resource: "network:vpc/vpc-1", NativeResource: "arn:aws:ec2:eu-west-3:123456789012:vpc/vpc-1"},
	{Native: "aws:ec2:CreateTags", Portable: "network:Tag", Resource: "network:address/eipalloc-1", NativeResource: "arn:aws:ec2:eu-west-3:123456789012:elastic-ip/eipalloc-1"},
	{Native: "aws:ec2:CreateTags", Portable: "image:Tag", Resource: "image:image/ami-1", NativeResource: "arn:aws:ec2:eu-west-3::image/ami-1"},
}

// extraResources are resource patterns for the generator to draw from,
// besides the calls' own.
var extraResources = []policy.Resource{
	"objectstorage:bucket/*", "objectstorage:bucket/lo*", "objectstorage:bucket/logs?archive",
	"objectstorage:object/logs/*", "objectstorage:object/*", "objectstorage:object/lo*", "objectstorage:object/*/x",
	"objectstorage:object/l?gs*",
	"compute:instance/i-*", "compute:instance/*", "compute:key-pair/*", "blockstorage:volume/*",
	"blockstorage:snapshot/*", "network:vpc/*", "network:*/x", "image:image/*",
	"iam:user/*", "iam:user/b*", "iam:user/bob", "iam:group/*", "iam:user/iamkit/alice", "iam:role/x",
	"compute:server/x", "orn:ows:idauth::123:user/x", "urn:v1:eu:resource:x",
}

// catalogCalls returns a call for every catalog action (the tagging
// actions only on resources, as AWS authorizes them) and the resource
// calls.
func catalogCalls() []policytest.Call {
	var calls []policytest.Call
	for _, e := range aws.Catalog() {
		if e.ResourceTypes != nil {
			continue
		}
		for _, a := range e.Actions {
			calls = append(calls, policytest.Call{Native: "aws:" + a, Portable: string(e.Portable)})
		}
	}
	return append(calls, resourceCalls...)
}

// nativeCache keeps the last parsed native document: the property test
// evaluates every call against one document before the next.
type nativeCache struct {
	mu  sync.Mutex
	src string
	doc awspolicy.Document
}

func (c *nativeCache) parse(native []byte) (awspolicy.Document, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.src == string(native) {
		return c.doc, nil
	}
	doc, err := awspolicy.Parse(native, awspolicy.AWS)
	if err != nil {
		return doc, err
	}
	c.src, c.doc = string(native), doc
	return doc, nil
}

// requestContext maps a portable request context to AWS condition keys,
// with the EC2-specific tag keys AWS sets for EC2 resources.
func requestContext(req policy.Request) map[string][]string {
	ctx := map[string][]string{}
	if req.SourceIP.IsValid() {
		ctx["aws:SourceIp"] = []string{req.SourceIP.String()}
	}
	if !req.Time.IsZero() {
		ctx["aws:CurrentTime"] = []string{req.Time.UTC().Format(time.RFC3339Nano)}
	}
	for k, v := range req.ResourceTags {
		ctx["aws:ResourceTag/"+k] = []string{v}
		ctx["ec2:ResourceTag/"+k] = []string{v}
	}
	return ctx
}

// allows is the property test's native evaluator: AWS's own rules over the
// translated JSON.
func allows(cache *nativeCache) func([]byte, policytest.Call, policy.Request) (bool, error) {
	return func(native []byte, call policytest.Call, req policy.Request) (bool, error) {
		doc, err := cache.parse(native)
		if err != nil {
			return false, err
		}
		res := call.NativeResource
		if res == "" {
			res = "*"
		}
		d := awspolicy.Evaluate(awspolicy.Request{
			Action:   strings.TrimPrefix(call.Native, "aws:"),
			Resource: res,
			Context:  requestContext(req),
		}, doc)
		return d.Allowed, nil
	}
}

func TestNoWidening(t *testing.T) {
	calls := catalogCalls()
	docs := 2000
	if testing.Short() {
		docs = 300
	}
	for _, seed := range []uint64{1, 2, 3, 0x1a4c17} {
		for _, widen := range []bool{false, true} {
			name := fmt.Sprintf("seed%#x", seed)
			if widen {
				name += "/AllowWidening"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				cfg := policytest.Config{
					Translator: aws.Translator{AccountID: testAccount},
					Options:    policy.TranslateOptions{AllowWidening: widen},
					Catalog:    calls,
					Allows:     allows(&nativeCache{}),
					Documents:  docs,
					Seed:       seed,
					Resources:  extraResources,
					Exact:      true,
				}
				policytest.CheckNoWidening(t, cfg)
			})
		}
	}
}

// Without an account id, ARNs name resources in any account: the property
// holds too.
func TestNoWideningAnyAccount(t *testing.T) {
	policytest.CheckNoWidening(t, policytest.Config{
		Translator: aws.Translator{},
		Catalog:    catalogCalls(),
		Allows:     allows(&nativeCache{}),
		Documents:  500,
		Seed:       7,
		Resources:  extraResources,
		Exact:      true,
	})
}
