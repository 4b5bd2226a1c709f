package keystone_test

import (
	"crypto/rand"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/projects"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/roles"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/users"

	"github.com/iamkit/iamkit/internal/keystone"
)

func TestMain(m *testing.M) { os.Exit(keystone.Main(m)) }

// identity authenticates as the server's admin and returns an identity v3
// client.
func identity(t *testing.T, srv *keystone.Server) *gophercloud.ServiceClient {
	t.Helper()
	provider, err := openstack.AuthenticatedClient(t.Context(), srv.AuthOptions())
	if err != nil {
		t.Fatalf("authenticate as admin at %s: %v", srv.AuthURL, err)
	}
	client, err := openstack.NewIdentityV3(provider, gophercloud.EndpointOpts{Region: srv.Region})
	if err != nil {
		t.Fatalf("identity v3 client: %v", err)
	}
	return client
}

// TestAdminListsProjectsAndRoles: the bootstrap admin authenticates, sees
// the admin project and the roles bootstrap creates.
func TestAdminListsProjectsAndRoles(t *testing.T) {
	srv := keystone.Start(t)
	client := identity(t, srv)

	pages, err := projects.List(client, nil).AllPages(t.Context())
	if err != nil {
		t.Fatalf("list projects: %v", err)
	}
	ps, err := projects.ExtractProjects(pages)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range ps {
		names = append(names, p.Name)
	}
	if !slices.Contains(names, srv.ProjectName) {
		t.Errorf("projects %v, want %q among them", names, srv.ProjectName)
	}

	pages, err = roles.List(client, nil).AllPages(t.Context())
	if err != nil {
		t.Fatalf("list roles: %v", err)
	}
	rs, err := roles.ExtractRoles(pages)
	if err != nil {
		t.Fatal(err)
	}
	names = names[:0]
	for _, r := range rs {
		names = append(names, r.Name)
	}
	for _, want := range []string{"admin", "member", "reader"} {
		if !slices.Contains(names, want) {
			t.Errorf("roles %v, want %q among them", names, want)
		}
	}
}

// TestCreateDeleteUser: the admin creates a user, who can then
// authenticate, and deletes it; a second Start returns the same server.
func TestCreateDeleteUser(t *testing.T) {
	srv := keystone.Start(t)
	if again := keystone.Start(t); again.AuthURL != srv.AuthURL {
		t.Errorf("second Start: %s, want the shared %s", again.AuthURL, srv.AuthURL)
	}
	client := identity(t, srv)

	name := "iamkit-test-" + rand.Text()[:8]
	password := rand.Text()
	u, err := users.Create(t.Context(), client, users.CreateOpts{
		Name:     name,
		DomainID: "default",
		Password: password,
	}).Extract()
	if err != nil {
		t.Fatalf("create user: %v", err)
	}
	deleted := false
	t.Cleanup(func() {
		if !deleted {
			_ = users.Delete(t.Context(), client, u.ID).ExtractErr()
		}
	})
	if u.Name != name || u.ID == "" {
		t.Fatalf("created %+v, want name %q and an ID", u, name)
	}

	// The new user authenticates (unscoped: it has no role anywhere).
	if _, err := openstack.AuthenticatedClient(t.Context(), gophercloud.AuthOptions{
		IdentityEndpoint: srv.AuthURL,
		UserID:           u.ID,
		Password:         password,
	}); err != nil {
		t.Errorf("authenticate as the new user: %v", err)
	}

	if err := users.Delete(t.Context(), client, u.ID).ExtractErr(); err != nil {
		t.Fatalf("delete user: %v", err)
	}
	deleted = true
	_, err = users.Get(t.Context(), client, u.ID).Extract()
	if !gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
		t.Errorf("get deleted user: %v, want 404", err)
	}
}

// TestLoad reads an env file in the script's format, with the liberties
// Load allows, without a server.
func TestLoad(t *testing.T) {
	p := filepath.Join(t.TempDir(), "env")
	data := "# a comment\nexport OS_AUTH_URL=http://127.0.0.1:5000/v3/\nOS_USERNAME='admin'\nOS_PASSWORD=\"secret\"\n\nKEYSTONE_UWSGI_PID=42\n"
	if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := keystone.Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if s.AuthURL != "http://127.0.0.1:5000/v3" || s.Username != "admin" || s.Password != "secret" ||
		s.ProjectName != "admin" || s.UserDomainName != "Default" || s.ProjectDomainName != "Default" ||
		s.Env["KEYSTONE_UWSGI_PID"] != "42" {
		t.Errorf("loaded %+v", s)
	}
	if err := os.WriteFile(p, []byte("OS_USERNAME=admin\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := keystone.Load(p); err == nil {
		t.Error("env without OS_AUTH_URL and OS_PASSWORD: no error")
	}
	if _, err := keystone.Load(filepath.Join(t.TempDir(), "none")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v, want ErrNotExist", err)
	}
}

// TestReaperEndsLongTransactions holds a transaction open on the server's
// database, as a stuck Keystone worker would, and checks that the script's
// reaper ends it and that Status reports it.
func TestReaperEndsLongTransactions(t *testing.T) {
	t.Parallel() // mostly waiting for the reaper
	srv := keystone.Start(t)
	dir := srv.Env["KEYSTONE_DIR"]
	if dir == "" {
		t.Skip("the server's state directory is unknown")
	}
	out, err := exec.CommandContext(t.Context(), "bash", "../../.ci/keystone.sh", "sql", dir,
		"begin; select count(*) from project; select pg_sleep(120); commit;").CombinedOutput()
	if err == nil {
		t.Fatalf("a transaction of 120 s was not ended: %s", out)
	}
	if s := srv.Status(); !strings.Contains(s, "pg_sleep(120)") {
		t.Errorf("Status does not report the ended transaction:\n%s", s)
	}
}
