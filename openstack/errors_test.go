package openstack_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	gos "github.com/gophercloud/gophercloud/v2/openstack"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/openstack"
)

// allKinds are iamkit's error kinds; an error satisfies errors.Is with
// exactly one.
var allKinds = []error{
	iam.ErrNotFound, iam.ErrAlreadyExists, iam.ErrConflict, iam.ErrInvalid,
	iam.ErrDenied, iam.ErrLimit, iam.ErrThrottled, iam.ErrUnsupported,
}

// checkOneKind fails t unless err has kind want and no other.
func checkOneKind(t *testing.T, err, want error) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want kind %v", want)
	}
	var kinds []error
	for _, k := range allKinds {
		if errors.Is(err, k) {
			kinds = append(kinds, k)
		}
	}
	if len(kinds) != 1 || kinds[0] != want || iam.KindOf(err) != want {
		t.Errorf("error %v has kinds %v, want exactly %v", err, kinds, want)
	}
}

// fakeKeystone plays Keystone's token, role, user and group calls; every
// other answer of the users and groups calls is the status and body the
// test sets.
type fakeKeystone struct {
	srv *httptest.Server

	mu     sync.Mutex
	status int    // the answer of the failing call
	title  string // its error title
	msg    string // its error message
	// failList makes the listings (GET /v3/users, /v3/groups) fail; else
	// they answer an empty list and the creations fail.
	failList bool
	// failAuth makes POST /v3/auth/tokens fail.
	failAuth bool
}

const fakeProject = "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f"

func newFakeKeystone(t *testing.T) *fakeKeystone {
	t.Helper()
	f := &fakeKeystone{}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeKeystone) set(status int, title, msg string, failList bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.status, f.title, f.msg, f.failList = status, title, msg, failList
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakeKeystone) fail(w http.ResponseWriter) {
	writeJSON(w, f.status, map[string]any{"error": map[string]any{"code": f.status, "title": f.title, "message": f.msg}})
}

func (f *fakeKeystone) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch p := r.URL.Path; {
	case r.Method == http.MethodPost && p == "/v3/auth/tokens":
		if f.failAuth {
			f.fail(w)
			return
		}
		w.Header().Set("X-Subject-Token", "fake-token")
		writeJSON(w, http.StatusCreated, map[string]any{"token": map[string]any{
			"methods":    []string{"password"},
			"expires_at": "2099-01-01T00:00:00.000000Z",
			"user":       map[string]any{"id": "u1", "name": "admin", "domain": map[string]any{"id": "default", "name": "Default"}},
			"project":    map[string]any{"id": fakeProject, "name": "admin", "domain": map[string]any{"id": "default", "name": "Default"}},
			"catalog": []any{map[string]any{"type": "identity", "name": "keystone", "id": "c1", "endpoints": []any{
				map[string]any{"id": "e1", "interface": "public", "region": "RegionOne", "region_id": "RegionOne", "url": f.srv.URL + "/v3"},
			}}},
		}})
	case r.Method == http.MethodGet && p == "/v3/roles":
		writeJSON(w, http.StatusOK, map[string]any{"roles": []any{
			map[string]any{"id": "r1", "name": "reader"}, map[string]any{"id": "r2", "name": "member"}, map[string]any{"id": "r3", "name": "admin"},
		}, "links": map[string]any{}})
	case r.Method == http.MethodGet && (p == "/v3/users" || p == "/v3/groups"):
		if f.failList {
			f.fail(w)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{strings.TrimPrefix(p, "/v3/"): []any{}, "links": map[string]any{}})
	case r.Method == http.MethodPost && (p == "/v3/users" || p == "/v3/groups"):
		f.fail(w)
	default:
		writeJSON(w, http.StatusNotImplemented, map[string]any{"error": map[string]any{"code": 501, "title": "Not Implemented", "message": r.Method + " " + p}})
	}
}

// provider returns a Provider on the fake, through a gophercloud client
// authenticated there.
func (f *fakeKeystone) provider(t *testing.T) *openstack.Provider {
	t.Helper()
	pc, err := gos.AuthenticatedClient(t.Context(), gophercloudOptions(f.srv.URL+"/v3"))
	if err != nil {
		t.Fatalf("authenticate at the fake Keystone: %v", err)
	}
	p, err := openstack.New(t.Context(), openstack.Options{Client: pc})
	if err != nil {
		t.Fatalf("openstack.New on the fake Keystone: %v", err)
	}
	return p
}

// gophercloudOptions are the fake's admin credentials (it checks none).
func gophercloudOptions(authURL string) gophercloud.AuthOptions {
	return gophercloud.AuthOptions{IdentityEndpoint: authURL, Username: "admin", Password: "fake-password",
		DomainName: "Default", Scope: &gophercloud.AuthScope{ProjectID: fakeProject}}
}

