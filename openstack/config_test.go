package openstack

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/iamkit/iamkit/iam"
)

// fakeLoader returns a loader seeing only env and dirs.
func fakeLoader(env map[string]string, dirs ...string) authLoader {
	return authLoader{getenv: func(k string) string { return env[k] }, dirs: dirs}
}

// fakeReadOpenRC reads the export lines of an openrc file as the shell would
// (quotes removed, trailing "# comments" dropped).
func fakeReadOpenRC(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	env := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		if !ok {
			t.Fatalf("%s: bad line %q", path, line)
		}
		if strings.HasPrefix(v, `"`) {
			v = v[1 : strings.Index(v[1:], `"`)+1]
		} else if i := strings.Index(v, " #"); i >= 0 {
			v = strings.TrimSpace(v[:i])
		}
		env[k] = v
	}
	return env
}

// ovhcloudAuth is what the OVHcloud guide's configuration means.
func ovhcloudAuth() Auth {
	return Auth{
		AuthURL:           "https://auth.cloud.ovh.us/v3",
		AuthType:          AuthTypeOIDCClientCredentials,
		ProjectID:         "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f",
		IdentityProvider:  "ovhcloud-emea",
		Protocol:          "openid",
		ClientID:          "0f0f0f0f0f0f0f0f",
		ClientSecret:      iam.NewSecret("xxxx"),
		DiscoveryEndpoint: "https://iam.ovh.us/role-adapter/urn:v1:us:resource:publicCloudProject:pci/.well-known/openid-configuration",
		AccessTokenType:   AccessTokenTypeID,
		Scope:             "openid profile email publicCloudProject/all",
		RegionName:        "US-EAST-VA-1",
	}
}

// The guide's clouds.yaml entry and its OS_* variables mean the same Auth.
func TestLoadAuthOVHcloudGuide(t *testing.T) {
	fromYAML, err := fakeLoader(nil, "testdata/ovhcloud").load("ovhcloud")
	if err != nil {
		t.Fatalf("clouds.yaml: %v", err)
	}
	if want := ovhcloudAuth(); !reflect.DeepEqual(fromYAML, want) {
		t.Errorf("clouds.yaml entry ovhcloud:\n got %+v\nwant %+v", fromYAML, want)
	}
	if got := fromYAML.ClientSecret.Reveal(); got != "xxxx" {
		t.Errorf("client secret = %q", got)
	}
	if eo := fromYAML.EndpointOpts(); eo.Region != "US-EAST-VA-1" {
		t.Errorf("EndpointOpts = %+v", eo)
	}

	env := fakeReadOpenRC(t, "testdata/ovhcloud/openrc.sh")
	fromEnv, err := fakeLoader(env, "testdata/ovhcloud").load("")
	if err != nil {
		t.Fatalf("OS_* variables: %v", err)
	}
	if want := ovhcloudAuth(); !reflect.DeepEqual(fromEnv, want) {
		t.Errorf("OS_* variables:\n got %+v\nwant %+v", fromEnv, want)
	}
}

