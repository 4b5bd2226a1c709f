package ovhfake

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/iamkit/iamkit/internal/tbtest"
	"github.com/ovh/go-ovh/ovh"
)

// newPAT creates a personal access token for login and returns its value.
func newPAT(t *testing.T, c *ovh.Client, login, name string, extra map[string]any) string {
	t.Helper()
	body := map[string]any{"name": name, "description": "test token"}
	for k, v := range extra {
		body[k] = v
	}
	var out struct {
		Name      string     `json:"name"`
		Token     string     `json:"token"`
		Creation  time.Time  `json:"creation"`
		ExpiresAt *time.Time `json:"expiresAt"`
	}
	if err := c.Post("/me/identity/user/"+login+"/token", body, &out); err != nil {
		t.Fatalf("create token %s of %s: %v", name, login, err)
	}
	if out.Name != name || out.Token == "" || out.Creation.IsZero() {
		t.Fatalf("create token answered name %q, token set %v, creation %v", out.Name, out.Token != "", out.Creation)
	}
	return out.Token
}

func TestPersonalAccessTokenLifecycle(t *testing.T) {
	rec := &tbtest.Recorder{TB: t}
	s := New(rec, Options{})
	c := s.Client()
	if err := c.Post("/me/identity/user", map[string]any{"login": "bot", "group": "DEFAULT"}, nil); err != nil {
		t.Fatal(err)
	}
	tok := newPAT(t, c, "bot", "first", nil)
	at := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)
	newPAT(t, c, "bot", "second", map[string]any{"expiresAt": at})

	var names []string
	if err := c.Get("/me/identity/user/bot/token", &names); err != nil || !slices.Equal(names, []string{"first", "second"}) {
		t.Fatalf("token names = %v, %v; want [first second]", names, err)
	}
	var got map[string]any
	if err := c.Get("/me/identity/user/bot/token/second", &got); err != nil {
		t.Fatal(err)
	}
	if _, shown := got["token"]; shown {
		t.Error("GET of a token shows its value; the API shows it once, at creation")
	}
	if got["expiresAt"] != at.Format(time.RFC3339) {
		t.Errorf("expiresAt = %v, want %s", got["expiresAt"], at.Format(time.RFC3339))
	}

	// The run-time refusals: none of them is a broken contract.
	for _, tc := range []struct {
		what   string
		call   func() error
		status int
		class  string
	}{
		{"a duplicate name", func() error {
			return c.Post("/me/identity/user/bot/token", map[string]any{"name": "first", "description": "d"}, nil)
		}, 409, "Client::Conflict::AlreadyExists"},
		{"a missing user", func() error {
			return c.Post("/me/identity/user/nobody/token", map[string]any{"name": "x", "description": "d"}, nil)
		}, 404, "Client::NotFound"},
		{"an invalid name", func() error {
			return c.Post("/me/identity/user/bot/token", map[string]any{"name": "a b", "description": "d"}, nil)
		}, 400, "Client::BadRequest"},
		{"a past expiry", func() error {
			return c.Post("/me/identity/user/bot/token", map[string]any{"name": "x", "description": "d", "expiresAt": time.Now().Add(-time.Hour).UTC()}, nil)
		}, 400, "Client::BadRequest"},
		{"expiresAt with expiresIn", func() error {
			return c.Post("/me/identity/user/bot/token", map[string]any{"name": "x", "description": "d", "expiresAt": at, "expiresIn": 60}, nil)
		}, 400, "Client::BadRequest"},
		{"a missing token", func() error { return c.Get("/me/identity/user/bot/token/nope", nil) }, 404, "Client::NotFound"},
	} {
		t.Run(tc.what, func(t *testing.T) { wantAPIError(t, tc.call(), tc.status, tc.class) })
	}

	// The token authenticates as the user; the user has no rights yet.
	pc, err := s.PersonalAccessToken(tok)
	if err != nil {
		t.Fatal(err)
	}
	e := wantAPIError(t, pc.Get("/me", nil), 403, "Client::Forbidden")
	if e.Details["unauthorizedActionsByIAM"] != "account:apiovh:me/get" {
		t.Errorf("refusal details %v", e.Details)
	}
	if err := c.Get("/me/identity/user/bot/token/first", &got); err != nil || got["lastUsed"] == nil {
		t.Errorf("lastUsed after a call = %v (%v), want a date", got["lastUsed"], err)
	}

	if err := c.Delete("/me/identity/user/bot/token/first", nil); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, pc.Get("/me", nil), 401, "")
	if err := c.Delete("/me/identity/user/bot", nil); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, c.Get("/me/identity/user/bot/token", nil), 404, "Client::NotFound")
	if got := rec.Take(); len(got) != 0 {
		t.Fatalf("recorded contract failures %q", got)
	}
	// A bearer the fake never issued is a broken contract.
	bogus, _ := s.PersonalAccessToken("ovhpat-never-issued")
	wantAPIError(t, bogus.Get("/me", nil), 401, "")
	if got := rec.Take(); len(got) != 1 || !strings.Contains(got[0], "authentication refused") {
		t.Fatalf("recorded %q, want one authentication refusal", got)
	}
}

