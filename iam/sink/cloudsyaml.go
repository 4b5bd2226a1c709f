package sink

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/iamkit/iamkit/iam"
)

// The auth types CloudsYAML writes.
const (
	// AuthApplicationCredential is Keystone's application credential:
	// auth_url, application_credential_id, application_credential_secret.
	AuthApplicationCredential = "v3applicationcredential"
	// AuthOIDCClientCredentials is the entry of the OVHcloud guide "Using
	// service accounts to connect to OpenStack": an OVHcloud service
	// account (OAuth2 client) reaching the Public Cloud Keystone through
	// OpenID Connect.
	AuthOIDCClientCredentials = "v3oidcclientcredentials"
)

// CloudsYAML writes the key as a cloud entry of an OpenStack clouds.yaml,
// the file openstacksdk, the openstack CLI, gophercloud's clientconfig and
// Terraform read.
//
// With AuthApplicationCredential (the "openstack" provider's keys):
//
//	clouds:
//	  mycloud:
//	    auth_type: v3applicationcredential
//	    region_name: GRA11
//	    auth:
//	      auth_url: https://keystone.example/v3
//	      application_credential_id: 0123…
//	      application_credential_secret: …
//
// auth_url comes from Delivery.Settings[iam.SettingAuthURL] (required),
// region_name from iam.SettingRegion (written when present).
//
// With AuthOIDCClientCredentials (the "ovh" provider's service accounts),
// the entry of the OVHcloud guide, with its fixed values and quoting:
//
//	clouds:
//	  ovhcloud:
//	    auth_type: 'v3oidcclientcredentials'
//	    region_name: US-EAST-VA-1
//	    auth:
//	      protocol: 'openid'
//	      access_token_type: 'id_token'
//	      openid_scope: 'openid profile email publicCloudProject/all'
//	      auth_url: 'https://auth.cloud.ovh.us/v3'
//	      identity_provider: 'ovhcloud-emea'
//	      discovery_endpoint: 'https://iam.ovh.us/role-adapter/urn:v1:us:resource:publicCloudProject:pci/.well-known/openid-configuration'
//	      project_id: '0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f'
//	      client_id: '0f0f0f0f0f0f0f0f'
//	      client_secret: 'xxxx'
//
// auth_url, identity_provider, discovery_endpoint and project_id come from
// Delivery.Settings (iam.SettingAuthURL, iam.SettingIdentityProvider,
// iam.SettingDiscoveryEndpoint, iam.SettingProjectID; all required: they
// depend on the OVHcloud region and project), region_name from
// iam.SettingRegion (written when present).
//
// An existing entry of the same name keeps its other settings (interface,
// identity_api_version, verify…) and its comments; its auth_type is set,
// its region_name set when known, and its whole auth block replaced (old
// auth settings such as a password would mix with the new ones). Other
// clouds, top-level keys and comments stay; the file is re-indented with
// two spaces by the YAML encoder. A file where the entry, clouds, or the
// settings replaced are shared with another part of it through a YAML
// anchor and alias is left untouched (ErrInvalid): writing there would
// change the other part too.
//
// It serves "openstack" and "ovh" (and "memory", with either auth type).
type CloudsYAML struct {
	// Path is the clouds.yaml. Default: $OS_CLIENT_CONFIG_FILE, else
	// ~/.config/openstack/clouds.yaml. A leading "~/" is expanded.
	Path string
	// Cloud is the entry's name. Default: "ovhcloud" with
	// AuthOIDCClientCredentials (as in the OVHcloud guide), else
	// "openstack".
	Cloud string
	// AuthType is AuthApplicationCredential or AuthOIDCClientCredentials.
	// Default: AuthOIDCClientCredentials for the "ovh" provider,
	// AuthApplicationCredential otherwise.
	AuthType string
}

// cloudsYAMLAccepts are the keys CloudsYAML holds: not EC2 credentials,
// nor OVHcloud local users' tokens, which clouds.yaml has no place for.
var cloudsYAMLAccepts = accepts{[]string{"openstack", "ovh", "memory"}, []iam.KeyKind{iam.KeyApplicationCredential, iam.KeyOAuth2Client, iam.KeyAccessKey}}

var (
	_ iam.Sink             = CloudsYAML{}
	_ iam.DeliveryVerifier = CloudsYAML{}
)

