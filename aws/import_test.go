package aws_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/iamkit/iamkit/aws"
	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/awspolicy"
	"github.com/iamkit/iamkit/policy"
)

// The LayerOps policy imports, translates back, and AWS decides every call
// the same way under both, whatever the CreatedBy tag.
func TestImportLayerOpsRoundTrip(t *testing.T) {
	orig, err := os.ReadFile("../internal/awspolicy/testdata/layerops-aws.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := aws.Import(orig)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Statements) != 4 || doc.Statements[3].Conditions[0].Key != "iamkit:ResourceTag/CreatedBy" {
		t.Fatalf("imported %+v", doc)
	}
	tr, err := aws.Translator{}.Translate(doc, policy.TranslateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if f := tr.Report.Fidelity(); f != policy.Exact {
		t.Fatalf("report %s", tr.Report)
	}
	before, err := awspolicy.Parse(orig, awspolicy.AWS)
	if err != nil {
		t.Fatal(err)
	}
	after, err := awspolicy.Parse(tr.Native, awspolicy.AWS)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, s := range before.Statements {
		actions = append(actions, s.Actions...)
	}
	actions = append(actions, "ec2:GetPasswordData", "s3:ListAllMyBuckets", "iam:CreateUser", "ec2:ModifyInstanceAttribute", "iam:GetUserPolicy")
	tags := []map[string][]string{
		{},
		{"ec2:ResourceTag/CreatedBy": {"user"}, "aws:ResourceTag/CreatedBy": {"user"}},
		{"ec2:ResourceTag/CreatedBy": {"other"}, "aws:ResourceTag/CreatedBy": {"other"}},
	}
	n := 0
	for _, a := range actions {
		for _, res := range []string{"*", "arn:aws:ec2:eu-west-3:123456789012:instance/i-1"} {
			for _, ctx := range tags {
				req := awspolicy.Request{Action: a, Resource: res, Context: ctx}
				want := awspolicy.Evaluate(req, before).Allowed
				got := awspolicy.Evaluate(req, after).Allowed
				if got != want {
					t.Errorf("%s on %s with %v: translated %v, original %v", a, res, ctx, got, want)
				}
				n++
			}
		}
	}
	t.Logf("%d decisions compared", n)
	// And the portable document is the LayerOps preset's.
	pre, err := aws.Translator{}.Translate(policy.LayerOpsOperator(), policy.TranslateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := awspolicy.Parse(pre.Native, awspolicy.AWS)
	if len(p.Statements) != len(after.Statements) {
		t.Errorf("preset translates to %d statements, import to %d", len(p.Statements), len(after.Statements))
	}
}

// A policy translated from portable levels reads back as those levels.
func TestImportReadsLevelsBack(t *testing.T) {
	for _, d := range []policy.Document{policy.ReadOnly(policy.Compute), policy.IAMAdmin(), policy.ReadOnly(policy.Network, policy.ObjectStorage)} {
		tr, err := aws.Translator{}.Translate(d, policy.TranslateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		back, err := aws.Import(tr.Native)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := d.MarshalJSON()
		got, _ := back.MarshalJSON()
		if d.Statements[0].Actions[0] != "iam:*" && string(got) != string(want) {
			t.Errorf("got  %s\nwant %s", got, want)
		}
		again, err := aws.Translator{}.Translate(back, policy.TranslateOptions{})
		if err != nil || string(again.Native) != string(tr.Native) {
			t.Errorf("translating back: %v\n%s\n%s", err, again.Native, tr.Native)
		}
	}
}

func TestImport(t *testing.T) {
	ok := []struct{ name, in, want string }{
		{"actions and resources",
			`{"Version":"2012-10-17","Statement":{"Sid":"S3","Effect":"Allow","Action":["s3:GetObject","*"],"Resource":"arn:aws:s3:::logs/*"}}`,
			`{"Version":"iamkit/1","Statement":[{"Sid":"S3","Effect":"Allow","Action":["aws:s3:GetObject","*"],"Resource":["arn:aws:s3:::logs/*"]}]}`},
		{"whole levels read as portable actions",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:DescribeImportImageTasks","ec2:DescribeImages","s3:GetObject","ec2:DescribeImageAttribute","ec2:DescribeExportImageTasks","iam:GetUser"],"Resource":"*"}]}`,
			`{"Version":"iamkit/1","Statement":[{"Effect":"Allow","Action":["image:Read","aws:s3:GetObject","aws:iam:GetUser"],"Resource":["*"]}]}`},
		{"not elements",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":"EC2:Describe*","NotResource":["arn:aws:ec2:*:*:instance/*"]}]}`,
			`{"Version":"iamkit/1","Statement":[{"Effect":"Deny","NotAction":["aws:ec2:Describe*"],"NotResource":["arn:aws:ec2:*:*:instance/*"]}]}`},
		{"conditions",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*","Condition":{
				"IpAddress":{"aws:sourceip":["203.0.113.0/24"]},"DateLessThan":{"aws:CurrentTime":"2027-01-01T00:00:00Z"},
				"StringNotEquals":{"aws:ResourceTag/team":"ops"},"StringEquals":{"iam:ResourceTag/env":"prod"}}}]}`,
			`{"Version":"iamkit/1","Statement":[{"Effect":"Allow","Action":["aws:iam:GetUser"],"Resource":["*"],"Condition":{"DateLessThan":{"iamkit:CurrentTime":["2027-01-01T00:00:00Z"]},"IpAddress":{"iamkit:SourceIp":["203.0.113.0/24"]},"StringEquals":{"iamkit:ResourceTag/env":["prod"]},"StringNotEquals":{"iamkit:ResourceTag/team":["ops"]}}}]}`},
	}
	for _, c := range ok {
		t.Run(c.name, func(t *testing.T) {
			doc, err := aws.Import([]byte(c.in))
			if err != nil {
				t.Fatal(err)
			}
			got, err := doc.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}

	bad := []struct{ name, in, want string }{
		{"malformed", `{"Statement":[]}`, "empty list"},
		{"operator", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}`,
			"statement 0: Condition.Bool.aws:SecureTransport: operator Bool has no portable equivalent"},
		{"key", `{"Version":"2012-10-17","Statement":[{"Sid":"x","Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:username":"bob"}}}]}`,
			`statement 0 ("x"): Condition.StringEquals.aws:username: condition key aws:username has no portable equivalent`},
		{"service tag key on other actions", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:StopInstances","iam:DeleteUser"],"Resource":"*","Condition":{"StringEquals":{"ec2:ResourceTag/o":"me"}}}]}`,
			"ec2:ResourceTag/o applies to ec2 actions only, and the statement has iam:DeleteUser too: use aws:ResourceTag/o"},
		{"two keys one portable key", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:StopInstances"],"Resource":"*","Condition":{"StringEquals":{"ec2:ResourceTag/o":"me","aws:ResourceTag/o":"you"}}}]}`,
			"both must hold"},
		{"policy variable", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::*:user/${aws:username}"}]}`,
			"statement 0: Resource[0]: policy variables"},
		{"action name", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:Get_Thing","Resource":"*"}]}`,
			"Action[0]"},
		{"date format", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2027-01-01"}}}]}`,
			"RFC 3339"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := aws.Import([]byte(c.in))
			if !errors.Is(err, iam.ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v\nwant it to mention %q", err, c.want)
			}
		})
	}
}
