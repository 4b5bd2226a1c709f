package memory

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
)

// The state file
//
// A provider with a state file (Open, WithStateFile) writes its whole
// identity state there after every successful change, before the call
// returns, atomically: a temporary file in the same directory, fsync'd,
// renamed over the old one, mode 0600. A process killed after a call
// returned finds the change in the file; one killed before finds none of
// it.
//
// The file is one JSON object:
//
//	{
//	  "version": 1,
//	  "key_seq": 3,
//	  "users": [{"name": "u", "path": "/iamkit/", "tags": {…}, "created": "…",
//	             "groups": ["g"], "policies": ["p"]}],
//	  "groups": [{"name": "g", "path": "/iamkit/", "created": "…", "policies": ["p"]}],
//	  "policies": [{"name": "p", "description": "…", "created": "…", "next": 2,
//	                "default": "v2", "versions": [{"id": "v1", "created": "…", "document": {…}}]}],
//	  "keys": [{"id": "MKIA…", "user": "u", "status": "Active", "created": "…",
//	            "expires": "…", "secret_sha256": "…", "seq": 3}]
//	}
//
// Memberships are the users' "groups", attachments the users' and groups'
// "policies". Documents are the canonical portable JSON the provider
// stores. A key holds the SHA-256 of its secret, in hex: the secret itself
// is never written. Lists are sorted, so that equal states make equal
// files. Fault injection, latency and call counts are not part of the
// state.

// formatVersion is the version of the state file format.
const formatVersion = 1

type stateFile struct {
	Version  int           `json:"version"`
	KeySeq   int64         `json:"key_seq"`
	Users    []stateUser   `json:"users"`
	Groups   []stateGroup  `json:"groups"`
	Policies []statePolicy `json:"policies"`
	Keys     []stateKey    `json:"keys"`
}

type stateUser struct {
	Name     string            `json:"name"`
	Path     string            `json:"path"`
	Tags     map[string]string `json:"tags"`
	Created  time.Time         `json:"created"`
	Groups   []string          `json:"groups,omitempty"`
	Policies []string          `json:"policies,omitempty"`
}

type stateGroup struct {
	Name     string    `json:"name"`
	Path     string    `json:"path"`
	Created  time.Time `json:"created"`
	Policies []string  `json:"policies,omitempty"`
}

type statePolicy struct {
	Name        string     `json:"name"`
	Description string     `json:"description,omitempty"`
	Created     time.Time  `json:"created"`
	Next        int        `json:"next"`
	Default     string     `json:"default"`
	Versions    []stateVer `json:"versions"`
}

type stateVer struct {
	ID       string          `json:"id"`
	Created  time.Time       `json:"created"`
	Document json.RawMessage `json:"document"`
}

type stateKey struct {
	ID      string        `json:"id"`
	User    string        `json:"user"`
	Status  iam.KeyStatus `json:"status"`
	Created time.Time     `json:"created"`
	Expires time.Time     `json:"expires,omitzero"`
	Hash    string        `json:"secret_sha256"`
	Seq     int64         `json:"seq"`
}

// WithStateFile makes the provider write its state to path after every
// successful change (see Open for the format and the guarantees). New does
// not read the file: a provider made by New starts empty and replaces the
// file at its first change. Use Open to start from what the file holds.
func WithStateFile(path string) Option { return func(c *config) { c.stateFile = path } }

// Open returns a Provider configured by opts that loads its state from the
// file at path, if it exists, and writes its whole state back there after
// every successful change, before the call returns: atomically (temporary
// file in the same directory, fsync, rename), mode 0600. A process killed
// after a call returned thus finds the change when it opens the file
// again, and one killed before finds none of it. A change whose state
// cannot be written is undone and returns an error that wraps the cause.
//
// The file is versioned JSON ({"version":1,…}) holding users, groups,
// memberships, policies with all their versions, attachments and access
// keys, with the SHA-256 of each secret but never the secret: Authorize
// keeps accepting a key's secret after a reload. A malformed file is
// ErrInvalid; a file that cannot be read is an error wrapping the cause.
func Open(path string, opts ...Option) (*Provider, error) {
	p := New(append(slices.Clone(opts), WithStateFile(path))...)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return p, nil
	}
	if err != nil {
		return nil, iam.NewError(name, "Open", path, nil, "cannot read the state file", err)
	}
	if len(data) == 0 {
		return nil, iam.NewError(name, "Open", path, iam.ErrInvalid, "state file is empty", nil)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.restore(data); err != nil {
		return nil, iam.NewError(name, "Open", path, iam.ErrInvalid, "malformed state file", err)
	}
	p.saved = data
	return p, nil
}

