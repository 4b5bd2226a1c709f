package ovhfake

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/iamkit/iamkit/internal/tbtest"
	"github.com/ovh/go-ovh/ovh"
)

func newPolicy(name string, identities []string, resources []string, allow ...string) map[string]any {
	res := []map[string]string{}
	for _, r := range resources {
		res = append(res, map[string]string{"urn": r})
	}
	acts := []map[string]string{}
	for _, a := range allow {
		acts = append(acts, map[string]string{"action": a})
	}
	return map[string]any{"name": name, "identities": identities, "resources": res, "permissions": map[string]any{"allow": acts}}
}

func TestUsersAndGroups(t *testing.T) {
	s := New(t, Options{})
	c := s.Client()
	if err := c.Post("/me/identity/group", map[string]any{"name": "monitoring", "role": "NONE"}, nil); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, c.Post("/me/identity/group", map[string]any{"name": "monitoring"}, nil), 409, "Client::Conflict")
	if err := c.Post("/me/identity/user", map[string]any{"login": "watcher_1", "email": "w@example.com", "group": "monitoring", "password": "S3cret-long"}, nil); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, c.Post("/me/identity/user", map[string]any{"login": "watcher_1"}, nil), 409, "Client::Conflict::AlreadyExists")
	wantAPIError(t, c.Post("/me/identity/user", map[string]any{"login": "w2", "group": "nope"}, nil), 400, "Client::BadRequest")

	var u map[string]any
	if err := c.Get("/me/identity/user/watcher_1", &u); err != nil {
		t.Fatal(err)
	}
	if u["group"] != "monitoring" || u["urn"] != "urn:v1:eu:identity:user:xx11111-ovh/watcher_1" {
		t.Fatalf("user = %v", u)
	}
	var groups []string
	if err := c.Get("/me/identity/group", &groups); err != nil || !slices.Contains(groups, "monitoring") || !slices.Contains(groups, "DEFAULT") {
		t.Fatalf("groups = %v, %v", groups, err)
	}
	// A group with users cannot be deleted.
	wantAPIError(t, c.Delete("/me/identity/group/monitoring", nil), 409, "Client::Conflict")
	wantAPIError(t, c.Delete("/me/identity/group/DEFAULT", nil), 403, "Client::Forbidden")
	if err := c.Put("/me/identity/user/watcher_1", map[string]any{"group": "DEFAULT"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Delete("/me/identity/group/monitoring", nil); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, c.Get("/me/identity/group/monitoring", nil), 404, "Client::NotFound")
	if err := c.Delete("/me/identity/user/watcher_1", nil); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, c.Delete("/me/identity/user/watcher_1", nil), 404, "Client::NotFound")
	var users []string
	if err := c.Get("/me/identity/user", &users); err != nil || len(users) != 0 {
		t.Fatalf("users = %v, %v", users, err)
	}
}

func TestServiceAccountLifecycle(t *testing.T) {
	s := New(t, Options{})
	c := s.Client()
	a := createServiceAccount(t, c, "same")
	b := createServiceAccount(t, c, "same") // names need not be unique
	if a.ClientID == b.ClientID {
		t.Fatal("same id twice")
	}
	if err := c.Put("/me/api/oauth2/client/"+a.ClientID, map[string]any{"description": "renamed"}, nil); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := c.Get("/me/api/oauth2/client/"+a.ClientID, &got); err != nil || got["description"] != "renamed" {
		t.Fatalf("got %v, %v", got, err)
	}
	wantAPIError(t, c.Post("/me/api/oauth2/client", map[string]any{"name": "x", "description": "d", "flow": "CLIENT_CREDENTIALS", "callbackUrls": []string{"https://x"}}, nil), 400, "Client::BadRequest")
	if err := c.Delete("/me/api/oauth2/client/"+a.ClientID, nil); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, c.Get("/me/api/oauth2/client/"+a.ClientID, nil), 404, "Client::NotFound")
	wantAPIError(t, c.Delete("/me/api/oauth2/client/"+a.ClientID, nil), 404, "Client::NotFound")
}

