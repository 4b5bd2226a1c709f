package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/iamkit/iamkit/provider"
)

func TestApplyExample(t *testing.T) {
	ctx := context.Background()
	keys := t.TempDir()
	var out bytes.Buffer
	c := config{file: "accounts.yaml", url: "memory://", keys: keys, concurrency: 4}
	if err := run(ctx, &out, c); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{
		"  + group/monitoring\n      + attach policy/monitoring\n",
		"  + policy/backup\n",
		"  + user/image_builder\n      + attach policy/image_builder\n      + create access key\n",
		"Plan: 9 to add, 0 to change, 0 to destroy.",
		"(secret [REDACTED])",
		"Apply complete! 9 changed, 0 failed, 0 skipped; 19 requests",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	for _, u := range []string{"watcher_1", "watcher_2", "backup_bot", "image_builder"} {
		fi, err := os.Stat(filepath.Join(keys, u+".env"))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("key file of %s: %v %v", u, err, fi)
		}
	}
}

func TestDryRunAndJSON(t *testing.T) {
	var out bytes.Buffer
	c := config{file: "accounts.yaml", url: "memory://", dryRun: true, asJSON: true, concurrency: 4}
	if err := run(context.Background(), &out, c); err != nil {
		t.Fatal(err)
	}
	var plan struct {
		Summary struct{ Add int }
	}
	if err := json.Unmarshal(out.Bytes(), &plan); err != nil || plan.Summary.Add != 9 {
		t.Errorf("JSON plan: %v\n%s", err, out.String())
	}
	if strings.Contains(out.String(), "Apply complete") {
		t.Error("dry run applied")
	}
}

func TestBadFile(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("accounts:\n  - user: a\n  - user: a\n    policy_name: x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), &bytes.Buffer{}, config{file: bad, url: "memory://"}); err == nil {
		t.Error("bad file accepted")
	}
}

// TestEveryCloud: the command opens every cloud iamkit has an adapter for.
func TestEveryCloud(t *testing.T) {
	got := provider.Schemes()
	for _, want := range []string{"aws", "memory", "openstack", "outscale", "ovh"} {
		if !slices.Contains(got, want) {
			t.Errorf("scheme %s:// is not registered in the command (it has %v): import its adapter", want, got)
		}
	}
}

// TestReviewedPlan: a plan saved with -out applies with -plan while
// nothing changed, and is refused once the desired state differs.
func TestReviewedPlan(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	saved := filepath.Join(dir, "plan.json")
	var out bytes.Buffer
	if err := run(ctx, &out, config{file: "accounts.yaml", url: "memory://", dryRun: true, out: saved, concurrency: 4}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "Apply complete") {
		t.Fatal("-dry-run -out applied")
	}
	out.Reset()
	if err := run(ctx, &out, config{file: "accounts.yaml", url: "memory://", reviewed: saved, concurrency: 4}); err != nil {
		t.Fatalf("-plan of an unchanged state: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "Apply complete! 9 changed") {
		t.Errorf("-plan did not apply:\n%s", out.String())
	}

	// Another account in the file: not what was reviewed.
	b, err := os.ReadFile("accounts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	changed := filepath.Join(dir, "accounts.yaml")
	if err := os.WriteFile(changed, bytes.Replace(b, []byte("watcher_2"), []byte("watcher_3"), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(filepath.Join(dir, "policies"), os.DirFS("policies")); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	err = run(ctx, &out, config{file: changed, url: "memory://", reviewed: saved, concurrency: 4})
	if err == nil || !strings.Contains(out.String(), "user/watcher_3") || strings.Contains(out.String(), "Apply complete") {
		t.Errorf("-plan of a changed state: %v\n%s", err, out.String())
	}

	// Not a plan.
	if err := run(ctx, &out, config{file: "accounts.yaml", url: "memory://", reviewed: "accounts.yaml", concurrency: 4}); err == nil {
		t.Error("-plan of a file that is not a plan: no error")
	}
}

// TestKeysRequired: on a cloud, applying without -keys is refused before
// the provider is opened, since the new keys' secrets would be lost.
func TestKeysRequired(t *testing.T) {
	for _, u := range []string{"aws://?region=eu-west-3", "outscale://eu-west-2", "ovh://ovh-eu", "openstack://?cloud=no-such-cloud"} {
		for _, c := range []config{
			{file: "accounts.yaml", url: u, concurrency: 4},
			{file: "accounts.yaml", url: u, out: filepath.Join(t.TempDir(), "plan.json"), concurrency: 4},
		} {
			var out bytes.Buffer
			err := run(context.Background(), &out, c)
			if err == nil || !strings.Contains(err.Error(), "without -keys") || !strings.Contains(err.Error(), "-dry-run") {
				t.Errorf("%s, -out %q, no -keys: %v, want the -keys refusal", u, c.out, err)
			}
			if out.Len() != 0 {
				t.Errorf("%s: printed a plan before refusing:\n%s", u, out.String())
			}
		}
	}
}
