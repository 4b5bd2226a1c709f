package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/iamkit/iamkit/examples/internal/scenario"
	"github.com/iamkit/iamkit/internal/ovhfake"
)

// The guide's project, and one named by -project.
func TestScenario(t *testing.T) {
	for _, s := range []scenario.Scenario{example, supervisor("5d1e2c3b4a5f6e7d8c9b0a1f2e3d4c5b")} {
		if err := scenario.Verify(context.Background(), s); err != nil {
			t.Errorf("%s: %v", s.Account.Policy.Statements[0].Resources, err)
		}
	}
}

// The OVHcloud guide's scenario through the example's own code, on the
// local OVHcloud API fake that validates every request against OVHcloud's
// OpenAPI schemas: the stored policy names the new service account.
func TestScenarioOnOVH(t *testing.T) {
	srv := ovhfake.New(t, ovhfake.Options{})
	for _, v := range []string{"OVH_ENDPOINT", "OVH_CLIENT_ID", "OVH_CLIENT_SECRET", "OVH_ACCESS_TOKEN"} {
		t.Setenv(v, "")
	}
	t.Setenv("OVH_APPLICATION_KEY", ovhfake.DefaultAppKey)
	t.Setenv("OVH_APPLICATION_SECRET", ovhfake.DefaultAppSecret)
	t.Setenv("OVH_CONSUMER_KEY", ovhfake.DefaultConsumerKey)
	t.Chdir(t.TempDir()) // no ./ovh.conf
	var out bytes.Buffer
	if err := scenario.Run(context.Background(), &out, "ovh://?endpoint="+srv.Endpoint(), example, false); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{"create policy/Demo-service-account", "create user/supervisor", "attach policy/Demo-service-account to user/supervisor", "secret=[REDACTED]"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), ovhfake.DefaultAppSecret) {
		t.Error("application secret printed")
	}
}
