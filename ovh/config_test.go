package ovh_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/ovhfake"
	"github.com/iamkit/iamkit/ovh"
	"github.com/iamkit/iamkit/provider"
)

var ovhVars = []string{"OVH_ENDPOINT", "OVH_APPLICATION_KEY", "OVH_APPLICATION_SECRET", "OVH_CONSUMER_KEY", "OVH_CLIENT_ID", "OVH_CLIENT_SECRET", "OVH_ACCESS_TOKEN"}

func clearEnv(t *testing.T) {
	for _, v := range ovhVars {
		t.Setenv(v, "")
	}
	t.Chdir(t.TempDir())
}

// TestOpenWithEnv opens ovh://?endpoint= with credentials from OVH_*.
func TestOpenWithEnv(t *testing.T) {
	srv := ovhfake.New(t, ovhfake.Options{})
	clearEnv(t)
	t.Setenv("OVH_APPLICATION_KEY", ovhfake.DefaultAppKey)
	t.Setenv("OVH_APPLICATION_SECRET", ovhfake.DefaultAppSecret)
	t.Setenv("OVH_CONSUMER_KEY", ovhfake.DefaultConsumerKey)
	p, err := provider.Open(t.Context(), "ovh://?endpoint="+srv.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	op := p.(*ovh.Provider)
	if op.Name() != "ovh" || op.NIC() != srv.NIC() || op.Region() != "eu" {
		t.Errorf("provider %v", op)
	}
	if strings.Contains(op.String(), ovhfake.DefaultAppSecret) {
		t.Error("String shows the secret")
	}
}

// TestOvhConf reads the credentials from ./ovh.conf, as go-ovh does.
func TestOvhConf(t *testing.T) {
	srv := ovhfake.New(t, ovhfake.Options{})
	clearEnv(t)
	conf := "[default]\nendpoint=" + srv.Endpoint() + "\n\n[" + srv.Endpoint() + "]\napplication_key=" + ovhfake.DefaultAppKey +
		"\napplication_secret=" + ovhfake.DefaultAppSecret + "\nconsumer_key=" + ovhfake.DefaultConsumerKey + "\n"
	if err := os.WriteFile(filepath.Join(".", "ovh.conf"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := ovh.New(t.Context(), ovh.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.NIC() != srv.NIC() {
		t.Errorf("NIC %q", p.NIC())
	}
}

func TestBadCredentials(t *testing.T) {
	srv := ovhfake.New(t, ovhfake.Options{Lenient: true})
	clearEnv(t)
	_, err := ovh.New(t.Context(), ovh.Options{Endpoint: srv.Endpoint()})
	if !errors.Is(err, iam.ErrInvalid) {
		t.Errorf("no credentials: %v, want ErrInvalid", err)
	}
	_, err = ovh.New(t.Context(), ovh.Options{Endpoint: srv.Endpoint(), AppKey: ovhfake.DefaultAppKey,
		AppSecret: iam.NewSecret(ovhfake.DefaultAppSecret), ConsumerKey: iam.NewSecret("wrongconsumerkey")})
	if !errors.Is(err, iam.ErrDenied) {
		t.Errorf("unknown consumer key: %v, want ErrDenied", err)
	}
	if err != nil && strings.Contains(err.Error(), "wrongconsumerkey") {
		t.Error("the error shows the secret")
	}
}

// TestOAuth2 manages the account as a service account (OAuth2 client
// credentials) through a token endpoint go-ovh does not know.
func TestOAuth2(t *testing.T) {
	srv := ovhfake.New(t, ovhfake.Options{})
	clearEnv(t)
	p, err := ovh.New(t.Context(), ovh.Options{Endpoint: srv.Endpoint(), ClientID: ovhfake.DefaultClientID,
		ClientSecret: iam.NewSecret(ovhfake.DefaultClientSecret), TokenURL: srv.TokenURL()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.CreateUser(t.Context(), "via-oauth2", nil); err != nil {
		t.Fatal(err)
	}
	lenient := ovhfake.New(t, ovhfake.Options{Lenient: true})
	_, err = ovh.New(t.Context(), ovh.Options{Endpoint: lenient.Endpoint(), ClientID: ovhfake.DefaultClientID,
		ClientSecret: iam.NewSecret("wrong-secret-value"), TokenURL: lenient.TokenURL()})
	if !errors.Is(err, iam.ErrDenied) || strings.Contains(err.Error(), "wrong-secret-value") {
		t.Errorf("bad client secret: %v, want ErrDenied", err)
	}
}
