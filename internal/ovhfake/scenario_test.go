package ovhfake

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"testing"

	"github.com/ovh/go-ovh/ovh"
)

// guidePolicy is the policy of OVHcloud's guide "Use service accounts to
// connect to OpenStack", for an eu account.
const guidePolicy = `{ "description": "Demo for service account guide with openstack", "identities": [ "urn:v1:eu:identity:credential:xx11111-ovh/oauth2-CLIENT" ], "name": "Demo-service-account", "permissions": { "allow": [ { "action": "publicCloudProject:openstack:infrastructureSupervisor" } ] }, "resources": [ { "urn": "urn:v1:eu:resource:publicCloudProject:0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f" } ] }`

const projectURN = "urn:v1:eu:resource:publicCloudProject:0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f"

type clientSecret struct {
	ClientID     string `json:"clientId"`
	ClientSecret string `json:"clientSecret"`
}

type authz struct {
	Authorized   []string `json:"authorizedActions"`
	Unauthorized []string `json:"unauthorizedActions"`
}

func createServiceAccount(t *testing.T, c *ovh.Client, name string) clientSecret {
	t.Helper()
	var sa clientSecret
	if err := c.Post("/me/api/oauth2/client", map[string]any{"name": name, "description": "iamkit test", "flow": "CLIENT_CREDENTIALS"}, &sa); err != nil {
		t.Fatalf("create service account: %v", err)
	}
	if sa.ClientID == "" || sa.ClientSecret == "" {
		t.Fatalf("create answered %+v", sa)
	}
	return sa
}

func check(t *testing.T, c *ovh.Client, urn string, actions ...string) authz {
	t.Helper()
	var out authz
	if err := c.Post("/v2/iam/resource/"+url.PathEscape(urn)+"/authorization/check", map[string]any{"actions": actions}, &out); err != nil {
		t.Fatalf("authorization check: %v", err)
	}
	return out
}

func TestGuideScenario(t *testing.T) {
	s := New(t, Options{})
	root := s.Client()

	var me map[string]any
	if err := root.Get("/me", &me); err != nil {
		t.Fatal(err)
	}
	if me["nichandle"] != DefaultNIC {
		t.Fatalf("nichandle = %v", me["nichandle"])
	}

	sa := createServiceAccount(t, root, "watcher_1")
	var got map[string]any
	if err := root.Get("/me/api/oauth2/client/"+sa.ClientID, &got); err != nil {
		t.Fatal(err)
	}
	if got["identity"] != s.CredentialURN(sa.ClientID) || got["flow"] != "CLIENT_CREDENTIALS" {
		t.Fatalf("client = %v", got)
	}
	if _, ok := got["clientSecret"]; ok {
		t.Fatal("the secret is shown again")
	}
	var ids []string
	if err := root.Get("/me/api/oauth2/client", &ids); err != nil || !slices.Equal(ids, []string{sa.ClientID}) {
		t.Fatalf("list = %v, %v", ids, err)
	}

	var doc map[string]any
	if err := json.Unmarshal([]byte(guidePolicy), &doc); err != nil {
		t.Fatal(err)
	}
	doc["identities"] = []string{s.CredentialURN(sa.ClientID)}
	var pol map[string]any
	if err := root.Post("/v2/iam/policy", doc, &pol); err != nil {
		t.Fatalf("create guide policy: %v", err)
	}
	if pol["id"] == "" || pol["owner"] != DefaultNIC || pol["name"] != "Demo-service-account" {
		t.Fatalf("policy = %v", pol)
	}

	ctx := context.Background()
	sac, err := s.ClientCredentials(ctx, sa.ClientID, sa.ClientSecret)
	if err != nil {
		t.Fatalf("token: %v", err)
	}
	res := check(t, sac, projectURN,
		"publicCloudProject:openstack:compute_read",
		"publicCloudProject:openstack:infrastructureSupervisor",
		"publicCloudProject:openstack:objectstore_all",
		"publicCloudProject:openstack:compute_manage")
	if !slices.Equal(res.Authorized, []string{"publicCloudProject:openstack:compute_read", "publicCloudProject:openstack:infrastructureSupervisor"}) ||
		!slices.Equal(res.Unauthorized, []string{"publicCloudProject:openstack:objectstore_all", "publicCloudProject:openstack:compute_manage"}) {
		t.Fatalf("check = %+v", res)
	}
	// Another project is out of the policy's resources.
	other := check(t, sac, "urn:v1:eu:resource:publicCloudProject:1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f", "publicCloudProject:openstack:compute_read")
	if len(other.Authorized) != 0 {
		t.Fatalf("other project = %+v", other)
	}
	// The account itself may do anything.
	if r := check(t, root, projectURN, "publicCloudProject:openstack:objectstore_all"); len(r.Authorized) != 1 {
		t.Fatalf("root check = %+v", r)
	}
	// The service account has no account rights: managing IAM is refused.
	var e *ovh.APIError
	err = sac.Get("/me/api/oauth2/client", nil)
	if !asAPIError(err, &e) || e.Code != 403 || e.Class != "Client::Forbidden" {
		t.Fatalf("service account listing clients: %v", err)
	}
	if s.Calls("POST", "/v2/iam/policy") != 1 || s.Calls("POST", "/v2/iam/resource/{resourceURN}/authorization/check") != 3 {
		t.Fatalf("calls: policy %d, check %d", s.Calls("POST", "/v2/iam/policy"), s.Calls("POST", "/v2/iam/resource/{resourceURN}/authorization/check"))
	}
}
