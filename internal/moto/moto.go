// Package moto starts a moto server (https://github.com/getmoto/moto), the
// AWS API emulator, on a free loopback port for the duration of a test, and
// builds AWS SDK configurations pointed at it.
//
//	srv := moto.Start(t, moto.Options{})
//	cfg := srv.Config(moto.AdminKeyID, moto.AdminSecret, nil)
//	client := iam.NewFromConfig(cfg)
//
// moto_server is looked up on PATH, then run as "python3 -m moto.server".
// When neither works the test is skipped with the install hint, except
// under CI=true, where it fails: CI must not pass by skipping.
//
// With Options.EnforceAfter, moto checks IAM policies for every request
// after the first N (INITIAL_NO_AUTH_ACTION_COUNT): requests signed with a
// key moto did not issue are then refused, and keys it issued may do what
// their user's policies allow (moto checks actions, not resources or
// conditions). Server.Enforce turns enforcement on at any point instead.
package moto

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// The admin credentials and region tests use before enforcement starts.
// moto accepts any key until then.
const (
	AdminKeyID  = "testing"
	AdminSecret = "testing"
	Region      = "us-east-1"
	// AccountID is moto's default account.
	AccountID = "123456789012"
)

// InstallHint says how to get moto.
const InstallHint = "moto_server not found; pip install 'moto[server]'"

// Options configure Start.
type Options struct {
	// EnforceAfter, when positive, makes moto enforce IAM policies on every
	// request after the first EnforceAfter (moto's
	// INITIAL_NO_AUTH_ACTION_COUNT). Zero never enforces (unless Enforce
	// is called).
	EnforceAfter int
}

// Server is a running moto server.
type Server struct {
	// Endpoint is the server's base URL, "http://127.0.0.1:PORT".
	Endpoint string

	cmd   *exec.Cmd
	calls atomic.Int64
}

// Start starts a moto server for t and stops it (its whole process group)
// when t ends. It skips t when moto is not installed, or fails it under
// CI=true.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	argv, ok := command()
	if !ok {
		if os.Getenv("CI") == "true" {
			t.Fatal(InstallHint + " (CI=true: the AWS tests must run)")
		}
		t.Skip(InstallHint)
	}
	var lastErr error
	for range 3 { // a port taken between probe and bind: try another
		s, err := start(argv, opts)
		if err == nil {
			t.Cleanup(s.stop)
			return s
		}
		lastErr = err
	}
	t.Fatalf("moto: %v", lastErr)
	return nil
}

// command returns how to run moto's server, if it is installed.
func command() ([]string, bool) {
	if p, err := exec.LookPath("moto_server"); err == nil {
		return []string{p}, true
	}
	for _, py := range []string{"python3", "python"} {
		p, err := exec.LookPath(py)
		if err != nil {
			continue
		}
		if exec.Command(p, "-c", "import moto.server").Run() == nil {
			return []string{p, "-m", "moto.server"}, true
		}
	}
	return nil, false
}

// freePort asks the kernel for a free loopback port.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func start(argv []string, opts Options) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	args := append(argv[1:len(argv):len(argv)], "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd := exec.Command(argv[0], args...)
	cmd.Env = os.Environ()
	if opts.EnforceAfter > 0 {
		cmd.Env = append(cmd.Env, "INITIAL_NO_AUTH_ACTION_COUNT="+strconv.Itoa(opts.EnforceAfter))
	}
	logs := &limitedWriter{n: 8 << 10}
	cmd.Stdout = io.Discard
	cmd.Stderr = logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &Server{Endpoint: "http://127.0.0.1:" + strconv.Itoa(port), cmd: cmd}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if s.ready() {
			// The process is reaped by the goroutine above; stop kills it.
			return s, nil
		}
		select {
		case err := <-exited:
			return nil, fmt.Errorf("moto_server exited: %v: %s", err, logs.String())
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, errors.New("moto_server did not answer within 30s: " + logs.String())
		}
	}
}

// ready reports whether the server answers.
func (s *Server) ready() bool {
	c := http.Client{Timeout: time.Second}
	resp, err := c.Get(s.Endpoint + "/moto-api/")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return true
}

// stop kills the server's process group.
func (s *Server) stop() {
	if s.cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
}

// Enforce makes moto enforce IAM policies from the next request on, as
// INITIAL_NO_AUTH_ACTION_COUNT=0 would (through moto's reset-auth API).
// After it, only keys moto issued are accepted.
func (s *Server) Enforce(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.Endpoint+"/moto-api/reset-auth", strings.NewReader("0"))
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("moto reset-auth: %s", resp.Status)
	}
	return nil
}

// Calls returns how many requests the clients of this server's
// configurations have sent.
func (s *Server) Calls() int { return int(s.calls.Load()) }

// Counter counts the HTTP requests sent through a configuration.
type Counter struct{ n atomic.Int64 }

// Count returns the number of requests so far.
func (c *Counter) Count() int { return int(c.n.Load()) }

// Config returns an AWS configuration for the server: region us-east-1,
// the given static credentials, the server as base endpoint, and an HTTP
// client that counts every request in Calls and, when not nil, in c.
func (s *Server) Config(keyID, secret string, c *Counter) awssdk.Config {
	return awssdk.Config{
		Region:       Region,
		Credentials:  credentials.NewStaticCredentialsProvider(keyID, secret, ""),
		BaseEndpoint: awssdk.String(s.Endpoint),
		HTTPClient:   &countingClient{s: s, c: c, h: &http.Client{Timeout: 30 * time.Second}},
	}
}

// countingClient counts requests on their way to moto.
type countingClient struct {
	s *Server
	c *Counter
	h *http.Client
}

func (cc *countingClient) Do(r *http.Request) (*http.Response, error) {
	cc.s.calls.Add(1)
	if cc.c != nil {
		cc.c.n.Add(1)
	}
	return cc.h.Do(r)
}

// limitedWriter keeps the first n bytes written to it.
type limitedWriter struct {
	mu sync.Mutex
	b  strings.Builder
	n  int
}

func (l *limitedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if rest := l.n - l.b.Len(); rest > 0 {
		l.b.Write(b[:min(len(b), rest)])
	}
	return len(b), nil
}

func (l *limitedWriter) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
