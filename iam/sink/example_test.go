package sink_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/iam/sink"
)

// newKey is what a provider returns from CreateAccessKey (here AWS's
// documentation example).
func newKey(provider string, settings map[string]string) iam.Delivery {
	return iam.Delivery{
		Provider: provider,
		User:     "watcher_1",
		Key: &iam.AccessKey{
			ID:     "AKIAIOSFODNN7EXAMPLE",
			Secret: iam.NewSecret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
			User:   "watcher_1",
		},
		Settings: settings,
	}
}

// show prints a file and its mode.
func show(path string) {
	b, err := os.ReadFile(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	fi, _ := os.Stat(path)
	fmt.Printf("%s (%v):\n%s", filepath.Base(path), fi.Mode().Perm(), b)
}

func ExampleAWSCredentials() {
	dir, _ := os.MkdirTemp("", "iamkit-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "credentials")
	// The owner's own profile is there already.
	os.WriteFile(path, []byte("[default]\naws_access_key_id = AKIAOWNER\naws_secret_access_key = ownersecret\n"), 0o600)

	s := sink.AWSCredentials{Path: path, Profile: "watcher"}
	if err := s.Deliver(context.Background(), newKey("aws", nil)); err != nil {
		fmt.Println(err)
		return
	}
	show(path)
	// Output:
	// credentials (-rw-------):
	// [default]
	// aws_access_key_id = AKIAOWNER
	// aws_secret_access_key = ownersecret
	//
	// [watcher]
	// aws_access_key_id = AKIAIOSFODNN7EXAMPLE
	// aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
}

func ExampleOutscaleConfig() {
	dir, _ := os.MkdirTemp("", "iamkit-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "config.json")

	s := sink.OutscaleConfig{Path: path, Profile: "watcher"}
	d := newKey("outscale", map[string]string{iam.SettingRegion: "eu-west-2"})
	if err := s.Deliver(context.Background(), d); err != nil {
		fmt.Println(err)
		return
	}
	show(path)
	// Output:
	// config.json (-rw-------):
	// {
	//   "watcher": {
	//     "access_key": "AKIAIOSFODNN7EXAMPLE",
	//     "secret_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	//     "region": "eu-west-2"
	//   }
	// }
}

// An OpenStack application credential.
func ExampleCloudsYAML() {
	dir, _ := os.MkdirTemp("", "iamkit-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "clouds.yaml")

	s := sink.CloudsYAML{Path: path, Cloud: "watcher"}
	d := newKey("openstack", map[string]string{
		iam.SettingAuthURL: "https://keystone.example:5000/v3",
		iam.SettingRegion:  "RegionOne",
	})
	if err := s.Deliver(context.Background(), d); err != nil {
		fmt.Println(err)
		return
	}
	show(path)
	// Output:
	// clouds.yaml (-rw-------):
	// clouds:
	//   watcher:
	//     auth_type: v3applicationcredential
	//     region_name: RegionOne
	//     auth:
	//       auth_url: https://keystone.example:5000/v3
	//       application_credential_id: AKIAIOSFODNN7EXAMPLE
	//       application_credential_secret: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
}

// An OVHcloud service account reaching the Public Cloud's OpenStack: the
// entry of the OVHcloud guide, with the guide's example values.
func ExampleCloudsYAML_ovhcloud() {
	dir, _ := os.MkdirTemp("", "iamkit-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "clouds.yaml")

	d := iam.Delivery{
		Provider: "ovh",
		Key:      &iam.AccessKey{ID: "0f0f0f0f0f0f0f0f", Secret: iam.NewSecret("xxxx")},
		Settings: map[string]string{
			iam.SettingRegion:            "US-EAST-VA-1",
			iam.SettingAuthURL:           "https://auth.cloud.ovh.us/v3",
			iam.SettingIdentityProvider:  "ovhcloud-emea",
			iam.SettingDiscoveryEndpoint: "https://iam.ovh.us/role-adapter/urn:v1:us:resource:publicCloudProject:pci/.well-known/openid-configuration",
			iam.SettingProjectID:         "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f",
		},
	}
	if err := (sink.CloudsYAML{Path: path}).Deliver(context.Background(), d); err != nil {
		fmt.Println(err)
		return
	}
	show(path)
	// Output:
	// clouds.yaml (-rw-------):
	// clouds:
	//   ovhcloud:
	//     auth_type: 'v3oidcclientcredentials'
	//     region_name: US-EAST-VA-1
	//     auth:
	//       protocol: 'openid'
	//       access_token_type: 'id_token'
	//       openid_scope: 'openid profile email publicCloudProject/all'
	//       auth_url: 'https://auth.cloud.ovh.us/v3'
	//       identity_provider: 'ovhcloud-emea'
	//       discovery_endpoint: 'https://iam.ovh.us/role-adapter/urn:v1:us:resource:publicCloudProject:pci/.well-known/openid-configuration'
	//       project_id: '0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f'
	//       client_id: '0f0f0f0f0f0f0f0f'
	//       client_secret: 'xxxx'
}

func ExampleOVHConf() {
	dir, _ := os.MkdirTemp("", "iamkit-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "ovh.conf")

	d := iam.Delivery{
		Provider: "ovh",
		Key:      &iam.AccessKey{ID: "0f0f0f0f0f0f0f0f", Secret: iam.NewSecret("0123456789abcdef0123456789abcdef")},
	}
	if err := (sink.OVHConf{Path: path, Endpoint: "ovh-eu"}).Deliver(context.Background(), d); err != nil {
		fmt.Println(err)
		return
	}
	show(path)
	// Output:
	// ovh.conf (-rw-------):
	// [default]
	// endpoint=ovh-eu
	//
	// [ovh-eu]
	// client_id=0f0f0f0f0f0f0f0f
	// client_secret=0123456789abcdef0123456789abcdef
}

func ExampleDotenv() {
	dir, _ := os.MkdirTemp("", "iamkit-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, ".env")
	os.WriteFile(path, []byte("# the watcher's settings\nLOG_LEVEL=info\nAWS_SESSION_TOKEN=stale\n"), 0o600)

	d := newKey("aws", map[string]string{iam.SettingRegion: "eu-west-3"})
	if err := (sink.Dotenv{Path: path}).Deliver(context.Background(), d); err != nil {
		fmt.Println(err)
		return
	}
	show(path)
	// Output:
	// .env (-rw-------):
	// # the watcher's settings
	// LOG_LEVEL=info
	// AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
	// AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
	// AWS_REGION=eu-west-3
}

// Variables of one's own choosing.
func ExampleDotenv_vars() {
	dir, _ := os.MkdirTemp("", "iamkit-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "watcher.env")

	s := sink.Dotenv{Path: path, Vars: []sink.EnvVar{
		{Name: "WATCHER_KEY_ID", From: sink.KeyID},
		{Name: "WATCHER_SECRET", From: sink.KeySecret},
		{Name: "WATCHER_REGION", From: sink.FromSetting(iam.SettingRegion)},
		{Name: "WATCHER_GREETING", From: sink.Literal("hello world")},
	}}
	d := newKey("aws", map[string]string{iam.SettingRegion: "eu-west-3"})
	if err := s.Deliver(context.Background(), d); err != nil {
		fmt.Println(err)
		return
	}
	show(path)
	// Output:
	// watcher.env (-rw-------):
	// WATCHER_KEY_ID=AKIAIOSFODNN7EXAMPLE
	// WATCHER_SECRET=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
	// WATCHER_REGION=eu-west-3
	// WATCHER_GREETING='hello world'
}

// With the provisioning workflow: the key counts as delivered once the
// sink returned nil.
func Example_provision() {
	dir, _ := os.MkdirTemp("", "iamkit-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "credentials")

	var s iam.Sink = sink.AWSCredentials{Path: path, Profile: "watcher"}
	// iam.Provision(ctx, p, iam.ServiceAccount{..., Sink: s}) calls:
	err := s.Deliver(context.Background(), newKey("aws", nil))
	fmt.Println(err)

	// After a crash, iam.Recover asks the sink whether the key arrived.
	ok, err := s.(iam.DeliveryVerifier).Delivered(context.Background(), iam.Delivery{
		Provider: "aws",
		Key:      &iam.AccessKey{ID: "AKIAIOSFODNN7EXAMPLE"},
	})
	fmt.Println(ok, err)
	// Output:
	// <nil>
	// true <nil>
}
