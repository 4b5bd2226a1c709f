package iam_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamkit/iamkit/iam"
	"github.com/iamkit/iamkit/provider/memory"
)

func TestFileJournal(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "journal")
	j, err := iam.NewFileJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("journal dir mode %v %v", fi.Mode(), err)
	}
	step := &iam.Step{Action: iam.StepCreateUser, User: "u"}
	for i, ev := range []iam.JournalEvent{iam.EventStart, iam.EventIntent, iam.EventDone} {
		if err := j.Append(ctx, iam.JournalEntry{Run: "r1", Seq: i + 1, Op: "Provision", Event: ev, Step: step}); err != nil {
			t.Fatal(err)
		}
	}
	fi, err := os.Stat(filepath.Join(dir, "r1.jsonl"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("run file mode %v %v", fi, err)
	}
	runs, err := j.Unfinished(ctx)
	if err != nil || len(runs) != 1 || len(runs[0].Entries) != 3 || runs[0].Op != "Provision" {
		t.Fatalf("unfinished %+v %v", runs, err)
	}
	// A write torn by a crash is ignored; corruption elsewhere is not.
	f, _ := os.OpenFile(filepath.Join(dir, "r1.jsonl"), os.O_APPEND|os.O_WRONLY, 0)
	_, _ = f.WriteString(`{"run":"r1","seq":4,"ev`)
	f.Close()
	if runs, err := j.Unfinished(ctx); err != nil || len(runs[0].Entries) != 3 {
		t.Fatalf("torn line: %+v %v", runs, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "r2.jsonl"), []byte("garbage\n{}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := j.Unfinished(ctx); !errors.Is(err, iam.ErrInvalid) {
		t.Fatalf("corrupt journal: %v", err)
	}
	os.Remove(filepath.Join(dir, "r2.jsonl"))
	if err := j.Finish(ctx, "r1"); err != nil {
		t.Fatal(err)
	}
	if runs, _ := j.Unfinished(ctx); len(runs) != 0 {
		t.Fatalf("finished run still listed: %+v", runs)
	}
	if err := j.Append(ctx, iam.JournalEntry{Run: "../escape"}); !errors.Is(err, iam.ErrInvalid) {
		t.Fatalf("path escape: %v", err)
	}
}

// A journal never holds a secret, and a successful run leaves nothing.
func TestProvisionJournalHoldsNoSecret(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	j, _ := iam.NewFileJournal(dir)
	var seen []string
	spy := spyJournal{Journal: j, lines: &seen}
	sa := monitoring
	sa.Journal = spy
	acct, err := iam.Provision(ctx, memory.New(), sa)
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) == 0 {
		t.Fatal("nothing journaled")
	}
	for _, l := range seen {
		if strings.Contains(l, acct.Key.Secret.Reveal()) {
			t.Fatalf("secret journaled: %s", l)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("finished run left %v", entries)
	}
}

type spyJournal struct {
	iam.Journal
	lines *[]string
}

func (s spyJournal) Append(ctx context.Context, e iam.JournalEntry) error {
	*s.lines = append(*s.lines, strings.Join([]string{string(e.Event), e.Run, stepString(e.Step)}, " "))
	return s.Journal.Append(ctx, e)
}

func stepString(s *iam.Step) string {
	if s == nil {
		return ""
	}
	return string(s.Action) + " " + s.User + " " + s.Group + " " + s.Policy + " " + s.KeyID + " " + string(s.Previous)
}
