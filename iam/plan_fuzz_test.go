package iam_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/fuzztest"
)

// FuzzChangeSetJSON reads saved plans, which come from files and CI
// artifacts: reading never panics, refuses with ErrInvalid or a JSON
// error, and what it accepts writes back to an Equal plan.
func FuzzChangeSetJSON(f *testing.F) {
	fuzztest.Seeds(f, "testdata/plans/*.json")
	for _, s := range []string{
		`{"provider":"memory","changes":[]}`,
		`{"provider":"aws","changes":[{"action":"update","kind":"policy","name":"p","before":{"a":1},"after":"x"}]}`,
		`{"provider":"","changes":[{"action":"no-op","kind":"user","name":"u","steps":null,"before":null}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var cs iam.ChangeSet
		if err := json.Unmarshal(data, &cs); err != nil {
			var syntax *json.SyntaxError
			var typ *json.UnmarshalTypeError
			if !errors.Is(err, iam.ErrInvalid) && !errors.As(err, &syntax) && !errors.As(err, &typ) {
				t.Fatalf("refused with %T %v, want ErrInvalid or a JSON error", err, err)
			}
			return
		}
		b, err := json.Marshal(&cs)
		if err != nil {
			t.Fatalf("read %q, cannot write it back: %v", data, err)
		}
		var again iam.ChangeSet
		if err := json.Unmarshal(b, &again); err != nil {
			t.Fatalf("wrote %s, cannot read it back: %v", b, err)
		}
		if !again.Equal(&cs) {
			t.Fatalf("read back unequal:\n%s\nfrom\n%s", b, data)
		}
		_ = cs.String()
	})
}