func TestPolicyRules(t *testing.T) {
	s := New(t, Options{})
	c := s.Client()
	sa := createServiceAccount(t, c, "sa")
	id := s.CredentialURN(sa.ClientID)

	// The known trap: a credential identity that does not exist.
	e := wantAPIError(t, c.Post("/v2/iam/policy", newPolicy("p", []string{s.CredentialURN("ffffffffffffffff")}, []string{projectURN}, "*"), nil), 400, "Client::BadRequest::INVALID_RESOURCE_URN")
	if !strings.Contains(e.Message, "identities[0]") {
		t.Fatalf("message %q", e.Message)
	}
	// A malformed resource URN (terraform-provider-ovh#779).
	e = wantAPIError(t, c.Post("/v2/iam/policy", newPolicy("p", []string{id}, []string{"*"}, "*"), nil), 400, "Client::BadRequest::INVALID_RESOURCE_URN")
	if !strings.Contains(e.Message, `"resources[0].urn" is malformed`) {
		t.Fatalf("message %q", e.Message)
	}

	var p map[string]any
	if err := c.Post("/v2/iam/policy", newPolicy("p", []string{id}, []string{"urn:v1:eu:resource:publicCloudProject:*"}, "publicCloudProject:openstack:*"), &p); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, c.Post("/v2/iam/policy", newPolicy("p", []string{id}, []string{projectURN}, "*"), nil), 409, "Client::Conflict::AlreadyExists")
	pid := p["id"].(string)

	sac, err := s.ClientCredentials(context.Background(), sa.ClientID, sa.ClientSecret)
	if err != nil {
		t.Fatal(err)
	}
	if r := check(t, sac, projectURN, "publicCloudProject:openstack:objectstoreOperator", "dnsZone:apiovh:get"); len(r.Authorized) != 1 {
		t.Fatalf("wildcards: %+v", r)
	}

	// except narrows the allow of its own policy; deny wins over any allow.
	upd := newPolicy("p", []string{id}, []string{"urn:v1:eu:resource:publicCloudProject:*"}, "publicCloudProject:openstack:*")
	upd["permissions"].(map[string]any)["except"] = []map[string]string{{"action": "publicCloudProject:openstack:objectstore*"}}
	if err := c.Put("/v2/iam/policy/"+pid, upd, nil); err != nil {
		t.Fatal(err)
	}
	if r := check(t, sac, projectURN, "publicCloudProject:openstack:objectstoreOperator", "publicCloudProject:openstack:volumeOperator"); !slices.Equal(r.Authorized, []string{"publicCloudProject:openstack:volumeOperator"}) {
		t.Fatalf("except: %+v", r)
	}
	deny := newPolicy("d", []string{id}, []string{projectURN})
	deny["permissions"] = map[string]any{"deny": []map[string]string{{"action": "publicCloudProject:openstack:volume*"}}}
	if err := c.Post("/v2/iam/policy", deny, nil); err != nil {
		t.Fatal(err)
	}
	if r := check(t, sac, projectURN, "publicCloudProject:openstack:volumeOperator"); len(r.Authorized) != 0 {
		t.Fatalf("deny: %+v", r)
	}

	var got map[string]any
	if err := c.Get("/v2/iam/policy/"+pid, &got); err != nil || got["updatedAt"] == nil {
		t.Fatalf("get %v, %v", got, err)
	}
	if err := c.Delete("/v2/iam/policy/"+pid, nil); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, c.Get("/v2/iam/policy/"+pid, nil), 404, "Client::NotFound")
	wantAPIError(t, c.Delete("/v2/iam/policy/"+pid, nil), 404, "Client::NotFound")
	// A policy id must be a UUID (the spec says so).
	rec := &tbtest.Recorder{TB: t}
	s2 := New(rec, Options{})
	wantAPIError(t, s2.Client().Get("/v2/iam/policy/not-a-uuid", nil), 400, "Client::BadRequest")
	if len(rec.Take()) != 1 {
		t.Fatal("a non-UUID policy id was not recorded")
	}
}

