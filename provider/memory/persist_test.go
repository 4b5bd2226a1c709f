package memory_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
	"github.com/iamkit/iamkit/provider/memory"
)

// snapshot is everything a provider lists, to compare two providers.
type snapshot struct {
	Users    []*iam.User
	Groups   []*iam.Group
	Policies []*iam.Policy
	Members  map[string][]*iam.User
	InGroups map[string][]*iam.Group
	Attached map[string][]*iam.Policy
	Keys     map[string][]*iam.AccessKey
	Versions map[string][]memory.PolicyVersion
}

func takeSnapshot(t *testing.T, p *memory.Provider) snapshot {
	t.Helper()
	ctx := context.Background()
	var s snapshot
	var err error
	s.Users, err = iam.Collect(p.ListUsers(ctx))
	must(t, err)
	s.Groups, err = iam.Collect(p.ListGroups(ctx))
	must(t, err)
	s.Policies, err = iam.Collect(p.ListPolicies(ctx))
	must(t, err)
	s.Members, s.InGroups = map[string][]*iam.User{}, map[string][]*iam.Group{}
	s.Attached, s.Keys = map[string][]*iam.Policy{}, map[string][]*iam.AccessKey{}
	s.Versions = map[string][]memory.PolicyVersion{}
	for _, g := range s.Groups {
		s.Members[g.Name], err = iam.Collect(p.ListGroupMembers(ctx, g.Name))
		must(t, err)
		s.Attached["group/"+g.Name], err = iam.Collect(p.ListAttachedPolicies(ctx, iam.GroupPrincipal(g.Name)))
		must(t, err)
	}
	for _, u := range s.Users {
		s.InGroups[u.Name], err = iam.Collect(p.ListGroupsForUser(ctx, u.Name))
		must(t, err)
		s.Attached["user/"+u.Name], err = iam.Collect(p.ListAttachedPolicies(ctx, iam.UserPrincipal(u.Name)))
		must(t, err)
		s.Keys[u.Name], err = iam.Collect(p.ListAccessKeys(ctx, u.Name))
		must(t, err)
	}
	for _, pol := range s.Policies {
		s.Versions[pol.Name], err = p.PolicyVersions(ctx, pol.Name)
		must(t, err)
	}
	return s
}

// A provider's state survives a round trip through its state file: the
// same listings, every policy version, and keys that still authorize with
// their secrets.
func TestStateFileRoundTrip(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.json")
	f := newFixture(t, memory.WithStateFile(path))
	p := f.p
	_, err := p.CreateUser(ctx, "carol", &iam.UserOptions{Path: "/team/", Tags: map[string]string{"owner": "ops <&>"}})
	must(t, err)
	must(t, p.AddUserToGroup(ctx, "empty", "carol"))
	for _, a := range []policy.Action{"compute:Write", "objectstorage:Read", "network:List", "compute:Tag", "image:Read"} {
		f.clock.Add(time.Minute)
		_, err := p.UpdatePolicy(ctx, "free", policy.Build(policy.Allowing(a).Named("x")), policy.TranslateOptions{})
		must(t, err)
	}
	must(t, p.AttachPolicy(ctx, "free", iam.UserPrincipal("carol")))
	expiring, err := p.CreateAccessKey(ctx, "carol", &iam.KeyOptions{ExpiresAt: f.clock.Now().Add(time.Hour)})
	must(t, err)
	inactive, err := p.CreateAccessKey(ctx, "carol", nil)
	must(t, err)
	must(t, p.SetAccessKeyStatus(ctx, "carol", inactive.ID, iam.KeyInactive))

	want := takeSnapshot(t, p)
	q, err := memory.Open(path, memory.WithClock(f.clock.Now))
	must(t, err)
	if got := takeSnapshot(t, q); !reflect.DeepEqual(got, want) {
		t.Errorf("after Open:\n got %+v\nwant %+v", got, want)
	}
	if vs := want.Versions["free"]; len(vs) != 5 || vs[0].ID != "v2" || !vs[4].Default || vs[4].ID != "v6" {
		t.Errorf("versions of free: %+v", vs)
	}

	must(t, q.Authorize(ctx, f.key.ID, f.key.Secret.Reveal(), "compute:Read", "*"))
	wantErr(t, q.Authorize(ctx, f.key.ID, f.key.Secret.Reveal(), "compute:Write", "*"), "Authorize", iam.ErrDenied)
	must(t, q.Authorize(ctx, expiring.ID, expiring.Secret.Reveal(), "image:Read", "*"))
	wantErr(t, q.Authorize(ctx, expiring.ID, "wrong", "image:Read", "*"), "Authorize", iam.ErrDenied)
	wantErr(t, q.Authorize(ctx, inactive.ID, inactive.Secret.Reveal(), "image:Read", "*"), "Authorize", iam.ErrDenied)
	f.clock.Add(2 * time.Hour)
	wantErr(t, q.Authorize(ctx, expiring.ID, expiring.Secret.Reveal(), "image:Read", "*"), "Authorize", iam.ErrDenied)

	// Save writes what the file holds.
	var buf bytes.Buffer
	must(t, q.Save(&buf))
	file, err := os.ReadFile(path)
	must(t, err)
	if !bytes.Equal(buf.Bytes(), file) {
		t.Errorf("Save after Open differs from the file:\n%s\n---\n%s", buf.Bytes(), file)
	}

	// The reloaded provider goes on: its changes are saved, keys keep
	// their creation order.
	must(t, q.DeleteAccessKey(ctx, "carol", expiring.ID))
	newer, err := q.CreateAccessKey(ctx, "carol", nil)
	must(t, err)
	r, err := memory.Open(path)
	must(t, err)
	keys, err := iam.Collect(r.ListAccessKeys(ctx, "carol"))
	must(t, err)
	if len(keys) != 2 || keys[0].ID != inactive.ID || keys[1].ID != newer.ID {
		t.Errorf("keys after a second reload: %+v", keys)
	}
}

