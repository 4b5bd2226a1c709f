package iam_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/internal/fuzztest"
	"github.com/iamkit/iamkit/provider/memory"
)

// FuzzFileJournal reads a run file left by a crash (or damaged after
// it), then recovers it on an empty memory provider. Properties: reading
// never panics; it refuses with ErrInvalid exactly when a line other than
// an unterminated last one is not a JSON entry, and otherwise returns one
// entry per complete line, as written; Recover never panics, and when it
// returns nil the journal holds no run any more ("a run it could not
// finish stays in the journal and the error says why").
func FuzzFileJournal(f *testing.F) {
	for _, b := range fuzztest.Seeds(f, "testdata/journal/*.jsonl") {
		if len(b) > 10 {
			f.Add(b[:len(b)-10]) // torn by a crash mid-write
		}
	}
	for _, s := range []string{
		"",
		"\n",
		`{"run":"r","seq":1,"op":"Provision","event":"start"}` + "\r\n",
		`{"run":"r","seq":1,"op":"Provision","event":"start"}` + "\n\n",
		`{"run":"other","seq":1,"op":"Provision","event":"intent","step":{"action":"create-user","user":"u"}}` + "\n",
		`{"seq":1,"event":"intent","step":{"action":"update-policy","policy":"p","previous":{"Statement":"x"}}}` + "\n",
		`{"run":"r","event":"intent","step":{"action":"attach-policy","policy":"p","principal":{"kind":"group","name":"g"}}}` + "\n" + `{"run":"r","ev`,
		`{"run":"r","event":"delivering","step":{"action":"create-key","user":"u","key_id":"MKIA1"}}` + "\n",
		`{"run":"r","time":"not a time"}` + "\n",
		`[]` + "\n",
	} {
		f.Add([]byte(s))
	}
	dir := fuzztest.Dir(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, data []byte) {
		old, _ := filepath.Glob(filepath.Join(dir, "*"))
		for _, o := range old {
			os.Remove(o)
		}
		j, err := iam.NewFileJournal(dir)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "20260102T030405.000000000Z-0011223344556677.jsonl"), data, 0o600); err != nil {
			t.Fatal(err)
		}

		// What the file holds: its lines (without "\r\n"), each an entry
		// except an unterminated last one, which a crash may have torn.
		var want []iam.JournalEntry
		corrupt := false
		lines := bytes.Split(data, []byte("\n"))
		complete := len(data) > 0 && data[len(data)-1] == '\n'
		if complete || len(data) == 0 {
			lines = lines[:len(lines)-1]
		}
		for i, l := range lines {
			var e iam.JournalEntry
			if err := json.Unmarshal(bytes.TrimSuffix(l, []byte("\r")), &e); err != nil {
				if i == len(lines)-1 && !complete {
					break
				}
				corrupt = true
				break
			}
			want = append(want, e)
		}

		runs, err := j.Unfinished(ctx)
		if err != nil {
			if !corrupt {
				t.Fatalf("refused a journal whose lines are entries: %v", err)
			}
			if !errors.Is(err, iam.ErrInvalid) {
				t.Fatalf("corrupt journal: %v, want ErrInvalid", err)
			}
			return
		}
		if corrupt {
			t.Fatalf("read a corrupt journal: %+v", runs)
		}
		var got []iam.JournalEntry
		for _, r := range runs {
			if len(r.Entries) == 0 || r.Op != r.Entries[0].Op {
				t.Fatalf("run %+v", r)
			}
			got = append(got, r.Entries...)
		}
		wb, _ := json.Marshal(want)
		gb, _ := json.Marshal(got)
		if !bytes.Equal(wb, gb) {
			t.Fatalf("entries\n%s\nwant\n%s", gb, wb)
		}

		_, err = iam.Recover(ctx, memory.New(), j)
		if err != nil {
			return
		}
		if runs, err := j.Unfinished(ctx); err != nil || len(runs) != 0 {
			t.Fatalf("Recover returned nil, yet the journal still holds %+v (%v)", runs, err)
		}
	})
}
