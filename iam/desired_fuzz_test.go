package iam_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"testing/fstest"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/policy"
)

// desiredFS holds the policy files the fuzzed desired-state files may
// name (testdata/desired/policies).
func desiredFS(f *testing.F) fstest.MapFS {
	fsys := fstest.MapFS{}
	files, _ := filepath.Glob("testdata/desired/policies/*")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		fsys["policies/"+filepath.Base(file)] = &fstest.MapFile{Data: b}
	}
	if len(fsys) == 0 {
		f.Fatal("no policy file under testdata/desired/policies")
	}
	return fsys
}

// desiredAccount is an account as a desired-state file writes it, with
// its policy inline.
type desiredAccount struct {
	User          string            `json:"user"`
	Group         string            `json:"group"`
	PolicyName    string            `json:"policy_name"`
	Policy        policy.Document   `json:"policy"`
	Description   string            `json:"description"`
	AllowWidening bool              `json:"allow_widening"`
	Settings      map[string]string `json:"settings"`
}

// FuzzParseDesired reads desired-state files (YAML and JSON; CI
// repositories hold them, pull requests change them). Reading never
// panics and refuses with ErrInvalid (ErrNotFound for a policy file that
// is not there); every account it returns has a valid policy, and the
// accounts written back as a JSON file with their policies inline read
// back the same.
func FuzzParseDesired(f *testing.F) {
	fsys := desiredFS(f)
	for _, pat := range []string{"testdata/desired/*.yaml", "testdata/desired/*.json"} {
		files, _ := filepath.Glob(pat)
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b, filepath.Ext(file) == ".json")
		}
	}
	for _, s := range []string{
		"accounts:\n  - user: a\n    policy: {Statement: {Effect: Allow, Action: '*', Resource: '*'}}\n",
		"accounts:\n  - user: a\n    policy_file: ../../etc/passwd\n",
		"accounts:\n  - user: a\n    policy_file: /policies/readonly.json\n",
		"policies: {p: {file: policies/ops.yaml}}\naccounts: [{user: a, policy_name: p, policy_file: policies/readonly.json}]\n",
		"accounts:\n  - user: a\n    policy: {1: 2}\n",
		"a: &a [*a, *a]\n",
		"version: iamkit/1\n---\nversion: other\n",
	} {
		f.Add([]byte(s), false)
	}
	f.Add([]byte(`{"accounts":[{"user":"a","policy":{"Statement":[]}}],"accounts":null}`), true)
	f.Add([]byte(`{"version":"iamkit/1"} trailing`), true)
	f.Fuzz(func(t *testing.T, data []byte, isJSON bool) {
		got, err := iam.ParseDesired(data, fsys, isJSON)
		if err != nil {
			if k := iam.KindOf(err); k != iam.ErrInvalid && k != iam.ErrNotFound {
				t.Fatalf("kind %v, want ErrInvalid or ErrNotFound: %v", k, err)
			}
			if errors.Is(err, iam.ErrInvalid) && errors.Is(err, iam.ErrNotFound) {
				t.Fatalf("two kinds: %v", err)
			}
			var ie *iam.Error
			if !errors.As(err, &ie) {
				t.Fatalf("%T is not an *iam.Error: %v", err, err)
			}
			_ = err.Error()
			return
		}
		file := struct {
			Version  string           `json:"version"`
			Accounts []desiredAccount `json:"accounts"`
		}{Version: iam.DesiredVersion}
		for i, sa := range got {
			if err := policy.Validate(sa.Policy); err != nil {
				t.Fatalf("account %d: policy does not validate: %v", i, err)
			}
			file.Accounts = append(file.Accounts, desiredAccount{User: sa.User, Group: sa.Group, PolicyName: sa.PolicyName,
				Policy: sa.Policy, Description: sa.Description, AllowWidening: sa.Translate.AllowWidening, Settings: sa.Settings})
		}
		b, err := json.Marshal(file)
		if err != nil {
			t.Fatal(err)
		}
		again, err := iam.ParseDesired(b, nil, true)
		if err != nil {
			t.Fatalf("accounts written back do not read: %v\n%s", err, b)
		}
		if len(again) != len(got) {
			t.Fatalf("%d accounts, read back %d", len(got), len(again))
		}
		for i := range got {
			a, b := got[i], again[i]
			da, _ := json.Marshal(a.Policy)
			db, _ := json.Marshal(b.Policy)
			a.Policy, b.Policy = policy.Document{}, policy.Document{}
			if string(da) != string(db) || !reflect.DeepEqual(a, b) {
				t.Fatalf("account %d reads back different:\n%+v %s\n%+v %s", i, a, da, b, db)
			}
		}
	})
}
