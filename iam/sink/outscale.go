package sink

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/iamkit/iamkit/iam"
)

// OutscaleConfig writes the key into a profile of the Outscale
// configuration file, the JSON object of named profiles that the Outscale
// SDKs (osc-sdk-go's ConfigFile, osc-sdk-python) and CLIs read:
//
//	{
//	  "default": {
//	    "access_key": "AKIAIOSFODNN7EXAMPLE",
//	    "secret_key": "…",
//	    "region": "eu-west-2",
//	    "protocol": "https",
//	    "endpoints": {
//	      "api": "api.eu-west-2.outscale.com/api/v1"
//	    }
//	  }
//	}
//
// access_key and secret_key are always written; region when
// Delivery.Settings has iam.SettingRegion; protocol and endpoints.api when
// it has iam.SettingEndpoint (a URL "https://host/path" is split into
// protocol "https" and api "host/path", the form every Outscale reader
// accepts). Other profiles, other fields of the profile and other
// endpoints keep their content and order; the file is re-indented with
// two spaces.
//
// It serves the "outscale" provider, and "memory".
type OutscaleConfig struct {
	// Path is the configuration file. Default: $OSC_CONFIG_FILE, else
	// ~/.osc/config.json. A leading "~/" is expanded.
	Path string
	// Profile is the profile to write. Default: "default".
	Profile string
}

var (
	_ iam.Sink             = OutscaleConfig{}
	_ iam.DeliveryVerifier = OutscaleConfig{}
)

// Deliver writes d's key into the profile, atomically, mode 0600.
func (s OutscaleConfig) Deliver(ctx context.Context, d iam.Delivery) error {
	t, err := begin(ctx, "OutscaleConfig", d, accepts{[]string{"outscale", "memory"}, []iam.KeyKind{iam.KeyAccessKey}}, s.Path, homePath("OSC_CONFIG_FILE", ".osc", "config.json"))
	if err != nil {
		return err
	}
	profile := s.Profile
	if profile == "" {
		profile = "default"
	}
	old, _, err := t.read()
	if err != nil {
		return err
	}
	var root []member
	if len(bytes.TrimSpace(old)) > 0 {
		root, err = decodeObject(old)
		if err != nil {
			return t.fail(iam.ErrInvalid, "the file is not a JSON object of profiles ("+err.Error()+"); it was left untouched", nil)
		}
	}

	var prof []member
	if raw, ok := get(root, profile); ok && !isNull(raw) {
		if prof, err = decodeObject(raw); err != nil {
			return t.fail(iam.ErrInvalid, fmt.Sprintf("profile %q is not a JSON object; the file was left untouched", profile), nil)
		}
	}
	prof = put(prof, "access_key", jsonString(d.Key.ID))
	prof = put(prof, "secret_key", jsonString(d.Key.Secret.Reveal()))
	if r := d.Settings[iam.SettingRegion]; r != "" {
		prof = put(prof, "region", jsonString(r))
	}
	if e := d.Settings[iam.SettingEndpoint]; e != "" {
		proto, api := "", e
		if scheme, rest, ok := strings.Cut(e, "://"); ok {
			proto, api = scheme, rest
		}
		if proto != "" {
			prof = put(prof, "protocol", jsonString(proto))
		}
		var eps []member
		if raw, ok := get(prof, "endpoints"); ok && !isNull(raw) {
			if eps, err = decodeObject(raw); err != nil {
				return t.fail(iam.ErrInvalid, fmt.Sprintf("the endpoints of profile %q are not a JSON object; the file was left untouched", profile), nil)
			}
		}
		eps = put(eps, "api", jsonString(api))
		prof = put(prof, "endpoints", encodeObject(eps))
	}
	root = put(root, profile, encodeObject(prof))

	var out bytes.Buffer
	if err := json.Indent(&out, encodeObject(root), "", "  "); err != nil {
		return t.fail(nil, "cannot format the file", errors.New("internal error: "+err.Error()))
	}
	out.WriteByte('\n')
	return t.write(ctx, out.Bytes())
}

// member is one name and raw value of a JSON object, kept in file order.
type member struct {
	name string
	raw  json.RawMessage
}

// decodeObject splits a JSON object into its members, in order, keeping
// each value's text. Its errors never quote the input.
func decodeObject(b []byte) ([]member, error) {
	if !json.Valid(b) {
		return nil, syntaxError(b)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New("not an object")
	}
	var ms []member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, errors.New("malformed object")
		}
		name, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, errors.New("malformed object")
		}
		ms = append(ms, member{name, raw})
	}
	if _, err := dec.Token(); err != nil {
		return nil, errors.New("malformed object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the object")
	}
	return ms, nil
}

// syntaxError says where b stops being JSON, by line, without quoting it
// (the text may hold a secret).
func syntaxError(b []byte) error {
	var v any
	err := json.Unmarshal(b, &v)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line := 1 + bytes.Count(b[:min(int(se.Offset), len(b))], []byte("\n"))
		return fmt.Errorf("invalid JSON at line %d", line)
	}
	return errors.New("invalid JSON")
}

// encodeObject writes members back as a compact JSON object.
func encodeObject(ms []member) json.RawMessage {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range ms {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(jsonString(m.name))
		b.WriteByte(':')
		b.Write(m.raw)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// get returns the value of the last member named name (the one JSON
// readers keep).
func get(ms []member, name string) (json.RawMessage, bool) {
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].name == name {
			return ms[i].raw, true
		}
	}
	return nil, false
}

// put sets every member named name to raw, or appends one.
func put(ms []member, name string, raw json.RawMessage) []member {
	found := false
	for i := range ms {
		if ms[i].name == name {
			ms[i].raw, found = raw, true
		}
	}
	if !found {
		ms = append(ms, member{name, raw})
	}
	return ms
}

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

// jsonString encodes s as a JSON string, without HTML escaping.
func jsonString(s string) json.RawMessage {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s) // a string always encodes
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// Delivered reports whether the profile's access_key is d's key ID (see
// iam.DeliveryVerifier). A missing file or profile is false.
func (s OutscaleConfig) Delivered(ctx context.Context, d iam.Delivery) (bool, error) {
	t, err := beginCheck(ctx, "OutscaleConfig", d, accepts{[]string{"outscale", "memory"}, []iam.KeyKind{iam.KeyAccessKey}}, s.Path, homePath("OSC_CONFIG_FILE", ".osc", "config.json"))
	if err != nil {
		return false, err
	}
	profile := s.Profile
	if profile == "" {
		profile = "default"
	}
	b, _, err := t.read()
	if err != nil || len(bytes.TrimSpace(b)) == 0 {
		return false, err
	}
	var profiles map[string]struct {
		AccessKey string `json:"access_key"`
	}
	if err := json.Unmarshal(b, &profiles); err != nil {
		return false, t.fail(iam.ErrInvalid, "the file is not a JSON object of profiles", nil)
	}
	return profiles[profile].AccessKey == d.Key.ID, nil
}