func TestLoadAuthCloudsYAML(t *testing.T) {
	dir := "testdata/clouds"
	tests := []struct {
		cloud string
		want  Auth
		// secret is the secret that must be read.
		secret func(Auth) iam.Secret
		reveal string
	}{
		{
			cloud: "devstack",
			want: Auth{AuthURL: "http://keystone.example:5000/v3", AuthType: AuthTypePassword, Username: "admin",
				ProjectName: "admin", UserDomainName: "Default", ProjectDomainName: "Default",
				RegionName: "RegionOne", Interface: "internal"},
			secret: func(a Auth) iam.Secret { return a.Password }, reveal: "pw-s3cr3t-devstack",
		},
		{
			// openstacksdk: with a project, domain_name is both domains' default.
			cloud: "onedomain",
			want: Auth{AuthURL: "http://keystone.example:5000/v3", AuthType: AuthTypePassword, Username: "demo",
				ProjectName: "demo", UserDomainName: "Default", ProjectDomainName: "Default"},
			secret: func(a Auth) iam.Secret { return a.Password }, reveal: "pw-s3cr3t-onedomain",
		},
		{
			// Dashed and legacy keys, auth_url at the top level, the
			// password merged from secure.yaml.
			cloud: "legacy",
			want: Auth{AuthURL: "http://keystone.example:5000/v3", AuthType: AuthTypePassword, Username: "legacy",
				UserDomainID: "default", ProjectName: "legacy-project", ProjectDomainID: "default", Interface: "adminURL"},
			secret: func(a Auth) iam.Secret { return a.Password }, reveal: "pw-s3cr3t-from-secure-yaml",
		},
		{
			cloud: "appcred",
			want: Auth{AuthURL: "http://keystone.example:5000/v3", AuthType: AuthTypeApplicationCredential,
				ApplicationCredentialID: "21dced0fd20347869b93710d2b98aae0"},
			secret: func(a Auth) iam.Secret { return a.ApplicationCredentialSecret }, reveal: "ac-s3cr3t-by-id",
		},
		{
			cloud: "appcred-by-name",
			want: Auth{AuthURL: "http://keystone.example:5000/v3", AuthType: AuthTypeApplicationCredential,
				ApplicationCredentialName: "monitoring", Username: "watcher_1", UserDomainName: "Default"},
			secret: func(a Auth) iam.Secret { return a.ApplicationCredentialSecret }, reveal: "ac-s3cr3t-by-name",
		},
		{
			cloud: "token",
			want: Auth{AuthURL: "http://keystone.example:5000/v3", AuthType: AuthTypeToken,
				ProjectID: "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f"},
			secret: func(a Auth) iam.Secret { return a.Token }, reveal: "tok-s3cr3t-gAAAAA",
		},
		{
			// Without a project, domain_id is the token's domain scope.
			cloud: "domain-admin",
			want: Auth{AuthURL: "http://keystone.example:5000/v3", AuthType: AuthTypeV3Password,
				UserID: "5c1f9b44d6a34c1cbb5fe6e0e3bd8c4b", DomainID: "default"},
			secret: func(a Auth) iam.Secret { return a.Password }, reveal: "pw-s3cr3t-domainadmin",
		},
	}
	for _, tt := range tests {
		t.Run(tt.cloud, func(t *testing.T) {
			got, err := fakeLoader(nil, dir).load(tt.cloud)
			if err != nil {
				t.Fatal(err)
			}
			if s := tt.secret(got); s.Reveal() != tt.reveal {
				t.Errorf("secret = %q, want %q", s.Reveal(), tt.reveal)
			}
			got.Password, got.ApplicationCredentialSecret, got.Token = iam.Secret{}, iam.Secret{}, iam.Secret{}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestLoadAuthErrors(t *testing.T) {
	// Every secret of the test files: none may appear in an error.
	secrets := []string{"pw-s3cr3t", "ac-s3cr3t", "tok-s3cr3t", "cs-s3cr3t", "xxxx"}
	tests := []struct {
		name  string
		cloud string
		env   map[string]string
		dirs  []string
		// want are parts of the message: what is missing.
		want []string
	}{
		{name: "no such cloud", cloud: "nowhere", dirs: []string{"testdata/clouds"}, want: []string{`no cloud "nowhere"`, `"devstack"`}},
		{name: "no clouds.yaml", cloud: "devstack", dirs: []string{t.TempDir()}, want: []string{"no clouds.yaml found", "clouds.yaml"}},
		{name: "missing auth_url", cloud: "no-auth-url", want: []string{"auth_url"}},
		{name: "unknown auth type", cloud: "unknown-type", want: []string{`unknown auth type "v3samlpassword"`, "v3oidcclientcredentials"}},
		{name: "no password", cloud: "no-password", want: []string{"password auth needs password"}},
		{name: "username without domain", cloud: "no-user-domain", want: []string{"user_domain_name or user_domain_id"}},
		{name: "project name without domain", cloud: "no-project-domain", want: []string{"project_domain_name or project_domain_id"}},
		{name: "oidc without client secret", cloud: "oidc-no-secret", want: []string{"v3oidcclientcredentials auth needs client_secret"}},
		{name: "oidc without scope", cloud: "oidc-no-scope", want: []string{"scope", "project_id or project_name"}},
		{name: "oidc bad token type", cloud: "oidc-bad-token-type", want: []string{"access_token_type", `"refresh_token"`}},
		{name: "env without OS_AUTH_URL", env: map[string]string{"OS_USERNAME": "admin", "OS_PASSWORD": "pw-s3cr3t-env"}, want: []string{"OS_AUTH_URL"}},
		{name: "env incomplete", env: map[string]string{"OS_AUTH_URL": "http://k/v3", "OS_AUTH_TYPE": "v3oidcclientcredentials",
			"OS_CLIENT_SECRET": "cs-s3cr3t-env", "OS_PROJECT_ID": "p"},
			want: []string{"OS_IDENTITY_PROVIDER", "OS_PROTOCOL", "OS_CLIENT_ID", "OS_DISCOVERY_ENDPOINT or OS_ACCESS_TOKEN_ENDPOINT"}},
		{name: "env unknown type", env: map[string]string{"OS_AUTH_URL": "http://k/v3", "OS_AUTH_TYPE": "v3totp"}, want: []string{"OS_AUTH_TYPE", `"v3totp"`}},
		{name: "env cacert missing", env: map[string]string{"OS_AUTH_URL": "http://k/v3", "OS_TOKEN": "tok-s3cr3t-env",
			"OS_CACERT": filepath.Join(t.TempDir(), "ca.pem")}, want: []string{"TLS"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dirs := tt.dirs
			if dirs == nil {
				dirs = []string{"testdata/clouds"}
			}
			a, err := fakeLoader(tt.env, dirs...).load(tt.cloud)
			if err == nil {
				t.Fatalf("no error; got %+v", a)
			}
			if !errors.Is(err, iam.ErrInvalid) {
				t.Errorf("error %v is not ErrInvalid", err)
			}
			var ie *iam.Error
			if !errors.As(err, &ie) || ie.Provider != "openstack" || ie.Op != "LoadAuth" {
				t.Errorf("error %#v is not an openstack LoadAuth *iam.Error", err)
			}
			msg := err.Error()
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not say %q", msg, w)
				}
			}
			for _, s := range secrets {
				if strings.Contains(msg, s) {
					t.Errorf("error %q shows a secret", msg)
				}
			}
		})
	}
}

// The search order and overrides of openstacksdk.
func TestLoadAuthSearch(t *testing.T) {
	write := func(dir, name, body string) string {
		t.Helper()
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	entry := func(url string) string {
		return "clouds:\n  c:\n    auth:\n      auth_url: " + url + "\n      token: tok-s3cr3t\n"
	}
	root := t.TempDir()
	cwd, home, etc := filepath.Join(root, "cwd"), filepath.Join(root, "home"), filepath.Join(root, "etc")
	write(home, "clouds.yaml", entry("http://home/v3"))
	write(etc, "clouds.yaml", entry("http://etc/v3"))
	override := write(root, "mine.yaml", entry("http://override/v3"))
	// secure.yaml is searched on its own: here it sits in etc only.
	write(etc, "secure.yml", "clouds:\n  c:\n    region_name: FromSecure\n")

	load := func(env map[string]string, cloud string) Auth {
		t.Helper()
		a, err := fakeLoader(env, cwd, home, etc).load(cloud)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	if a := load(nil, "c"); a.AuthURL != "http://home/v3" || a.RegionName != "FromSecure" {
		t.Errorf("home before etc, secure.yml merged: got %q %q", a.AuthURL, a.RegionName)
	}
	write(cwd, "clouds.json", `{"clouds": {"c": {"auth": {"auth_url": "http://cwd/v3", "token": "t"}}}}`)
	if a := load(nil, "c"); a.AuthURL != "http://cwd/v3" {
		t.Errorf("current directory first (JSON accepted): got %q", a.AuthURL)
	}
	if a := load(map[string]string{"OS_CLIENT_CONFIG_FILE": override}, "c"); a.AuthURL != "http://override/v3" {
		t.Errorf("OS_CLIENT_CONFIG_FILE first: got %q", a.AuthURL)
	}
	secure := write(root, "s.yaml", "clouds:\n  c:\n    region_name: FromOverride\n")
	if a := load(map[string]string{"OS_CLIENT_SECURE_FILE": secure}, "c"); a.RegionName != "FromOverride" {
		t.Errorf("OS_CLIENT_SECURE_FILE first: got %q", a.RegionName)
	}
	// OS_CLOUD picks the entry when no name is given, over the OS_* variables.
	if a := load(map[string]string{"OS_CLOUD": "c", "OS_AUTH_URL": "http://env/v3"}, ""); a.AuthURL != "http://cwd/v3" {
		t.Errorf("OS_CLOUD: got %q", a.AuthURL)
	}
}

func TestLoadAuthTLS(t *testing.T) {
	a, err := fakeLoader(map[string]string{"OS_AUTH_URL": "https://k/v3", "OS_TOKEN": "t", "OS_INSECURE": "true"}).load("")
	if err != nil {
		t.Fatal(err)
	}
	if a.HTTPClient == nil {
		t.Fatal("OS_INSECURE gave no HTTP client")
	}
	if a, _ := fakeLoader(map[string]string{"OS_AUTH_URL": "https://k/v3", "OS_TOKEN": "t"}).load(""); a.HTTPClient != nil {
		t.Error("an HTTP client without TLS settings")
	}
}

// LoadAuth itself, on the real process environment set by the test.
func TestLoadAuthProcessEnvironment(t *testing.T) {
	path, err := filepath.Abs("testdata/ovhcloud/clouds.yaml")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	t.Setenv("HOME", t.TempDir())
	for _, k := range append(envKeys, "cloud", "client_config_file", "client_secure_file") {
		t.Setenv(envName(k), "")
	}
	t.Setenv("XDG_CONFIG_HOME", "")
	t.Setenv("OS_CLIENT_CONFIG_FILE", path)
	a, err := LoadAuth("ovhcloud")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, ovhcloudAuth()) {
		t.Errorf("LoadAuth(ovhcloud) = %+v", a)
	}

	t.Setenv("OS_AUTH_URL", "http://keystone.example/v3")
	t.Setenv("OS_USERNAME", "admin")
	t.Setenv("OS_PASSWORD", "pw-s3cr3t")
	t.Setenv("OS_PROJECT_NAME", "admin")
	_, err = LoadAuth("")
	if !errors.Is(err, iam.ErrInvalid) || !strings.Contains(err.Error(), "OS_USER_DOMAIN_NAME or OS_USER_DOMAIN_ID") ||
		!strings.Contains(err.Error(), "OS_PROJECT_DOMAIN_NAME or OS_PROJECT_DOMAIN_ID") || strings.Contains(err.Error(), "pw-s3cr3t") {
		t.Errorf("LoadAuth(\"\") without domains: %v", err)
	}
	t.Setenv("OS_DOMAIN_NAME", "Default")
	a, err = LoadAuth("")
	if err != nil {
		t.Fatal(err)
	}
	want := Auth{AuthURL: "http://keystone.example/v3", AuthType: AuthTypePassword, Username: "admin",
		Password: iam.NewSecret("pw-s3cr3t"), ProjectName: "admin", UserDomainName: "Default", ProjectDomainName: "Default"}
	if !reflect.DeepEqual(a, want) {
		t.Errorf("LoadAuth(\"\") = %+v, want %+v", a, want)
	}
}
