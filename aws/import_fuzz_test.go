package aws_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamkit/iamkit/aws"
	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/awspolicy"
	"github.com/iamkit/iamkit/policy"
)

// importSeeds returns the native AWS policies of testdata: the expected
// translations (their "native" member) and awspolicy's examples.
func importSeeds(f *testing.F) [][]byte {
	var out [][]byte
	files, _ := filepath.Glob("testdata/translate/*.json")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		var tr struct {
			Native json.RawMessage `json:"native"`
		}
		if err := json.Unmarshal(b, &tr); err != nil || len(tr.Native) == 0 {
			f.Fatalf("%s: no native policy (%v)", file, err)
		}
		out = append(out, tr.Native)
	}
	more, _ := filepath.Glob("../internal/awspolicy/testdata/*.json")
	for _, file := range more {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// concrete reports whether s names one action or resource (no wildcard,
// no policy variable).
func concrete(s string) bool { return s != "" && !strings.ContainsAny(s, "*?$") }

// FuzzImport reads AWS identity policies (from an account, or a file) into
// portable documents. Properties: Import never panics; it refuses with an
// *iam.Error of kind ErrInvalid, which wraps a *policy.Error when the
// input is a valid AWS policy (the refusal is then of a feature the
// portable model lacks, and names the statement); what it accepts is a
// valid document that the Translator turns back (without widening; a
// "narrowed" grade only drops what AWS never grants on the resources
// named) into a policy AWS decides as the original on every request
// tried, and that imports and translates again to the same policy.
func FuzzImport(f *testing.F) {
	for _, b := range importSeeds(f) {
		f.Add(b)
	}
	for _, s := range []string{
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":"iam:*","NotResource":"arn:aws:s3:::b/*"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:StartInstances","Resource":"*","Condition":{"StringEquals":{"ec2:ResourceTag/CreatedBy":"me"},"IpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]},"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:RunInstances","s3:GetObject"],"Resource":"*","Condition":{"StringEquals":{"ec2:ResourceTag/a":"b"}}}]}`,
		`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:StartInstances","Resource":"compute:instance/i-1"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:StartInstances","Resource":["arn:::","*"]}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:StartInstances","Resource":"arn:aws:ec2:*"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:StartInstances","Resource":["arn:aws:ec2:*","arn:aws:s3:::b"]}]}`,
		`{"Version":"2012-10-17","Id":"x","Statement":[{"Sid":"A","Effect":"Allow","Action":"iam:CreateUser","Resource":"arn:aws:iam::123456789012:user/*"}]}`,
	} {
		f.Add([]byte(s))
	}
	extraActions := []string{"iam:CreateUser", "iam:GetUser", "s3:GetObject", "s3:ListAllMyBuckets", "ec2:RunInstances",
		"ec2:DescribeInstances", "ec2:TerminateInstances", "sts:GetCallerIdentity", "kms:Decrypt"}
	f.Fuzz(func(t *testing.T, native []byte) {
		doc, err := aws.Import(native)
		if err != nil {
			var ie *iam.Error
			if !errors.As(err, &ie) || iam.KindOf(err) != iam.ErrInvalid {
				t.Fatalf("refused with %T %v, want an *iam.Error of kind ErrInvalid", err, err)
			}
			var pe *policy.Error
			if _, perr := awspolicy.Parse(native, awspolicy.AWS); perr == nil && !errors.As(err, &pe) {
				t.Fatalf("refused a valid AWS policy without a *policy.Error: %v", err)
			}
			return
		}
		if err := policy.Validate(doc); err != nil {
			t.Fatalf("imported an invalid document: %v", err)
		}
		tr, err := aws.Translator{}.Translate(doc, policy.TranslateOptions{})
		if errors.Is(err, iam.ErrLimit) {
			return // over AWS's 6,144 characters: no account holds such a policy
		}
		if err != nil {
			t.Fatalf("imported document does not translate back: %v\n%s", err, native)
		}
		before, err := awspolicy.Parse(native, awspolicy.AWS)
		if err != nil {
			t.Fatalf("Import accepted what awspolicy refuses: %v", err)
		}
		after, err := awspolicy.Parse(tr.Native, awspolicy.AWS)
		if err != nil {
			t.Fatalf("translation is not a valid AWS policy: %v\n%s", err, tr.Native)
		}

		// Requests: the policy's own concrete actions and resources, a
		// few common ones, without context and with the values its
		// conditions name.
		actions := append([]string{}, extraActions...)
		resources := []string{"*", "arn:aws:s3:::bucket/key", "arn:aws:ec2:eu-west-3:123456789012:instance/i-1"}
		withCond := map[string][]string{}
		for _, s := range before.Statements {
			for _, a := range append(append([]string{}, s.Actions...), s.NotActions...) {
				if concrete(a) && len(actions) < 24 {
					actions = append(actions, a)
				}
			}
			for _, r := range append(append([]string{}, s.Resources...), s.NotResources...) {
				if concrete(r) && len(resources) < 8 {
					resources = append(resources, r)
				}
			}
			for _, c := range s.Conditions {
				if len(c.Values) > 0 {
					withCond[c.Key] = c.Values[:1]
				}
			}
		}
		for _, a := range actions {
			for _, r := range resources {
				for _, ctx := range []map[string][]string{nil, withCond} {
					req := awspolicy.Request{Action: a, Resource: r, Context: ctx}
					if w, g := awspolicy.Evaluate(req, before).Allowed, awspolicy.Evaluate(req, after).Allowed; w != g {
						t.Fatalf("%s on %s with %v: original %v, imported and translated %v\n%s\n%s", a, r, ctx, w, g, native, tr.Native)
					}
				}
			}
		}

		again, err := aws.Import(tr.Native)
		if err != nil {
			t.Fatalf("the translation does not import: %v\n%s", err, tr.Native)
		}
		tr2, err := aws.Translator{}.Translate(again, policy.TranslateOptions{})
		if err != nil || string(tr2.Native) != string(tr.Native) {
			t.Fatalf("import and translate again (%v):\n%s\n%s", err, tr.Native, tr2.Native)
		}
	})
}