// The state file is 0600, versioned, and never holds a secret.
func TestStateFileModeAndNoSecret(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	f := newFixture(t, memory.WithStateFile(path))
	secret := f.key.Secret.Reveal()
	more, err := f.p.CreateAccessKey(context.Background(), "bob", nil)
	must(t, err)
	fi, err := os.Stat(path)
	must(t, err)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	data, err := os.ReadFile(path)
	must(t, err)
	if !bytes.HasPrefix(data, []byte("{\n  \"version\": 1,")) {
		t.Errorf("file does not start with its version:\n%.80s", data)
	}
	for _, s := range []string{secret, more.Secret.Reveal()} {
		if bytes.Contains(data, []byte(s)) {
			t.Fatal("the state file holds a secret")
		}
	}
	if !bytes.Contains(data, []byte(f.key.ID)) {
		t.Error("the state file does not hold the key ID")
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	must(t, err)
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

// A file that is not a state file is ErrInvalid; a missing one is an empty
// provider.
func TestOpenMalformed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	f := newFixture(t, memory.WithStateFile(path))
	good, err := os.ReadFile(path)
	must(t, err)
	cases := map[string]string{
		"not JSON":        "not json",
		"empty":           "",
		"version 2":       strings.Replace(string(good), `"version": 1`, `"version": 2`, 1),
		"unknown field":   strings.Replace(string(good), `"version": 1`, `"version": 1, "extra": 0`, 1),
		"trailing data":   string(good) + "{}",
		"dangling group":  strings.Replace(string(good), `"ops"`, `"nope"`, 1),
		"bad key ID":      strings.Replace(string(good), f.key.ID, "AKIA0000", 1),
		"bad hash":        strings.Replace(string(good), `"secret_sha256": "`, `"secret_sha256": "zz`, 1),
		"bad document":    strings.Replace(string(good), `"Statement"`, `"Statements"`, 1),
		"missing default": strings.Replace(string(good), `"default": "v1"`, `"default": "v9"`, 1),
	}
	for name, data := range cases {
		if data == string(good) {
			t.Fatalf("%s: the case changes nothing", name)
		}
		bad := filepath.Join(t.TempDir(), "state.json")
		must(t, os.WriteFile(bad, []byte(data), 0o600))
		_, err := memory.Open(bad)
		if !errors.Is(err, iam.ErrInvalid) {
			t.Errorf("%s: Open = %v, want ErrInvalid", name, err)
		}
	}
	p, err := memory.Open(filepath.Join(t.TempDir(), "absent.json"))
	must(t, err)
	if users, err := iam.Collect(p.ListUsers(context.Background())); err != nil || len(users) != 0 {
		t.Errorf("a missing file gives users %v, %v", users, err)
	}
}

// A change whose state cannot be written is undone and reported.
func TestStateFileWriteFailureUndoes(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "state.json")
	must(t, os.Mkdir(filepath.Dir(path), 0o700))
	p, err := memory.Open(path)
	must(t, err)
	_, err = p.CreateUser(ctx, "kept", nil)
	must(t, err)
	must(t, os.RemoveAll(filepath.Dir(path)))
	if _, err := p.CreateUser(ctx, "lost", nil); err == nil {
		t.Fatal("CreateUser succeeded without a state file to write")
	}
	if _, err := p.CreateAccessKey(ctx, "kept", nil); err == nil {
		t.Fatal("CreateAccessKey succeeded without a state file to write")
	}
	users, err := iam.Collect(p.ListUsers(ctx))
	must(t, err)
	if len(users) != 1 || users[0].Name != "kept" {
		t.Errorf("users after failed writes: %v", users)
	}
	keys, err := iam.Collect(p.ListAccessKeys(ctx, "kept"))
	if err != nil || len(keys) != 0 {
		t.Errorf("keys after a failed write: %v, %v", keys, err)
	}
}
