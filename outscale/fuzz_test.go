package outscale

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	osc "github.com/outscale/osc-sdk-go/v2"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/provider/providertest"
)

// The fuzz targets feed the adapter what it reads from outside: the
// OUTSCALE API's answers to failed calls, ~/.osc/config.json, and
// outscale:// URLs. None touches the network: answers come from a
// RoundTripper of the test, the configuration from files of the test
// (HOME and OSC_CONFIG_FILE point there), and New sends no request (a
// RoundTripper standing for http.DefaultTransport counts any).

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// noNetwork replaces http.DefaultTransport, for the rest of the fuzz
// target, by one that sends nothing and counts what it was asked to.
func noNetwork(f *testing.F) *atomic.Int64 {
	var n atomic.Int64
	saved := http.DefaultTransport
	http.DefaultTransport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		n.Add(1)
		return nil, errors.New("fuzz: no request may be sent")
	})
	f.Cleanup(func() { http.DefaultTransport = saved })
	return &n
}

// fuzzEnv clears the OSC_* variables and points HOME and OSC_CONFIG_FILE
// at a directory of the test; it returns the configuration file's path.
func fuzzEnv(f *testing.F) string {
	dir := f.TempDir()
	path := filepath.Join(dir, "config.json")
	f.Setenv("HOME", dir)
	f.Setenv(EnvConfigFile, path)
	for _, k := range []string{EnvAccessKey, EnvSecretKey, EnvRegion, EnvEndpoint, EnvProfile} {
		f.Setenv(k, "")
	}
	return path
}

// errorBody is the ErrorResponse of the OUTSCALE API, decoded here as the
// reference.
type errorBody struct {
	Errors []struct {
		Type, Code, Details string
	}
	ResponseContext struct {
		RequestId string
	}
}

// FuzzAPIError answers a create and a delete with any status and body.
// Properties: no panic; a refusal (status 300 and up) is an *iam.Error of
// exactly one kind holding an *APIError of that status whose Type, Code
// and Details are those of the body's first error; the kind follows the
// status where the body names no type (401 and 403 denied, 404 not
// found, 409 already exists on a create and conflict elsewhere, 429 and
// 503 throttled); a 2xx answer is a success or ErrInvalid.
func FuzzAPIError(f *testing.F) {
	for _, c := range []struct {
		status int
		body   string
	}{
		{409, `{"Errors":[{"Type":"ResourceConflict","Code":"9999","Details":"User already exists"}],"ResponseContext":{"RequestId":"0475ca1e-d0c5-441d-712a-da55a4175157"}}`},
		{400, `{"Errors":[{"Type":"InvalidParameterValue","Code":"4047","Details":"The user name is invalid"}],"ResponseContext":{"RequestId":"r"}}`},
		{401, `{"Errors":[{"Type":"AccessDenied","Code":"1","Details":""}]}`},
		{404, `{"Errors":[{"Type":"InvalidResource","Code":"5071","Details":"user not found"}]}`},
		{429, `{"Errors":[{"Type":"RequestLimitExceeded","Code":"10"}]}`},
		{503, `<html>Service Unavailable</html>`},
		{200, `{"User":{"UserName":"u","UserId":"ID","Path":"/iamkit/"},"ResponseContext":{"RequestId":"r"}}`},
		{200, `not json`},
		{424, `{"Errors":[{"Type":"DependencyProblem"}]}`},
		{400, `{"Errors":[{"Type":"TooManyResources (QuotaExceded)","Code":"10004"}]}`},
		{500, `{"Errors":null}`},
		{501, `{"Errors":[]}`},
	} {
		f.Add(c.status, []byte(c.body), true)
		f.Add(c.status, []byte(c.body), false)
	}
	noNetwork(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, status int, body []byte, create bool) {
		if status < 0 {
			status = -status
		}
		status = 200 + status%400 // 200…599: what a server answers
		var sent atomic.Int64
		rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			sent.Add(1)
			return &http.Response{StatusCode: status, Status: fmt.Sprintf("%d %s", status, http.StatusText(status)),
				Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(bytes.NewReader(body)), Request: r}, nil
		})
		p, err := New(ctx, Options{AccessKey: "AKFUZZ", SecretKey: iam.NewSecret("fuzz-secret-key-FUZZ"), Region: "eu-west-2",
			HTTPClient: &http.Client{Transport: rt}, Retry: RetryOptions{Attempts: 1}})
		if err != nil {
			t.Fatal(err)
		}
		if create {
			_, err = p.CreateUser(ctx, "u", nil)
		} else {
			err = p.DeleteUser(ctx, "u")
		}
		if sent.Load() != 1 {
			t.Fatalf("%d requests sent, want 1", sent.Load())
		}
		if status < 300 {
			if err != nil {
				providertest.OneKind(t, err, iam.ErrInvalid)
			}
			return
		}
		if err == nil {
			t.Fatalf("status %d: no error", status)
		}
		var ie *iam.Error
		var ae *APIError
		if !errors.As(err, &ie) || !errors.As(err, &ae) || ae.Status != status {
			t.Fatalf("status %d: no *iam.Error holding an *APIError of that status: %#v", status, err)
		}
		kind := providertest.OneKind(t, err)
		var ref errorBody
		if ae.Type != "" || ae.Code != "" || ae.Details != "" {
			if json.Unmarshal(body, &ref) != nil || len(ref.Errors) == 0 {
				t.Fatalf("APIError %+v from a body without errors: %q", ae, body)
			}
			if e := ref.Errors[0]; e.Type != ae.Type || e.Code != ae.Code || e.Details != ae.Details {
				t.Fatalf("APIError %+v, body's first error %+v", ae, e)
			}
		}
		_ = err.Error()
		if ae.Type != "" {
			return
		}
		var want error
		switch status {
		case 401, 403:
			want = iam.ErrDenied
		case 404:
			want = iam.ErrNotFound
		case 409:
			want = iam.ErrConflict
			if create {
				want = iam.ErrAlreadyExists
			}
		case 429, 503:
			want = iam.ErrThrottled
		}
		if want != nil && kind != want {
			t.Fatalf("status %d without a type: kind %v, want %v", status, kind, want)
		}
	})
}

