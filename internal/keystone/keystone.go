// Package keystone gives tests a real OpenStack Keystone (identity v3) on
// loopback, the peer the OpenStack provider is tested against.
//
//	func TestMain(m *testing.M) { os.Exit(keystone.Main(m)) }
//
//	func TestSomething(t *testing.T) {
//		srv := keystone.Start(t)
//		provider, err := openstack.AuthenticatedClient(ctx, srv.AuthOptions())
//		...
//	}
//
// Where the server comes from, in order:
//
//   - IAMKIT_KEYSTONE_ENV names an env file written by ".ci/keystone.sh start"
//     (or any file of KEY=VALUE lines with the same OS_* keys): that Keystone
//     is used as is, and never stopped by the tests.
//   - Otherwise, when Keystone is installed (".ci/keystone.sh check"), the
//     script starts a private PostgreSQL and Keystone on free loopback ports
//     with their state in a new temp dir. Under Main, one server serves the
//     whole test binary and is stopped when m.Run returns; without Main,
//     each Start gets its own server, stopped by t.Cleanup. Every instance
//     has its own ports and directory, so test binaries of several packages
//     running at once do not share or fight over anything. The script also
//     stops the servers if the test binary dies without cleaning up.
//   - Otherwise the test is skipped with InstallHint, except under CI=true,
//     where it fails: CI must not pass by skipping.
//
// The server's admin is Keystone's bootstrap admin: user "admin", password
// "secret", project "admin", all in domain "Default"; bootstrap also creates
// the roles admin, member and reader, and region RegionOne.
package keystone

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
)

// EnvVar names the variable pointing at the env file of a Keystone already
// running.
const EnvVar = "IAMKIT_KEYSTONE_ENV"

// InstallHint says how to get Keystone.
const InstallHint = "Keystone is not installed: install with .ci/keystone.sh install " +
	"(as root; Debian's keystone, postgresql, python3-psycopg2), " +
	"or point " + EnvVar + " at the env file of a running one"

// script is the start/stop script, relative to the module root.
const script = ".ci/keystone.sh"

// startTimeout bounds one run of the script (the first bootstrap of a
// server takes about 20s).
const startTimeout = 5 * time.Minute

// Server is a running Keystone.
type Server struct {
	// AuthURL is the identity v3 endpoint, "http://127.0.0.1:PORT/v3".
	AuthURL string
	// The admin's credentials and scope.
	Username          string
	Password          string
	ProjectName       string
	UserDomainName    string
	ProjectDomainName string
	// Region is the region of the catalog's identity endpoints.
	Region string
	// Env holds every entry of the server's env file (the OS_* variables
	// and the script's KEYSTONE_* ones).
	Env map[string]string

	dir    string // state directory, when this package started the server
	script string
}

// AuthOptions returns the admin's password authentication, scoped to the
// admin project.
func (s *Server) AuthOptions() gophercloud.AuthOptions {
	return gophercloud.AuthOptions{
		IdentityEndpoint: s.AuthURL,
		Username:         s.Username,
		Password:         s.Password,
		DomainName:       s.UserDomainName,
		Scope: &gophercloud.AuthScope{
			ProjectName: s.ProjectName,
			DomainName:  s.ProjectDomainName,
		},
	}
}

// Environ returns the server's OS_* variables as "KEY=VALUE" strings, the
// way the OpenStack CLI reads its admin credentials.
func (s *Server) Environ() []string {
	var out []string
	for k, v := range s.Env {
		if strings.HasPrefix(k, "OS_") {
			out = append(out, k+"="+v)
		}
	}
	return out
}

var (
	mu        sync.Mutex
	managed   bool    // Main is running the tests
	shared    *Server // the binary's server under Main
	sharedErr error   // why it could not start
	external  *Server // from EnvVar
)

// Main runs the tests of m, then stops the server Start shared among them,
// if any. Use it from TestMain so that a test binary starts one Keystone:
//
//	func TestMain(m *testing.M) { os.Exit(keystone.Main(m)) }
func Main(m *testing.M) int {
	mu.Lock()
	managed = true
	mu.Unlock()
	code := m.Run()
	mu.Lock()
	s := shared
	shared, managed = nil, false
	mu.Unlock()
	if code != 0 {
		// What Keystone's database was doing, for failures that come from
		// the peer (a stuck transaction, a request that never returned).
		for _, srv := range []*Server{s, external} {
			if srv != nil {
				fmt.Fprintf(os.Stderr, "keystone at %s after the failed run:\n%s\n", srv.AuthURL, srv.Status())
			}
		}
	}
	if s != nil {
		if err := s.stop(); err != nil {
			fmt.Fprintln(os.Stderr, "keystone:", err)
		}
	}
	return code
}

