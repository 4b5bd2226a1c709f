package sink

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/iamkit/iamkit/iam"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// The fake key of every test: AWS's documentation example.
const (
	testKeyID  = "AKIAIOSFODNN7EXAMPLE"
	testSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

func delivery(provider string, settings map[string]string) iam.Delivery {
	return iam.Delivery{
		Provider: provider,
		User:     "watcher",
		Key:      &iam.AccessKey{ID: testKeyID, Secret: iam.NewSecret(testSecret), User: "watcher"},
		Settings: settings,
	}
}

// ovhSettings are the values of the OVHcloud guide's EMEA example.
var ovhSettings = map[string]string{
	iam.SettingRegion:            "US-EAST-VA-1",
	iam.SettingAuthURL:           "https://auth.cloud.ovh.us/v3",
	iam.SettingIdentityProvider:  "ovhcloud-emea",
	iam.SettingDiscoveryEndpoint: "https://iam.ovh.us/role-adapter/urn:v1:us:resource:publicCloudProject:pci/.well-known/openid-configuration",
	iam.SettingProjectID:         "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f",
}

func ovhKey() iam.Delivery {
	d := delivery("ovh", ovhSettings)
	d.Key.ID, d.Key.Secret = "0f0f0f0f0f0f0f0f", iam.NewSecret("xxxx")
	return d
}

// ovhToken is an OVHcloud local user's personal access token.
func ovhToken() iam.Delivery {
	d := delivery("ovh", map[string]string{iam.SettingEndpoint: "ovh-eu"})
	d.Key.ID, d.Key.Kind, d.Key.Secret = "deploy-bot", iam.KeyPersonalAccessToken, iam.NewSecret("eyJhbGciOiJFZERTQSJ9.pat-example")
	return d
}

// ec2Key is an OpenStack EC2 credential.
func ec2Key() iam.Delivery {
	d := delivery("openstack", map[string]string{iam.SettingAuthURL: "https://keystone.example:5000/v3", iam.SettingRegion: "RegionOne"})
	d.Key.ID, d.Key.Kind, d.Key.Secret = "8f6b0d5c2a0e4b7f9d1e3c5a7b9d1f3e", iam.KeyEC2Credential, iam.NewSecret("c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6")
	return d
}

type goldenCase struct {
	name string // testdata/<name>.before (optional) and .golden
	file string // the file's base name in the temporary directory
	sink func(path string) iam.Sink
	d    iam.Delivery
}

// unverifiable are the cases whose file holds the key without its ID:
// Delivered answers ErrUnsupported.
var unverifiable = map[string]bool{"ovhconf_new_token": true, "dotenv_new_ovh_token": true}

var goldenCases = []goldenCase{
	{"aws_new", "credentials", func(p string) iam.Sink { return AWSCredentials{Path: p, Profile: "watcher"} },
		delivery("aws", map[string]string{iam.SettingRegion: "eu-west-3"})},
	{"aws_existing", "credentials", func(p string) iam.Sink { return AWSCredentials{Path: p, Profile: "watcher"} },
		delivery("aws", nil)},
	{"aws_replace", "credentials", func(p string) iam.Sink { return AWSCredentials{Path: p, Profile: "watcher"} },
		delivery("aws", nil)},
	{"aws_crlf", "credentials", func(p string) iam.Sink { return AWSCredentials{Path: p, Profile: "watcher"} },
		delivery("aws", nil)},
	{"aws_nofinalnewline", "credentials", func(p string) iam.Sink { return AWSCredentials{Path: p} },
		delivery("memory", nil)},

	{"outscale_new", "config.json", func(p string) iam.Sink { return OutscaleConfig{Path: p} },
		delivery("outscale", map[string]string{iam.SettingRegion: "eu-west-2"})},
	{"outscale_existing", "config.json", func(p string) iam.Sink { return OutscaleConfig{Path: p, Profile: "watcher"} },
		delivery("outscale", map[string]string{iam.SettingRegion: "cloudgouv-eu-west-1"})},
	{"outscale_replace", "config.json", func(p string) iam.Sink { return OutscaleConfig{Path: p, Profile: "watcher"} },
		delivery("outscale", map[string]string{iam.SettingRegion: "us-east-2", iam.SettingEndpoint: "http://127.0.0.1:8443/api/v1"})},

	{"clouds_new_appcred", "clouds.yaml", func(p string) iam.Sink { return CloudsYAML{Path: p, Cloud: "watcher"} },
		delivery("openstack", map[string]string{iam.SettingAuthURL: "https://keystone.example:5000/v3", iam.SettingRegion: "RegionOne"})},
	{"clouds_new_oidc", "clouds.yaml", func(p string) iam.Sink { return CloudsYAML{Path: p} },
		ovhKey()},
	{"clouds_existing", "clouds.yaml", func(p string) iam.Sink { return CloudsYAML{Path: p} },
		ovhKey()},
	{"clouds_replace", "clouds.yaml", func(p string) iam.Sink {
		return CloudsYAML{Path: p, Cloud: "watcher", AuthType: AuthApplicationCredential}
	}, delivery("openstack", map[string]string{iam.SettingAuthURL: "https://keystone.example:5000/v3"})},

	{"ovhconf_new", "ovh.conf", func(p string) iam.Sink { return OVHConf{Path: p} },
		ovhKey()},
	{"ovhconf_existing", "ovh.conf", func(p string) iam.Sink { return OVHConf{Path: p, Endpoint: "ovh-eu"} },
		ovhKey()},
	{"ovhconf_replace", "ovh.conf", func(p string) iam.Sink { return OVHConf{Path: p} },
		ovhKey()},
	{"ovhconf_new_token", "ovh.conf", func(p string) iam.Sink { return OVHConf{Path: p} },
		ovhToken()},
	{"aws_new_ec2", "credentials", func(p string) iam.Sink { return AWSCredentials{Path: p, Profile: "swift-s3"} },
		ec2Key()},

	{"dotenv_new_aws", ".env", func(p string) iam.Sink { return Dotenv{Path: p} },
		delivery("aws", map[string]string{iam.SettingRegion: "eu-west-3"})},
	{"dotenv_existing", ".env", func(p string) iam.Sink { return Dotenv{Path: p} },
		delivery("aws", map[string]string{iam.SettingRegion: "eu-west-3"})},
	{"dotenv_new_openstack", ".env", func(p string) iam.Sink { return Dotenv{Path: p} },
		delivery("openstack", map[string]string{iam.SettingAuthURL: "https://keystone.example:5000/v3", iam.SettingRegion: "RegionOne"})},
	{"dotenv_new_outscale", ".env", func(p string) iam.Sink { return Dotenv{Path: p} },
		delivery("outscale", map[string]string{iam.SettingRegion: "eu-west-2"})},
	{"dotenv_new_ovh", ".env", func(p string) iam.Sink { return Dotenv{Path: p} },
		func() iam.Delivery {
			d := ovhKey()
			d.Settings = map[string]string{iam.SettingEndpoint: "ovh-eu"}
			return d
		}()},
	{"dotenv_new_memory", ".env", func(p string) iam.Sink { return Dotenv{Path: p} },
		delivery("memory", nil)},
	{"dotenv_new_ovh_token", ".env", func(p string) iam.Sink { return Dotenv{Path: p} },
		ovhToken()},
	{"dotenv_new_ec2", ".env", func(p string) iam.Sink { return Dotenv{Path: p} },
		ec2Key()},
}

// TestGolden delivers into each testdata/<name>.before (or no file) and
// compares the result with testdata/<name>.golden; go test -update
// rewrites the golden files.
func TestGolden(t *testing.T) {
	for _, c := range goldenCases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "sub", c.file)
			before, err := os.ReadFile(filepath.Join("testdata", c.name+".before"))
			if err == nil {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, before, 0o644); err != nil {
					t.Fatal(err)
				}
			} else if !os.IsNotExist(err) {
				t.Fatal(err)
			}
			s := c.sink(path)
			if err := s.Deliver(context.Background(), c.d); err != nil {
				t.Fatalf("Deliver: %v", err)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			checkMode(t, path, 0o600)
			golden := filepath.Join("testdata", c.name+".golden")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("file differs from %s:\n--- got\n%s\n--- want\n%s", golden, got, want)
			}

			// Delivering the same key again changes nothing.
			if err := s.Deliver(context.Background(), c.d); err != nil {
				t.Fatalf("second Deliver: %v", err)
			}
			again, _ := os.ReadFile(path)
			if !bytes.Equal(again, got) {
				t.Errorf("second delivery changed the file:\n%s", again)
			}

			// The sink recognises its delivery.
			v := s.(iam.DeliveryVerifier)
			probe := c.d
			probe.Key = &iam.AccessKey{ID: c.d.Key.ID, Kind: c.d.Key.Kind}
			probe.Settings = nil
			if unverifiable[c.name] {
				if ok, err := v.Delivered(context.Background(), probe); !errors.Is(err, iam.ErrUnsupported) || ok {
					t.Errorf("Delivered = %v, %v; want false, ErrUnsupported", ok, err)
				}
				return
			}
			if ok, err := v.Delivered(context.Background(), probe); err != nil || !ok {
				t.Errorf("Delivered = %v, %v; want true", ok, err)
			}
			probe.Key = &iam.AccessKey{ID: "AKIAOTHEROTHEROTHER9", Kind: c.d.Key.Kind}
			if ok, err := v.Delivered(context.Background(), probe); err != nil || ok {
				t.Errorf("Delivered(other key) = %v, %v; want false", ok, err)
			}
		})
	}
}

func checkMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("%s: mode %v, want %v", path, got, want)
	}
}
