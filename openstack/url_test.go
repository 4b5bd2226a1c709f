package openstack_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/projects"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/keystone"
	"github.com/iamkit/iamkit/openstack"
	"github.com/iamkit/iamkit/provider"
)

// isolate gives t an environment where LoadAuth finds only what the test
// sets: no OS_* variable, empty current, home and XDG directories.
func isolate(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "OS_") {
			t.Setenv(k, "")
		}
	}
	t.Chdir(t.TempDir())
	t.Setenv("HOME", t.TempDir())
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
}

// writeClouds writes a clouds.yaml with the cloud entries given (YAML
// text, indented under "clouds:") and points OS_CLIENT_CONFIG_FILE at it.
func writeClouds(t *testing.T, entries string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "clouds.yaml")
	if err := os.WriteFile(path, []byte("clouds:\n"+entries), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("OS_CLIENT_CONFIG_FILE", path)
}

// cloudEntry is the clouds.yaml entry of srv's admin.
func cloudEntry(name string, srv *keystone.Server) string {
	return "  " + name + ":\n" +
		"    region_name: " + srv.Region + "\n" +
		"    auth:\n" +
		"      auth_url: " + srv.AuthURL + "\n" +
		"      username: " + srv.Username + "\n" +
		"      password: " + srv.Password + "\n" +
		"      project_name: " + srv.ProjectName + "\n" +
		"      user_domain_name: " + srv.UserDomainName + "\n" +
		"      project_domain_name: " + srv.ProjectDomainName + "\n"
}

// setAdminEnv sets the OS_* variables of srv's admin.
func setAdminEnv(t *testing.T, srv *keystone.Server) {
	t.Helper()
	for k, v := range map[string]string{
		"OS_AUTH_URL": srv.AuthURL, "OS_USERNAME": srv.Username, "OS_PASSWORD": srv.Password,
		"OS_PROJECT_NAME": srv.ProjectName, "OS_USER_DOMAIN_NAME": srv.UserDomainName,
		"OS_PROJECT_DOMAIN_NAME": srv.ProjectDomainName, "OS_REGION_NAME": srv.Region,
	} {
		t.Setenv(k, v)
	}
}

