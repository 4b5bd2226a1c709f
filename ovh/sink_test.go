package ovh_test

import (
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	goovh "github.com/ovh/go-ovh/ovh"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/iam/sink"
	"github.com/iamkit/iamkit/internal/ovhfake"
	"github.com/iamkit/iamkit/ovh"
	"github.com/iamkit/iamkit/policy"
)

// TestLocalUserKeyInOVHConf provisions a local user with its key delivered
// to ovh.conf, then lets go-ovh read that file as a tool would: the token
// must land as access_token (not as a client's fields) and work.
func TestLocalUserKeyInOVHConf(t *testing.T) {
	srv := ovhfake.New(t, ovhfake.Options{})
	p := newLocal(t, srv)
	const project = "0123456789abcdef0123456789abcdef"
	dir := t.TempDir()
	acct, err := iam.Provision(t.Context(), p, iam.ServiceAccount{
		User: "watcher_1", Group: "supervisors",
		Policy: policy.OVHInfrastructureSupervisor(project),
		Sink:   sink.OVHConf{Path: filepath.Join(dir, "ovh.conf"), Endpoint: srv.Endpoint()},
	})
	if err != nil {
		t.Fatalf("Provision: %v", err)
	}
	if acct.Key.Kind != iam.KeyPersonalAccessToken {
		t.Errorf("key kind %q, want %q", acct.Key.Kind, iam.KeyPersonalAccessToken)
	}
	conf, err := os.ReadFile(filepath.Join(dir, "ovh.conf"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(conf), "client_id") || !strings.Contains(string(conf), "access_token=") {
		t.Errorf("ovh.conf holds %d bytes with client_id or without access_token (contents not shown: it holds the token)", len(conf))
	}

	t.Chdir(dir) // go-ovh reads ./ovh.conf first
	for _, v := range []string{"OVH_ENDPOINT", "OVH_ACCESS_TOKEN", "OVH_CLIENT_ID", "OVH_CLIENT_SECRET", "OVH_APPLICATION_KEY", "OVH_APPLICATION_SECRET", "OVH_CONSUMER_KEY"} {
		t.Setenv(v, "")
		os.Unsetenv(v)
	}
	c, err := goovh.NewDefaultClient()
	if err != nil {
		t.Fatalf("go-ovh on the delivered ovh.conf: %v", err)
	}
	var res struct {
		Authorized []string `json:"authorizedActions"`
	}
	urn := ovh.ProjectURN("eu", project)
	if err := c.Post("/v2/iam/resource/"+url.PathEscape(urn)+"/authorization/check",
		map[string][]string{"actions": {"publicCloudProject:openstack:compute_read", "publicCloudProject:openstack:compute_manage"}}, &res); err != nil {
		t.Fatalf("a call with the delivered token: %v", err)
	}
	if !slices.Equal(res.Authorized, []string{"publicCloudProject:openstack:compute_read"}) {
		t.Errorf("authorized as the delivered token: %v, want compute_read only", res.Authorized)
	}
}