// listPage fetches one page of a v2 listing with go-ovh's low-level calls.
func listPage(t *testing.T, c *ovh.Client, path, cursor string, size int) ([]map[string]any, string) {
	t.Helper()
	req, err := c.NewRequest("GET", path, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set(HeaderSize, fmt.Sprint(size))
	if cursor != "" {
		req.Header.Set(HeaderCursor, cursor)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	next := resp.Header.Get(HeaderCursorNext)
	var out []map[string]any
	if err := c.UnmarshalResponse(resp, &out); err != nil {
		t.Fatal(err)
	}
	return out, next
}

func TestPolicyPaging(t *testing.T) {
	s := New(t, Options{})
	c := s.Client()
	for i := range 7 {
		if err := c.Post("/v2/iam/policy", newPolicy(fmt.Sprintf("p%d", i), []string{"urn:v1:eu:identity:account:xx11111-ovh"}, []string{projectURN}, "*"), nil); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	cursor, pages := "", 0
	for {
		page, next := listPage(t, c, "/v2/iam/policy", cursor, 3)
		pages++
		for _, p := range page {
			names = append(names, p["name"].(string))
		}
		if next == "" {
			break
		}
		cursor = next
	}
	if pages != 3 || !slices.Equal(names, []string{"p0", "p1", "p2", "p3", "p4", "p5", "p6"}) {
		t.Fatalf("%d pages: %v", pages, names)
	}
	var all []map[string]any
	if err := c.Get("/v2/iam/policy", &all); err != nil || len(all) != 7 {
		t.Fatalf("unpaged: %d, %v", len(all), err)
	}
	// A bad cursor is refused.
	err := do(t, c, "GET", "/v2/iam/policy", nil, func(r *http.Request) { r.Header.Set(HeaderCursor, "garbage!") })
	wantAPIError(t, err, 400, "Client::BadRequest")

	acts, _ := listPage(t, c, "/v2/iam/reference/action?resourceType=publicCloudProject", "", 100)
	if len(acts) != len(roleRights) {
		t.Fatalf("catalog: %d actions", len(acts))
	}
}

func TestFailNext(t *testing.T) {
	s := New(t, Options{})
	c := s.Client()
	s.FailNext("POST", "/v2/iam/policy", 429, "Client::TooManyRequests", "slow down")
	e := wantAPIError(t, c.Post("/v2/iam/policy", newPolicy("p", []string{"urn:v1:eu:identity:account:xx11111-ovh"}, []string{projectURN}, "*"), nil), 429, "Client::TooManyRequests")
	if e.Message != "slow down" {
		t.Fatalf("message %q", e.Message)
	}
	// The failure had no effect, and only the next call fails.
	if err := c.Post("/v2/iam/policy", newPolicy("p", []string{"urn:v1:eu:identity:account:xx11111-ovh"}, []string{projectURN}, "*"), nil); err != nil {
		t.Fatal(err)
	}
	if n := s.Calls("POST", "/v2/iam/policy"); n != 2 {
		t.Fatalf("calls = %d", n)
	}
}

// fatalRecorder also keeps a Fatalf, which ends the calling goroutine as
// testing's does.
type fatalRecorder struct {
	*tbtest.Recorder
	fatal chan string
}

func (r *fatalRecorder) Fatalf(format string, args ...any) {
	r.fatal <- fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// TestSetGroupRole: the default groups' roles, which the API cannot
// change, change through SetGroupRole and are served (against the spec)
// as changed; a role outside auth.RoleEnum or an unknown group fails the
// test.
func TestSetGroupRole(t *testing.T) {
	rec := &fatalRecorder{Recorder: &tbtest.Recorder{TB: t}, fatal: make(chan string, 1)}
	s := New(rec, Options{})
	c := s.Client()
	role := func(name string) string {
		t.Helper()
		var g struct {
			Role         string `json:"role"`
			DefaultGroup bool   `json:"defaultGroup"`
		}
		if err := c.Get("/me/identity/group/"+name, &g); err != nil {
			t.Fatal(err)
		}
		return g.Role
	}
	for name, want := range map[string]string{"ADMIN": "ADMIN", "DEFAULT": "NONE", "REGULAR": "REGULAR", "UNPRIVILEGED": "UNPRIVILEGED"} {
		if got := role(name); got != want {
			t.Errorf("role of %s: %q, want %q", name, got, want)
		}
	}
	s.SetGroupRole("DEFAULT", "REGULAR")
	if got := role("DEFAULT"); got != "REGULAR" {
		t.Errorf("role of DEFAULT after SetGroupRole: %q, want REGULAR", got)
	}
	wantAPIError(t, c.Put("/me/identity/group/DEFAULT", map[string]any{"role": "NONE"}, nil), 403, "Client::Forbidden")
	if err := c.Post("/me/identity/group", map[string]any{"name": "ops", "role": "NONE"}, nil); err != nil {
		t.Fatal(err)
	}
	s.SetGroupRole("ops", "ADMIN")
	if got := role("ops"); got != "ADMIN" {
		t.Errorf("role of ops after SetGroupRole: %q, want ADMIN", got)
	}
	for _, tc := range []struct{ name, role, want string }{
		{"DEFAULT", "OWNER", "not one of auth.RoleEnum"},
		{"nope", "NONE", "no such group"},
	} {
		done := make(chan struct{})
		go func() { defer close(done); s.SetGroupRole(tc.name, tc.role) }()
		<-done
		select {
		case msg := <-rec.fatal:
			if !strings.Contains(msg, tc.want) {
				t.Errorf("SetGroupRole(%q, %q) failed the test with %q, want %q", tc.name, tc.role, msg, tc.want)
			}
		default:
			t.Errorf("SetGroupRole(%q, %q) did not fail the test", tc.name, tc.role)
		}
	}
	if got := role("DEFAULT"); got != "REGULAR" {
		t.Errorf("role of DEFAULT after refused changes: %q, want REGULAR", got)
	}
	if got := rec.Take(); len(got) != 0 {
		t.Errorf("the fake reported %q", got)
	}
}