// TestPersonalAccessTokenAuthorization: a PAT's calls are authorized by
// the policies naming its user or the user's group, like a service
// account's; a user of an ADMIN group may do everything.
func TestPersonalAccessTokenAuthorization(t *testing.T) {
	s := New(t, Options{})
	c := s.Client()
	for _, g := range []map[string]any{{"name": "readers", "role": "NONE"}, {"name": "admins", "role": "ADMIN"}} {
		if err := c.Post("/me/identity/group", g, nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range []map[string]any{{"login": "reader", "group": "readers"}, {"login": "direct"}, {"login": "boss", "group": "admins"}, {"login": "nobody"}} {
		if err := c.Post("/me/identity/user", u, nil); err != nil {
			t.Fatal(err)
		}
	}
	account := "urn:v1:eu:resource:account:" + s.NIC()
	pol := newPolicy("read-users", []string{s.groupURN("readers")}, []string{account}, "account:apiovh:me/identity/user/get")
	if err := c.Post("/v2/iam/policy", pol, nil); err != nil {
		t.Fatal(err)
	}
	pol = newPolicy("supervise", []string{s.userURN("direct")}, []string{projectURN}, "publicCloudProject:openstack:infrastructureSupervisor")
	if err := c.Post("/v2/iam/policy", pol, nil); err != nil {
		t.Fatal(err)
	}
	clients := map[string]*ovh.Client{}
	for _, login := range []string{"reader", "direct", "boss", "nobody"} {
		pc, err := s.PersonalAccessToken(newPAT(t, c, login, "t", nil))
		if err != nil {
			t.Fatal(err)
		}
		clients[login] = pc
	}
	for _, tc := range []struct {
		login, path string
		status      int // 0: allowed
	}{
		{"reader", "/me/identity/user", 0},
		{"reader", "/me/identity/group", 403},
		{"direct", "/me/identity/user", 403},
		{"boss", "/me/identity/group", 0},
		{"nobody", "/me/identity/user", 403},
	} {
		t.Run(tc.login+tc.path, func(t *testing.T) {
			err := clients[tc.login].Get(tc.path, nil)
			if tc.status == 0 {
				if err != nil {
					t.Fatalf("GET %s as %s: %v, want allowed", tc.path, tc.login, err)
				}
				return
			}
			wantAPIError(t, err, tc.status, "Client::Forbidden")
		})
	}
	compute := "publicCloudProject:openstack:compute_read"
	manage := "publicCloudProject:openstack:compute_manage"
	for _, tc := range []struct {
		login string
		want  []string
	}{
		{"direct", []string{compute}},
		{"reader", nil},
		{"boss", []string{compute, manage}},
	} {
		got := check(t, clients[tc.login], projectURN, compute, manage)
		if !slices.Equal(got.Authorized, tc.want) {
			t.Errorf("authorization check as %s: authorized %v, want %v", tc.login, got.Authorized, tc.want)
		}
	}
}

// TestPersonalAccessTokenExpiry: an expired PAT is refused (a run-time
// refusal, not a broken contract).
func TestPersonalAccessTokenExpiry(t *testing.T) {
	now := time.Now()
	rec := &tbtest.Recorder{TB: t}
	s := New(rec, Options{Now: func() time.Time { return now }})
	c := s.Client()
	if err := c.Post("/me/identity/user", map[string]any{"login": "bot"}, nil); err != nil {
		t.Fatal(err)
	}
	pc, err := s.PersonalAccessToken(newPAT(t, c, "bot", "short", map[string]any{"expiresIn": 60}))
	if err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, pc.Get("/me", nil), 403, "Client::Forbidden") // authenticated, no rights
	now = now.Add(61 * time.Second)
	wantAPIError(t, pc.Get("/me", nil), 401, "")
	if got := rec.Take(); len(got) != 0 {
		t.Fatalf("recorded %q", got)
	}
}
