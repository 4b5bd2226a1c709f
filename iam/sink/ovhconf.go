package sink

import (
	"context"
	"fmt"
	"strings"

	"github.com/iamkit/iamkit/iam"
)

// OVHConf writes an OVHcloud service account's OAuth2 client credentials
// into a section of ovh.conf, the INI file go-ovh, python-ovh and the
// other OVHcloud API wrappers read:
//
//	[default]
//	endpoint=ovh-eu
//
//	[ovh-eu]
//	client_id=0f0f0f0f0f0f0f0f
//	client_secret=…
//
// A local user's key (a personal access token, iam.KeyPersonalAccessToken)
// is written as access_token=… instead.
//
// The section is the API endpoint the client is used with. Only those
// keys change; other sections, other keys, comments and blank lines stay
// byte for byte, and so does the [default] section: "endpoint=" is
// written only into a new file.
//
// go-ovh refuses a section holding two kinds of credentials, so a section
// that already holds another kind (application_key, application_secret,
// consumer_key, and access_token or client_id and client_secret) is not
// touched: Deliver returns ErrConflict (write to another file, or remove
// those keys).
//
// It serves the "ovh" provider, and "memory".
type OVHConf struct {
	// Path is the file. Default: ~/.ovh.conf. (go-ovh also reads
	// ./ovh.conf and /etc/ovh.conf, which override it in that order.) A
	// leading "~/" is expanded.
	Path string
	// Endpoint is the section: an endpoint name such as "ovh-eu",
	// "ovh-ca", "ovh-us", or an API URL. Default:
	// Delivery.Settings[iam.SettingEndpoint], else the file's [default]
	// endpoint, else "ovh-eu".
	Endpoint string
}

var (
	_ iam.Sink             = OVHConf{}
	_ iam.DeliveryVerifier = OVHConf{}
)

// ovhConfAccepts are the keys OVHConf holds.
var ovhConfAccepts = accepts{[]string{"ovh", "memory"}, []iam.KeyKind{iam.KeyOAuth2Client, iam.KeyPersonalAccessToken, iam.KeyAccessKey}}

// ovhOtherAuth returns the ovh.conf keys of go-ovh's authentication
// methods other than the one a key of kind uses.
func ovhOtherAuth(kind iam.KeyKind) []string {
	if kind == iam.KeyPersonalAccessToken {
		return []string{"application_key", "application_secret", "consumer_key", "client_id", "client_secret"}
	}
	return []string{"application_key", "application_secret", "consumer_key", "access_token"}
}

// Deliver writes d's key into the endpoint's section, atomically, mode
// 0600.
func (s OVHConf) Deliver(ctx context.Context, d iam.Delivery) error {
	t, err := begin(ctx, "OVHConf", d, ovhConfAccepts, s.Path, homePath("", ".ovh.conf"))
	if err != nil {
		return err
	}
	kind := d.Key.KindOrDefault(d.Provider)
	token := kind == iam.KeyPersonalAccessToken
	if !token && !iniValueOK(d.Key.ID, true) {
		return t.fail(iam.ErrInvalid, "the client ID cannot be written to ovh.conf as it is", nil)
	}
	if !iniValueOK(d.Key.Secret.Reveal(), true) {
		return t.fail(iam.ErrInvalid, "the secret holds characters ovh.conf cannot carry (control characters, outer spaces or quotes, # or ;)", nil)
	}
	old, exists, err := t.read()
	if err != nil {
		return err
	}
	doc := parseINI(old)
	def, _ := doc.section("default")
	section := s.Endpoint
	if section == "" {
		section = d.Settings[iam.SettingEndpoint]
	}
	if section == "" {
		section = def["endpoint"]
	}
	if section == "" {
		section = "ovh-eu"
	}
	if !iniNameOK(section) || strings.HasSuffix(section, "/") {
		return t.fail(iam.ErrInvalid, fmt.Sprintf("endpoint %q cannot be an ovh.conf section (no spaces, brackets, # or ;, no trailing slash)", section), nil)
	}
	if cur, ok := doc.section(section); ok {
		var others []string
		for _, k := range ovhOtherAuth(kind) {
			if cur[k] != "" {
				others = append(others, k)
			}
		}
		if len(others) > 0 {
			return t.fail(iam.ErrConflict, fmt.Sprintf("section [%s] already holds %s: go-ovh refuses two kinds of credentials in one section; deliver to another file or remove them", section, strings.Join(others, ", ")), nil)
		}
	}
	if !exists || len(strings.TrimSpace(string(old))) == 0 {
		doc.set("default", []kv{{"endpoint", section}}, nil, "=")
	}
	values := []kv{{"client_id", d.Key.ID}, {"client_secret", d.Key.Secret.Reveal()}}
	if token {
		values = []kv{{"access_token", d.Key.Secret.Reveal()}}
	}
	doc.set(section, values, nil, "=")
	return t.write(ctx, doc.bytes())
}

// Delivered reports whether the file holds d's key ID as a client_id: in
// the Endpoint section when Endpoint is set, else in any section (the
// Delivery that iam.Recover passes has no Settings to pick the section
// from). See iam.DeliveryVerifier. A missing file is false.
func (s OVHConf) Delivered(ctx context.Context, d iam.Delivery) (bool, error) {
	t, err := beginCheck(ctx, "OVHConf", d, ovhConfAccepts, s.Path, homePath("", ".ovh.conf"))
	if err != nil {
		return false, err
	}
	if d.Key.KindOrDefault(d.Provider) == iam.KeyPersonalAccessToken {
		return false, t.fail(iam.ErrUnsupported, "ovh.conf holds a personal access token without its name", nil)
	}
	b, _, err := t.read()
	if err != nil {
		return false, err
	}
	doc := parseINI(b)
	if s.Endpoint != "" {
		values, _ := doc.section(s.Endpoint)
		return values["client_id"] == d.Key.ID, nil
	}
	var sections []string
	for _, raw := range doc.lines {
		if kind, name := classify(raw); kind == lineSection {
			sections = append(sections, name)
		}
	}
	for _, name := range sections {
		if values, _ := doc.section(name); values["client_id"] == d.Key.ID {
			return true, nil
		}
	}
	return false, nil
}
