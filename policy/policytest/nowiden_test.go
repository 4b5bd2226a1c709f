package policytest_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/iamkit/iamkit/policy"
	"github.com/iamkit/iamkit/policy/policytest"
)

var catalog = []policytest.Call{
	{Native: "aws:ec2:DescribeInstances", Portable: "compute:Read"},
	{Native: "aws:ec2:DescribeVolumes", Portable: "blockstorage:Read"},
	{Native: "aws:ec2:RunInstances", Portable: "compute:Write"},
	{Native: "aws:s3:ListAllMyBuckets", Portable: "objectstorage:List"},
	{Native: "aws:s3:GetObject", Portable: "objectstorage:Read", Resource: "objectstorage:bucket/logs"},
	{Native: "aws:iam:CreateAccessKey", Portable: "iam:Permissions"},
}

// identity "translates" to the canonical portable JSON: exact by
// construction, so the property must hold with Exact checking on.
var identity = policy.TranslatorFunc(func(doc policy.Document, _ policy.TranslateOptions) (*policy.Translation, error) {
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	rep := policy.Report{}
	for i, s := range doc.Statements {
		rep.Statements = append(rep.Statements, policy.StatementReport{Index: i, Sid: s.Sid})
	}
	return &policy.Translation{Native: b, Report: rep}, nil
})

func evalPortableJSON(native []byte, _ policytest.Call, req policy.Request) (bool, error) {
	doc, err := policy.Parse(native)
	if err != nil {
		return false, err
	}
	return policy.Evaluate(req, doc).Allowed, nil
}

func TestIdentityTranslatorHolds(t *testing.T) {
	policytest.CheckNoWidening(t, policytest.Config{Translator: identity, Catalog: catalog, Allows: evalPortableJSON, Exact: true})
}

// The property must catch translators that widen, each in its own way.
func TestCatchesWidening(t *testing.T) {
	widen := map[string]func(policy.Document) policy.Document{
		"drops deny statements": func(d policy.Document) policy.Document {
			d.Statements = slices.DeleteFunc(slices.Clone(d.Statements), func(s policy.Statement) bool { return s.Effect == policy.Deny })
			if len(d.Statements) == 0 {
				d.Statements = []policy.Statement{policy.Allowing("compute:Read")}
			}
			return d
		},
		"drops conditions": func(d policy.Document) policy.Document {
			d.Statements = slices.Clone(d.Statements)
			for i := range d.Statements {
				d.Statements[i].Conditions = nil
			}
			return d
		},
		"widens resources to *": func(d policy.Document) policy.Document {
			d.Statements = slices.Clone(d.Statements)
			for i := range d.Statements {
				if d.Statements[i].Resources != nil {
					d.Statements[i].Resources = []policy.Resource{"*"}
				}
			}
			return d
		},
		"read becomes service-wide": func(d policy.Document) policy.Document {
			d.Statements = slices.Clone(d.Statements)
			for i := range d.Statements {
				acts := slices.Clone(d.Statements[i].Actions)
				for j, a := range acts {
					if s, l, ok := a.Portable(); ok && l == policy.Read {
						acts[j] = policy.Portable(s, "*")
					}
				}
				d.Statements[i].Actions = acts
			}
			return d
		},
	}
	for name, f := range widen {
		t.Run(name, func(t *testing.T) {
			tr := policy.TranslatorFunc(func(doc policy.Document, o policy.TranslateOptions) (*policy.Translation, error) {
				return identity.Translate(f(doc), o)
			})
			vs, st, err := policytest.NoWidening(policytest.Config{Translator: tr, Catalog: catalog, Allows: evalPortableJSON})
			if err != nil {
				t.Fatal(err)
			}
			if len(vs) == 0 {
				t.Fatalf("no violation found in %+v", st)
			}
			t.Logf("first violation: %v", vs[0])
		})
	}
}

func TestNarrowingReportedExactIsCaught(t *testing.T) {
	// Dropping allow statements only narrows: no widening, but a report
	// that still says Exact is a lie that Exact checking catches.
	tr := policy.TranslatorFunc(func(doc policy.Document, o policy.TranslateOptions) (*policy.Translation, error) {
		doc.Statements = []policy.Statement{policy.Allowing("iam:List")}
		return identity.Translate(doc, o)
	})
	cfg := policytest.Config{Translator: tr, Catalog: catalog, Allows: evalPortableJSON}
	if vs, _, _ := policytest.NoWidening(cfg); len(vs) != 0 {
		t.Fatalf("narrowing reported as widening: %v", vs[0])
	}
	cfg.Exact = true
	if vs, _, _ := policytest.NoWidening(cfg); len(vs) == 0 {
		t.Fatal("an exact report over a narrowed translation went unnoticed")
	}
}

func TestConfigErrors(t *testing.T) {
	if _, _, err := policytest.NoWidening(policytest.Config{}); err == nil {
		t.Fatal("empty config accepted")
	}
}
