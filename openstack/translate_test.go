package openstack_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/openstack"
	"github.com/iamkit/iamkit/policy"
	"github.com/iamkit/iamkit/policy/policytest"
)

const project = "p1"

func translate(t *testing.T, doc string, opts policy.TranslateOptions) (openstack.Native, policy.Report) {
	t.Helper()
	d, err := policy.Parse([]byte(doc))
	if err != nil {
		t.Fatalf("parse %s: %v", doc, err)
	}
	tr, err := openstack.Translator{Project: project}.Translate(d, opts)
	if err != nil {
		t.Fatalf("translate %s: %v", doc, err)
	}
	var n openstack.Native
	if err := json.Unmarshal(tr.Native, &n); err != nil {
		t.Fatal(err)
	}
	return n, tr.Report
}

func hasRule(n openstack.Native, svc, method, path string) bool {
	for _, r := range n.AccessRules {
		if r.Service == svc && r.Method == method && r.Path == path {
			return true
		}
	}
	return false
}

func TestTranslate(t *testing.T) {
	for _, tc := range []struct {
		name     string
		doc      string
		widen    bool
		roles    string
		fidelity policy.Fidelity
		has      [][3]string // rules that must be there
		hasNot   [][3]string // rules that must not
		reason   string      // in the report
	}{
		{
			name: "read-only compute", doc: `{"Statement":{"Effect":"Allow","Action":["compute:List","compute:Read"],"Resource":"*"}}`,
			roles: "reader", fidelity: policy.Exact,
			has:    [][3]string{{"compute", "GET", "/v2.1/servers"}, {"compute", "GET", "/v2.1/servers/detail"}, {"compute", "GET", "/v2.1/servers/*"}},
			hasNot: [][3]string{{"compute", "GET", "/v2.1/servers/*/os-server-password"}, {"compute", "POST", "/v2.1/servers"}, {"image", "GET", "/v2/images"}},
		},
		{
			name: "list only is exact", doc: `{"Statement":{"Effect":"Allow","Action":"compute:List","Resource":"*"}}`,
			roles: "reader", fidelity: policy.Exact,
			has:    [][3]string{{"compute", "GET", "/v2.1/servers"}},
			hasNot: [][3]string{{"compute", "GET", "/v2.1/servers/*"}},
		},
		{
			name: "read without list is narrowed", doc: `{"Statement":{"Effect":"Allow","Action":"compute:Read","Resource":"*"}}`,
			roles: "reader", fidelity: policy.Narrowed, reason: "also matches GET /v2.1/servers/detail",
			hasNot: [][3]string{{"compute", "GET", "/v2.1/servers/*"}},
			has:    [][3]string{{"compute", "GET", "/v2.1/servers/*/ips"}},
		},
		{
			name: "read without list, widening allowed", doc: `{"Statement":{"Effect":"Allow","Action":"compute:Read","Resource":"*"}}`, widen: true,
			roles: "reader", fidelity: policy.Widened, reason: "also grants GET /v2.1/servers/detail",
			has: [][3]string{{"compute", "GET", "/v2.1/servers/*"}},
		},
		{
			name: "write needs member", doc: `{"Statement":{"Effect":"Allow","Action":"image:*","Resource":"project/p1"}}`,
			roles: "member", fidelity: policy.Exact,
			has: [][3]string{{"image", "POST", "/v2/images"}, {"image", "POST", "/v2/images/*/members"}},
		},
		{
			name: "deny subtracts", doc: `{"Statement":[{"Effect":"Allow","Action":"compute:*","Resource":"*"},{"Effect":"Deny","Action":"compute:Permissions","Resource":"*"}]}`,
			roles: "member", fidelity: policy.Exact,
			has:    [][3]string{{"compute", "POST", "/v2.1/servers"}},
			hasNot: [][3]string{{"compute", "GET", "/v2.1/servers/*/os-server-password"}},
		},
		{
			name: "conditional allow is dropped", doc: `{"Statement":{"Effect":"Allow","Action":"compute:List","Resource":"*","Condition":{"IpAddress":{"iamkit:SourceIp":"203.0.113.0/24"}}}}`,
			roles: "", fidelity: policy.Narrowed, reason: "no conditions",
		},
		{
			name: "other project is dropped", doc: `{"Statement":{"Effect":"Allow","Action":"compute:List","Resource":"project/p2"}}`,
			roles: "", fidelity: policy.Narrowed, reason: "project p1 only",
		},
		{
			name: "identity is refused", doc: `{"Statement":{"Effect":"Allow","Action":"iam:*","Resource":"*"}}`,
			roles: "", fidelity: policy.Narrowed, reason: "admin role",
		},
		{
			name: "identity with widening implies admin", doc: `{"Statement":{"Effect":"Allow","Action":"iam:List","Resource":"*"}}`, widen: true,
			roles: "admin", fidelity: policy.Widened, reason: "every API of every service",
		},
		{
			name: "another cloud's actions grant nothing", doc: `{"Statement":{"Effect":"Allow","Action":["aws:ec2:DescribeInstances","compute:List"],"Resource":"*"}}`,
			roles: "reader", fidelity: policy.Narrowed, reason: "aws:ec2:DescribeInstances is an action of aws",
			has: [][3]string{{"compute", "GET", "/v2.1/servers"}},
		},
		{
			name: "native rule verbatim", doc: `{"Statement":{"Effect":"Allow","Action":"openstack:compute:GET:/v2.1/servers","Resource":"*"}}`,
			roles: "reader", fidelity: policy.Exact,
			has: [][3]string{{"compute", "GET", "/v2.1/servers"}},
		},
		{
			name: "native rule with any method", doc: `{"Statement":{"Effect":"Allow","Action":"openstack:object-store:*:/v1/AUTH_p1/logs/**","Resource":"*"}}`,
			roles: "member", fidelity: policy.Exact,
			has: [][3]string{{"object-store", "GET", "/v1/AUTH_p1/logs/**"}, {"object-store", "DELETE", "/v1/AUTH_p1/logs/**"}},
		},
		{
			name: "native rule under a deny of a level", doc: `{"Statement":[{"Effect":"Allow","Action":"openstack:compute:GET:/v2.1/**","Resource":"*"},{"Effect":"Deny","Action":"compute:Permissions","Resource":"*"}]}`,
			roles: "reader", fidelity: policy.Narrowed, reason: "os-server-password",
			has:    [][3]string{{"compute", "GET", "/v2.1/servers/*"}},
			hasNot: [][3]string{{"compute", "GET", "/v2.1/**"}, {"compute", "GET", "/v2.1/servers/*/os-server-password"}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, rep := translate(t, tc.doc, policy.TranslateOptions{AllowWidening: tc.widen})
			if got := strings.Join(n.Roles, ","); got != tc.roles {
				t.Errorf("roles %q, want %q", got, tc.roles)
			}
			if rep.Fidelity() != tc.fidelity {
				t.Errorf("fidelity %v, want %v; report: %s", rep.Fidelity(), tc.fidelity, rep)
			}
			if tc.reason != "" && !strings.Contains(rep.String(), tc.reason) {
				t.Errorf("report %q does not say %q", rep, tc.reason)
			}
			for _, r := range tc.has {
				if !hasRule(n, r[0], r[1], r[2]) {
					t.Errorf("no rule %v in %+v", r, n.AccessRules)
				}
			}
			for _, r := range tc.hasNot {
				if hasRule(n, r[0], r[1], r[2]) {
					t.Errorf("rule %v granted", r)
				}
			}
		})
	}
}

func TestTranslateInvalid(t *testing.T) {
	_, err := openstack.Translator{Project: project}.Translate(policy.Document{Statements: []policy.Statement{{Effect: "Maybe"}}}, policy.TranslateOptions{})
	if !errors.Is(err, iam.ErrInvalid) {
		t.Errorf("got %v, want ErrInvalid", err)
	}
}

// TestNoWidening runs the property test over the catalog: a call is
// allowed natively when one access rule matches it and the policy's role
// may make it (reader: GET and HEAD; member: any method but identity;
// admin: any).
func TestNoWidening(t *testing.T) {
	calls := openstack.CatalogCalls(project)
	allows := func(native []byte, c policytest.Call, _ policy.Request) (bool, error) {
		return openstack.NativeAllows(native, c.Native)
	}
	policytest.CheckNoWidening(t, policytest.Config{
		Translator: openstack.Translator{Project: project},
		Catalog:    calls,
		Allows:     allows,
		Documents:  600,
		Resources:  []policy.Resource{"project/" + project, "project/p2"},
		Exact:      true,
	})
}
