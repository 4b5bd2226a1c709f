package ovh

import (
	"net/netip"
	"testing"
	"time"

	"github.com/iamkit/iamkit/policy"
	"github.com/iamkit/iamkit/policy/policytest"
)

func TestNoWidening(t *testing.T) {
	for _, widen := range []bool{false, true} {
		t.Run(map[bool]string{false: "strict", true: "AllowWidening"}[widen], func(t *testing.T) {
			cfg := policytest.Config{
				Translator: Translator{NIC: testNIC},
				Catalog:    catalog(),
				Allows:     evalNative,
				Options:    policy.TranslateOptions{AllowWidening: widen},
				Documents:  600,
			}
			if !widen {
				policytest.CheckNoWidening(t, cfg)
				return
			}
			// With AllowWidening a widened translation may allow more,
			// but only where its report says Widened.
			vs, st, err := policytest.NoWidening(cfg)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range vs {
				if v.Report.Fidelity() != policy.Widened {
					t.Errorf("widened without saying so: %v", v)
				}
			}
			if st.Translated == 0 {
				t.Error("nothing translated")
			}
		})
	}
}

func TestEvalNative(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	p1 := ProjectURN("eu", "p1")
	read := func(right string, lvl policy.Level) policytest.Call {
		u := unit{Right: right, Service: rightByName(right).Service, Level: lvl}
		return policytest.Call{Native: u.native(), Portable: u.portable(), Resource: "project/p1", NativeResource: p1}
	}
	cases := []struct {
		name   string
		native string
		call   policytest.Call
		req    policy.Request
		want   bool
	}{
		{"role grants its right", `{"resources":[{"urn":"` + p1 + `"}],"permissions":{"allow":[{"action":"publicCloudProject:openstack:infrastructureSupervisor"}]}}`,
			read("compute_read", policy.Read), policy.Request{Time: now}, true},
		{"role lacks the right", `{"resources":[{"urn":"` + p1 + `"}],"permissions":{"allow":[{"action":"publicCloudProject:openstack:infrastructureSupervisor"}]}}`,
			read("objectstore_all", policy.Read), policy.Request{Time: now}, false},
		{"other project", `{"resources":[{"urn":"` + ProjectURN("eu", "p2") + `"}],"permissions":{"allow":[{"action":"*"}]}}`,
			read("compute_read", policy.Read), policy.Request{Time: now}, false},
		{"wildcard role", `{"resources":[{"urn":"urn:v1:eu:resource:publicCloudProject:*"}],"permissions":{"allow":[{"action":"publicCloudProject:openstack:*"}]}}`,
			read("volume_manage", policy.Write), policy.Request{Time: now}, true},
		{"except", `{"resources":[{"urn":"` + p1 + `"}],"permissions":{"allow":[{"action":"*"}],"except":[{"action":"publicCloudProject:openstack:*"}]}}`,
			read("compute_read", policy.Read), policy.Request{Time: now}, false}, // every OpenStack role is excepted
		{"deny wins", `{"resources":[{"urn":"` + p1 + `"}],"permissions":{"allow":[{"action":"publicCloudProject:openstack:volumeOperator"}],"deny":[{"action":"publicCloudProject:openstack:volumeOperator"}]}}`,
			read("volume_read", policy.Read), policy.Request{Time: now}, false},
		{"expired", `{"resources":[{"urn":"` + p1 + `"}],"permissions":{"allow":[{"action":"*"}]},"expiredAt":"2026-01-01T00:00:00Z"}`,
			read("compute_read", policy.Read), policy.Request{Time: now}, false},
		{"ip matches", `{"resources":[{"urn":"` + p1 + `"}],"permissions":{"allow":[{"action":"*"}]},"conditions":{"operator":"MATCH","values":{"request.IP":"192.0.2.1"}}}`,
			read("compute_read", policy.Read), policy.Request{Time: now, SourceIP: netip.MustParseAddr("192.0.2.1")}, true},
		{"ip differs", `{"resources":[{"urn":"` + p1 + `"}],"permissions":{"allow":[{"action":"*"}]},"conditions":{"operator":"MATCH","values":{"request.IP":"192.0.2.1"}}}`,
			read("compute_read", policy.Read), policy.Request{Time: now, SourceIP: netip.MustParseAddr("192.0.2.2")}, false},
		{"tag", `{"resources":[{"urn":"` + p1 + `"}],"permissions":{"allow":[{"action":"*"}]},"conditions":{"operator":"NOT","conditions":[{"operator":"MATCH","values":{"resource.Tag(a)":"b"}}]}}`,
			read("compute_read", policy.Read), policy.Request{Time: now, ResourceTags: map[string]string{"a": "b"}}, false},
		{"api action", `{"resources":[{"urn":"` + p1 + `"}],"permissions":{"allow":[{"action":"publicCloudProject:apiovh:instance/*"}]}}`,
			policytest.Call{Native: "ovh:publicCloudProject:apiovh:instance/get", Resource: "project/p1", NativeResource: p1}, policy.Request{Time: now}, true},
	}
	for _, c := range cases {
		got, err := evalNative([]byte(c.native), c.call, c.req)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}
