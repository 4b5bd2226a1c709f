package openstack

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/iamkit/iamkit/iam"
)

// LoadAuth returns the Auth the OpenStack CLI would use.
//
// With a cloud name, it reads that entry of clouds.yaml, searched as
// openstacksdk searches it: the file OS_CLIENT_CONFIG_FILE names, then
// clouds.yaml (or .yml, .json) in the current directory,
// $XDG_CONFIG_HOME/openstack, ~/.config/openstack, /etc/xdg/openstack and
// /etc/openstack; the first found is used. The entry of secure.yaml (found
// the same way, or OS_CLIENT_SECURE_FILE) is merged over it. Settings may
// sit in the entry's auth section or at its top level, with '-' or '_',
// and the legacy names (tenant_name, auth_token, endpoint_type) are
// understood. All keystoneauth settings of v3oidcclientcredentials are
// read (gophercloud's clouds package does not know them).
//
// With cloud == "", the cloud OS_CLOUD names is read if set; otherwise the
// OS_* variables (OS_AUTH_URL, OS_USERNAME, OS_PROJECT_ID, OS_CLIENT_ID,
// OS_OPENID_SCOPE and so on: OS_ followed by the clouds.yaml key in
// capitals, OS_TENANT_* included).
//
// The TLS settings cacert, cert, key and verify (OS_CACERT, OS_CERT,
// OS_KEY, OS_INSECURE) give the Auth its own HTTPClient.
//
// A missing file or entry, a missing auth_url, an unknown auth type or
// incomplete credentials give an error of kind iam.ErrInvalid naming what
// is missing; no error contains a secret.
func LoadAuth(cloud string) (Auth, error) {
	return newAuthLoader().load(cloud)
}

// authLoader finds the settings; tests give it their own environment and
// directories.
type authLoader struct {
	getenv func(string) string
	// dirs are searched in order for clouds.* and secure.*.
	dirs []string
}

// newAuthLoader returns the loader of the real environment.
func newAuthLoader() authLoader {
	var dirs []string
	if wd, err := os.Getwd(); err == nil {
		dirs = append(dirs, wd)
	}
	if x := os.Getenv("XDG_CONFIG_HOME"); x != "" {
		dirs = append(dirs, filepath.Join(x, "openstack"))
	}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, ".config", "openstack"))
	}
	dirs = append(dirs, "/etc/xdg/openstack", "/etc/openstack")
	return authLoader{getenv: os.Getenv, dirs: slices.Compact(dirs)}
}

// configSuffixes are the extensions openstacksdk tries, in order (JSON is
// YAML too).
var configSuffixes = []string{".yaml", ".yml", ".json"}

// load implements LoadAuth.
func (l authLoader) load(cloud string) (Auth, error) {
	if cloud == "" {
		cloud = l.getenv("OS_CLOUD")
	}
	if cloud == "" {
		return l.fromEnv()
	}
	return l.fromFiles(cloud)
}

// envKeys are the settings read from OS_* variables, by clouds.yaml key.
var envKeys = []string{
	"auth_url", "auth_type", "username", "user_id", "password",
	"user_domain_name", "user_domain_id", "project_name", "project_id",
	"tenant_name", "tenant_id", "project_domain_name", "project_domain_id",
	"domain_name", "domain_id", "application_credential_id",
	"application_credential_name", "application_credential_secret", "token",
	"auth_token", "region_name", "interface", "endpoint_type",
	"identity_provider", "protocol", "client_id", "client_secret",
	"discovery_endpoint", "access_token_endpoint", "access_token_type",
	"openid_scope", "cacert", "cert", "key", "insecure",
}

// envName names a setting by its variable.
func envName(key string) string { return "OS_" + strings.ToUpper(key) }

// fromEnv reads the OS_* variables.
func (l authLoader) fromEnv() (Auth, error) {
	s := map[string]string{}
	for _, k := range envKeys {
		if v := l.getenv(envName(k)); v != "" {
			s[k] = v
		}
	}
	const resource = "env/OS_*"
	if s["auth_url"] == "" {
		return Auth{}, authError("LoadAuth", resource, iam.ErrInvalid,
			"OS_AUTH_URL is not set (set the OS_* variables, or name a cloud of clouds.yaml, or set OS_CLOUD)", nil)
	}
	return l.finish(s, resource, envName)
}

