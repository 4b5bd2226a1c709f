package aws_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iamkit/iamkit/aws"
	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/awspolicy"
	"github.com/iamkit/iamkit/policy"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/translate")

// goldenDocs are translated to testdata/translate/<name>.json: every
// preset, and hand-written cases.
var goldenDocs = map[string]policy.Document{
	"readonly-compute":       policy.ReadOnly(policy.Compute),
	"readonly-all":           policy.ReadOnly(policy.Compute, policy.BlockStorage, policy.Network, policy.Image, policy.ObjectStorage),
	"fullaccess-compute-s3":  policy.FullAccess(policy.Compute, policy.ObjectStorage),
	"fullcontrol":            policy.FullControl(),
	"iamadmin":               policy.IAMAdmin(),
	"ec2-and-s3":             policy.EC2AndS3(),
	"simpledb-readonly":      policy.SimpleDBReadOnly("us-east-1", "123456789012", "mydomain"),
	"ovh-supervisor-account": policy.OVHInfrastructureSupervisor("123456789012"),
	"layerops-operator":      policy.LayerOpsOperator(),

	"bucket-read-from-office": policy.Build(
		policy.Allowing("objectstorage:List", "objectstorage:Read").
			On("objectstorage:bucket/logs", "objectstorage:object/logs/*").
			FromNetworks("203.0.113.0/24", "::ffff:198.51.100.0/120").Named("logs-ro")),
	"tag-own-instances": policy.Build(
		policy.Allowing("compute:Tag", "compute:Write").On("compute:instance/*").
			When(policy.StringEquals, policy.KeyResourceTagPrefix+"CreatedBy", "user").Named("own")),
	"deny-iam-and-secrets": policy.Build(
		policy.Allowing("*").Named("all"),
		policy.Denying("iam:*", "compute:Permissions").Named("no-escalation"),
		policy.Denying("*").When(policy.NotIPAddress, policy.KeySourceIP, "203.0.113.0/24").Named("office only")),
	"temporary-readonly": policy.Build(
		policy.Allowing("*:List", "*:Read").Between(
			mustTime("2026-01-01T00:00:00+02:00"), mustTime("2026-12-31T23:59:59Z")).Named("q1")),
	"mixed-clouds": policy.Build(
		policy.Allowing("outscale:api:ReadVms", "aws:ec2:DescribeInstances", "ovh:publicCloudProject:openstack:infrastructureSupervisor").Named("vms"),
		policy.Denying("openstack:compute:DELETE:/v2.1/servers/*", "compute:Write").On("urn:v1:eu:resource:x", "compute:instance/i-0abc").Named("keep")),
	"iam-users": policy.Build(
		policy.Allowing("iam:Permissions").On("iam:user/watcher_1", "iam:group/*", "iam:user/ci-*").Named("keys")),
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestTranslateGolden(t *testing.T) {
	tr := aws.Translator{AccountID: "123456789012"}
	for name, doc := range goldenDocs {
		t.Run(name, func(t *testing.T) {
			out, err := tr.Translate(doc, policy.TranslateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var pretty bytes.Buffer
			if err := json.Indent(&pretty, out.Native, "", "  "); err != nil {
				t.Fatal(err)
			}
			var rep bytes.Buffer
			for _, s := range out.Report.Statements {
				b, _ := json.Marshal(s)
				rep.Write(b)
				rep.WriteByte('\n')
			}
			got := []byte(`{"native": ` + pretty.String() + ",\n" + `"report": [` + "\n" +
				strings.ReplaceAll(strings.TrimSuffix(rep.String(), "\n"), "\n", ",\n") + "\n]}\n")
			file := filepath.Join("testdata", "translate", name+".json")
			if *update {
				if err := os.WriteFile(file, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run go test ./aws -run Golden -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the translation:\n%s", file, got)
			}
			// Goldens are valid AWS JSON within the managed limit.
			if _, err := awspolicy.Parse(out.Native, awspolicy.AWS); err != nil {
				t.Error(err)
			}
			if err := aws.CheckSize(out.Native, aws.MaxManagedPolicySize, "managed policy"); err != nil {
				t.Error(err)
			}
		})
	}
}

type rule struct {
	name   string
	tr     aws.Translator
	opts   policy.TranslateOptions
	doc    policy.Document
	native string // compact native JSON, when checked
	fid    []policy.Fidelity
	reason string // a substring of the report
	err    error  // the error kind, when refused
	errMsg string
}

func stmt(effect policy.Effect, actions []policy.Action, resources []policy.Resource) policy.Statement {
	return policy.Statement{Effect: effect, Actions: actions, Resources: resources}
}

func acts(a ...policy.Action) []policy.Action     { return a }
func ress(r ...policy.Resource) []policy.Resource { return r }
func fids(f ...policy.Fidelity) []policy.Fidelity { return f }
func doc(s ...policy.Statement) policy.Document   { return policy.Build(s...) }
func deny(a ...policy.Action) policy.Statement    { return policy.Denying(a...) }
func allow(a ...policy.Action) policy.Statement   { return policy.Allowing(a...) }
func notAction(e policy.Effect, a ...policy.Action) policy.Statement {
	return policy.Statement{Effect: e, NotActions: a, Resources: []policy.Resource{"*"}}
}

const acct = "123456789012"

var rules = []rule{
	// Actions.
	{name: "star", doc: doc(allow("*")), native: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["*"],"Resource":["*"]}]}`, fid: fids(policy.Exact)},
	{name: "native verbatim", doc: doc(allow("aws:ec2:RunInstances", "aws:s3:Get*")),
		native: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:RunInstances","s3:Get*"],"Resource":["*"]}]}`, fid: fids(policy.Exact)},
	{name: "level is the catalog list, never a wildcard", doc: doc(allow("image:Read")),
		native: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:DescribeExportImageTasks","ec2:DescribeImageAttribute","ec2:DescribeImages","ec2:DescribeImportImageTasks"],"Resource":["*"]}]}`, fid: fids(policy.Exact)},
	{name: "deny of a whole service is its prefix", doc: doc(allow("*"), deny("iam:*", "objectstorage:*")),
		native: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["*"],"Resource":["*"]},{"Effect":"Deny","Action":["iam:*","s3:*"],"Resource":["*"]}]}`, fid: fids(policy.Exact, policy.Exact)},
	{name: "allow of a whole service stays a list", doc: doc(allow("objectstorage:*")), reason: "", fid: fids(policy.Exact)},
	{name: "foreign actions dropped from an allow", doc: doc(allow("outscale:api:ReadVms", "compute:Tag")),
		fid: fids(policy.Narrowed), reason: "outscale:api:ReadVms: another cloud's native action"},
	{name: "only foreign actions", doc: doc(allow("ovh:a:b"), allow("aws:iam:GetUser")),
		native: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GetUser"],"Resource":["*"]}]}`, fid: fids(policy.Narrowed, policy.Exact)},
	{name: "nothing left", doc: doc(allow("ovh:a:b")), err: iam.ErrInvalid, errMsg: "nothing of the document"},
	{name: "empty level", doc: doc(allow("image:List", "aws:iam:GetUser")), fid: fids(policy.Narrowed), reason: "image:List has no AWS action"},
	{name: "foreign actions in a deny are exact", doc: doc(allow("*"), deny("outscale:api:DeleteVms")),
		native: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["*"],"Resource":["*"]}]}`, fid: fids(policy.Exact, policy.Exact)},

	// NotAction.
	{name: "allow notaction over a level is refused", doc: doc(notAction(policy.Allow, "compute:Read")), err: iam.ErrInvalid, errMsg: "AllowWidening"},
	{name: "allow notaction over a level, widening accepted", doc: doc(notAction(policy.Allow, "compute:Read")),
		opts: policy.TranslateOptions{AllowWidening: true}, fid: fids(policy.Widened), reason: "would be allowed"},
	{name: "allow notaction over a whole service", doc: doc(notAction(policy.Allow, "iam:*", "aws:ec2:GetPasswordData", "outscale:api:ReadVms")),
		native: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["ec2:GetPasswordData","iam:*"],"Resource":["*"]}]}`, fid: fids(policy.Exact)},
	{name: "deny notaction is the exact list", doc: doc(allow("*"), notAction(policy.Deny, "image:Read")),
		native: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["*"],"Resource":["*"]},{"Effect":"Deny","NotAction":["ec2:DescribeExportImageTasks","ec2:DescribeImageAttribute","ec2:DescribeImages","ec2:DescribeImportImageTasks"],"Resource":["*"]}]}`, fid: fids(policy.Exact, policy.Exact)},
	{name: "deny notaction of tagging denies all tagging", doc: doc(allow("*"), notAction(policy.Deny, "compute:Tag")),
		native: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["*"],"Resource":["*"]},{"Effect":"Deny","Action":["*"],"Resource":["*"]}]}`, fid: fids(policy.Exact, policy.Narrowed)},

	// Resources.
	{name: "bucket and objects", doc: doc(allow("aws:s3:GetObject").On("objectstorage:bucket/logs", "objectstorage:object/logs/2026/*", "objectstorage:object/arch*")),
		native: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::arch*/*","arn:aws:s3:::logs","arn:aws:s3:::logs/2026/*"]}]}`, fid: fids(policy.Exact)},
	{name: "wildcard bucket not granted", doc: doc(allow("aws:s3:ListBucket").On("objectstorage:bucket/logs-*", "objectstorage:bucket/logs")),
		native: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::logs"]}]}`, fid: fids(policy.Narrowed), reason: "wildcard bucket"},
	{name: "wildcard bucket denied wider", doc: doc(allow("*"), deny("aws:s3:ListBucket").On("objectstorage:bucket/logs-*")),
		native: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["*"],"Resource":["*"]},{"Effect":"Deny","Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::logs-*"]}]}`, fid: fids(policy.Exact, policy.Narrowed)},
	{name: "ec2 and iam arns", tr: aws.Translator{Partition: "aws-cn", AccountID: acct},
		doc:    doc(allow("aws:ec2:StopInstances", "aws:iam:GetUser").On("compute:instance/i-1", "image:image/ami-1", "iam:user/bob", "iam:group/*")),
		native: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:StopInstances","iam:GetUser"],"Resource":["arn:aws-cn:ec2:*:123456789012:instance/i-1","arn:aws-cn:ec2:*::image/ami-1","arn:aws-cn:iam::123456789012:group/*","arn:aws-cn:iam::123456789012:user/*/bob","arn:aws-cn:iam::123456789012:user/bob"]}]}`, fid: fids(policy.Exact)},
	{name: "any account", doc: doc(allow("aws:ec2:StopInstances").On("compute:instance/i-1")),
		native: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:StopInstances"],"Resource":["arn:aws:ec2:*:*:instance/i-1"]}]}`, fid: fids(policy.Exact)},
	{name: "native arn verbatim, foreign dropped", doc: doc(allow("aws:sdb:Select").On("arn:aws:sdb:us-east-1:123456789012:domain/d", "orn:ows:idauth::1:user/x")),
		native: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sdb:Select"],"Resource":["arn:aws:sdb:us-east-1:123456789012:domain/d"]}]}`, fid: fids(policy.Narrowed), reason: "not an AWS resource"},
	{name: "unexpressible resource in a deny denies everything", doc: doc(allow("*"), deny("aws:ec2:TerminateInstances").On("project/p1")),
		native: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["*"],"Resource":["*"]},{"Effect":"Deny","Action":["ec2:TerminateInstances"],"Resource":["*"]}]}`, fid: fids(policy.Exact, policy.Narrowed)},
	{name: "project of an account", tr: aws.Translator{AccountID: acct},
		doc:    doc(allow("aws:ec2:StopInstances", "aws:iam:GetUser", "aws:s3:GetObject").On("project/" + acct)),
		native: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:StopInstances","iam:GetUser"],"Resource":["arn:aws:ec2:*:123456789012:*","arn:aws:iam::123456789012:*"]}]}`,
		fid:    fids(policy.Narrowed), reason: "s3:GetObject not granted"},
	{name: "project elsewhere", doc: doc(allow("compute:Read").On("project/0f0f0f")), err: iam.ErrInvalid},
	{name: "describe scoped to a resource", doc: doc(allow("aws:ec2:DescribeInstances").On("compute:instance/i-1")),
		fid: fids(policy.Narrowed), reason: "ec2:DescribeInstances does not support resource-level permissions"},
	{name: "deny of describe on a resource denies it everywhere", doc: doc(allow("*"), deny("aws:ec2:DescribeInstances", "aws:ec2:StopInstances").On("compute:instance/i-1")),
		native: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["*"],"Resource":["*"]},{"Effect":"Deny","Action":["ec2:DescribeInstances"],"Resource":["*"]},{"Effect":"Deny","Action":["ec2:StopInstances"],"Resource":["arn:aws:ec2:*:*:instance/i-1"]}]}`,
		fid:    fids(policy.Exact, policy.Narrowed)},
	{name: "tagging is scoped to the service", doc: doc(allow("network:Tag").On("*", "compute:instance/i-1")),
		fid: fids(policy.Exact), reason: ""},
	{name: "notresource of an allow", doc: doc(policy.Statement{Effect: policy.Allow, Actions: acts("aws:s3:GetObject"), NotResources: ress("objectstorage:object/secret/*")}),
		native: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"NotResource":["arn:aws:s3:::secret/*"]}]}`, fid: fids(policy.Exact)},
	{name: "unexpressible notresource of an allow drops it", doc: doc(policy.Statement{Effect: policy.Allow, Actions: acts("aws:s3:GetObject"), NotResources: ress("project/p1")}, allow("aws:iam:GetUser")),
		fid: fids(policy.Narrowed, policy.Exact)},
	{name: "unexpressible notresource of a deny is left out", doc: doc(allow("*"), policy.Statement{Effect: policy.Deny, Actions: acts("aws:s3:GetObject"), NotResources: ress("urn:x:y")}),
		native: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["*"],"Resource":["*"]},{"Effect":"Deny","Action":["s3:GetObject"],"Resource":["*"]}]}`, fid: fids(policy.Exact, policy.Narrowed)},

	// Conditions.
	{name: "conditions", doc: doc(allow("aws:iam:GetUser").FromNetworks("::ffff:203.0.113.9").
		Between(mustTime("2026-01-01T01:00:00+01:00"), mustTime("2027-01-01T00:00:00Z")).
		When(policy.StringEqualsIfExists, policy.KeyResourceTagPrefix+"CreatedBy", "user")),
		native: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GetUser"],"Resource":["*"],"Condition":{"DateGreaterThanEquals":{"aws:CurrentTime":["2026-01-01T00:00:00Z"]},"DateLessThanEquals":{"aws:CurrentTime":["2027-01-01T00:00:00Z"]},"IpAddress":{"aws:SourceIp":["203.0.113.9"]},"StringEqualsIfExists":{"aws:ResourceTag/CreatedBy":["user"]}}}]}`,
		fid:    fids(policy.Exact)},
	{name: "unwritable condition drops an allow", doc: doc(allow("aws:iam:GetUser").When(policy.StringEquals, policy.KeyResourceTagPrefix+"owner", "李"), allow("aws:iam:ListUsers")),
		native: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:ListUsers"],"Resource":["*"]}]}`, fid: fids(policy.Narrowed, policy.Exact)},
	{name: "unwritable condition widens a deny", doc: doc(allow("*"), deny("aws:iam:GetUser").When(policy.StringEquals, policy.KeyResourceTagPrefix+"owner", "李")),
		native: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["*"],"Resource":["*"]},{"Effect":"Deny","Action":["iam:GetUser"],"Resource":["*"]}]}`, fid: fids(policy.Exact, policy.Narrowed)},

	// Sids.
	{name: "sids", doc: doc(allow("aws:iam:GetUser").Named("read-only"), allow("aws:iam:ListUsers").Named("read only"), allow("aws:iam:GetRole").Named("---")),
		native: `{"Version":"2012-10-17","Statement":[{"Sid":"readonly","Effect":"Allow","Action":["iam:GetUser"],"Resource":["*"]},{"Sid":"readonly2","Effect":"Allow","Action":["iam:ListUsers"],"Resource":["*"]},{"Effect":"Allow","Action":["iam:GetRole"],"Resource":["*"]}]}`,
		fid:    fids(policy.Exact, policy.Exact, policy.Exact)},

	// Configuration and input.
	{name: "bad account", tr: aws.Translator{AccountID: "42"}, doc: doc(allow("*")), err: iam.ErrInvalid, errMsg: "12 digits"},
	{name: "bad partition", tr: aws.Translator{Partition: "AWS"}, doc: doc(allow("*")), err: iam.ErrInvalid},
	{name: "invalid document", doc: policy.Document{}, err: iam.ErrInvalid},
	{name: "too large", doc: doc(allow("*:*")), err: iam.ErrLimit, errMsg: "the limit is 6144"},
}

func TestTranslateRules(t *testing.T) {
	for _, c := range rules {
		t.Run(c.name, func(t *testing.T) {
			out, err := c.tr.Translate(c.doc, c.opts)
			if c.err != nil {
				if !errors.Is(err, c.err) || !strings.Contains(errString(err), c.errMsg) {
					t.Fatalf("err = %v, want %v mentioning %q", err, c.err, c.errMsg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.native != "" && string(out.Native) != c.native {
				t.Errorf("native\n got %s\nwant %s", out.Native, c.native)
			}
			if len(out.Report.Statements) != len(c.doc.Statements) {
				t.Fatalf("report has %d statements, document %d", len(out.Report.Statements), len(c.doc.Statements))
			}
			for i, s := range out.Report.Statements {
				if s.Index != i || s.Sid != c.doc.Statements[i].Sid {
					t.Errorf("report %d: %+v", i, s)
				}
				if i < len(c.fid) && s.Fidelity != c.fid[i] {
					t.Errorf("statement %d: %s, want %s (%s)", i, s.Fidelity, c.fid[i], s.Reason)
				}
				if s.Fidelity != policy.Exact && s.Reason == "" {
					t.Errorf("statement %d: %s without a reason", i, s.Fidelity)
				}
			}
			if !strings.Contains(out.Report.String(), c.reason) {
				t.Errorf("report %q does not mention %q", out.Report, c.reason)
			}
			if _, err := awspolicy.Parse(out.Native, awspolicy.AWS); err != nil {
				t.Error(err)
			}
		})
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestCheckSize(t *testing.T) {
	small := []byte(`{"Version": "2012-10-17",` + "\n\t" + `"Statement": []}`)
	n := awspolicy.NonWhitespaceLen(small)
	if err := aws.CheckSize(small, n, "inline user policy"); err != nil {
		t.Errorf("at the limit: %v", err)
	}
	err := aws.CheckSize(small, n-1, "inline user policy")
	var e *iam.Error
	if !errors.Is(err, iam.ErrLimit) || !errors.As(err, &e) {
		t.Fatalf("err = %v", err)
	}
	want := "inline user policy is " + itoa(n) + " non-whitespace characters, the limit is " + itoa(n-1)
	if e.Msg != want {
		t.Errorf("msg %q, want %q", e.Msg, want)
	}
	if aws.MaxManagedPolicySize != 6144 || aws.MaxInlineUserPolicySize != 2048 || aws.MaxInlineGroupPolicySize != 5120 || aws.MaxInlineRolePolicySize != 10240 {
		t.Error("quota constants changed")
	}
}

// Translate refuses a policy over the managed limit before any call, and
// the error says how large it is.
func TestTranslateSizeLimit(t *testing.T) {
	var big []policy.Action
	for i := range 300 {
		big = append(big, policy.Action("aws:ec2:Describe"+strings.Repeat("X", i%20)+itoa(i)))
	}
	_, err := aws.Translator{}.Translate(doc(allow(big...)), policy.TranslateOptions{})
	if !errors.Is(err, iam.ErrLimit) || !strings.Contains(err.Error(), "managed policy is ") {
		t.Fatalf("err = %v", err)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
