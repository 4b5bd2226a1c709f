package sink

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/fuzztest"
	"github.com/iamkit/iamkit/provider/providertest"
)

// The fuzz targets feed each sink an existing file of arbitrary bytes (a
// file a user or another tool wrote) and a secret of arbitrary text, and
// check what Deliver makes of them. Seeds: the testdata/*.before files,
// testdata/fuzz/<FuzzName> and the f.Add calls. Properties, for every
// sink:
//
//   - no panic; a refusal has exactly one kind (ErrInvalid, or
//     ErrConflict where the sink documents it), leaves the file as it was
//     and shows no secret;
//   - what the sink can write it writes (a refusal is only for the cases
//     its documentation lists);
//   - the file reads back with the sink's reader and a standard one: the
//     entry holds the key, every other entry (and every other setting of
//     the entry) is as it was;
//   - the secret is written in its entry only;
//   - Delivered finds the key (or, where the standard Go reader of the
//     format refuses the whole file, because of another entry, refuses it
//     too), and delivering the same key again changes nothing.
//
// JSON and YAML cannot carry text that is not UTF-8, nor yaml.v3 a key
// holding a line break: inputs with such a secret or name (which come
// from the caller and the clouds' decoded answers, not from the file)
// are skipped there.

// fuzzFile writes content to dir/name, replacing what an earlier input
// left there, and returns the path.
func fuzzFile(t *testing.T, dir, name string, content []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, content, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// seedFiles returns the content of the files matching the patterns.
func seedFiles(f *testing.F, patterns ...string) [][]byte {
	var out [][]byte
	for _, pat := range patterns {
		names, _ := filepath.Glob(pat)
		for _, n := range names {
			b, err := os.ReadFile(n)
			if err != nil {
				f.Fatal(err)
			}
			out = append(out, b)
		}
	}
	if len(out) == 0 {
		f.Fatalf("no seed file matches %v", patterns)
	}
	return out
}

// fuzzDelivery is a key of provider with the given ID and secret.
func fuzzDelivery(provider string, kind iam.KeyKind, id, secret string, settings map[string]string) iam.Delivery {
	return iam.Delivery{Provider: provider, User: "watcher", Settings: settings,
		Key: &iam.AccessKey{ID: id, Kind: kind, Secret: iam.NewSecret(secret), User: "watcher"}}
}

// distinct reports whether secret is long enough, and absent enough from
// the rest of the input, for a test to tell where the sink wrote it.
func distinct(secret string, rest ...string) bool {
	if len(secret) < 8 {
		return false
	}
	for _, r := range rest {
		if strings.Contains(r, secret) {
			return false
		}
	}
	return true
}

// checkRefusal checks a refused delivery: one of the kinds, the file
// untouched, and no secret in the message (unless the rest of the input
// has it: the path, a profile name).
func checkRefusal(t *testing.T, err error, path string, old []byte, secret string, rest []string, kinds ...error) {
	t.Helper()
	providertest.OneKind(t, err, kinds...)
	var ie *iam.Error
	if !errors.As(err, &ie) {
		t.Fatalf("%T is not an *iam.Error: %v", err, err)
	}
	if distinct(secret, append(rest, path)...) {
		for _, msg := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
			if strings.Contains(msg, secret) {
				t.Fatalf("message shows the secret: %s", msg)
			}
		}
	}
	if now, rerr := os.ReadFile(path); rerr != nil || !bytes.Equal(now, old) {
		t.Fatalf("refused (%v) but the file changed (%v):\n%q\n%q", err, rerr, old, now)
	}
}

// checkDelivered checks that Delivered finds d's key (or fails with the
// kind want, when not nil) and that delivering it again leaves the file
// as it is.
func checkDelivered(t *testing.T, s iam.Sink, d iam.Delivery, path string, out []byte, want error) {
	t.Helper()
	ok, err := s.(iam.DeliveryVerifier).Delivered(context.Background(), d)
	switch {
	case want != nil:
		if !errors.Is(err, want) {
			t.Fatalf("Delivered = %v, %v; want %v; file:\n%s", ok, err, want, out)
		}
		providertest.OneKind(t, err, want)
	case err != nil || !ok:
		t.Fatalf("Delivered after Deliver = %v, %v; file:\n%s", ok, err, out)
	}
	if err := s.Deliver(context.Background(), d); err != nil {
		t.Fatalf("delivering the same key again: %v; file:\n%s", err, out)
	}
	if again, _ := os.ReadFile(path); !bytes.Equal(again, out) {
		t.Fatalf("delivering the same key again changed the file:\n%s\n----\n%s", out, again)
	}
}