// Every HTTP status of Keystone maps to its one kind, with Keystone's
// answer reachable as a *KeystoneError.
func TestErrorKinds(t *testing.T) {
	f := newFakeKeystone(t)
	p := f.provider(t)
	tests := []struct {
		status int
		want   error
	}{
		{http.StatusBadRequest, iam.ErrInvalid},
		{http.StatusUnauthorized, iam.ErrDenied},
		{http.StatusForbidden, iam.ErrDenied},
		{http.StatusNotFound, iam.ErrNotFound},
		{http.StatusConflict, iam.ErrConflict},
		{http.StatusRequestEntityTooLarge, iam.ErrLimit},
		{http.StatusUnprocessableEntity, iam.ErrInvalid},
		{http.StatusTooManyRequests, iam.ErrThrottled},
		{http.StatusInternalServerError, iam.ErrThrottled},
		{http.StatusServiceUnavailable, iam.ErrThrottled},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			msg := fmt.Sprintf("Keystone says %d.", tt.status)
			f.set(tt.status, http.StatusText(tt.status), msg, true)
			_, err := p.GetUser(t.Context(), "watcher_1")
			checkOneKind(t, err, tt.want)
			var ke *openstack.KeystoneError
			if !errors.As(err, &ke) {
				t.Fatalf("no *KeystoneError in %v", err)
			}
			if ke.Status != tt.status || ke.Message != msg {
				t.Errorf("KeystoneError = status %d, message %q; want %d, %q", ke.Status, ke.Message, tt.status, msg)
			}
			var ie *iam.Error
			if !errors.As(err, &ie) || ie.Provider != "openstack" || ie.Op != "GetUser" {
				t.Errorf("error %v is not the *iam.Error of openstack's GetUser", err)
			}
		})
	}
}

// A 409 on a create is ErrAlreadyExists, and Keystone's message shows.
func TestErrorConflictOnCreate(t *testing.T) {
	f := newFakeKeystone(t)
	p := f.provider(t)
	const msg = "Conflict occurred attempting to store user - Duplicate entry found with name watcher_1 at domain ID default."
	f.set(http.StatusConflict, "Conflict", msg, false)
	tests := []struct {
		name   string
		create func() error
	}{
		{"CreateUser", func() error { _, err := p.CreateUser(t.Context(), "watcher_1", nil); return err }},
		{"CreateGroup", func() error { _, err := p.CreateGroup(t.Context(), "monitoring"); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.create()
			checkOneKind(t, err, iam.ErrAlreadyExists)
			var ke *openstack.KeystoneError
			if !errors.As(err, &ke) {
				t.Fatalf("no *KeystoneError in %v", err)
			}
			if ke.Status != http.StatusConflict || ke.Title != "Conflict" {
				t.Errorf("KeystoneError = %d %q, want 409 Conflict", ke.Status, ke.Title)
			}
			if !strings.Contains(ke.Error(), msg) || !strings.Contains(err.Error(), msg) {
				t.Errorf("the error does not show Keystone's message: %v", err)
			}
		})
	}
}

// Authentication reads the same table, except that what is neither a
// refusal nor retryable (a 404 included) means a wrong URL, name or
// setting: ErrInvalid.
func TestErrorKindsAuthenticate(t *testing.T) {
	f := newFakeKeystone(t)
	f.failAuth = true
	tests := []struct {
		status int
		want   error
	}{
		{http.StatusBadRequest, iam.ErrInvalid},
		{http.StatusUnauthorized, iam.ErrDenied},
		{http.StatusForbidden, iam.ErrDenied},
		{http.StatusNotFound, iam.ErrInvalid},
		{http.StatusConflict, iam.ErrInvalid},
		{http.StatusRequestEntityTooLarge, iam.ErrInvalid},
		{http.StatusUnprocessableEntity, iam.ErrInvalid},
		{http.StatusTooManyRequests, iam.ErrThrottled},
		{http.StatusInternalServerError, iam.ErrThrottled},
		{http.StatusServiceUnavailable, iam.ErrThrottled},
	}
	const secret = "pw-S3CRET-errors-test"
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			f.set(tt.status, http.StatusText(tt.status), "The request you have made requires authentication.", false)
			a := openstack.Auth{AuthURL: f.srv.URL + "/v3", Username: "admin", UserDomainName: "Default",
				Password: iam.NewSecret(secret), ProjectID: fakeProject}
			_, err := a.Authenticate(t.Context())
			checkOneKind(t, err, tt.want)
			if strings.Contains(err.Error(), secret) {
				t.Error("the error shows the password")
			}
		})
	}
}