// secretKeys finds the secret_key values of a configuration file, however
// spelt (encoding/json matches names regardless of case), read as
// profiles and, in case it is not JSON, by pattern.
var secretKeyPattern = regexp.MustCompile(`(?i)"secret_key"\s*:\s*"((?:[^"\\]|\\.)*)"`)

func secretKeys(data []byte) []string {
	var out []string
	for _, m := range secretKeyPattern.FindAllSubmatch(data, -1) {
		out = append(out, string(m[1]))
		var s string
		if json.Unmarshal(append(append([]byte{'"'}, m[1]...), '"'), &s) == nil {
			out = append(out, s)
		}
	}
	var profiles map[string]osc.Profile
	if json.Unmarshal(data, &profiles) == nil {
		for _, p := range profiles {
			out = append(out, p.SecretKey)
		}
	}
	return out
}

// checkNoSecrets fails t if msg shows one of secrets (8 characters or
// more) that the rest of the input does not also have in the open.
func checkNoSecrets(t *testing.T, msg string, secrets []string, rest ...string) {
	t.Helper()
	for _, s := range secrets {
		if len(s) < 8 || !strings.Contains(msg, s) {
			continue
		}
		open := false
		for _, r := range rest {
			open = open || strings.Contains(r, s)
		}
		if !open {
			t.Fatalf("message shows the secret key %q: %s", s, msg)
		}
	}
}

// FuzzConfigFile resolves credentials from a ~/.osc/config.json, by the
// profile named (or "default"). Properties: no panic; a refusal is of
// kind ErrInvalid (a bad file, profile, region) or ErrDenied (no
// credentials) and shows no secret key of the file; what resolves holds
// the profile's keys, a valid region and an http(s) endpoint, and New
// over it works or refuses with ErrInvalid, sending nothing.
func FuzzConfigFile(f *testing.F) {
	files, _ := filepath.Glob("testdata/config/*.json")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, "")
		f.Add(b, "ci")
	}
	for _, s := range []string{
		`{"default":{"access_key":"AK","secret_key":"SK-S3cret-value","region":"eu-west-2"}}`,
		`{"default":{"access_key":"AK","secret_key":"SK-S3cret-value","region":"EU WEST"}}`,
		`{"default":{"access_key":"AK","SECRET_KEY":"SK-S3cret-value","endpoints":{"api":"api.example/api/v1"},"protocol":"http"}}`,
		`{"default":{"access_key":"AK","secret_key":"SK-S3cret-value","endpoints":{"api":"h:bad port/"}}}`,
		`{"default":{"access_key":"AK","secret_key":"SK-S3cret-value","endpoints":{"api":"https://"}}}`,
		`{"default":{"access_key":"AK","secret_key":"SK-S3cret-value"}, "default": 5}`,
		`{"default":{"secret_key":"SK-S3cret-value" "x"}}`,
		`[{"secret_key":"SK-S3cret-value"}]`,
		``,
	} {
		f.Add([]byte(s), "")
	}
	path := fuzzEnv(f)
	sent := noNetwork(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, data []byte, profile string) {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		secrets := secretKeys(data)
		var open []string // where a secret's text is not secret
		var profiles map[string]osc.Profile
		if json.Unmarshal(data, &profiles) == nil {
			for name, p := range profiles {
				open = append(open, name, p.AccessKey, p.Region, p.Protocol, p.Endpoints.API)
			}
		}
		open = append(open, profile, path)
		r, err := resolve(Options{Profile: profile})
		if err != nil {
			providertest.OneKind(t, err, iam.ErrInvalid, iam.ErrDenied)
			checkNoSecrets(t, err.Error(), secrets, open...)
			checkNoSecrets(t, fmt.Sprintf("%+v", err), secrets, open...)
			return
		}
		name := profile
		if name == "" {
			name = "default"
		}
		prof, ok := profiles[name]
		if !ok || r.accessKey != prof.AccessKey || r.secretKey.Reveal() != prof.SecretKey {
			t.Fatalf("resolved %q from profile %q %+v (found %v)", r.accessKey, name, prof, ok)
		}
		if !validRegion(r.region) || !(strings.HasPrefix(r.endpoint, "https://") || strings.HasPrefix(r.endpoint, "http://")) ||
			strings.HasSuffix(r.endpoint, "/") {
			t.Fatalf("resolved region %q, endpoint %q", r.region, r.endpoint)
		}
		p, err := New(ctx, Options{Profile: profile})
		if err != nil {
			providertest.OneKind(t, err, iam.ErrInvalid)
			checkNoSecrets(t, err.Error(), secrets, open...)
		} else if p.Region() != r.region || p.Endpoint() != r.endpoint {
			t.Fatalf("New: region %q endpoint %q, resolved %q %q", p.Region(), p.Endpoint(), r.region, r.endpoint)
		}
		if sent.Load() != 0 {
			t.Fatalf("%d requests sent", sent.Load())
		}
	})
}

