package aws_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/iamkit/iamkit/aws"
	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/moto"
	"github.com/iamkit/iamkit/policy"
)

// The environment of a crashing child process.
const (
	envCrashEndpoint = "IAMKIT_CRASH_ENDPOINT"
	envCrashAt       = "IAMKIT_CRASH_AT"    // the n-th change the child dies at
	envCrashAfter    = "IAMKIT_CRASH_AFTER" // "1": after moto applied it
	envCrashDir      = "IAMKIT_CRASH_DIR"   // journal and delivered-key files
	envCrashName     = "IAMKIT_CRASH_NAME"  // user and group name
)

// changes are the IAM actions by which Provision changes the account.
var changes = []string{"CreateGroup", "CreatePolicy", "AttachGroupPolicy", "CreateUser", "AddUserToGroup", "CreateAccessKey"}

// killer is an HTTP client that kills its own process (SIGKILL: no defer,
// no rollback) at the n-th change, before sending it or after its answer.
type killer struct {
	h     *http.Client
	n     int
	after bool
	count *int
}

func (k killer) Do(r *http.Request) (*http.Response, error) {
	action := ""
	if r.Body != nil {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		if v, err := url.ParseQuery(string(body)); err == nil {
			action = v.Get("Action")
		}
	}
	hit := false
	for _, c := range changes {
		if action == c {
			*k.count++
			hit = *k.count == k.n
		}
	}
	if hit && !k.after {
		die()
	}
	resp, err := k.h.Do(r)
	if hit && k.after {
		die()
	}
	return resp, err
}

func die() { _ = syscall.Kill(os.Getpid(), syscall.SIGKILL); select {} }

// TestCrashChild is the crashing process of TestRecoverAfterKill; it does
// nothing when run on its own.
func TestCrashChild(t *testing.T) {
	endpoint := os.Getenv(envCrashEndpoint)
	if endpoint == "" {
		t.Skip("run by TestRecoverAfterKill")
	}
	n, _ := strconv.Atoi(os.Getenv(envCrashAt))
	after := os.Getenv(envCrashAfter) == "1"
	dir, name := os.Getenv(envCrashDir), os.Getenv(envCrashName)
	count := 0
	cfg := awssdk.Config{
		Region:       moto.Region,
		Credentials:  credentials.NewStaticCredentialsProvider(moto.AdminKeyID, moto.AdminSecret, ""),
		BaseEndpoint: awssdk.String(endpoint),
		HTTPClient:   killer{h: http.DefaultClient, n: n, after: after, count: &count},
	}
	p, err := aws.New(context.Background(), aws.Options{Config: &cfg, Endpoint: endpoint, AccountID: moto.AccountID, Retry: fastRetry})
	if err != nil {
		t.Fatal(err)
	}
	j, err := iam.NewFileJournal(filepath.Join(dir, "journal"))
	if err != nil {
		t.Fatal(err)
	}
	sink := iam.SinkFunc(func(ctx context.Context, d iam.Delivery) error {
		count++
		if count == n && !after {
			die()
		}
		if err := os.WriteFile(filepath.Join(dir, "delivered"), []byte(d.Key.ID), 0o600); err != nil {
			return err
		}
		if count == n && after {
			die()
		}
		return nil
	})
	_, err = iam.Provision(context.Background(), p, iam.ServiceAccount{
		User: name, Group: name, Policy: policy.ReadOnly(policy.Compute), Journal: j, Sink: sink,
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A process killed (SIGKILL) at any point of Provision against a real IAM
// API leaves a journal from which Recover, in another process, makes the
// account clean or complete: nothing the run created is left unused, and
// no undelivered key survives.
func TestRecoverAfterKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process per crash point")
	}
	srv := moto.Start(t, moto.Options{})
	ctx := context.Background()
	admin := motoProvider(t, srv, nil, aws.Options{AccountID: moto.AccountID, CheckDependents: true})
	for n := 1; n <= len(changes)+1; n++ { // the last crash point is the delivery
		for _, after := range []bool{false, true} {
			name := fmt.Sprintf("crash-%d-%v", n, after)
			dir := t.TempDir()
			cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.v")
			cmd.Env = append(os.Environ(), envCrashEndpoint+"="+srv.Endpoint, envCrashAt+"="+strconv.Itoa(n),
				envCrashAfter+"="+map[bool]string{true: "1"}[after], envCrashDir+"="+dir, envCrashName+"="+name)
			out, err := cmd.CombinedOutput()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("%s: child did not die by SIGKILL: %v\n%s", name, err, out)
			}
			j, err := iam.NewFileJournal(filepath.Join(dir, "journal"))
			if err != nil {
				t.Fatal(err)
			}
			recs, err := iam.Recover(ctx, admin, j, iam.WithSink(fileSink(filepath.Join(dir, "delivered"))))
			if err != nil || len(recs) != 1 {
				t.Fatalf("%s: Recover: %+v %v", name, recs, err)
			}
			delivered, _ := os.ReadFile(filepath.Join(dir, "delivered"))
			_, userErr := admin.GetUser(ctx, name)
			_, groupErr := admin.GetGroup(ctx, name)
			_, polErr := admin.GetPolicy(ctx, name)
			if recs[0].Completed {
				keys, err := iam.Collect(admin.ListAccessKeys(ctx, name))
				if err != nil || len(keys) != 1 || keys[0].ID != string(delivered) {
					t.Fatalf("%s: completed, but keys %v (delivered %q): %v", name, keys, delivered, err)
				}
				if err := iam.Deprovision(ctx, admin, name); err != nil {
					t.Fatal(err)
				}
				continue
			}
			for what, err := range map[string]error{"user": userErr, "group": groupErr, "policy": polErr} {
				if !errors.Is(err, iam.ErrNotFound) {
					t.Errorf("%s: after Recover the %s is still there (%v); recovered %+v", name, what, err, recs[0])
				}
			}
			if len(delivered) > 0 {
				t.Errorf("%s: a key was delivered (%s) but the run was undone", name, strings.TrimSpace(string(delivered)))
			}
		}
	}
}

