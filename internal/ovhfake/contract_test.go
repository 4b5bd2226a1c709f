package ovhfake

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iamkit/iamkit/internal/tbtest"
	"github.com/ovh/go-ovh/ovh"
)

// do sends a request built by go-ovh (signed as root), after mutate, and
// returns go-ovh's decoded error (nil on success).
func do(t *testing.T, c *ovh.Client, method, path string, body any, mutate func(*http.Request)) error {
	t.Helper()
	req, err := c.NewRequest(method, path, body, true)
	if err != nil {
		t.Fatal(err)
	}
	if mutate != nil {
		mutate(req)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return c.UnmarshalResponse(resp, nil)
}

func wantAPIError(t *testing.T, err error, code int, class string) *ovh.APIError {
	t.Helper()
	var e *ovh.APIError
	if !asAPIError(err, &e) {
		t.Fatalf("err = %v, want API error %d %s", err, code, class)
	}
	if e.Code != code || !strings.HasPrefix(e.Class, class) {
		t.Fatalf("err = %d %q %q, want %d %s", e.Code, e.Class, e.Message, code, class)
	}
	return e
}

func TestMalformedBodiesAreRefusedAndRecorded(t *testing.T) {
	rec := &tbtest.Recorder{TB: t}
	s := New(rec, Options{})
	c := s.Client()
	cases := []struct {
		name, method, path string
		body               any
		reason             string
	}{
		{"missing required", "POST", "/v2/iam/policy", map[string]any{"name": "p"}, `property "identities" is missing`},
		{"wrong type", "POST", "/v2/iam/policy", map[string]any{"name": 42, "identities": []string{}, "resources": []any{}, "permissions": map[string]any{}}, "value must be a string"},
		{"unknown field", "POST", "/v2/iam/policy", map[string]any{"name": "p", "identities": []string{}, "resources": []any{}, "permissions": map[string]any{"alow": []any{}}}, `property "alow" is not in the schema`},
		{"bad enum", "POST", "/me/api/oauth2/client", map[string]any{"name": "a", "description": "d", "flow": "PASSWORD"}, "value is not one of the allowed values"},
		{"read-only field", "PUT", "/me/api/oauth2/client/abc", map[string]any{"clientId": "x"}, "readOnly"},
		{"missing action", "POST", "/v2/iam/resource/" + "urn:v1:eu:resource:publicCloudProject:p" + "/authorization/check", map[string]any{}, `property "actions" is missing`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := do(t, c, tc.method, tc.path, tc.body, nil)
			e := wantAPIError(t, err, 400, "Client::BadRequest")
			got := rec.Take()
			if len(got) != 1 || !strings.Contains(got[0], tc.reason) || !strings.Contains(e.Message, tc.reason) {
				t.Fatalf("recorded %q, answered %q; want %q", got, e.Message, tc.reason)
			}
		})
	}
	if s.Calls("POST", "/v2/iam/policy") != 3 {
		t.Fatalf("refused calls are counted: %d", s.Calls("POST", "/v2/iam/policy"))
	}
}

func TestLenientLogsInstead(t *testing.T) {
	rec := &tbtest.Recorder{TB: t}
	s := New(rec, Options{Lenient: true})
	err := do(t, s.Client(), "POST", "/me/identity/group", map[string]any{}, nil)
	wantAPIError(t, err, 400, "Client::BadRequest")
	if got := rec.Take(); len(got) != 0 {
		t.Fatalf("lenient recorded %q", got)
	}
}

