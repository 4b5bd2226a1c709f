package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamkit/iamkit/examples/internal/scenario"
	"github.com/iamkit/iamkit/internal/oscfake"
	"github.com/iamkit/iamkit/outscale"
)

func TestScenario(t *testing.T) {
	if err := scenario.Verify(context.Background(), example); err != nil {
		t.Fatal(err)
	}
}

// The guide's scenario, through the example's own code, on Outscale: the
// local EIM fake validates every request against Outscale's OpenAPI spec.
func TestScenarioOnOutscale(t *testing.T) {
	srv := oscfake.New(t, oscfake.Options{Region: "eu-west-2"})
	ak, sk := srv.RootCredentials()
	t.Setenv(outscale.EnvAccessKey, ak)
	t.Setenv(outscale.EnvSecretKey, sk)
	t.Setenv(outscale.EnvConfigFile, filepath.Join(t.TempDir(), "none.json"))
	t.Setenv(outscale.EnvProfile, "")
	var out bytes.Buffer
	url := "outscale://eu-west-2?endpoint=" + srv.Endpoint()
	if err := scenario.Run(context.Background(), &out, url, example, true); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{
		"create group/monitoring", "create policy/monitoring", "attach policy/monitoring to group/monitoring",
		"create user/watcher_1", "add user/watcher_1 to group/monitoring", "create access key for user/watcher_1",
		"secret=[REDACTED]", "- user/watcher_1",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), sk) {
		t.Error("root secret printed")
	}
}
