package openstack

import (
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/provider/providertest"
)

// The fuzz targets feed the parsers of untrusted input (clouds.yaml and
// secure.yaml, the identity provider's discovery and token answers,
// Keystone's error bodies) with arbitrary bytes. Their seed corpora are
// under testdata/fuzz/<FuzzName>. Properties: no panic; every error has
// exactly one documented kind; no secret of the input shows in a message.

// secretLine finds a secret setting on a line of clouds.yaml, however
// spelt, and its value up to the end of the line.
var secretLine = regexp.MustCompile(`(?i)(password|secret|token)[^:\n]*:[ \t]*([^\n]*)`)

// yamlSecrets returns the values of the secret settings of a clouds.yaml,
// read line by line (the file may not parse) and as parsed: each value
// also without quotes and without a leading '*', '&' or '!' (which YAML
// reads as an alias, anchor or tag). rest is data without the values of
// the secret lines.
func yamlSecrets(data []byte, parsed ...map[string]map[string]any) (secrets []string, rest string) {
	add := func(v string) {
		v = strings.TrimSpace(v)
		for _, c := range []string{v, strings.Trim(v, `"'`), strings.TrimLeft(v, "*&!"), strings.Trim(v, `"'*&! `)} {
			if c != "" {
				secrets = append(secrets, c)
			}
		}
	}
	var b strings.Builder
	last := 0
	for _, m := range secretLine.FindAllSubmatchIndex(data, -1) {
		add(string(data[m[4]:m[5]]))
		b.Write(data[last:m[4]])
		b.WriteByte(0)
		last = m[5]
	}
	b.Write(data[last:])
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if s, ok := x.(string); ok && secretLine.MatchString(k+":") {
					add(s)
				}
				walk(x)
			}
		case map[any]any:
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	for _, p := range parsed {
		for _, e := range p {
			walk(e)
		}
	}
	return secrets, b.String()
}

// templateLike matches text our messages are made of: lower-case words,
// setting names and punctuation.
var templateLike = regexp.MustCompile(`^[a-z_ ,.:;()"'-]*$`)

// checkNoSecret fails t when msg shows 7 characters in a row of one of
// secrets (YAML quotes the first 7 of a long value) that the rest of the
// input does not also have, unless they are mere words.
func checkNoSecret(t *testing.T, msg, rest string, secrets []string) {
	t.Helper()
	const w = 7
	for _, s := range secrets {
		for i := 0; i+w <= len(s); i++ {
			frag := s[i : i+w]
			if strings.Contains(msg, frag) && !strings.Contains(rest, frag) && !templateLike.MatchString(frag) {
				t.Fatalf("message shows part %q of a secret: %q", frag, msg)
			}
		}
	}
}

// FuzzCloudsYAML parses a clouds.yaml and a secure.yaml and loads every
// cloud they name, as LoadAuth does once it has found the files.
func FuzzCloudsYAML(f *testing.F) {
	f.Fuzz(func(t *testing.T, cloudsData, secureData []byte) {
		input := append(append(append([]byte{}, cloudsData...), '\n'), secureData...)
		secrets, rest := yamlSecrets(input)
		clouds, err := parseClouds(cloudsData)
		if err != nil {
			checkNoSecret(t, err.Error(), rest, secrets)
			return
		}
		secure, err := parseClouds(secureData)
		if err != nil {
			checkNoSecret(t, err.Error(), rest, secrets)
			return
		}
		secrets, rest = yamlSecrets(input, clouds, secure)
		names := []string{"missing-cloud"}
		for n := range clouds {
			names = append(names, n)
		}
		l := authLoader{getenv: func(string) string { return "" }}
		for _, name := range names {
			s, msg := cloudSettings("clouds.yaml", clouds, secure, name)
			if msg != "" {
				checkNoSecret(t, msg, rest, secrets)
				continue
			}
			// The TLS settings name files, which a fuzzer must not read.
			delete(s, "cacert")
			delete(s, "cert")
			delete(s, "key")
			a, err := l.finish(s, "cloud/"+name, settingKey)
			if err != nil {
				providertest.OneKind(t, err, iam.ErrInvalid)
				checkNoSecret(t, err.Error(), rest, secrets)
				continue
			}
			if a.AuthURL == "" || a.kind() == "" {
				t.Fatalf("cloud %q loaded without auth_url or a known auth type", name)
			}
			if err := a.Validate(); err != nil {
				t.Fatalf("cloud %q loaded but does not validate: %v", name, err)
			}
		}
	})
}

// checkServerText fails t unless msg, which quotes a server's answer, is
// valid UTF-8 (when the secrets scrubbed from it are: replacing a byte
// string that is not could cut a character), on one line and bounded.
func checkServerText(t *testing.T, msg string, secrets ...string) {
	t.Helper()
	valid := true
	for _, s := range secrets {
		valid = valid && utf8.ValidString(s)
	}
	if valid && !utf8.ValidString(msg) || strings.ContainsAny(msg, "\r\n") || len(msg) > 1024 {
		t.Fatalf("message is not one bounded line of UTF-8 (%d bytes): %q", len(msg), msg)
	}
}