func TestAuthentication(t *testing.T) {
	rec := &tbtest.Recorder{TB: t}
	s := New(rec, Options{})
	c := s.Client()
	cases := []struct {
		name   string
		mutate func(*http.Request)
		status int
	}{
		{"bad signature", func(r *http.Request) { r.Header.Set("X-Ovh-Signature", "$1$0000000000000000000000000000000000000000") }, 400},
		{"tampered url", func(r *http.Request) { r.URL.RawQuery = "x=1" }, 400},
		{"unsigned", func(r *http.Request) {
			for _, h := range []string{"X-Ovh-Application", "X-Ovh-Consumer", "X-Ovh-Signature", "X-Ovh-Timestamp"} {
				r.Header.Del(h)
			}
		}, 401},
		{"unknown application", func(r *http.Request) { r.Header.Set("X-Ovh-Application", "nope") }, 403},
		{"unknown consumer", func(r *http.Request) { r.Header.Set("X-Ovh-Consumer", "nope") }, 403},
		{"stale timestamp", func(r *http.Request) { r.Header.Set("X-Ovh-Timestamp", "1000000000") }, 400},
		{"unknown bearer", func(r *http.Request) { r.Header.Set("Authorization", "Bearer nope") }, 401},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := do(t, c, "GET", "/me", nil, tc.mutate)
			var e *ovh.APIError
			if !asAPIError(err, &e) || e.Code != tc.status {
				t.Fatalf("err = %v, want status %d", err, tc.status)
			}
			if got := rec.Take(); len(got) != 1 || !strings.Contains(got[0], "authentication refused") {
				t.Fatalf("recorded %q", got)
			}
		})
	}
	// A correctly signed v2 call through the /1.0 endpoint works.
	if err := do(t, c, "GET", "/v2/iam/policy", nil, nil); err != nil {
		t.Fatal(err)
	}
	if got := rec.Take(); len(got) != 0 {
		t.Fatalf("recorded %q", got)
	}
}

func TestOAuth2(t *testing.T) {
	rec := &tbtest.Recorder{TB: t}
	s := New(rec, Options{})
	ctx := context.Background()

	// The root OAuth2 client manages the account.
	rc, err := s.ClientCredentials(ctx, DefaultClientID, DefaultClientSecret)
	if err != nil {
		t.Fatal(err)
	}
	sa := createServiceAccount(t, rc, "ci")

	if _, err := s.ClientCredentials(ctx, sa.ClientID, "wrong"); err == nil {
		t.Fatal("wrong secret accepted")
	}
	if got := rec.Take(); len(got) != 1 || !strings.Contains(got[0], "invalid_client") {
		t.Fatalf("recorded %q", got)
	}
	sac, err := s.ClientCredentials(ctx, sa.ClientID, sa.ClientSecret)
	if err != nil {
		t.Fatal(err)
	}
	// Deleting the client revokes its tokens.
	if err := rc.Delete("/me/api/oauth2/client/"+sa.ClientID, nil); err != nil {
		t.Fatal(err)
	}
	err = sac.Post("/v2/iam/resource/"+projectURN+"/authorization/check", map[string]any{"actions": []string{"a"}}, nil)
	wantAPIError(t, err, 401, "")
	if got := rec.Take(); len(got) != 1 {
		t.Fatalf("recorded %q", got)
	}
}

func TestExpiredToken(t *testing.T) {
	now := time.Now()
	s := New(&tbtest.Recorder{TB: t}, Options{Lenient: true, Now: func() time.Time { return now }})
	c, err := s.ClientCredentials(context.Background(), DefaultClientID, DefaultClientSecret)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Get("/me", nil); err != nil {
		t.Fatal(err)
	}
	now = now.Add(TokenLifetime + time.Second)
	wantAPIError(t, c.Get("/me", nil), 401, "")
}

func TestSpecsLocation(t *testing.T) {
	d, err := specsDir()
	if err != nil {
		t.Skip(err)
	}
	t.Setenv(SpecsEnv, filepath.Join(t.TempDir(), "nowhere"))
	if _, err := specsDir(); err == nil {
		t.Fatal("a missing override was accepted")
	}
	t.Setenv(SpecsEnv, d)
	if got, err := specsDir(); err != nil || got != d {
		t.Fatalf("override: %q, %v", got, err)
	}
	if _, err := os.Stat(filepath.Join(d, specV1)); err != nil {
		t.Fatal(err)
	}
}