// fromFiles reads entry cloud of clouds.yaml, merged with secure.yaml's.
func (l authLoader) fromFiles(cloud string) (Auth, error) {
	resource := "cloud/" + cloud
	fail := func(msg string, err error) (Auth, error) {
		return Auth{}, authError("LoadAuth", resource, iam.ErrInvalid, msg, err)
	}
	path, clouds, searched, err := l.firstFile("OS_CLIENT_CONFIG_FILE", "clouds")
	if err != nil {
		return fail("reading clouds.yaml", err)
	}
	if path == "" {
		return fail("no clouds.yaml found; searched "+strings.Join(searched, ", "), nil)
	}
	var secure map[string]map[string]any
	if _, ok := clouds[cloud]; ok {
		// A missing entry is reported whatever secure.yaml holds.
		if secure, err = l.secureClouds(); err != nil {
			return fail("reading secure.yaml", err)
		}
	}
	settings, msg := cloudSettings(path, clouds, secure, cloud)
	if msg != "" {
		return fail(msg, nil)
	}
	return l.finish(settings, resource, settingKey)
}

// secureClouds returns the clouds of secure.yaml, or nil when there is
// none.
func (l authLoader) secureClouds() (map[string]map[string]any, error) {
	path, secure, _, err := l.firstFile("OS_CLIENT_SECURE_FILE", "secure")
	if path == "" {
		return nil, err
	}
	return secure, err
}

// cloudSettings returns the settings of entry cloud of clouds (the
// contents of the clouds.yaml at path) merged with secure's (of
// secure.yaml, nil when there is none), or a message saying why there are
// none. The message never quotes a setting's value.
func cloudSettings(path string, clouds, secure map[string]map[string]any, cloud string) (map[string]string, string) {
	entry, ok := clouds[cloud]
	if !ok {
		names := make([]string, 0, len(clouds))
		for n := range clouds {
			names = append(names, strconv.Quote(n))
		}
		sort.Strings(names)
		return nil, fmt.Sprintf("%s has no cloud %q (it has %s)", path, cloud, strings.Join(names, ", "))
	}
	if secure[cloud] != nil {
		entry = mergeSettings(entry, secure[cloud])
	}
	s := flatten(entry)
	if p, ok := entry["profile"].(string); ok && s["auth_url"] == "" {
		return nil, fmt.Sprintf("cloud %q uses vendor profile %q, which iamkit does not know: set auth_url in the entry", cloud, p)
	}
	return s, ""
}

// finish turns settings into a complete Auth, or says what is missing,
// naming settings with name.
func (l authLoader) finish(s map[string]string, resource string, name func(string) string) (Auth, error) {
	a := authFromSettings(s).resolved()
	if msg := a.problem(name); msg != "" {
		return Auth{}, authError("LoadAuth", resource, iam.ErrInvalid, msg, nil)
	}
	hc, err := tlsClient(s)
	if err != nil {
		return Auth{}, authError("LoadAuth", resource, iam.ErrInvalid, "TLS settings (cacert, cert, key)", err)
	}
	a.HTTPClient = hc
	return a, nil
}

// firstFile reads the first of override (the file the variable names) and
// dir/base+suffix that exists, and returns its path and clouds, or "" when
// none exists; searched lists the candidates.
func (l authLoader) firstFile(override, base string) (path string, clouds map[string]map[string]any, searched []string, err error) {
	if p := l.getenv(override); p != "" {
		searched = append(searched, p)
	}
	for _, d := range l.dirs {
		for _, suf := range configSuffixes {
			searched = append(searched, filepath.Join(d, base+suf))
		}
	}
	for _, p := range searched {
		data, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return "", nil, searched, err
		}
		clouds, err := parseClouds(data)
		if err != nil {
			return "", nil, searched, fmt.Errorf("%s: %w", p, err)
		}
		return p, clouds, searched, nil
	}
	return "", nil, searched, nil
}

// parseClouds reads the clouds of a clouds.yaml or secure.yaml file.
func parseClouds(data []byte) (map[string]map[string]any, error) {
	var f struct {
		Clouds map[string]map[string]any `yaml:"clouds"`
	}
	if err := yaml.Unmarshal(data, &f); err != nil {
		return nil, yamlError(err)
	}
	return f.Clouds, nil
}

// yamlLine is the line prefix of yaml's type errors.
var yamlLine = regexp.MustCompile(`^line \d+: `)

// yamlError returns yaml's error without the values it quotes: a type
// error shows the start of the value ("cannot unmarshal !!str `hunter2`",
// as when a mis-indented password sits where a cloud was expected), an
// alias error the name after '*' (a password beginning with '*'), an
// invalid key its contents. Only its line numbers and fixed text remain.
func yamlError(err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		var lines []string
		for _, e := range te.Errors {
			lines = append(lines, strings.TrimSuffix(yamlLine.FindString(e), ": "))
		}
		lines = slices.Compact(lines)
		return errors.New("yaml: " + strings.TrimPrefix(strings.Join(lines, ", ")+": ", ": ") +
			"wrong type or duplicate key (clouds, each cloud and its auth section are mappings: check the indentation)")
	}
	msg := err.Error()
	if i := strings.IndexAny(msg, "'`\"{"); i >= 0 {
		msg = strings.TrimRight(msg[:i], " :") + " (quote values beginning with * or &)"
	}
	return errors.New(msg)
}

