package iam

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// FileJournal is a Journal in a directory, one append-only file per run,
// "<run>.jsonl": one JSON entry per line, each fsync'd before Append
// returns. A finished run's file is removed. A line torn by a crash
// mid-write is ignored: the entry it would have held was never
// acknowledged, so the run behaves as if the entry had not been written.
//
// The files hold resource names and key IDs, never secrets; they are
// created 0600 in a 0700 directory all the same.
type FileJournal struct {
	dir string
	// mu lets Unfinished read a consistent directory. Append and Finish
	// share it: each run has its own file and a run's entries come one
	// after the other, so that concurrent runs (Apply's accounts) need
	// not wait for each other's fsyncs.
	mu sync.RWMutex
}

const journalExt = ".jsonl"

// NewFileJournal returns a journal in dir, creating it (0700) if needed.
func NewFileJournal(dir string) (*FileJournal, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("iam: journal directory: %w", err)
	}
	return &FileJournal{dir: dir}, nil
}

// Dir returns the journal's directory.
func (j *FileJournal) Dir() string { return j.dir }

func (j *FileJournal) path(run string) (string, error) {
	if run == "" || strings.ContainsAny(run, `/\`) || run == "." || run == ".." {
		return "", &Error{Op: "journal", Kind: ErrInvalid, Msg: fmt.Sprintf("bad run id %q", run)}
	}
	return filepath.Join(j.dir, run+journalExt), nil
}

// Append writes e as one line of its run's file and fsyncs it.
func (j *FileJournal) Append(ctx context.Context, e JournalEntry) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	p, err := j.path(e.Run)
	if err != nil {
		return err
	}
	line, err := json.Marshal(e)
	if err != nil {
		return err
	}
	line = append(line, '\n')
	j.mu.RLock()
	defer j.mu.RUnlock()
	_, statErr := os.Stat(p)
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("iam: journal: %w", err)
	}
	_, werr := f.Write(line)
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		return fmt.Errorf("iam: journal: %w", err)
	}
	if errors.Is(statErr, fs.ErrNotExist) {
		// A new file's name is durable only once its directory is synced.
		return syncDir(j.dir)
	}
	return nil
}

// Unfinished reads every run file left in the directory.
func (j *FileJournal) Unfinished(ctx context.Context) ([]JournalRun, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	names, err := filepath.Glob(filepath.Join(j.dir, "*"+journalExt))
	if err != nil {
		return nil, err
	}
	var out []JournalRun
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("iam: journal: %w", err)
		}
		es, err := readEntries(data)
		if err != nil {
			return nil, fmt.Errorf("iam: journal %s: %w", filepath.Base(name), err)
		}
		if len(es) == 0 {
			continue
		}
		// The run is the file: Finish removes the file of that name, even
		// if its entries (damaged, or the file renamed) name another run.
		out = append(out, JournalRun{ID: strings.TrimSuffix(filepath.Base(name), journalExt), Op: es[0].Op, Entries: es})
	}
	slices.SortFunc(out, func(a, b JournalRun) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// readEntries parses a run file. Only its last line may be malformed (a
// write torn by a crash); a malformed line elsewhere is corruption.
func readEntries(data []byte) ([]JournalEntry, error) {
	var out []JournalEntry
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	complete := len(data) > 0 && data[len(data)-1] == '\n'
	var lines [][]byte
	for sc.Scan() {
		lines = append(lines, slices.Clone(sc.Bytes()))
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	for i, l := range lines {
		var e JournalEntry
		if err := json.Unmarshal(l, &e); err != nil {
			if i == len(lines)-1 && !complete {
				break // torn final write
			}
			return nil, &Error{Op: "journal", Kind: ErrInvalid, Msg: fmt.Sprintf("line %d is corrupt", i+1), Err: err}
		}
		out = append(out, e)
	}
	return out, nil
}

// Finish removes the run's file.
func (j *FileJournal) Finish(ctx context.Context, run string) error {
	p, err := j.path(run)
	if err != nil {
		return err
	}
	j.mu.RLock()
	defer j.mu.RUnlock()
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("iam: journal: %w", err)
	}
	return syncDir(j.dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("iam: journal: %w", err)
	}
	return nil
}
