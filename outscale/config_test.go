package outscale_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/outscale"
)

func TestConfigProfiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.json")
	const cfg = `{"default":{"access_key":"DEFAULTAK","secret_key":"defaultsecret","region":"eu-west-2"},
"prod":{"access_key":"PRODAK","secret_key":"prodsecret","region":"us-east-2","protocol":"http","endpoints":{"api":"127.0.0.1:9/api/v1"}}}`
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{outscale.EnvAccessKey, outscale.EnvSecretKey, outscale.EnvRegion, outscale.EnvEndpoint, outscale.EnvProfile} {
		t.Setenv(k, "")
	}
	t.Setenv(outscale.EnvConfigFile, path)
	ctx := t.Context()

	p, err := outscale.New(ctx, outscale.Options{Profile: "prod"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Region() != "us-east-2" || p.Endpoint() != "http://127.0.0.1:9/api/v1" {
		t.Errorf("prod: region %s endpoint %s", p.Region(), p.Endpoint())
	}
	p, err = outscale.New(ctx, outscale.Options{})
	if err != nil || p.Region() != "eu-west-2" {
		t.Fatalf("default: %v %v", p, err)
	}
	t.Setenv(outscale.EnvProfile, "prod")
	if p, err = outscale.New(ctx, outscale.Options{}); err != nil || p.Region() != "us-east-2" {
		t.Fatalf("OSC_PROFILE=prod: %v %v", p, err)
	}
	t.Setenv(outscale.EnvRegion, "ap-northeast-1")
	if p, err = outscale.New(ctx, outscale.Options{}); err != nil || p.Region() != "ap-northeast-1" {
		t.Fatalf("OSC_REGION: %v %v", p, err)
	}
	if _, err := outscale.New(ctx, outscale.Options{Profile: "missing"}); !errors.Is(err, iam.ErrInvalid) {
		t.Errorf("missing profile: %v", err)
	}
	if s := p.String(); strings.Contains(s, "prodsecret") {
		t.Errorf("String shows the secret: %s", s)
	}
	t.Setenv(outscale.EnvConfigFile, filepath.Join(dir, "absent.json"))
	t.Setenv(outscale.EnvProfile, "")
	if _, err := outscale.New(ctx, outscale.Options{}); !errors.Is(err, iam.ErrDenied) {
		t.Errorf("no credentials: %v, want ErrDenied", err)
	}
}
