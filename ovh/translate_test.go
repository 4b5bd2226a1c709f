package ovh

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
)

// guidePolicy is the access policy of OVHcloud's guide "How to use service
// accounts to connect to OpenStack", verbatim.
const guidePolicy = `{ "description": "Demo for service account guide with openstack", "identities": [ "urn:v1:us:identity:credential:xx11111-ovh/oauth2-0f0f0f0f0f0f0f0f" ], "name": "Demo-service-account", "permissions": { "allow": [ { "action": "publicCloudProject:openstack:infrastructureSupervisor" } ] }, "resources": [ { "urn": "urn:v1:us:resource:publicCloudProject:0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f" } ] }`

func jsonEqual(t *testing.T, got, want []byte) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("got: %v: %s", err, got)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("want: %v: %s", err, want)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("JSON differs\n got: %s\nwant: %s", got, want)
	}
}

func TestTranslateGuide(t *testing.T) {
	const project = "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f"
	tr, err := Translator{Region: "us"}.Translate(policy.OVHInfrastructureSupervisor(project), policy.TranslateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if f := tr.Report.Fidelity(); f != policy.Exact {
		t.Fatalf("fidelity %v, want exact: %v", f, tr.Report)
	}
	var n NativePolicy
	if err := json.Unmarshal(tr.Native, &n); err != nil {
		t.Fatal(err)
	}
	n.Name, n.Description = "Demo-service-account", "Demo for service account guide with openstack"
	n.Identities = []string{"urn:v1:us:identity:credential:xx11111-ovh/oauth2-0f0f0f0f0f0f0f0f"}
	got, _ := json.Marshal(n)
	jsonEqual(t, got, []byte(guidePolicy))
}

// The account actions of the iam service (catalog_gen.go), as goldens.
const (
	iamReads = `{"action":"account:apiovh:iam/permissionsGroup/get"},{"action":"account:apiovh:iam/policy/get"},{"action":"account:apiovh:iam/resourceGroup/get"},` +
		`{"action":"account:apiovh:me/api/oauth2/client/get"},{"action":"account:apiovh:me/identity/group/get"},{"action":"account:apiovh:me/identity/provider/get"},` +
		`{"action":"account:apiovh:me/identity/user/get"},{"action":"account:apiovh:me/identity/user/token/get"}`
	iamPermissionChanges = `{"action":"account:apiovh:iam/permissionsGroup/create"},{"action":"account:apiovh:iam/permissionsGroup/delete"},{"action":"account:apiovh:iam/permissionsGroup/edit"},` +
		`{"action":"account:apiovh:iam/policy/create"},{"action":"account:apiovh:iam/policy/delete"},{"action":"account:apiovh:iam/policy/edit"},` +
		`{"action":"account:apiovh:iam/resourceGroup/create"},{"action":"account:apiovh:iam/resourceGroup/delete"},{"action":"account:apiovh:iam/resourceGroup/edit"},` +
		`{"action":"account:apiovh:me/identity/provider/create"},{"action":"account:apiovh:me/identity/provider/delete"},{"action":"account:apiovh:me/identity/provider/edit"}`
	iamWriteAndPermissionChanges = `{"action":"account:apiovh:me/identity/group/create"},{"action":"account:apiovh:me/identity/group/delete"},{"action":"account:apiovh:me/identity/group/edit"},` +
		`{"action":"account:apiovh:me/identity/user/create"},{"action":"account:apiovh:me/identity/user/delete"},{"action":"account:apiovh:me/identity/user/disable"},` +
		`{"action":"account:apiovh:me/identity/user/edit"},{"action":"account:apiovh:me/identity/user/enable"},` +
		`{"action":"account:apiovh:me/identity/user/token/create"},{"action":"account:apiovh:me/identity/user/token/delete"},{"action":"account:apiovh:me/identity/user/token/edit"}`
	iamClientChanges = `{"action":"account:apiovh:me/api/oauth2/client/create"},{"action":"account:apiovh:me/api/oauth2/client/delete"},{"action":"account:apiovh:me/api/oauth2/client/edit"}`
)

// iamChanges and iamAll list account actions in the translator's order
// (sorted by action).
var (
	iamChanges = sortedActions(iamPermissionChanges + "," + iamWriteAndPermissionChanges + "," + iamClientChanges)
	iamAll     = sortedActions(iamReads + "," + iamChanges)
)

func sortedActions(list string) string {
	parts := strings.Split(list, "},{")
	for i, p := range parts {
		parts[i] = strings.Trim(p, "{}")
	}
	slices.Sort(parts)
	return "{" + strings.Join(parts, "},{") + "}"
}

func TestTranslateGoldens(t *testing.T) {
	p1 := policy.Resource("project/p1")
	volume := []policy.Action{"blockstorage:List", "blockstorage:Read", "blockstorage:Write", "blockstorage:Tag"}
	at := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name    string
		doc     policy.Document
		widen   bool
		want    string // native JSON, or "" when refused
		fid     policy.Fidelity
		mention string // in the report or the refusal
	}{
		{"volume operator exactly", policy.Build(policy.Allowing(volume...).On(p1)), false,
			`{"name":"","identities":[],"resources":[{"urn":"urn:v1:eu:resource:publicCloudProject:p1"}],"permissions":{"allow":[{"action":"publicCloudProject:openstack:volumeOperator"}]}}`,
			policy.Exact, ""},
		{"compute read refused", policy.Build(policy.Allowing("compute:Read", "compute:List").On(p1)), false, "", 0,
			"infrastructureSupervisor, also grants image:List"},
		{"compute read widened", policy.Build(policy.Allowing("compute:Read", "compute:List").On(p1)), true,
			`{"name":"","identities":[],"resources":[{"urn":"urn:v1:eu:resource:publicCloudProject:p1"}],"permissions":{"allow":[{"action":"publicCloudProject:openstack:infrastructureSupervisor"}]}}`,
			policy.Widened, "also grants image:List (Glance image_read)"},
		{"two exact roles", policy.Build(policy.Allowing("objectstorage:*", "image:*").On(p1)), false,
			`{"name":"","identities":[],"resources":[{"urn":"urn:v1:eu:resource:publicCloudProject:p1"}],"permissions":{"allow":[{"action":"publicCloudProject:openstack:imageOperator"},{"action":"publicCloudProject:openstack:objectstoreOperator"}]}}`,
			policy.Narrowed, "image:Permissions"},
		{"native passes through", policy.Build(policy.Allowing("ovh:publicCloudProject:ai:aiTrainingRead").On(p1)), false,
			`{"name":"","identities":[],"resources":[{"urn":"urn:v1:eu:resource:publicCloudProject:p1"}],"permissions":{"allow":[{"action":"publicCloudProject:ai:aiTrainingRead"}]}}`,
			policy.Exact, ""},
		{"star resource: roles on every project", policy.Build(policy.Allowing(volume...).On("*")), false,
			`{"name":"","identities":[],"resources":[{"urn":"urn:v1:eu:resource:publicCloudProject:*"}],"permissions":{"allow":[{"action":"publicCloudProject:openstack:volumeOperator"}]}}`,
			policy.Exact, ""},
		{"star resource: compute reads refused", policy.ReadOnly(policy.Compute), false, "", 0,
			"infrastructureSupervisor, also grants image:List"},
		{"star resource: compute reads widened", policy.ReadOnly(policy.Compute), true,
			`{"name":"","identities":[],"resources":[{"urn":"urn:v1:eu:resource:publicCloudProject:*"}],"permissions":{"allow":[{"action":"publicCloudProject:openstack:infrastructureSupervisor"}]}}`,
			policy.Widened, "also grants image:List"},
		{"star resource: native action of another type", policy.Build(policy.Allowing("ovh:vps:apiovh:reboot").On("*")), false,
			`{"name":"","identities":[],"resources":[{"urn":"urn:v1:eu:resource:vps:*"}],"permissions":{"allow":[{"action":"vps:apiovh:reboot"}]}}`,
			policy.Exact, ""},
		{"star resource: everything", policy.Build(policy.Allowing("*").On("*")), false,
			`{"name":"","identities":[],"resources":[{"urn":"urn:v1:eu:resource:account:xx1111-ovh"},{"urn":"urn:v1:eu:resource:publicCloudProject:*"}],"permissions":{"allow":[{"action":"*"}]}}`,
			policy.Narrowed, "only Public Cloud projects and the account"},
		{"iam reads on the account", policy.Build(policy.Allowing("iam:List", "iam:Read").On("*")), false,
			`{"name":"","identities":[],"resources":[{"urn":"urn:v1:eu:resource:account:xx1111-ovh"}],"permissions":{"allow":[` + iamReads + `]}}`,
			policy.Exact, ""},
		{"iam reads on the account URN", policy.Build(policy.Allowing("iam:List", "iam:Read").On("urn:v1:eu:resource:account:xx1111-ovh")), false,
			`{"name":"","identities":[],"resources":[{"urn":"urn:v1:eu:resource:account:xx1111-ovh"}],"permissions":{"allow":[` + iamReads + `]}}`,
			policy.Exact, ""},
		{"iam read alone refused", policy.Build(policy.Allowing("iam:Read").On("*")), false, "", 0,
			"account:apiovh:iam/policy/get also grants iam:List"},
		{"iam read alone widened", policy.Build(policy.Allowing("iam:Read").On("*")), true,
			`{"name":"","identities":[],"resources":[{"urn":"urn:v1:eu:resource:account:xx1111-ovh"}],"permissions":{"allow":[{"action":"account:apiovh:me/identity/provider/get"},` +
				`{"action":"account:apiovh:iam/permissionsGroup/get"},{"action":"account:apiovh:iam/policy/get"},{"action":"account:apiovh:iam/resourceGroup/get"},{"action":"account:apiovh:me/api/oauth2/client/get"},{"action":"account:apiovh:me/identity/group/get"},{"action":"account:apiovh:me/identity/user/get"},{"action":"account:apiovh:me/identity/user/token/get"}]}}`,
			policy.Widened, "account:apiovh:me/identity/user/get also grants iam:List"},
		{"iam write refused: groups carry roles", policy.Build(policy.Allowing("iam:Write").On("*")), false, "", 0,
			"account:apiovh:me/identity/group/edit also grants iam:Permissions"},
		{"iam write and permissions", policy.Build(policy.Allowing("iam:Write", "iam:Permissions").On("*")), false,
			`{"name":"","identities":[],"resources":[{"urn":"urn:v1:eu:resource:account:xx1111-ovh"}],"permissions":{"allow":[` + iamChanges + `]}}`,
			policy.Exact, ""},
		{"iam admin", policy.IAMAdmin(), false,
			`{"name":"","identities":[],"resources":[{"urn":"urn:v1:eu:resource:account:xx1111-ovh"}],"permissions":{"allow":[` + iamAll + `]}}`,
			policy.Narrowed, "no OVHcloud action grants iam:Tag"},
		{"iam and compute on every resource", policy.Build(policy.Allowing("iam:List", "iam:Read", "blockstorage:*").On("*")), false,
			`{"name":"","identities":[],"resources":[{"urn":"urn:v1:eu:resource:account:xx1111-ovh"},{"urn":"urn:v1:eu:resource:publicCloudProject:*"}],"permissions":{"allow":[{"action":"publicCloudProject:openstack:volumeOperator"},` + iamReads + `]}}`,
			policy.Narrowed, "blockstorage:Permissions"},
		{"deny iam permissions", policy.Build(policy.Allowing("iam:*").On("*"), policy.Denying("iam:Permissions").On("*")), false,
			`{"name":"","identities":[],"resources":[{"urn":"urn:v1:eu:resource:account:xx1111-ovh"}],"permissions":{"allow":[` + iamAll + `],"deny":[` + iamPermissionChanges + `,` + iamWriteAndPermissionChanges + `]}}`,
			policy.Narrowed, "it denies account:apiovh:me/identity/group/edit, which also grants iam:Write"},
		{"everything", policy.Build(policy.Allowing("*").On(p1)), false,
			`{"name":"","identities":[],"resources":[{"urn":"urn:v1:eu:resource:publicCloudProject:p1"}],"permissions":{"allow":[{"action":"*"}]}}`,
			policy.Exact, ""},
		{"deny over-approximated", policy.Build(policy.Allowing("*").On(p1), policy.Denying("compute:Write").On("*")), false,
			`{"name":"","identities":[],"resources":[{"urn":"urn:v1:eu:resource:publicCloudProject:p1"}],"permissions":{"allow":[{"action":"*"}],"deny":[{"action":"publicCloudProject:openstack:administrator"},{"action":"publicCloudProject:openstack:backupOperator"},{"action":"publicCloudProject:openstack:computeOperator"}]}}`,
			policy.Narrowed, "also denies"},
		{"ip and expiry", policy.Build(policy.Allowing(volume...).On(p1).FromNetworks("192.0.2.7/32").When(policy.DateLessThan, policy.KeyCurrentTime, at.Format(time.RFC3339))), false,
			`{"name":"","identities":[],"resources":[{"urn":"urn:v1:eu:resource:publicCloudProject:p1"}],"permissions":{"allow":[{"action":"publicCloudProject:openstack:volumeOperator"}]},"conditions":{"operator":"MATCH","values":{"request.IP":"192.0.2.7"}},"expiredAt":"2027-01-01T00:00:00Z"}`,
			policy.Exact, ""},
		{"ip range refused", policy.Build(policy.Allowing(volume...).On(p1).FromNetworks("192.0.2.0/24")), false, "", 0, "range"},
		{"different resources refused", policy.Build(policy.Allowing("blockstorage:*").On(p1), policy.Allowing("image:*").On("project/p2")), false, "", 0, "split"},
		{"iam is not on a project", policy.Build(policy.Allowing("iam:*").On(p1)), false,
			`{"name":"","identities":[],"resources":[],"permissions":{}}`, policy.Narrowed, "the iam service acts on the account"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr, err := Translator{NIC: testNIC}.Translate(c.doc, policy.TranslateOptions{AllowWidening: c.widen})
			if c.want == "" {
				if !errors.Is(err, iam.ErrInvalid) {
					t.Fatalf("got %v, want ErrInvalid", err)
				}
				if !strings.Contains(err.Error(), c.mention) {
					t.Errorf("refusal %q does not mention %q", err, c.mention)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			jsonEqual(t, tr.Native, []byte(c.want))
			if f := tr.Report.Fidelity(); f != c.fid {
				t.Errorf("fidelity %v, want %v: %v", f, c.fid, tr.Report)
			}
			if !strings.Contains(tr.Report.String(), c.mention) {
				t.Errorf("report %q does not mention %q", tr.Report, c.mention)
			}
		})
	}
}

func TestCoverPrefersReads(t *testing.T) {
	asked := unitSet(0)
	for i, u := range units {
		if u.Right == "compute_read" {
			asked |= 1 << i
		}
	}
	acts, extra, ok := cover(asked)
	if !ok || len(acts) != 1 || acts[0] != "publicCloudProject:openstack:infrastructureSupervisor" {
		t.Fatalf("cover = %v %v", acts, ok)
	}
	for _, u := range extra.list() {
		if u.Level != policy.List && u.Level != policy.Read {
			t.Errorf("extra %v is not a read", u)
		}
	}
}

func TestRolesTable(t *testing.T) {
	want := map[string]int{"administrator": 14, "backupOperator": 6, "computeOperator": 7, "imageOperator": 3,
		"infrastructureSupervisor": 5, "networkOperator": 3, "networkSecurityOperator": 2, "objectstoreOperator": 1,
		"volumeOperator": 3, "aiTrainingOperator": 2, "aiTrainingRead": 1}
	rs := Roles()
	if len(rs) != len(want) {
		t.Fatalf("%d roles, want %d", len(rs), len(want))
	}
	for _, r := range rs {
		short := r.Action[strings.LastIndex(r.Action, ":")+1:]
		if len(r.Rights) != want[short] {
			t.Errorf("%s: %d rights, want %d (the guide's table)", r.Action, len(r.Rights), want[short])
		}
		for _, rt := range r.Rights {
			if rightByName(rt).Component == "" {
				t.Errorf("%s: unknown right %s", r.Action, rt)
			}
		}
	}
}

func TestTranslateAccountNeedsNIC(t *testing.T) {
	_, err := Translator{}.Translate(policy.Build(policy.Allowing("iam:List", "iam:Read").On("*")), policy.TranslateOptions{})
	if !errors.Is(err, iam.ErrInvalid) || !strings.Contains(err.Error(), "NIC") {
		t.Fatalf("got %v, want ErrInvalid naming the NIC", err)
	}
	// A native account URN needs no NIC.
	tr, err := Translator{}.Translate(policy.Build(policy.Allowing("iam:List", "iam:Read").On("urn:v1:eu:resource:account:xx2222-ovh")), policy.TranslateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(tr.Native), `"urn:v1:eu:resource:account:xx2222-ovh"`) {
		t.Errorf("native %s", tr.Native)
	}
}

func TestWideningOptIn(t *testing.T) {
	doc := policy.ReadOnly(policy.Compute)
	if _, err := (Translator{NIC: testNIC}).Translate(doc, policy.TranslateOptions{}); !errors.Is(err, iam.ErrInvalid) {
		t.Fatalf("strict: got %v, want ErrInvalid", err)
	}
	tr, err := Translator{NIC: testNIC}.Translate(doc, policy.TranslateOptions{AllowWidening: true})
	if err != nil {
		t.Fatal(err)
	}
	if tr.Report.Fidelity() != policy.Widened {
		t.Errorf("fidelity %v, want widened", tr.Report.Fidelity())
	}
}

// TestRolesCells pins the cells of the guide's table that its text copy
// lost (checked against the guide's Markdown source).
func TestRolesCells(t *testing.T) {
	want := map[string][]string{
		"publicCloudProject:openstack:backupOperator": {"compute_snapshot_manage", "compute_read", "image_read", "image_import",
			"volume_snapshot_manage", "volume_read"},
		"publicCloudProject:openstack:computeOperator": {"compute_manage", "compute_snapshot_manage", "compute_read", "image_read",
			"volume_read", "network_read", "network_secgroup_read"},
		"publicCloudProject:openstack:networkOperator": {"network_manage", "network_read", "network_secgroup_read"},
	}
	for _, r := range Roles() {
		if w, ok := want[r.Action]; ok && !slices.Equal(r.Rights, w) {
			t.Errorf("%s: %v, want %v", r.Action, r.Rights, w)
		}
	}
}