func readBack(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// INI files (AWS shared credentials, ovh.conf).

// iniOutside returns the lines of d that are not in a section named name
// (nor its header).
func iniOutside(d *iniDoc, name string) []string {
	var out []string
	in := false
	for _, raw := range d.lines {
		kind, n := classify(raw)
		if kind == lineSection {
			in = n == name
		}
		if !in {
			out = append(out, raw)
		}
	}
	return out
}

// checkINIUpdate checks that out is old with section name holding set
// and none of removed, every other line and every other key of the
// section as it was. It returns the parsed output.
func checkINIUpdate(t *testing.T, old, out []byte, name string, set map[string]string, removed []string) *iniDoc {
	t.Helper()
	before, after := parseINI(old), parseINI(out)
	if len(out) == 0 || out[len(out)-1] != '\n' {
		t.Fatalf("output does not end with a line end: %q", out)
	}
	got, ok := after.section(name)
	if !ok {
		t.Fatalf("section [%s] missing from the output:\n%s", name, out)
	}
	for k, v := range set {
		if got[k] != v {
			t.Fatalf("[%s] %s = %q, want %q; output:\n%s", name, k, got[k], v, out)
		}
	}
	for _, k := range removed {
		if _, ok := got[k]; ok {
			t.Fatalf("[%s] still has %s:\n%s", name, k, out)
		}
	}
	prev, _ := before.section(name)
	for k, v := range prev {
		if _, mine := set[k]; mine || slices.Contains(removed, k) {
			continue
		}
		if w, ok := got[k]; !ok || w != v {
			t.Fatalf("[%s] %s was %q, is %q (present %v):\n%s", name, k, v, w, ok, out)
		}
	}
	for k := range got {
		if _, mine := set[k]; !mine {
			if _, was := prev[k]; !was {
				t.Fatalf("[%s] gained %s:\n%s", name, k, out)
			}
		}
	}
	a, b := iniOutside(before, name), iniOutside(after, name)
	if len(b) == len(a)+1 && strings.TrimSpace(b[len(a)]) == "" {
		b = b[:len(a)] // the blank line before an appended section
	}
	if !slices.Equal(a, b) {
		t.Fatalf("lines outside [%s] changed:\n%q\n%q", name, a, b)
	}
	return after
}

// checkINISecret checks that the only line holding secret is key's line
// in section name.
func checkINISecret(t *testing.T, d *iniDoc, secret, name, key string) {
	t.Helper()
	cur, n := "", 0
	for _, raw := range d.lines {
		kind, k := classify(raw)
		if kind == lineSection {
			cur = k
		}
		if !strings.Contains(raw, secret) {
			continue
		}
		n++
		if kind != lineKey || k != key || cur != name {
			t.Fatalf("the secret is on line %q (section %q)", raw, cur)
		}
	}
	if n != 1 {
		t.Fatalf("the secret is on %d lines", n)
	}
}

// FuzzAWSCredentials updates a profile of an existing credentials file.
func FuzzAWSCredentials(f *testing.F) {
	for _, b := range seedFiles(f, "testdata/aws_*.before", "testdata/ovhconf_*.before") {
		f.Add(b, "watcher", testSecret)
		f.Add(b, "", "s3cr3t;#not-a-comment")
	}
	f.Add([]byte("[watcher]\r\naws_access_key_id = OLD\r\n  nested = 1\r\n[watcher]\r\naws_secret_access_key=x\r\n"), "watcher", testSecret)
	f.Add([]byte("aws_access_key_id = before-any-section\n[ watcher ]\n=\n"), "watcher", "secret with inner spaces")
	f.Add([]byte("[default"), "default", " leading space")
	dir := fuzztest.Dir(f)
	f.Fuzz(func(t *testing.T, old []byte, profile, secret string) {
		path := fuzzFile(t, dir, "credentials", old)
		d := fuzzDelivery("aws", "", testKeyID, secret, nil)
		s := AWSCredentials{Path: path, Profile: profile}
		err := s.Deliver(context.Background(), d)
		name := profile
		if name == "" {
			name = "default"
		}
		valid := iniNameOK(name) && iniValueOK(secret, false)
		if err != nil {
			if valid {
				t.Fatalf("refused a profile and secret it can write: %v", err)
			}
			checkRefusal(t, err, path, old, secret, []string{profile}, iam.ErrInvalid)
			return
		}
		if !valid {
			t.Fatalf("wrote profile %q, secret %q, which it documents it cannot", profile, secret)
		}
		out := readBack(t, path)
		doc := checkINIUpdate(t, old, out, name,
			map[string]string{"aws_access_key_id": testKeyID, "aws_secret_access_key": secret},
			[]string{"aws_session_token", "aws_security_token"})
		if distinct(secret, string(old), name, testKeyID, "aws_secret_access_key = aws_access_key_id = ") {
			checkINISecret(t, doc, secret, name, "aws_secret_access_key")
		}
		checkDelivered(t, s, d, path, out, nil)
	})
}

// FuzzOVHConf updates an endpoint's section of an existing ovh.conf, with
// a service account's client or a local user's token.
func FuzzOVHConf(f *testing.F) {
	for _, b := range seedFiles(f, "testdata/ovhconf_*.before", "testdata/aws_*.before") {
		f.Add(b, "", "xxxx-client-secret", false)
		f.Add(b, "ovh-eu", "eyJhbGciOiJFZERTQSJ9.pat-example", true)
	}
	f.Add([]byte("[default]\nendpoint=ovh-ca\n[ovh-ca]\naccess_token=\n"), "", "a-secret", false)
	f.Add([]byte("  \n"), "https://eu.api.ovh.com/1.0", "a-secret", false)
	f.Add([]byte("[default]\nendpoint=default\n"), "", "a-secret", true)
	dir := fuzztest.Dir(f)
	f.Fuzz(func(t *testing.T, old []byte, endpoint, secret string, token bool) {
		path := fuzzFile(t, dir, "ovh.conf", old)
		kind, id := iam.KeyOAuth2Client, "0f0f0f0f0f0f0f0f"
		if token {
			kind, id = iam.KeyPersonalAccessToken, "deploy-bot"
		}
		d := fuzzDelivery("ovh", kind, id, secret, nil)
		s := OVHConf{Path: path, Endpoint: endpoint}
		err := s.Deliver(context.Background(), d)

		before := parseINI(old)
		def, _ := before.section("default")
		section := endpoint
		if section == "" {
			section = def["endpoint"]
		}
		if section == "" {
			section = "ovh-eu"
		}
		valid := iniNameOK(section) && !strings.HasSuffix(section, "/") && iniValueOK(secret, true)
		conflict := false
		if cur, ok := before.section(section); ok {
			for _, k := range ovhOtherAuth(kind) {
				conflict = conflict || cur[k] != ""
			}
		}
		if err != nil {
			switch {
			case !valid:
				checkRefusal(t, err, path, old, secret, []string{endpoint, string(old)}, iam.ErrInvalid)
			case conflict:
				checkRefusal(t, err, path, old, secret, []string{endpoint, string(old)}, iam.ErrConflict)
			default:
				t.Fatalf("refused a section and secret it can write: %v", err)
			}
			return
		}
		if !valid || conflict {
			t.Fatalf("wrote section %q, secret %q (conflict %v), which it documents it cannot", section, secret, conflict)
		}
		out := readBack(t, path)
		set := map[string]string{"client_id": id, "client_secret": secret}
		secretKey := "client_secret"
		if token {
			set = map[string]string{"access_token": secret}
			secretKey = "access_token"
		}
		blank := len(strings.TrimSpace(string(old))) == 0
		var doc *iniDoc
		if blank {
			// A new file: [default] names the section, then the section.
			doc = parseINI(out)
			if def, _ := doc.section("default"); def["endpoint"] != section {
				t.Fatalf("new file's default endpoint %q, want %q:\n%s", def["endpoint"], section, out)
			}
			got, _ := doc.section(section)
			for k, v := range set {
				if got[k] != v {
					t.Fatalf("[%s] %s = %q, want %q:\n%s", section, k, got[k], v, out)
				}
			}
		} else {
			doc = checkINIUpdate(t, old, out, section, set, nil)
		}
		if distinct(secret, string(old), section, id, "[default]endpoint=client_id=client_secret=access_token=") {
			checkINISecret(t, doc, secret, section, secretKey)
		}
		var want error
		if token {
			want = iam.ErrUnsupported
		}
		checkDelivered(t, s, d, path, out, want)
	})
}

// Outscale's config.json.

// compact returns raw without insignificant space.
func compact(t *testing.T, raw []byte) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		t.Fatalf("not JSON: %v: %q", err, raw)
	}
	return b.String()
}