// projectIDs returns the ID of srv's admin project, asked of Keystone
// directly, and that of a new project of the Default domain, deleted when
// t ends.
func projectIDs(t *testing.T, srv *keystone.Server) (admin, other, otherName string) {
	t.Helper()
	pc, _ := adminClient(t, srv)
	p, err := openstack.New(t.Context(), openstack.Options{Client: pc, Region: srv.Region})
	if err != nil {
		t.Fatal(err)
	}
	idc := p.ServiceClient()
	pages, err := projects.List(idc, projects.ListOpts{Name: srv.ProjectName}).AllPages(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	ps, err := projects.ExtractProjects(pages)
	if err != nil || len(ps) != 1 {
		t.Fatalf("project %q: %d found, %v", srv.ProjectName, len(ps), err)
	}
	otherName = "iamkit-url-" + randomName()
	enabled := true
	np, err := projects.Create(t.Context(), idc, projects.CreateOpts{Name: otherName, DomainID: "default", Enabled: &enabled}).Extract()
	if err != nil {
		t.Fatalf("create project %s: %v", otherName, err)
	}
	t.Cleanup(func() {
		ctx := context.WithoutCancel(t.Context())
		disabled := false
		_, _ = projects.Update(ctx, idc, np.ID, projects.UpdateOpts{Enabled: &disabled}).Extract()
		if err := projects.Delete(ctx, idc, np.ID).ExtractErr(); err != nil {
			t.Errorf("delete project %s: %v", otherName, err)
		}
	})
	return ps[0].ID, np.ID, otherName
}

// provider.Open opens a working provider from clouds.yaml or the OS_*
// variables, on the project the URL or the credentials name.
func TestOpenURL(t *testing.T) {
	srv := keystone.Start(t)
	projectID, otherID, otherName := projectIDs(t, srv)
	tests := []struct {
		name        string
		setup       func(t *testing.T)
		url         string
		wantProject string // default: the admin project
	}{
		{"clouds.yaml", func(t *testing.T) { writeClouds(t, cloudEntry("iamkit-test", srv)) }, "openstack://?cloud=iamkit-test", ""},
		{"clouds.yaml with a slash", func(t *testing.T) { writeClouds(t, cloudEntry("iamkit-test", srv)) }, "openstack:///?cloud=iamkit-test", ""},
		{"OS_CLOUD", func(t *testing.T) {
			writeClouds(t, cloudEntry("other", srv)+cloudEntry("iamkit-test", srv))
			t.Setenv("OS_CLOUD", "iamkit-test")
		}, "openstack://", ""},
		{"OS_* variables", func(t *testing.T) { setAdminEnv(t, srv) }, "openstack://", ""},
		{"project by name", func(t *testing.T) { writeClouds(t, cloudEntry("iamkit-test", srv)) },
			"openstack://?cloud=iamkit-test&project=" + srv.ProjectName, ""},
		{"another project by name", func(t *testing.T) { writeClouds(t, cloudEntry("iamkit-test", srv)) },
			"openstack://?cloud=iamkit-test&project=" + otherName, otherID},
		{"another project by ID", func(t *testing.T) { setAdminEnv(t, srv) }, "openstack://?project=" + otherID, otherID},
		{"region and domain", func(t *testing.T) { setAdminEnv(t, srv) }, "openstack://?region=" + srv.Region + "&domain=default", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			isolate(t)
			tt.setup(t)
			p, err := provider.Open(t.Context(), tt.url)
			if err != nil {
				t.Fatalf("Open(%q): %v", tt.url, err)
			}
			if p.Name() != "openstack" {
				t.Errorf("Name() = %q", p.Name())
			}
			op, ok := p.(*openstack.Provider)
			if !ok {
				t.Fatalf("Open(%q) gave a %T", tt.url, p)
			}
			want := tt.wantProject
			if want == "" {
				want = projectID
			}
			if op.Project() != want {
				t.Errorf("Project() = %q, want project ID %q", op.Project(), want)
			}
			if op.Domain() != "default" {
				t.Errorf("Domain() = %q, want default", op.Domain())
			}
			for _, err := range p.ListUsers(t.Context()) {
				if err != nil {
					t.Fatalf("ListUsers: %v", err)
				}
			}
		})
	}
}