// FuzzOIDCDiscovery reads the identity provider's answer to the discovery
// request.
func FuzzOIDCDiscovery(f *testing.F) {
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		s := Auth{ClientSecret: iam.NewSecret("cs-fuzz-S3CRET")}.with()
		endpoint, err := s.tokenEndpointFrom(status, body)
		if err != nil {
			// A public document: a refusal means a wrong URL.
			providertest.OneKind(t, err, iam.ErrInvalid, iam.ErrThrottled)
			checkServerText(t, err.Error())
			return
		}
		var doc struct {
			TokenEndpoint string `json:"token_endpoint"`
		}
		if status != http.StatusOK || json.Unmarshal(body, &doc) != nil || endpoint == "" || endpoint != doc.TokenEndpoint {
			t.Fatalf("status %d: took token endpoint %q from %q", status, endpoint, body)
		}
	})
}

// FuzzOIDCTokenAnswer reads the token endpoint's answer to the
// client-credentials grant, with a client secret the answer may echo.
func FuzzOIDCTokenAnswer(f *testing.F) {
	f.Fuzz(func(t *testing.T, status int, body []byte, idToken bool, clientSecret string) {
		typ := AccessTokenTypeAccess
		if idToken {
			typ = AccessTokenTypeID
		}
		grant := func(secret string) (string, error) {
			return Auth{ClientSecret: iam.NewSecret(secret)}.with().grantAnswer(status, body, typ)
		}
		tok, err := grant(clientSecret)
		if err == nil {
			var answer map[string]any
			if status != http.StatusOK || json.Unmarshal(body, &answer) != nil || tok == "" || answer[typ] != tok {
				t.Fatalf("status %d: took %s %q from %q", status, typ, tok, body)
			}
			return
		}
		providertest.OneKind(t, err, iam.ErrInvalid, iam.ErrDenied, iam.ErrThrottled)
		msg := err.Error()
		checkServerText(t, msg, clientSecret)
		// No 8 characters in a row of the client secret show, however the
		// answer echoes it, unless the answer also has them outside the
		// secret or the message's fixed text has them.
		se := newStatusError(status, body)
		rest := strings.ReplaceAll(string(body)+"\x00"+se.Code+"\x00"+se.Description, clientSecret, "\x00")
		fixed := "[REDACTED]"
		for _, b := range []string{"", "{}", `{"error":"invalid_client"}`, `{"error":"invalid_scope"}`, `{"error":"invalid_request"}`} {
			if _, err := (Auth{}).with().grantAnswer(status, []byte(b), typ); err != nil {
				fixed += "\x00" + err.Error()
			}
		}
		const w = 8
		for i := 0; i+w <= len(clientSecret); i++ {
			frag := clientSecret[i : i+w]
			if strings.Contains(msg, frag) && !strings.Contains(rest, frag) && !strings.Contains(fixed, frag) {
				t.Fatalf("message shows part %q of the client secret: %q", frag, msg)
			}
		}
		// The tokens of a successful answer never show.
		if status == http.StatusOK {
			var answer map[string]any
			_ = json.Unmarshal(body, &answer)
			for _, k := range []string{"access_token", "id_token", "refresh_token"} {
				if v, _ := answer[k].(string); len(v) >= 6 && strings.Contains(msg, v) && !templateLike.MatchString(v) {
					t.Fatalf("message shows the %s: %q", k, msg)
				}
			}
		}
	})
}

// FuzzKeystoneError classifies Keystone's error answers (any status, any
// body), on a create (409 is ErrAlreadyExists) and elsewhere.
func FuzzKeystoneError(f *testing.F) {
	f.Fuzz(func(t *testing.T, status int, body []byte, create bool) {
		cause := gophercloud.ErrUnexpectedResponseCode{
			URL: "http://keystone.example/v3/users", Method: http.MethodPost,
			Expected: []int{http.StatusCreated}, Actual: status, Body: body,
		}
		var onConflict error
		want, _ := statusKind(status)
		if create {
			onConflict = iam.ErrAlreadyExists
			if status == http.StatusConflict {
				want = iam.ErrAlreadyExists
			}
		}
		err := wrapAs("CreateUser", "user/u", onConflict, cause)
		providertest.OneKind(t, err, want)
		var ke *KeystoneError
		if !errors.As(err, &ke) || ke.Status != status {
			t.Fatalf("no *KeystoneError of status %d in %v", status, err)
		}
		var body2 struct {
			Error struct {
				Message string `json:"message"`
			} `json:"error"`
		}
		if json.Unmarshal(body, &body2) == nil && body2.Error.Message != ke.Message {
			t.Fatalf("KeystoneError.Message = %q, want %q", ke.Message, body2.Error.Message)
		}
		_ = err.Error()
		if kindOf(cause) != func() error { k, _ := statusKind(status); return k }() {
			t.Fatalf("kindOf and wrap disagree on status %d", status)
		}
	})
}