// jsonObject reports whether raw is a JSON object, per encoding/json, and
// returns its members (the last of a repeated name).
func jsonObject(raw []byte) (map[string]json.RawMessage, bool) {
	if t := bytes.TrimLeft(raw, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return nil, false
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return nil, false
	}
	return m, true
}

// jsonStrings returns every string in a JSON value, names included.
func jsonStrings(raw []byte) []string {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return nil
	}
	return valueStrings(v)
}

// FuzzOutscaleConfig updates a profile of an existing config.json.
func FuzzOutscaleConfig(f *testing.F) {
	for _, b := range seedFiles(f, "testdata/outscale_*.before", "testdata/outscale_*.golden") {
		f.Add(b, "watcher", testSecret, "eu-west-2", "")
		f.Add(b, "", "secret \"quoted\" <html>", "", "https://api.eu-west-2.outscale.com/api/v1")
	}
	f.Add([]byte(`{"default": null, "x": {"endpoints": null}}`), "x", testSecret, "", "api.example")
	f.Add([]byte(`{"a": 1, "a": {"access_key": "K"}, "b": [true]}`), "a", testSecret, "r", "http://127.0.0.1:8443/api/v1")
	f.Add([]byte(`{"default": {"endpoints": "api.example"}}`), "", testSecret, "", "https://h/p")
	f.Add([]byte("\xef\xbb\xbf{}"), "", testSecret, "", "")
	dir := fuzztest.Dir(f)
	f.Fuzz(func(t *testing.T, old []byte, profile, secret, region, endpoint string) {
		if !utf8.ValidString(profile) || !utf8.ValidString(secret) || !utf8.ValidString(region) || !utf8.ValidString(endpoint) {
			// JSON has no spelling for them: the file would hold U+FFFD
			// instead. (Keys and settings come from the clouds' JSON and
			// XML answers, which the SDKs decode to valid UTF-8.)
			return
		}
		path := fuzzFile(t, dir, "config.json", old)
		settings := map[string]string{iam.SettingRegion: region, iam.SettingEndpoint: endpoint}
		d := fuzzDelivery("outscale", "", testKeyID, secret, settings)
		s := OutscaleConfig{Path: path, Profile: profile}
		err := s.Deliver(context.Background(), d)
		name := profile
		if name == "" {
			name = "default"
		}

		// What encoding/json makes of the file: a JSON object whose
		// profile, if there, is an object (or null), whose endpoints too.
		valid := secret != ""
		var prev map[string]json.RawMessage
		if len(bytes.TrimSpace(old)) > 0 {
			root, ok := jsonObject(old)
			valid = valid && ok
			if raw, there := root[name]; ok && there && compact(t, raw) != "null" {
				prev, ok = jsonObject(raw)
				valid = valid && ok
				if raw, there := prev["endpoints"]; ok && there && endpoint != "" && compact(t, raw) != "null" {
					_, ok = jsonObject(raw)
					valid = valid && ok
				}
			}
		}
		if err != nil {
			if valid {
				t.Fatalf("refused a file encoding/json reads as profiles: %v", err)
			}
			checkRefusal(t, err, path, old, secret, []string{profile, region, endpoint}, iam.ErrInvalid)
			return
		}
		if !valid {
			t.Fatalf("wrote into a file that is not a JSON object of profiles: %q", old)
		}
		out := readBack(t, path)
		root, ok := jsonObject(out)
		if !ok {
			t.Fatalf("output is not a JSON object:\n%s", out)
		}
		// Every member stays, in order, with its value; the profile's
		// members are the new profile.
		var was []member
		if len(bytes.TrimSpace(old)) > 0 {
			was, _ = decodeObject(old)
		}
		now, err := decodeObject(out)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(was, func(m member) bool { return m.name == name }) {
			was = append(was, member{name: name})
		}
		if len(now) != len(was) {
			t.Fatalf("%d members, want %d:\n%s", len(now), len(was), out)
		}
		for i, m := range was {
			if now[i].name != m.name {
				t.Fatalf("member %d is %q, want %q:\n%s", i, now[i].name, m.name, out)
			}
			if m.name != name && compact(t, now[i].raw) != compact(t, m.raw) {
				t.Fatalf("member %q changed: %s → %s", m.name, m.raw, now[i].raw)
			}
		}
		prof, ok := jsonObject(root[name])
		if !ok {
			t.Fatalf("profile %q is not an object:\n%s", name, out)
		}
		var want struct {
			AccessKey string `json:"access_key"`
			SecretKey string `json:"secret_key"`
		}
		want.AccessKey, want.SecretKey = testKeyID, secret
		str := func(k string) string {
			var v string
			if raw, ok := prof[k]; !ok || json.Unmarshal(raw, &v) != nil {
				t.Fatalf("profile %q: %s is not a string:\n%s", name, k, out)
			}
			return v
		}
		if str("access_key") != testKeyID || str("secret_key") != secret {
			t.Fatalf("profile %q does not hold the key:\n%s", name, out)
		}
		managed := []string{"access_key", "secret_key"}
		if region != "" {
			managed = append(managed, "region")
			if str("region") != region {
				t.Fatalf("region not written:\n%s", out)
			}
		}
		if endpoint != "" {
			managed = append(managed, "protocol", "endpoints")
		}
		for k, raw := range prev {
			if !slices.Contains(managed, k) {
				if got, ok := prof[k]; !ok || compact(t, got) != compact(t, raw) {
					t.Fatalf("profile %q: %s was %s, is %s", name, k, raw, got)
				}
			}
		}
		if distinct(secret, string(old), name, region, endpoint, testKeyID) {
			for _, m := range now {
				for _, s := range jsonStrings(m.raw) {
					if strings.Contains(s, secret) && (m.name != name || s != secret) {
						t.Fatalf("the secret is in %q of member %q:\n%s", s, m.name, out)
					}
				}
				if strings.Contains(m.name, secret) {
					t.Fatalf("the secret names member %q", m.name)
				}
			}
		}
		// The Outscale SDKs read the file with encoding/json into a
		// struct per profile; Delivered reads access_key that way, and
		// refuses a file where that fails (another profile that is not an
		// object), as the SDKs do.
		var std map[string]struct {
			AccessKey string `json:"access_key"`
			SecretKey string `json:"secret_key"`
			Region    string `json:"region"`
			Endpoints struct {
				API string `json:"api"`
			} `json:"endpoints"`
		}
		var wantErr error
		if json.Unmarshal(out, &std) == nil {
			p := std[name]
			if p.AccessKey != testKeyID || p.SecretKey != secret || (region != "" && p.Region != region) ||
				(endpoint != "" && !strings.HasSuffix(endpoint, p.Endpoints.API)) {
				t.Fatalf("encoding/json reads profile %q as %+v:\n%s", name, p, out)
			}
		} else {
			var ids map[string]struct {
				AccessKey string `json:"access_key"`
			}
			if json.Unmarshal(out, &ids) != nil {
				wantErr = iam.ErrInvalid
			}
		}
		checkDelivered(t, s, d, path, out, wantErr)
	})
}

