// Package fuzztest helps fuzz targets: it adds the files kept in a test's
// testdata to a target's seed corpus (so that they are fuzzed, and run as
// tests under plain go test), and gives a target a scratch directory
// where fsync is cheap.
package fuzztest

import (
	"os"
	"path/filepath"
	"testing"
)

// Seeds adds the content of every file matching pattern (see
// filepath.Glob) to f's corpus, in name order, and returns the contents.
// A file that cannot be read fails f: a seed that silently goes missing
// would leave the target untested where it matters.
func Seeds(f *testing.F, pattern string) [][]byte {
	f.Helper()
	names, err := filepath.Glob(pattern)
	if err != nil {
		f.Fatalf("fuzztest: %v", err)
	}
	out := make([][]byte, 0, len(names))
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		out = append(out, b)
	}
	return out
}

// Dir returns a fresh directory for f's files, removed when f ends: under
// /dev/shm when there is one, since the code under test fsyncs its files
// (credential files, journals, state files) and a memory file system
// makes that cheap for millions of inputs; f.TempDir() otherwise.
func Dir(f *testing.F) string {
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		if d, err := os.MkdirTemp("/dev/shm", "iamkit-fuzz-"); err == nil {
			f.Cleanup(func() { os.RemoveAll(d) })
			return d
		}
	}
	return f.TempDir()
}