// fileSink verifies a delivery the way a credentials file sink does: the
// file names the key.
type fileSink string

func (f fileSink) Deliver(ctx context.Context, d iam.Delivery) error {
	return os.WriteFile(string(f), []byte(d.Key.ID), 0o600)
}

func (f fileSink) Delivered(ctx context.Context, d iam.Delivery) (bool, error) {
	b, err := os.ReadFile(string(f))
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	return string(b) == d.Key.ID, err
}

// failer answers the n-th change with an IAM LimitExceeded error, without
// sending it: an ordinary failure, which Provision must roll back at once.
type failer struct {
	h     *http.Client
	n     int
	count *int
}

func (f failer) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		v, _ := url.ParseQuery(string(body))
		for _, c := range changes {
			if v.Get("Action") == c {
				*f.count++
				if *f.count == f.n {
					const xml = `<ErrorResponse><Error><Type>Sender</Type><Code>LimitExceeded</Code><Message>injected</Message></Error><RequestId>1</RequestId></ErrorResponse>`
					return &http.Response{StatusCode: 409, Status: "409 Conflict", Header: http.Header{"Content-Type": {"text/xml"}},
						Body: io.NopCloser(strings.NewReader(xml)), Request: r, ContentLength: int64(len(xml))}, nil
				}
			}
		}
	}
	return f.h.Do(r)
}

// A cloud error at any change of Provision, against a real IAM API, is
// rolled back at once: nothing of the account is left.
func TestProvisionRollsBackOnMoto(t *testing.T) {
	srv := moto.Start(t, moto.Options{})
	ctx := context.Background()
	admin := motoProvider(t, srv, nil, aws.Options{AccountID: moto.AccountID, CheckDependents: true})
	for n := 1; n <= len(changes); n++ {
		name := fmt.Sprintf("fail-%d", n)
		count := 0
		cfg := srv.Config(moto.AdminKeyID, moto.AdminSecret, nil)
		cfg.HTTPClient = failer{h: http.DefaultClient, n: n, count: &count}
		p, err := aws.New(ctx, aws.Options{Config: &cfg, Endpoint: srv.Endpoint, AccountID: moto.AccountID, Retry: fastRetry, CheckDependents: true})
		if err != nil {
			t.Fatal(err)
		}
		_, err = iam.Provision(ctx, p, iam.ServiceAccount{User: name, Group: name, Policy: policy.ReadOnly(policy.Compute)})
		if iam.KindOf(err) != iam.ErrLimit {
			t.Fatalf("change %d: err = %v, want the injected LimitExceeded", n, err)
		}
		for what, get := range map[string]func() error{
			"user":   func() error { _, err := admin.GetUser(ctx, name); return err },
			"group":  func() error { _, err := admin.GetGroup(ctx, name); return err },
			"policy": func() error { _, err := admin.GetPolicy(ctx, name); return err },
		} {
			if err := get(); !errors.Is(err, iam.ErrNotFound) {
				t.Errorf("change %d (%s) failed but the %s is left: %v", n, changes[n-1], what, err)
			}
		}
	}
}