// clouds.yaml.

// yamlDocs decodes every document of b with yaml.v3's Unmarshal rules.
func yamlDocs(b []byte) ([]any, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var docs []any
	for {
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		docs = append(docs, v)
	}
}

// valueStrings returns every string in a decoded JSON or YAML value, keys
// included.
func valueStrings(v any) []string {
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			out = append(out, v)
		case map[string]any:
			for k, x := range v {
				out = append(out, k)
				walk(x)
			}
		case map[any]any:
			for k, x := range v {
				walk(k)
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(v)
	return out
}

// yamlShared reports whether the top level, clouds, the entry name or
// the settings of the entry that CloudsYAML replaces (auth_type,
// region_name, auth, and anything in them) are an alias or are shared by
// one: a change there would show under another name too.
func yamlShared(b []byte, name string) bool {
	var doc yaml.Node
	if yaml.Unmarshal(b, &doc) != nil || len(doc.Content) == 0 {
		return false
	}
	targets := map[*yaml.Node]bool{}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.AliasNode {
			targets[n.Alias] = true
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&doc)
	value := func(m *yaml.Node, key string) *yaml.Node {
		var v *yaml.Node
		for i := 0; m != nil && m.Kind == yaml.MappingNode && i+1 < len(m.Content); i += 2 {
			if m.Content[i].Kind == yaml.ScalarNode && m.Content[i].Value == key {
				v = m.Content[i+1]
			}
		}
		return v
	}
	deref := func(n *yaml.Node) *yaml.Node {
		if n != nil && n.Kind == yaml.AliasNode {
			return n.Alias
		}
		return n
	}
	var anyShared func(n *yaml.Node) bool
	anyShared = func(n *yaml.Node) bool {
		if targets[n] {
			return true
		}
		for _, c := range n.Content {
			if c.Kind != yaml.AliasNode && anyShared(c) {
				return true
			}
		}
		return false
	}
	root := doc.Content[0]
	clouds := value(root, "clouds")
	entry := value(deref(clouds), name)
	for _, n := range []*yaml.Node{root, clouds, entry} {
		if n != nil && (n.Kind == yaml.AliasNode || targets[n]) {
			return true
		}
	}
	for _, k := range []string{"auth_type", "region_name", "auth"} {
		if v := value(entry, k); v != nil && anyShared(v) {
			return true
		}
	}
	return false
}

// FuzzCloudsYAML updates a cloud entry of an existing clouds.yaml, with an
// application credential or the OVHcloud guide's OIDC entry.
func FuzzCloudsYAML(f *testing.F) {
	for _, b := range seedFiles(f, "testdata/clouds_*.before", "testdata/clouds_*.golden", "testdata/outscale_*.before") {
		f.Add(b, "watcher", testSecret, false)
		f.Add(b, "", "it's: a #secret", true)
	}
	f.Add([]byte("clouds:\n  base: &b\n    auth_type: password\n  openstack: *b\n"), "", testSecret, false)
	f.Add([]byte("clouds:\n  openstack: &b\n    auth: {password: pw}\n  copy: *b\n"), "", testSecret, false)
	f.Add([]byte("clouds: &c\n  a: {}\nother: *c\n"), "", testSecret, false)
	f.Add([]byte("clouds:\n  ovhcloud:\n    auth: &a\n      auth_url: https://k/v3\n  lab:\n    auth: *a\n"), "", testSecret, true)
	f.Add([]byte("clouds:\n  openstack: ~\n---\nx: 1\n"), "", testSecret, false)
	dir := fuzztest.Dir(f)
	f.Fuzz(func(t *testing.T, old []byte, cloud, secret string, oidc bool) {
		if hasControl(cloud) || !utf8.ValidString(cloud) || !utf8.ValidString(secret) {
			// The caller's name, not the file's: yaml.v3 writes a key
			// holding a line break as a block scalar that reads back
			// without it. YAML has no spelling for text that is not
			// UTF-8 (and the clouds' answers are decoded to UTF-8).
			return
		}
		path := fuzzFile(t, dir, "clouds.yaml", old)
		var d iam.Delivery
		want := map[string]any{}
		authType, name := AuthApplicationCredential, "openstack"
		if oidc {
			d = fuzzDelivery("ovh", "", "0f0f0f0f0f0f0f0f", secret, ovhSettings)
			authType, name = AuthOIDCClientCredentials, "ovhcloud"
			for k, v := range map[string]string{
				"protocol": "openid", "access_token_type": "id_token", "openid_scope": "openid profile email publicCloudProject/all",
				"auth_url": ovhSettings[iam.SettingAuthURL], "identity_provider": ovhSettings[iam.SettingIdentityProvider],
				"discovery_endpoint": ovhSettings[iam.SettingDiscoveryEndpoint], "project_id": ovhSettings[iam.SettingProjectID],
				"client_id": "0f0f0f0f0f0f0f0f", "client_secret": secret,
			} {
				want[k] = v
			}
		} else {
			d = fuzzDelivery("openstack", "", "8f6b0d5c2a0e4b7f", secret, map[string]string{
				iam.SettingAuthURL: "https://keystone.example:5000/v3", iam.SettingRegion: "RegionOne"})
			want = map[string]any{"auth_url": "https://keystone.example:5000/v3", "application_credential_id": "8f6b0d5c2a0e4b7f",
				"application_credential_secret": secret}
		}
		if cloud != "" {
			name = cloud
		}
		s := CloudsYAML{Path: path, Cloud: cloud}
		err := s.Deliver(context.Background(), d)

		// What yaml.v3's Unmarshal makes of the file: at most one
		// document, a mapping whose clouds, if there, is a mapping whose
		// entry, if there, is a mapping (null counts as empty). loose:
		// Unmarshal refuses what the node decoder reads (a repeated key),
		// or the mappings have keys other than strings; the file is then
		// only checked to read back.
		docs, derr := yamlDocs(old)
		loose := derr != nil
		valid := len(docs) <= 1
		var top, clouds, entry map[string]any
		mapping := func(v any) map[string]any {
			switch v := v.(type) {
			case nil:
			case map[string]any:
				return v
			case map[any]any:
				loose = true
			default:
				valid = false
			}
			return nil
		}
		if !loose && len(docs) == 1 {
			top = mapping(docs[0])
			if c, there := top["clouds"]; there {
				clouds = mapping(c)
				if e, there := clouds[name]; there {
					entry = mapping(e)
				}
			}
		}
		shared := yamlShared(old, name)
		if err != nil {
			if valid && !loose && !shared && secret != "" {
				t.Fatalf("refused a file yaml.v3 reads as clouds: %v", err)
			}
			checkRefusal(t, err, path, old, secret, []string{cloud}, iam.ErrInvalid)
			return
		}
		if shared {
			t.Fatalf("wrote into cloud %q, which an anchor shares with another part of the file:\n%s", name, old)
		}
		if !valid {
			t.Fatalf("wrote into a file that is not one mapping of clouds: %q", old)
		}
		out := readBack(t, path)
		if _, err := parseYAML(out); err != nil {
			t.Fatalf("output does not read back: %v\n%s", err, out)
		}
		if loose {
			// Delivered reads the file as yaml.v3's Unmarshal does, and
			// may refuse it as the file was.
			var want error
			if _, err := yamlDocs(out); err != nil {
				want = iam.ErrInvalid
			}
			checkDelivered(t, s, d, path, out, want)
			return
		}
		var got map[string]any
		if err := yaml.Unmarshal(out, &got); err != nil {
			t.Fatalf("output does not read back: %v\n%s", err, out)
		}
		for k, v := range top {
			if k != "clouds" && !reflect.DeepEqual(got[k], v) {
				t.Fatalf("top-level %q changed: %#v → %#v\n%s", k, v, got[k], out)
			}
		}
		gotClouds, ok := got["clouds"].(map[string]any)
		if !ok {
			t.Fatalf("clouds is %T:\n%s", got["clouds"], out)
		}
		for k, v := range clouds {
			if k != name && !reflect.DeepEqual(gotClouds[k], v) {
				t.Fatalf("cloud %q changed: %#v → %#v\n%s", k, v, gotClouds[k], out)
			}
		}
		for k := range gotClouds {
			if _, was := clouds[k]; !was && k != name {
				t.Fatalf("cloud %q appeared:\n%s", k, out)
			}
		}
		gotEntry, ok := gotClouds[name].(map[string]any)
		if !ok {
			t.Fatalf("entry %q is %T:\n%s", name, gotClouds[name], out)
		}
		for k, v := range entry {
			if k != "auth" && k != "auth_type" && k != "region_name" && !reflect.DeepEqual(gotEntry[k], v) {
				t.Fatalf("setting %q of %q changed: %#v → %#v\n%s", k, name, v, gotEntry[k], out)
			}
		}
		if gotEntry["auth_type"] != authType || !reflect.DeepEqual(gotEntry["auth"], want) {
			t.Fatalf("entry %q: auth_type %v, auth %#v; want %v, %#v\n%s", name, gotEntry["auth_type"], gotEntry["auth"], authType, want, out)
		}
		if distinct(secret, string(old), name) && !slices.ContainsFunc(append(valueStrings(want), authType, "RegionOne", ovhSettings[iam.SettingRegion]),
			func(s string) bool { return s != secret && strings.Contains(s, secret) }) {
			n := 0
			for _, s := range valueStrings(got) {
				if strings.Contains(s, secret) {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("the secret shows %d times in the decoded file:\n%s", n, out)
			}
		}
		// Delivered reads the file as a Go program does (gophercloud's
		// clientconfig too): a struct per cloud. It refuses a file where
		// another cloud is not a mapping, as they do.
		var wantErr error
		var std struct {
			Clouds map[string]struct {
				Auth map[string]any `yaml:"auth"`
			} `yaml:"clouds"`
		}
		if yaml.Unmarshal(out, &std) != nil {
			wantErr = iam.ErrInvalid
		}
		checkDelivered(t, s, d, path, out, wantErr)
	})
}

// dotenv files.

// dotenvCase is a preset FuzzDotenv picks.
type dotenvCase struct {
	provider string
	kind     iam.KeyKind
	settings map[string]string
}

var dotenvCases = []dotenvCase{
	{"aws", "", map[string]string{iam.SettingEndpoint: "http://127.0.0.1:5000"}},
	{"outscale", "", nil},
	{"openstack", "", map[string]string{iam.SettingAuthURL: "https://keystone.example:5000/v3"}},
	{"openstack", iam.KeyEC2Credential, nil},
	{"ovh", "", map[string]string{iam.SettingEndpoint: "ovh-eu"}},
	{"ovh", iam.KeyPersonalAccessToken, map[string]string{iam.SettingEndpoint: "ovh-eu"}},
	{"memory", "", nil},
}

// dotenvOutside returns the lines of lines outside the assignments of
// the variables in names, and the assignments of each of those.
func dotenvOutside(lines []string, names map[string]bool) (rest []string, mine map[string][]dotenvAssignment) {
	mine = map[string][]dotenvAssignment{}
	at := map[int]dotenvAssignment{}
	for _, a := range dotenvAssignments(lines) {
		at[a.start] = a
	}
	for i := 0; i < len(lines); {
		if a, ok := at[i]; ok && names[a.name] {
			mine[a.name] = append(mine[a.name], a)
			i = a.end
			continue
		}
		rest = append(rest, lines[i])
		i++
	}
	return rest, mine
}

// FuzzDotenv updates an existing dotenv file with each preset.
func FuzzDotenv(f *testing.F) {
	for _, b := range seedFiles(f, "testdata/dotenv_*.before", "testdata/dotenv_*.golden") {
		for i := range dotenvCases {
			f.Add(b, testSecret, uint8(i), "eu-west-2")
		}
		f.Add(b, "it's a \"secret\"", uint8(0), "")
	}
	f.Add([]byte("FOO='unclosed\nBAR=1\n"), "it's-quoted", uint8(0), "")
	f.Add([]byte("FOO=\"a\\\"\nAWS_ACCESS_KEY_ID=x\n\"\n"), testSecret, uint8(0), "")
	f.Add([]byte("export  OVH_ENDPOINT = ovh-ca\r\nOVH_CLIENT_ID=a\r\n"), "s3cr3t value", uint8(4), "")
	dir := fuzztest.Dir(f)
	f.Fuzz(func(t *testing.T, old []byte, secret string, which uint8, region string) {
		path := fuzzFile(t, dir, ".env", old)
		c := dotenvCases[int(which)%len(dotenvCases)]
		settings := map[string]string{iam.SettingRegion: region}
		for k, v := range c.settings {
			settings[k] = v
		}
		d := fuzzDelivery(c.provider, c.kind, testKeyID, secret, settings)
		s := Dotenv{Path: path}
		err := s.Deliver(context.Background(), d)

		// The variables and values the preset writes.
		want := map[string]string{} // name → value
		managed := map[string]bool{}
		valid := secret != ""
		var secretVar, idVar string
		for _, v := range DotenvPreset(c.provider, c.kind) {
			var value string
			switch src := string(v.From); {
			case v.From == KeyID:
				value, idVar = testKeyID, v.Name
			case v.From == KeySecret:
				value, secretVar = secret, v.Name
			case v.From == Unset:
				managed[v.Name] = true
				continue
			case strings.HasPrefix(src, "setting:"):
				value = settings[strings.TrimPrefix(src, "setting:")]
			case strings.HasPrefix(src, "literal:"):
				value = strings.TrimPrefix(src, "literal:")
			}
			if value == "" {
				continue
			}
			if _, ok := dotenvQuote(value); !ok {
				valid = false
			}
			want[v.Name], managed[v.Name] = value, true
		}
		before := parseINI(old).lines
		conflict, unclosed := false, false
		for _, a := range dotenvAssignments(before) {
			conflict = conflict || slices.Contains(dotenvConflicts(c.provider, d.Key.KindOrDefault(c.provider)), a.name)
			// A quote no line of the file closes: the readers would take
			// the lines appended after it as its value.
			rest := strings.TrimSuffix(before[a.start], "\r")[len(a.prefix):]
			if rest != "" && (rest[0] == '\'' || rest[0] == '"') {
				text := rest[1:]
				for _, l := range before[a.start+1:] {
					text += "\n" + strings.TrimSuffix(l, "\r")
				}
				unclosed = unclosed || !closesQuote(text, rest[0])
			}
		}
		if err != nil {
			switch {
			case !valid || unclosed:
				checkRefusal(t, err, path, old, secret, []string{region}, iam.ErrInvalid)
			case conflict:
				checkRefusal(t, err, path, old, secret, []string{region, string(old)}, iam.ErrConflict)
			default:
				t.Fatalf("refused values it can write: %v", err)
			}
			return
		}
		if !valid || conflict || unclosed {
			t.Fatalf("wrote values it documents it cannot (conflict %v, unclosed quote %v):\nsecret %q region %q", conflict, unclosed, secret, region)
		}
		out := readBack(t, path)
		after := parseINI(out).lines
		restBefore, _ := dotenvOutside(before, managed)
		restAfter, mine := dotenvOutside(after, managed)
		if !slices.Equal(restBefore, restAfter) {
			t.Fatalf("lines outside the preset's variables changed:\n%q\n%q", restBefore, restAfter)
		}
		for name := range managed {
			as := mine[name]
			value, set := want[name]
			if !set {
				if len(as) != 0 {
					t.Fatalf("%s is still assigned:\n%s", name, out)
				}
				continue
			}
			if len(as) != 1 || as[0].end != as[0].start+1 {
				t.Fatalf("%s: %d assignments (%+v), want one line:\n%s", name, len(as), as, out)
			}
			text := strings.TrimSuffix(after[as[0].start], "\r")
			if got := dotenvUnquote(text[len(as[0].prefix):]); got != value {
				t.Fatalf("%s reads back %q, want %q:\n%s", name, got, value, out)
			}
		}
		others := []string{string(old), testKeyID}
		for name, v := range want {
			if name != secretVar {
				others = append(others, name+"="+v)
			}
		}
		if distinct(secret, others...) {
			for i, l := range after {
				if strings.Contains(l, secret) && (secretVar == "" || len(mine[secretVar]) != 1 || mine[secretVar][0].start != i) {
					t.Fatalf("the secret is on line %d %q:\n%s", i, l, out)
				}
			}
		}
		var wantErr error
		if idVar == "" {
			wantErr = iam.ErrUnsupported
		}
		checkDelivered(t, s, d, path, out, wantErr)
	})
}