// FuzzOpenURL opens outscale:// URLs, with credentials in the environment
// and a configuration file that has a profile "ci". Properties: no panic;
// a refusal is of kind ErrInvalid or ErrDenied and shows neither secret
// key nor the password of a URL; what opens has a valid region and an
// http(s) endpoint; no request is sent.
func FuzzOpenURL(f *testing.F) {
	for _, s := range []string{
		"outscale://", "outscale://eu-west-2", "outscale://us-east-2?profile=ci",
		"outscale://?endpoint=http://127.0.0.1:8443/api/v1", "outscale://?endpoint=api.eu-west-2.outscale.com",
		"outscale://eu-west-2:443", "outscale://eu-west-2/path", "outscale://?profile=nope", "outscale://?colour=blue&size=1",
		"outscale://EU_WEST?endpoint=https://user:pw-S3cret-x@h%20st/", "outscale://?endpoint=https://user:pw-S3cret-x@host/api/v1",
		"outscale:opaque", "outscale://[::1]",
	} {
		f.Add(s)
	}
	path := fuzzEnv(f)
	const envSecret, fileSecret = "env-secret-key-FUZZ-0123", "file-secret-key-FUZZ-4567"
	if err := os.WriteFile(path, []byte(`{"ci":{"access_key":"AKCI","secret_key":"`+fileSecret+`","region":"cloudgouv-eu-west-1"}}`), 0o600); err != nil {
		f.Fatal(err)
	}
	f.Setenv(EnvAccessKey, "AKENV")
	f.Setenv(EnvSecretKey, envSecret)
	sent := noNetwork(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := url.Parse(raw)
		if err != nil {
			return // provider.Open refuses it first
		}
		secrets := []string{envSecret, fileSecret}
		for _, vs := range u.Query() {
			for _, v := range vs {
				if e, err := url.Parse(v); err == nil && e.User != nil {
					if pw, ok := e.User.Password(); ok {
						secrets = append(secrets, pw)
					}
				}
			}
		}
		if u.User != nil {
			if pw, ok := u.User.Password(); ok {
				secrets = append(secrets, pw)
			}
		}
		p, err := openURL(ctx, u)
		if sent.Load() != 0 {
			t.Fatalf("%d requests sent", sent.Load())
		}
		if err != nil {
			providertest.OneKind(t, err, iam.ErrInvalid, iam.ErrDenied)
			rest := raw
			for _, s := range secrets[2:] {
				rest = strings.Replace(rest, s, "", 1)
			}
			checkNoSecrets(t, err.Error(), secrets, rest)
			return
		}
		op := p.(*Provider)
		if !validRegion(op.Region()) || !(strings.HasPrefix(op.Endpoint(), "https://") || strings.HasPrefix(op.Endpoint(), "http://")) {
			t.Fatalf("opened region %q, endpoint %q", op.Region(), op.Endpoint())
		}
		if s := fmt.Sprintf("%v %+v", p, p); strings.Contains(s, envSecret) || strings.Contains(s, fileSecret) {
			t.Fatalf("the provider prints its secret key: %s", s)
		}
	})
}