// Start returns a Keystone for t, as the package doc says: the one
// IAMKIT_KEYSTONE_ENV names, the test binary's shared one under Main, or one
// of t's own. It skips t when Keystone is not installed, or fails it under
// CI=true.
func Start(t testing.TB) *Server {
	t.Helper()
	if path := os.Getenv(EnvVar); path != "" {
		mu.Lock()
		defer mu.Unlock()
		if external == nil {
			s, err := Load(path)
			if err != nil {
				t.Fatalf("keystone: %s=%s: %v", EnvVar, path, err)
			}
			external = s
		}
		return external
	}
	sh, err := findScript()
	if err != nil {
		t.Fatalf("keystone: %v", err)
	}
	if exec.Command("bash", sh, "check").Run() != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(InstallHint + " (CI=true: the Keystone tests must run)")
		}
		t.Skip(InstallHint)
	}
	mu.Lock()
	defer mu.Unlock()
	if !managed {
		s, err := launch(sh)
		if err != nil {
			t.Fatalf("keystone: %v", err)
		}
		t.Cleanup(func() {
			if err := s.stop(); err != nil {
				t.Errorf("keystone: %v", err)
			}
		})
		return s
	}
	if shared == nil && sharedErr == nil {
		shared, sharedErr = launch(sh)
	}
	if sharedErr != nil {
		t.Fatalf("keystone: %v", sharedErr)
	}
	return shared
}

// Load reads an env file of KEY=VALUE lines (as ".ci/keystone.sh start"
// writes; "export " prefixes, quotes, blank lines and # comments are
// accepted) and returns the server it describes. OS_AUTH_URL, OS_USERNAME
// and OS_PASSWORD are required; the domains default to "Default" and the
// project to "admin".
func Load(path string) (*Server, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	env, err := parseEnv(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return fromEnv(env)
}

func parseEnv(data []byte) (map[string]string, error) {
	env := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		k, v, ok := strings.Cut(line, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, fmt.Errorf("line %d: not KEY=VALUE", n)
		}
		v = strings.TrimSpace(v)
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			v = v[1 : len(v)-1]
		}
		env[strings.TrimSpace(k)] = v
	}
	return env, sc.Err()
}

func fromEnv(env map[string]string) (*Server, error) {
	get := func(k, def string) string {
		if v := env[k]; v != "" {
			return v
		}
		return def
	}
	s := &Server{
		AuthURL:           strings.TrimRight(env["OS_AUTH_URL"], "/"),
		Username:          env["OS_USERNAME"],
		Password:          env["OS_PASSWORD"],
		ProjectName:       get("OS_PROJECT_NAME", "admin"),
		UserDomainName:    get("OS_USER_DOMAIN_NAME", "Default"),
		ProjectDomainName: get("OS_PROJECT_DOMAIN_NAME", "Default"),
		Region:            get("OS_REGION_NAME", "RegionOne"),
		Env:               env,
	}
	var missing []string
	for k, v := range map[string]string{"OS_AUTH_URL": s.AuthURL, "OS_USERNAME": s.Username, "OS_PASSWORD": s.Password} {
		if v == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("missing %s", strings.Join(missing, ", "))
	}
	return s, nil
}

// findScript looks for .ci/keystone.sh in the working directory (a test
// runs in its package's directory) and its parents.
func findScript() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, script)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New(script + " not found above the working directory")
		}
		dir = parent
	}
}

// launch starts a server in a new temp dir, retrying once in another dir
// (and so on other ports) should the first attempt fail, e.g. a port taken
// between the script's probe and the server's bind.
func launch(sh string) (*Server, error) {
	var errs []error
	for range 2 {
		s, err := launchOnce(sh)
		if err == nil {
			return s, nil
		}
		errs = append(errs, err)
	}
	return nil, errors.Join(errs...)
}

func launchOnce(sh string) (*Server, error) {
	dir, err := os.MkdirTemp("", "iamkit-keystone-")
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", sh, "start", dir)
	// The script's watcher stops the server once this process is gone, so a
	// test binary killed by a timeout leaves nothing running.
	cmd.Env = append(os.Environ(), "KEYSTONE_WATCH_PID="+strconv.Itoa(os.Getpid()))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if _, err := cmd.Output(); err != nil {
		s := &Server{dir: dir, script: sh}
		_ = s.stop()
		return nil, fmt.Errorf("%s start: %v: %s", script, err, strings.TrimSpace(stderr.String()))
	}
	s, err := Load(filepath.Join(dir, "env"))
	if err != nil {
		_ = (&Server{dir: dir, script: sh}).stop()
		return nil, err
	}
	s.dir, s.script = dir, sh
	return s, nil
}

// Status describes the server's open database transactions, and those the
// script's reaper ended (see .ci/keystone.sh). It is empty when the
// server's state directory is unknown.
func (s *Server) Status() string {
	dir := s.dir
	if dir == "" {
		dir = s.Env["KEYSTONE_DIR"]
	}
	sh := s.script
	if sh == "" {
		sh, _ = findScript()
	}
	if dir == "" || sh == "" {
		return ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "bash", sh, "status", dir).CombinedOutput()
	if err != nil {
		return fmt.Sprintf("%s status %s: %v: %s", script, dir, err, strings.TrimSpace(string(out)))
	}
	return strings.TrimSpace(string(out))
}

// stop stops a server this package started and removes its directory.
func (s *Server) stop() error {
	if s.dir == "" {
		return nil
	}
	out, err := exec.Command("bash", s.script, "stop", s.dir).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s stop %s: %v: %s", script, s.dir, err, strings.TrimSpace(string(out)))
	}
	return os.RemoveAll(s.dir)
}
