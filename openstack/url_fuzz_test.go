package openstack

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/provider/providertest"
)

type fuzzRoundTrip func(*http.Request) (*http.Response, error)

func (f fuzzRoundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// FuzzOpenURL opens openstack:// URLs in an environment of the test: HOME,
// XDG_CONFIG_HOME, OS_CLIENT_CONFIG_FILE and OS_CLIENT_SECURE_FILE point
// at files of the test (no real clouds.yaml is read), no OS_* variable is
// set, and none of the clouds the files name has an auth_url, so that no
// URL can lead to an authentication request; http.DefaultTransport is
// replaced by one that counts what it is asked to send. Properties: no
// panic; every URL is refused with exactly one kind, ErrInvalid; the
// message shows no password of the files nor of the URL; nothing is sent.
func FuzzOpenURL(f *testing.F) {
	for _, s := range []string{
		"openstack://", "openstack:///", "openstack://?cloud=lab", "openstack://?cloud=ovhcloud&project=p&domain=d&region=GRA11",
		"openstack://?cloud=missing", "openstack://?cloud=lab&cloud=ovhcloud", "openstack://host", "openstack://?nope=1",
		"openstack://user:pw-S3cret-url@/?cloud=lab", "openstack://?cloud=%00", "openstack:opaque?cloud=lab", "openstack://?cloud=secure-only",
	} {
		f.Add(s)
	}
	const cloudsPassword, securePassword = "clouds-pw-S3cret-FUZZ", "secure-pw-S3cret-FUZZ"
	dir := f.TempDir()
	clouds := filepath.Join(dir, "clouds.yaml")
	secure := filepath.Join(dir, "secure.yaml")
	if err := os.WriteFile(clouds, []byte(`clouds:
  lab:
    auth:
      username: bob
      password: `+cloudsPassword+`
      project_name: demo
  ovhcloud:
    auth_type: v3oidcclientcredentials
    auth:
      client_id: '0f0f0f0f0f0f0f0f'
      client_secret: 'xxxx-client-secret'
`), 0o600); err != nil {
		f.Fatal(err)
	}
	if err := os.WriteFile(secure, []byte("clouds:\n  lab:\n    auth:\n      password: "+securePassword+"\n  secure-only:\n    auth:\n      password: "+securePassword+"\n"), 0o600); err != nil {
		f.Fatal(err)
	}
	f.Setenv("HOME", dir)
	f.Setenv("XDG_CONFIG_HOME", dir)
	f.Setenv("OS_CLIENT_CONFIG_FILE", clouds)
	f.Setenv("OS_CLIENT_SECURE_FILE", secure)
	f.Setenv("OS_CLOUD", "")
	for _, k := range envKeys {
		f.Setenv(envName(k), "")
	}
	var sent atomic.Int64
	saved := http.DefaultTransport
	http.DefaultTransport = fuzzRoundTrip(func(*http.Request) (*http.Response, error) {
		sent.Add(1)
		return nil, errors.New("fuzz: no request may be sent")
	})
	f.Cleanup(func() { http.DefaultTransport = saved })
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := url.Parse(raw)
		if err != nil {
			return // provider.Open refuses it first
		}
		secrets := []string{cloudsPassword, securePassword, "xxxx-client-secret"}
		rest := raw
		if u.User != nil {
			if pw, ok := u.User.Password(); ok && len(pw) >= 8 {
				secrets = append(secrets, pw)
				rest = strings.Replace(rest, pw, "", 1)
			}
		}
		p, err := openURL(ctx, u)
		if n := sent.Load(); n != 0 {
			t.Fatalf("%d requests sent", n)
		}
		if err == nil {
			t.Fatalf("opened %v from %q without an auth_url", p, raw)
		}
		providertest.OneKind(t, err, iam.ErrInvalid)
		for _, s := range secrets {
			if strings.Contains(err.Error(), s) && !strings.Contains(rest, s) {
				t.Fatalf("message shows a password: %v", err)
			}
		}
	})
}