// mergeSettings returns base with over merged in, over winning, maps
// merged recursively (openstacksdk's merge of secure.yaml).
func mergeSettings(base, over map[string]any) map[string]any {
	out := make(map[string]any, len(base)+len(over))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		if om, ok := v.(map[string]any); ok {
			if bm, ok := out[k].(map[string]any); ok {
				out[k] = mergeSettings(bm, om)
				continue
			}
		}
		out[k] = v
	}
	return out
}

// flatten returns the scalar settings of a clouds.yaml entry, keys with
// '_' for '-', those of the auth section winning over the top level's (as
// in openstacksdk).
func flatten(entry map[string]any) map[string]string {
	out := map[string]string{}
	put := func(m map[string]any) {
		for k, v := range m {
			if k == "auth" {
				continue
			}
			switch v := v.(type) {
			case string:
				out[strings.ReplaceAll(k, "-", "_")] = v
			case int, int64, uint64, float64, bool:
				out[strings.ReplaceAll(k, "-", "_")] = fmt.Sprint(v)
			}
		}
	}
	put(entry)
	if auth, ok := entry["auth"].(map[string]any); ok {
		put(auth)
	}
	return out
}

// authFromSettings builds an Auth from clouds.yaml keys, the legacy
// aliases last.
func authFromSettings(s map[string]string) Auth {
	get := func(keys ...string) string {
		for _, k := range keys {
			if v := strings.TrimSpace(s[k]); v != "" {
				return v
			}
		}
		return ""
	}
	secret := func(keys ...string) iam.Secret {
		for _, k := range keys {
			// Secrets are taken verbatim: spaces may be part of them.
			if v := s[k]; v != "" {
				return iam.NewSecret(v)
			}
		}
		return iam.Secret{}
	}
	return Auth{
		AuthURL:                     get("auth_url"),
		AuthType:                    get("auth_type"),
		Username:                    get("username", "user_name"),
		UserID:                      get("user_id"),
		UserDomainName:              get("user_domain_name"),
		UserDomainID:                get("user_domain_id"),
		Password:                    secret("password"),
		ProjectName:                 get("project_name", "tenant_name"),
		ProjectID:                   get("project_id", "tenant_id"),
		ProjectDomainName:           get("project_domain_name"),
		ProjectDomainID:             get("project_domain_id"),
		DomainName:                  get("domain_name"),
		DomainID:                    get("domain_id"),
		ApplicationCredentialID:     get("application_credential_id"),
		ApplicationCredentialName:   get("application_credential_name"),
		ApplicationCredentialSecret: secret("application_credential_secret"),
		Token:                       secret("token", "auth_token"),
		IdentityProvider:            get("identity_provider"),
		Protocol:                    get("protocol"),
		ClientID:                    get("client_id"),
		ClientSecret:                secret("client_secret"),
		DiscoveryEndpoint:           get("discovery_endpoint"),
		AccessTokenEndpoint:         get("access_token_endpoint"),
		AccessTokenType:             get("access_token_type"),
		Scope:                       get("openid_scope"),
		RegionName:                  get("region_name"),
		Interface:                   get("interface", "endpoint_type"),
	}
}

// tlsClient returns an HTTP client honouring the TLS settings, or nil
// when there are none. Relative paths are relative to the current
// directory, as in the OpenStack CLI.
func tlsClient(s map[string]string) (*http.Client, error) {
	insecure := strings.EqualFold(s["verify"], "false") || strings.EqualFold(s["insecure"], "true")
	if s["cacert"] == "" && s["cert"] == "" && !insecure {
		return nil, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if insecure {
		// The user asked for it explicitly (verify: false, OS_INSECURE).
		cfg.InsecureSkipVerify = true
	}
	if ca := s["cacert"]; ca != "" {
		pem, err := os.ReadFile(ca)
		if err != nil {
			return nil, err
		}
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s: no PEM certificate", ca)
		}
		cfg.RootCAs = pool
	}
	if c := s["cert"]; c != "" {
		k := s["key"]
		if k == "" {
			k = c // the key may sit in the certificate's file
		}
		pair, err := tls.LoadX509KeyPair(c, k)
		if err != nil {
			return nil, err
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = cfg
	return &http.Client{Transport: tr}, nil
}
