package outscale_test

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/awspolicy"
	"github.com/iamkit/iamkit/outscale"
	"github.com/iamkit/iamkit/policy"
	"github.com/iamkit/iamkit/policy/policytest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// guideDoc is the policy of Outscale's guide, as a portable document with
// the native action kept verbatim.
var guideDoc = policy.Document{Statements: []policy.Statement{
	{Effect: policy.Allow, Actions: []policy.Action{"outscale:api:Read*"}, Resources: []policy.Resource{"*"}},
}}

func TestTranslateGuidePolicy(t *testing.T) {
	tr, err := outscale.Translator{}.Translate(guideDoc, policy.TranslateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"Statement":[{"Effect":"Allow","Action":["api:Read*"],"Resource":["*"]}]}`
	if string(tr.Native) != want {
		t.Errorf("native = %s, want %s", tr.Native, want)
	}
	if f := tr.Report.Fidelity(); f != policy.Exact {
		t.Errorf("fidelity %v, want exact: %s", f, tr.Report)
	}
}

// nativeCatalog is every OUTSCALE API call as policytest sees it.
func nativeCatalog() []policytest.Call {
	var out []policytest.Call
	for _, e := range outscale.CatalogEntries() {
		c := policytest.Call{Native: "outscale:api:" + e.Call}
		if e.Level != "" {
			c.Portable = string(policy.Portable(e.Services[0], e.Level))
		}
		out = append(out, c)
	}
	return out
}

// evalEIM decides a call as EIM does: the native document, parsed as EIM,
// evaluated for action "api:<Call>" on "*".
func evalEIM(native []byte, c policytest.Call, _ policy.Request) (bool, error) {
	doc, err := awspolicy.Parse(native, awspolicy.EIM)
	if err != nil {
		return false, err
	}
	call := strings.TrimPrefix(c.Native, "outscale:")
	return awspolicy.Evaluate(awspolicy.Request{Action: call, Resource: "*"}, doc).Allowed, nil
}

func TestNoWidening(t *testing.T) {
	cat := nativeCatalog()
	for _, widen := range []bool{false, true} {
		cfg := policytest.Config{
			Translator: outscale.Translator{},
			Catalog:    cat,
			Allows:     evalEIM,
			Exact:      true,
			Documents:  400,
		}
		if widen {
			// With AllowWidening the property cannot hold; check only
			// that widened translations are reported as such.
			cfg.Options.AllowWidening = true
			vs, st, err := policytest.NoWidening(cfg)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range vs {
				if v.Report.Fidelity() != policy.Widened {
					t.Errorf("AllowWidening: a widening translation is not reported widened: %v", v)
				}
			}
			t.Logf("AllowWidening: %+v, %d widened", st, len(vs))
			continue
		}
		policytest.CheckNoWidening(t, cfg)
	}
}

func TestTranslateRules(t *testing.T) {
	tr := outscale.Translator{}
	allow := func(acts ...policy.Action) policy.Statement {
		return policy.Statement{Effect: policy.Allow, Actions: acts, Resources: []policy.Resource{"*"}}
	}
	deny := func(acts ...policy.Action) policy.Statement {
		return policy.Statement{Effect: policy.Deny, Actions: acts, Resources: []policy.Resource{"*"}}
	}
	doc := func(s ...policy.Statement) policy.Document { return policy.Document{Statements: s} }

	t.Run("compute:Read is an explicit list", func(t *testing.T) {
		got, err := tr.Translate(doc(allow("compute:Read")), policy.TranslateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		s := string(got.Native)
		if strings.Contains(s, "Read*") || !strings.Contains(s, `"api:ReadVms"`) || strings.Contains(s, "ReadVolumes") ||
			strings.Contains(s, "ReadAdminPassword") || strings.Contains(s, "ReadConsoleOutput") {
			t.Errorf("native = %s", s)
		}
		// ReadTags reads the tags of every service: compute:Read alone
		// cannot grant it, which the report says.
		if got.Report.Fidelity() != policy.Narrowed || !strings.Contains(got.Report.String(), "api:ReadTags") {
			t.Errorf("report %s", got.Report)
		}
	})
	t.Run("List is covered by Read, not alone", func(t *testing.T) {
		for _, tc := range []struct {
			acts []policy.Action
			says bool // the report says List alone grants nothing
		}{
			{[]policy.Action{"compute:List", "compute:Read"}, false},
			{[]policy.Action{"compute:List", "compute:*"}, false},
			{[]policy.Action{"compute:List", "image:Read"}, true},
		} {
			got, err := tr.Translate(doc(allow(tc.acts...)), policy.TranslateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if says := strings.Contains(got.Report.String(), "compute:List alone grants nothing"); says != tc.says {
				t.Errorf("%v: report %q, want it to say List alone grants nothing: %v", tc.acts, got.Report, tc.says)
			}
		}
	})
	t.Run("resource-scoped Allow refused", func(t *testing.T) {
		s := allow("compute:Read")
		s.Resources = []policy.Resource{"compute:instance/i-123"}
		_, err := tr.Translate(doc(s), policy.TranslateOptions{})
		if !errors.Is(err, iam.ErrInvalid) {
			t.Fatalf("err = %v, want ErrInvalid", err)
		}
		got, err := tr.Translate(doc(s), policy.TranslateOptions{AllowWidening: true})
		if err != nil || got.Report.Fidelity() != policy.Widened {
			t.Fatalf("AllowWidening: %v, %v", err, got)
		}
	})
	t.Run("conditional Allow refused", func(t *testing.T) {
		s := allow("compute:Read").FromNetworks("203.0.113.0/24")
		if _, err := tr.Translate(doc(s), policy.TranslateOptions{}); !errors.Is(err, iam.ErrInvalid) {
			t.Fatalf("err = %v, want ErrInvalid", err)
		}
	})
	t.Run("conditional Deny narrowed", func(t *testing.T) {
		d := deny("compute:Write").FromNetworks("203.0.113.0/24")
		got, err := tr.Translate(doc(allow("compute:*"), d), policy.TranslateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got.Report.Statements[1].Fidelity != policy.Narrowed {
			t.Errorf("report %s", got.Report)
		}
		if _, deny, ok := strings.Cut(string(got.Native), `"Effect":"Deny"`); !ok || !strings.Contains(deny, `"api:CreateVms"`) || strings.Contains(deny, "ReadVms") {
			t.Errorf("native %s", got.Native)
		}
	})
	t.Run("other clouds' actions dropped", func(t *testing.T) {
		got, err := tr.Translate(doc(allow("aws:ec2:DescribeInstances", "outscale:api:ReadVms")), policy.TranslateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if string(got.Native) != `{"Statement":[{"Effect":"Allow","Action":["api:ReadVms"],"Resource":["*"]}]}` || got.Report.Fidelity() != policy.Narrowed {
			t.Errorf("native %s, report %s", got.Native, got.Report)
		}
	})
	t.Run("size limit", func(t *testing.T) {
		var acts []policy.Action
		for i := range 400 {
			acts = append(acts, policy.Action("outscale:api:ReadSomethingLongEnough"+strings.Repeat("x", i%7)+string(rune('A'+i%26))+string(rune('A'+i/26))))
		}
		_, err := tr.Translate(doc(allow(acts...)), policy.TranslateOptions{})
		if !errors.Is(err, iam.ErrLimit) || !strings.Contains(err.Error(), "5120") {
			t.Fatalf("err = %v, want ErrLimit naming the limit", err)
		}
	})
	t.Run("nothing expressible", func(t *testing.T) {
		if _, err := tr.Translate(doc(allow("aws:s3:GetObject")), policy.TranslateOptions{}); !errors.Is(err, iam.ErrInvalid) {
			t.Fatalf("err = %v", err)
		}
	})
}

// TestGolden pins the native form and report of documented policies.
func TestGolden(t *testing.T) {
	cases := map[string]policy.Document{
		"guide":            guideDoc,
		"readonly-compute": policy.ReadOnly(policy.Compute),
		"deny-write-from-network": {Statements: []policy.Statement{
			{Effect: policy.Allow, Actions: []policy.Action{"blockstorage:*"}, Resources: []policy.Resource{"*"}},
			policy.Statement{Effect: policy.Deny, Actions: []policy.Action{"blockstorage:Write"}, Resources: []policy.Resource{"*"}}.FromNetworks("198.51.100.0/24"),
		}},
		"tags": {Statements: []policy.Statement{
			{Effect: policy.Allow, Actions: []policy.Action{"compute:Tag", "*:Read"}, Resources: []policy.Resource{"*"}},
		}},
	}
	for name, d := range cases {
		t.Run(name, func(t *testing.T) {
			tr, err := outscale.Translator{}.Translate(d, policy.TranslateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var native any
			if err := json.Unmarshal(tr.Native, &native); err != nil {
				t.Fatal(err)
			}
			got, _ := json.MarshalIndent(map[string]any{"native": native, "native_text": string(tr.Native), "report": tr.Report.String()}, "", "  ")
			got = append(got, '\n')
			path := filepath.Join("testdata", name+".golden.json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGolden -update)", err)
			}
			if string(got) != string(want) {
				t.Errorf("%s differs:\n%s", path, got)
			}
		})
	}
}