// Deliver writes d's key as the cloud entry, atomically, mode 0600.
func (s CloudsYAML) Deliver(ctx context.Context, d iam.Delivery) error {
	t, err := begin(ctx, "CloudsYAML", d, cloudsYAMLAccepts, s.Path, homePath("OS_CLIENT_CONFIG_FILE", ".config", "openstack", "clouds.yaml"))
	if err != nil {
		return err
	}
	authType := s.AuthType
	if authType == "" {
		authType = AuthApplicationCredential
		if d.Provider == "ovh" {
			authType = AuthOIDCClientCredentials
		}
	}
	switch {
	case authType != AuthApplicationCredential && authType != AuthOIDCClientCredentials:
		return t.fail(iam.ErrInvalid, fmt.Sprintf("auth type %q is not one CloudsYAML writes (%s or %s)", authType, AuthApplicationCredential, AuthOIDCClientCredentials), nil)
	case d.Provider == "ovh" && authType == AuthApplicationCredential:
		return t.fail(iam.ErrInvalid, "an OVHcloud service account is not a Keystone application credential: use AuthType "+AuthOIDCClientCredentials, nil)
	case d.Provider == "openstack" && authType == AuthOIDCClientCredentials:
		return t.fail(iam.ErrInvalid, "an OpenStack application credential is not an OAuth2 client: use AuthType "+AuthApplicationCredential, nil)
	}
	cloud := s.Cloud
	if cloud == "" {
		cloud = "openstack"
		if authType == AuthOIDCClientCredentials {
			cloud = "ovhcloud"
		}
	}

	need := []string{iam.SettingAuthURL}
	if authType == AuthOIDCClientCredentials {
		need = append(need, iam.SettingIdentityProvider, iam.SettingDiscoveryEndpoint, iam.SettingProjectID)
	}
	var missing []string
	for _, n := range need {
		if d.Settings[n] == "" {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		return t.fail(iam.ErrInvalid, fmt.Sprintf("a %s entry needs Delivery.Settings %s", authType, strings.Join(missing, ", ")), nil)
	}

	old, _, err := t.read()
	if err != nil {
		return err
	}
	doc, err := parseYAML(old)
	if err != nil {
		return t.fail(iam.ErrInvalid, "the file is not a valid clouds.yaml ("+err.Error()+"); it was left untouched", nil)
	}
	root := doc.Content[0]
	// A node that an alias shares, or an alias, is the same node under
	// another name: changing it would change another cloud too (and write
	// the secret there), and replacing an anchored node leaves its aliases
	// dangling, which no reader accepts.
	aliased := aliasTargets(doc)
	shared := func(raw *yaml.Node) bool {
		return raw != nil && (raw.Kind == yaml.AliasNode || aliased[raw])
	}
	if shared(root) || shared(mapGetRaw(root, "clouds")) || shared(mapGetRaw(mapGet(root, "clouds"), cloud)) {
		return t.fail(iam.ErrInvalid, fmt.Sprintf("cloud %q is shared with another part of the file through a YAML anchor and alias; the file was left untouched", cloud), nil)
	}
	clouds := mapGet(root, "clouds")
	switch {
	case clouds == nil:
		clouds = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		mapSet(root, "clouds", clouds)
	case isYAMLNull(clouds):
		*clouds = yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", HeadComment: clouds.HeadComment, LineComment: clouds.LineComment}
	case clouds.Kind != yaml.MappingNode:
		return t.fail(iam.ErrInvalid, "clouds is not a mapping; the file was left untouched", nil)
	}
	entry := mapGet(clouds, cloud)
	switch {
	case entry == nil:
		entry = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		mapSet(clouds, cloud, entry)
	case isYAMLNull(entry):
		*entry = yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", HeadComment: entry.HeadComment, LineComment: entry.LineComment}
	case entry.Kind != yaml.MappingNode:
		return t.fail(iam.ErrInvalid, fmt.Sprintf("cloud %q is not a mapping; the file was left untouched", cloud), nil)
	}

	region := d.Settings[iam.SettingRegion]
	for _, k := range []string{"auth_type", "region_name", "auth"} {
		if v := mapGetRaw(entry, k); v != nil && holdsAliased(v, aliased) {
			return t.fail(iam.ErrInvalid, fmt.Sprintf("the %s of cloud %q is shared with another part of the file through a YAML anchor and alias; the file was left untouched", k, cloud), nil)
		}
	}
	var auth *yaml.Node
	if authType == AuthOIDCClientCredentials {
		q := yaml.SingleQuotedStyle
		mapSet(entry, "auth_type", yamlString(authType, q))
		if region != "" {
			mapSet(entry, "region_name", yamlString(region, 0))
		}
		auth = yamlMap(
			"protocol", yamlString("openid", q),
			"access_token_type", yamlString("id_token", q),
			"openid_scope", yamlString("openid profile email publicCloudProject/all", q),
			"auth_url", yamlString(d.Settings[iam.SettingAuthURL], q),
			"identity_provider", yamlString(d.Settings[iam.SettingIdentityProvider], q),
			"discovery_endpoint", yamlString(d.Settings[iam.SettingDiscoveryEndpoint], q),
			"project_id", yamlString(d.Settings[iam.SettingProjectID], q),
			"client_id", yamlString(d.Key.ID, q),
			"client_secret", yamlString(d.Key.Secret.Reveal(), q),
		)
	} else {
		mapSet(entry, "auth_type", yamlString(authType, 0))
		if region != "" {
			mapSet(entry, "region_name", yamlString(region, 0))
		}
		auth = yamlMap(
			"auth_url", yamlString(d.Settings[iam.SettingAuthURL], 0),
			"application_credential_id", yamlString(d.Key.ID, 0),
			"application_credential_secret", yamlString(d.Key.Secret.Reveal(), 0),
		)
	}
	mapSet(entry, "auth", auth)

	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		// The encoder's messages describe nodes, not values; still, keep
		// only a fixed text.
		return t.fail(nil, "cannot encode the YAML", errors.New("internal encoder error"))
	}
	if err := enc.Close(); err != nil {
		return t.fail(nil, "cannot encode the YAML", errors.New("internal encoder error"))
	}
	return t.write(ctx, out.Bytes())
}