// Save writes the provider's state to w in the format of the state file
// (see Open). It holds no secret.
func (p *Provider) Save(w io.Writer) error {
	p.mu.RLock()
	data, err := p.encode()
	p.mu.RUnlock()
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// commit writes the state file after a change made by op on resource, if
// the provider has one. When the file cannot be written, the state goes
// back to what the file last held and the error says so. p.mu must be
// held for writing.
func (p *Provider) commit(op, resource string) error {
	if p.stateFile == "" {
		return nil
	}
	data, err := p.encode()
	if err == nil {
		err = writeAtomic(p.stateFile, data)
	}
	if err != nil {
		if rerr := p.restore(p.saved); rerr != nil {
			err = errors.Join(err, rerr)
		}
		return iam.NewError(name, op, resource, nil, "cannot write the state file; the change was undone", err)
	}
	p.saved = data
	return nil
}

// encode returns the state as the JSON of the state file. p.mu must be
// held.
func (p *Provider) encode() ([]byte, error) {
	s := stateFile{Version: formatVersion, KeySeq: p.keySeq,
		Users: []stateUser{}, Groups: []stateGroup{}, Policies: []statePolicy{}, Keys: []stateKey{}}
	for _, n := range slices.Sorted(maps.Keys(p.users)) {
		u := p.users[n]
		s.Users = append(s.Users, stateUser{Name: u.name, Path: u.path, Tags: u.tags, Created: u.created,
			Groups: sortedKeys(u.groups, nil), Policies: sortedKeys(u.policies, nil)})
	}
	for _, n := range slices.Sorted(maps.Keys(p.groups)) {
		g := p.groups[n]
		s.Groups = append(s.Groups, stateGroup{Name: g.name, Path: g.path, Created: g.created, Policies: sortedKeys(g.policies, nil)})
	}
	for _, n := range slices.Sorted(maps.Keys(p.policies)) {
		m := p.policies[n]
		sp := statePolicy{Name: m.name, Description: m.description, Created: m.created, Next: m.next, Default: m.def.id}
		for _, v := range m.versions {
			sp.Versions = append(sp.Versions, stateVer{ID: v.id, Created: v.created, Document: v.native})
		}
		s.Policies = append(s.Policies, sp)
	}
	for _, id := range slices.Sorted(maps.Keys(p.keys)) {
		k := p.keys[id]
		s.Keys = append(s.Keys, stateKey{ID: k.id, User: k.user, Status: k.status, Created: k.created,
			Expires: k.expires, Hash: hex.EncodeToString(k.hash[:]), Seq: k.seq})
	}
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// restore replaces the state with the one data holds, or with an empty
// state if data is empty. On error the state is unchanged. p.mu must be
// held for writing.
func (p *Provider) restore(data []byte) error {
	users := map[string]*user{}
	groups := map[string]*group{}
	policies := map[string]*managedPolicy{}
	keys := map[string]*accessKey{}
	var seq int64
	if len(data) > 0 {
		var s stateFile
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&s); err != nil {
			return err
		}
		if dec.More() {
			return errors.New("data after the state")
		}
		if s.Version != formatVersion {
			return fmt.Errorf("version %d, want %d", s.Version, formatVersion)
		}
		if err := decodeState(&s, users, groups, policies, keys); err != nil {
			return err
		}
		seq = s.KeySeq
		for _, k := range keys {
			if k.seq > seq {
				return fmt.Errorf("key %s: seq %d is above key_seq %d", k.id, k.seq, seq)
			}
		}
	}
	p.users, p.groups, p.policies, p.keys, p.keySeq = users, groups, policies, keys, seq
	return nil
}

// decodeState fills the maps from s, checking that every reference
// resolves.
func decodeState(s *stateFile, users map[string]*user, groups map[string]*group, policies map[string]*managedPolicy, keys map[string]*accessKey) error {
	for _, sp := range s.Policies {
		if sp.Name == "" || policies[sp.Name] != nil {
			return fmt.Errorf("policy %q: empty or duplicate name", sp.Name)
		}
		m := &managedPolicy{name: sp.Name, description: sp.Description, created: sp.Created, next: sp.Next,
			users: map[string]struct{}{}, groups: map[string]struct{}{}}
		for _, sv := range sp.Versions {
			n, ok := strings.CutPrefix(sv.ID, "v")
			num, err := strconv.Atoi(n)
			if !ok || err != nil || num < 1 || num > sp.Next {
				return fmt.Errorf("policy %q: bad version ID %q", sp.Name, sv.ID)
			}
			var native bytes.Buffer
			if err := json.Compact(&native, sv.Document); err != nil {
				return fmt.Errorf("policy %q version %s: %w", sp.Name, sv.ID, err)
			}
			doc, err := policy.Parse(native.Bytes())
			if err != nil {
				return fmt.Errorf("policy %q version %s: %w", sp.Name, sv.ID, err)
			}
			if slices.ContainsFunc(m.versions, func(v *policyVersion) bool { return v.id == sv.ID }) {
				return fmt.Errorf("policy %q: duplicate version %s", sp.Name, sv.ID)
			}
			v := &policyVersion{id: sv.ID, doc: doc, native: native.Bytes(), created: sv.Created}
			m.versions = append(m.versions, v)
			if sv.ID == sp.Default {
				m.def = v
			}
		}
		if m.def == nil {
			return fmt.Errorf("policy %q: default version %q is not among its versions", sp.Name, sp.Default)
		}
		policies[sp.Name] = m
	}
	attach := func(owner string, names []string, set map[string]struct{}, back func(*managedPolicy) map[string]struct{}, who string) error {
		for _, n := range names {
			m := policies[n]
			if m == nil {
				return fmt.Errorf("%s: attached policy %q does not exist", owner, n)
			}
			set[n] = struct{}{}
			back(m)[who] = struct{}{}
		}
		return nil
	}
	for _, sg := range s.Groups {
		if sg.Name == "" || groups[sg.Name] != nil {
			return fmt.Errorf("group %q: empty or duplicate name", sg.Name)
		}
		g := &group{name: sg.Name, path: sg.Path, created: sg.Created, members: map[string]struct{}{}, policies: map[string]struct{}{}}
		if err := attach("group "+sg.Name, sg.Policies, g.policies, func(m *managedPolicy) map[string]struct{} { return m.groups }, sg.Name); err != nil {
			return err
		}
		groups[sg.Name] = g
	}
	for _, su := range s.Users {
		if su.Name == "" || users[su.Name] != nil {
			return fmt.Errorf("user %q: empty or duplicate name", su.Name)
		}
		u := &user{name: su.Name, path: su.Path, tags: su.Tags, created: su.Created,
			groups: map[string]struct{}{}, policies: map[string]struct{}{}, keys: map[string]*accessKey{}}
		for _, gn := range su.Groups {
			g := groups[gn]
			if g == nil {
				return fmt.Errorf("user %q: group %q does not exist", su.Name, gn)
			}
			u.groups[gn] = struct{}{}
			g.members[su.Name] = struct{}{}
		}
		if err := attach("user "+su.Name, su.Policies, u.policies, func(m *managedPolicy) map[string]struct{} { return m.users }, su.Name); err != nil {
			return err
		}
		users[su.Name] = u
	}
	for _, sk := range s.Keys {
		if !validKeyID(sk.ID) || keys[sk.ID] != nil {
			return fmt.Errorf("key %q: malformed or duplicate ID", sk.ID)
		}
		u := users[sk.User]
		if u == nil {
			return fmt.Errorf("key %s: user %q does not exist", sk.ID, sk.User)
		}
		if sk.Status != iam.KeyActive && sk.Status != iam.KeyInactive {
			return fmt.Errorf("key %s: bad status %q", sk.ID, sk.Status)
		}
		h, err := hex.DecodeString(sk.Hash)
		if err != nil || len(h) != sha256.Size {
			return fmt.Errorf("key %s: secret_sha256 is not a hex SHA-256", sk.ID)
		}
		k := &accessKey{id: sk.ID, user: sk.User, status: sk.Status, created: sk.Created, expires: sk.Expires, seq: sk.Seq}
		copy(k.hash[:], h)
		keys[sk.ID] = k
		u.keys[sk.ID] = k
	}
	return nil
}

// writeAtomic replaces the file at path with data: a temporary file in the
// same directory, mode 0600, fsync'd, then renamed over path, and the
// directory fsync'd so that the rename lasts.
func writeAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}()
	if err = f.Chmod(0o600); err != nil {
		return err
	}
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return err
	}
	if d, derr := os.Open(dir); derr == nil {
		_ = d.Sync() // some file systems cannot sync a directory
		_ = d.Close()
	}
	return nil
}