// Bad URLs and missing settings are ErrInvalid, found before any request.
func TestOpenURLInvalid(t *testing.T) {
	var requests atomic.Int64
	ks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		http.Error(w, "no request was expected", http.StatusTeapot)
	}))
	t.Cleanup(ks.Close)
	const password = "pw-S3CRET-url-test"
	entry := "  elsewhere:\n    auth:\n      auth_url: " + ks.URL + "/v3\n      username: admin\n      password: " + password +
		"\n      project_id: p\n      user_domain_name: Default\n"
	withEnv := func(t *testing.T) {
		t.Setenv("OS_AUTH_URL", ks.URL+"/v3")
		t.Setenv("OS_USERNAME", "admin")
		t.Setenv("OS_PASSWORD", password)
		t.Setenv("OS_PROJECT_ID", "p")
		t.Setenv("OS_USER_DOMAIN_NAME", "Default")
	}
	withClouds := func(t *testing.T) { writeClouds(t, entry) }
	tests := []struct {
		name  string
		setup func(t *testing.T)
		url   string
		msg   string // in the error, when not empty
	}{
		{"host", withEnv, "openstack://host", ""},
		{"host and cloud", withClouds, "openstack://elsewhere?cloud=elsewhere", ""},
		{"path", withEnv, "openstack:///v3", ""},
		{"unknown setting", withEnv, "openstack://?bogus=1", ""},
		{"credentials in the query", withEnv, "openstack://?password=" + password, ""},
		{"credentials in the user info", withEnv, "openstack://admin:" + password + "@/", ""},
		{"missing cloud", withClouds, "openstack://?cloud=no-such-cloud", ""},
		{"no clouds.yaml", func(*testing.T) {}, "openstack://?cloud=elsewhere", ""},
		{"OS_CLOUD names a missing cloud", func(t *testing.T) { withClouds(t); t.Setenv("OS_CLOUD", "no-such-cloud") }, "openstack://", ""},
		{"no OS_* variables", func(*testing.T) {}, "openstack://", ""},
		{"incomplete OS_* variables", func(t *testing.T) { withEnv(t); t.Setenv("OS_USER_DOMAIN_NAME", "") }, "openstack://", ""},
		{"unknown auth type", func(t *testing.T) { withEnv(t); t.Setenv("OS_AUTH_TYPE", "v3samlpassword") }, "openstack://", ""},
		{"unknown key kind", withEnv, "openstack://?keys=password", `keys="password": want application_credential or ec2`},
		{"key kind by its Go name", withEnv, "openstack://?keys=EC2Credentials", "want application_credential or ec2"},
		{"allow_wide_keys not a boolean", withEnv, "openstack://?allow_wide_keys=yes", "want true or false"},
		{"empty role name", withEnv, "openstack://?reader=", "reader is empty"},
		{"empty cloud", withClouds, "openstack://?cloud=", "cloud is empty"},
		{"repeated setting", withEnv, "openstack://?member=a&member=b", "member is repeated"},
		{"malformed query", withEnv, "openstack://?reader=%zz", "malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			isolate(t)
			tt.setup(t)
			before := requests.Load()
			p, err := provider.Open(t.Context(), tt.url)
			if err == nil {
				t.Fatalf("Open(%q) = %v, want an error", tt.url, p)
			}
			checkOneKind(t, err, iam.ErrInvalid)
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("Open(%q): %v, want it to say %q", tt.url, err, tt.msg)
			}
			if n := requests.Load() - before; n != 0 {
				t.Errorf("Open(%q) sent %d requests before failing", tt.url, n)
			}
			if strings.Contains(err.Error(), password) {
				t.Error("the error shows the password")
			}
		})
	}
}

// ParseURL reads each query setting into Options, without a request.
func TestParseURL(t *testing.T) {
	tests := []struct {
		url  string
		want openstack.Options // Auth aside
	}{
		{"openstack://", openstack.Options{}},
		{"openstack:///?project=p1&domain=d1&region=GRA", openstack.Options{Project: "p1", Domain: "d1", Region: "GRA"}},
		{"openstack://?reader=objectstore_operator&member=compute_operator&admin=administrator",
			openstack.Options{Roles: openstack.Roles{Reader: "objectstore_operator", Member: "compute_operator", Admin: "administrator"}}},
		{"openstack://?member=_member_", openstack.Options{Roles: openstack.Roles{Member: "_member_"}}},
		{"openstack://?keys=ec2", openstack.Options{Keys: openstack.EC2Credentials}},
		{"openstack://?keys=application_credential", openstack.Options{Keys: openstack.ApplicationCredentials}},
		{"openstack://?keys=ec2&allow_wide_keys=true", openstack.Options{Keys: openstack.EC2Credentials, AllowWideKeys: true}},
		{"openstack://?allow_wide_keys=false", openstack.Options{}},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			isolate(t)
			t.Setenv("OS_AUTH_URL", "http://keystone.invalid/v3")
			t.Setenv("OS_USERNAME", "admin")
			t.Setenv("OS_PASSWORD", "pw")
			t.Setenv("OS_PROJECT_ID", "p")
			t.Setenv("OS_USER_DOMAIN_NAME", "Default")
			u, err := url.Parse(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			got, err := openstack.ParseURL(u)
			if err != nil {
				t.Fatalf("ParseURL: %v", err)
			}
			if got.Auth.AuthURL != "http://keystone.invalid/v3" {
				t.Errorf("Auth.AuthURL = %q: the OS_* variables were not read", got.Auth.AuthURL)
			}
			got.Auth = openstack.Auth{}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseURL = %+v, want %+v", got, tt.want)
			}
		})
	}
}
