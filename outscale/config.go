package outscale

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	osc "github.com/outscale/osc-sdk-go/v2"

	"github.com/iamkit/iamkit/iam"
)

// DefaultRegion is the region used when none is configured, as the
// Outscale SDKs and CLI do.
const DefaultRegion = "eu-west-2"

// The environment variables the Outscale SDKs and CLI read.
const (
	EnvAccessKey = "OSC_ACCESS_KEY"
	EnvSecretKey = "OSC_SECRET_KEY"
	EnvRegion    = "OSC_REGION"
	EnvEndpoint  = "OSC_ENDPOINT_API"
	EnvProfile   = "OSC_PROFILE"
	// EnvConfigFile is not an Outscale variable: it overrides the path of
	// the configuration file (default ~/.osc/config.json), for tests.
	EnvConfigFile = "OSC_CONFIG_FILE"
)

// resolved is a complete configuration.
type resolved struct {
	accessKey string
	secretKey iam.Secret
	region    string
	endpoint  string
	source    string // where the credentials came from, for messages
}

// ConfigFilePath returns the path of the Outscale configuration file the
// SDKs and CLI read: ~/.osc/config.json (or $OSC_CONFIG_FILE when set).
func ConfigFilePath() (string, error) {
	if p := os.Getenv(EnvConfigFile); p != "" {
		return p, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".osc", "config.json"), nil
}

// loadProfiles reads the configuration file: a JSON object of named
// profiles, each {"access_key","secret_key","region","protocol",
// "endpoints":{"api":…}} as osc-sdk-go's ConfigFile reads it. A missing
// file is no error (nil, nil).
func loadProfiles() (map[string]osc.Profile, string, error) {
	path, err := ConfigFilePath()
	if err != nil {
		return nil, "", nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, path, nil
	}
	if err != nil {
		return nil, path, err
	}
	var profiles map[string]osc.Profile
	if err := json.Unmarshal(b, &profiles); err != nil {
		// The JSON error can quote the file's text, secrets included: keep
		// only its position-free summary.
		return nil, path, fmt.Errorf("%s is not a valid Outscale configuration file (a JSON object of profiles)", path)
	}
	return profiles, path, nil
}

// resolve works out the credentials, region and endpoint.
//
// Credentials: Options.AccessKey and SecretKey; else the profile named by
// Options.Profile; else OSC_ACCESS_KEY and OSC_SECRET_KEY; else the
// profile named by OSC_PROFILE, else "default". Region: Options.Region,
// OSC_REGION, the profile's region, DefaultRegion. Endpoint:
// Options.Endpoint, OSC_ENDPOINT_API, the profile's endpoints.api (with its
// protocol), https://api.REGION.outscale.com/api/v1.
func resolve(o Options) (*resolved, error) {
	bad := func(msg string) error { return fail("New", "", iam.ErrInvalid, msg) }
	r := &resolved{}
	secret := secretOf(o.SecretKey)

	var prof *osc.Profile
	profName := o.Profile
	explicitProfile := profName != ""
	envKeys := os.Getenv(EnvAccessKey) != "" && os.Getenv(EnvSecretKey) != ""
	needProfile := explicitProfile || (o.AccessKey == "" && !envKeys)
	if profName == "" {
		profName = os.Getenv(EnvProfile)
	}
	if profName == "" {
		profName = "default"
	}
	if needProfile || o.Region == "" || o.Endpoint == "" {
		profiles, path, err := loadProfiles()
		if err != nil {
			return nil, bad(err.Error())
		}
		if p, ok := profiles[profName]; ok {
			prof = &p
		} else if explicitProfile || (needProfile && o.AccessKey == "" && !envKeys && os.Getenv(EnvProfile) != "") {
			where := path
			if where == "" {
				where = "~/.osc/config.json"
			}
			return nil, bad(fmt.Sprintf("profile %q not found in %s", profName, where))
		}
	}

	switch {
	case o.AccessKey != "" || !secret.IsZero():
		if o.AccessKey == "" || secret.IsZero() {
			return nil, bad("Options.AccessKey and Options.SecretKey go together")
		}
		r.accessKey, r.secretKey, r.source = o.AccessKey, secret, "Options"
	case explicitProfile && prof != nil:
		r.accessKey, r.secretKey, r.source = prof.AccessKey, iam.NewSecret(prof.SecretKey), "profile "+profName
	case envKeys:
		r.accessKey, r.secretKey, r.source = os.Getenv(EnvAccessKey), iam.NewSecret(os.Getenv(EnvSecretKey)), EnvAccessKey+"/"+EnvSecretKey
	case prof != nil:
		r.accessKey, r.secretKey, r.source = prof.AccessKey, iam.NewSecret(prof.SecretKey), "profile "+profName
	}
	if r.accessKey == "" || r.secretKey.IsZero() || r.secretKey.Reveal() == "" {
		return nil, fail("New", "", iam.ErrDenied, "no Outscale credentials: set Options.AccessKey/SecretKey, "+EnvAccessKey+" and "+EnvSecretKey+", or a profile in ~/.osc/config.json")
	}

	r.region = firstNonEmpty(o.Region, os.Getenv(EnvRegion))
	if r.region == "" && prof != nil {
		r.region = prof.Region
	}
	if r.region == "" {
		r.region = DefaultRegion
	}
	if !validRegion(r.region) {
		return nil, bad(fmt.Sprintf("region %q is not an Outscale region name such as eu-west-2", r.region))
	}

	r.endpoint = firstNonEmpty(o.Endpoint, os.Getenv(EnvEndpoint))
	if r.endpoint == "" && prof != nil && prof.Endpoints.API != "" {
		r.endpoint = prof.Endpoints.API
		if !strings.Contains(r.endpoint, "://") {
			proto := prof.Protocol
			if proto == "" {
				proto = "https"
			}
			r.endpoint = proto + "://" + r.endpoint
		}
	}
	if r.endpoint == "" {
		r.endpoint = "https://api." + r.region + ".outscale.com/api/v1"
	}
	if !strings.HasPrefix(r.endpoint, "https://") && !strings.HasPrefix(r.endpoint, "http://") {
		r.endpoint = "https://" + r.endpoint
	}
	r.endpoint = strings.TrimSuffix(r.endpoint, "/")
	// "http://" alone is shorter than the "https://" the check below used
	// to cut off (a panic).
	_, rest, _ := strings.Cut(r.endpoint, "://")
	if rest == "" {
		return nil, bad(fmt.Sprintf("endpoint %q has no host", r.endpoint))
	}
	if !strings.HasSuffix(r.endpoint, "/api/v1") && !strings.Contains(rest, "/") {
		r.endpoint += "/api/v1"
	}
	return r, nil
}

func secretOf(s iam.Secret) iam.Secret {
	if s.IsZero() || s.Reveal() == "" {
		return iam.Secret{}
	}
	return s
}

func firstNonEmpty(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}

// validRegion accepts names such as eu-west-2, us-east-2, cloudgouv-eu-west-1.
func validRegion(r string) bool {
	if r == "" || len(r) > 64 {
		return false
	}
	for _, c := range r {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