var yamlLine = regexp.MustCompile(`line \d+`)

// parseYAML reads a clouds.yaml into its document node, whose Content[0]
// is the top-level mapping (created when the file is empty). A file with
// several documents or another top level is an error. Errors give a line
// at most, never the text (it may hold a secret).
func parseYAML(b []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var doc yaml.Node
	err := dec.Decode(&doc)
	switch {
	case errors.Is(err, io.EOF):
		doc = yaml.Node{Kind: yaml.DocumentNode}
	case err != nil:
		if l := yamlLine.FindString(err.Error()); l != "" {
			return nil, errors.New("invalid YAML at " + l)
		}
		return nil, errors.New("invalid YAML")
	}
	var more yaml.Node
	if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
		return nil, errors.New("more than one YAML document")
	}
	switch {
	case len(doc.Content) == 0:
		doc.Content = []*yaml.Node{{Kind: yaml.MappingNode, Tag: "!!map"}}
	case isYAMLNull(doc.Content[0]):
		n := doc.Content[0]
		doc.Content[0] = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", HeadComment: n.HeadComment, LineComment: n.LineComment, FootComment: n.FootComment}
	case doc.Content[0].Kind != yaml.MappingNode:
		return nil, errors.New("the top level is not a mapping")
	}
	return &doc, nil
}

// mapGet returns the value of key in mapping m (the last one if repeated),
// following an alias, or nil.
func mapGet(m *yaml.Node, key string) *yaml.Node {
	var v *yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Kind == yaml.ScalarNode && m.Content[i].Value == key {
			v = m.Content[i+1]
		}
	}
	if v != nil && v.Kind == yaml.AliasNode {
		return v.Alias
	}
	return v
}

// mapSet sets key to v in mapping m: every existing pair's value is
// replaced (its key node, with its comments, stays), or a pair appended.
func mapSet(m *yaml.Node, key string, v *yaml.Node) {
	found := false
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Kind == yaml.ScalarNode && m.Content[i].Value == key {
			old := m.Content[i+1]
			v.LineComment = old.LineComment
			m.Content[i+1] = v
			found = true
		}
	}
	if !found {
		m.Content = append(m.Content, yamlString(key, 0), v)
	}
}

// mapGetRaw is mapGet without following an alias; m may be nil.
func mapGetRaw(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	var v *yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Kind == yaml.ScalarNode && m.Content[i].Value == key {
			v = m.Content[i+1]
		}
	}
	return v
}

// aliasTargets returns the nodes some alias of the tree n refers to.
func aliasTargets(n *yaml.Node) map[*yaml.Node]bool {
	out := map[*yaml.Node]bool{}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.AliasNode && n.Alias != nil {
			out[n.Alias] = true
			return
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
	return out
}

// holdsAliased reports whether the tree n holds a node of aliased.
func holdsAliased(n *yaml.Node, aliased map[*yaml.Node]bool) bool {
	if aliased[n] {
		return true
	}
	if n.Kind == yaml.AliasNode {
		return false
	}
	for _, c := range n.Content {
		if holdsAliased(c, aliased) {
			return true
		}
	}
	return false
}

func yamlString(s string, style yaml.Style) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s, Style: style}
}

func yamlMap(kvs ...any) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for i := 0; i+1 < len(kvs); i += 2 {
		m.Content = append(m.Content, yamlString(kvs[i].(string), 0), kvs[i+1].(*yaml.Node))
	}
	return m
}

func isYAMLNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// Delivered reports whether the cloud entry's auth holds d's key ID as
// application_credential_id or client_id (see iam.DeliveryVerifier). A
// missing file or entry is false.
func (s CloudsYAML) Delivered(ctx context.Context, d iam.Delivery) (bool, error) {
	t, err := beginCheck(ctx, "CloudsYAML", d, cloudsYAMLAccepts, s.Path, homePath("OS_CLIENT_CONFIG_FILE", ".config", "openstack", "clouds.yaml"))
	if err != nil {
		return false, err
	}
	cloud := s.Cloud
	if cloud == "" {
		cloud = "openstack"
		if s.AuthType == AuthOIDCClientCredentials || (s.AuthType == "" && d.Provider == "ovh") {
			cloud = "ovhcloud"
		}
	}
	b, _, err := t.read()
	if err != nil {
		return false, err
	}
	var f struct {
		Clouds map[string]struct {
			Auth map[string]any `yaml:"auth"`
		} `yaml:"clouds"`
	}
	if err := yaml.Unmarshal(b, &f); err != nil {
		return false, t.fail(iam.ErrInvalid, "the file is not a valid clouds.yaml", nil)
	}
	auth := f.Clouds[cloud].Auth
	for _, k := range []string{"application_credential_id", "client_id"} {
		if v, ok := auth[k].(string); ok && v == d.Key.ID {
			return true, nil
		}
	}
	return false, nil
}
