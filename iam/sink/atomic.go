package sink

import (
	"os"
	"path/filepath"
	"runtime"
)

// fileMode is the mode of every file a sink writes: the owner may read and
// write it, nobody else may do anything.
const fileMode os.FileMode = 0o600

// dirMode is the mode of the directories a sink creates.
const dirMode os.FileMode = 0o700

// hookBeforeRename, when set (by tests only), runs once the temporary file
// is written and synced and before it is renamed over the target. An error
// it returns aborts the write as any I/O error would; a test that wants a
// real crash can kill the process from it.
var hookBeforeRename func(tmp string) error

// writeFileAtomic replaces path with data so that a reader (or a crash)
// sees either the old file or the new one, never a mix:
//
//  1. missing parent directories are created with mode 0700;
//  2. the data goes to a new temporary file in the same directory,
//     created with mode 0600 (os.CreateTemp never creates it wider),
//     named ".<base>.tmp-<random>";
//  3. the temporary file is synced and closed, then renamed over path;
//  4. the directory is synced so that the rename survives a power loss.
//
// The new file always has mode 0600, whatever the old one had. On an error
// before the rename the temporary file is removed and path is untouched.
// A crash before the rename can leave the temporary file behind: it has
// mode 0600 and a hidden name, and holds a key that was never delivered
// (which iam.Recover deletes), so it is harmless; it is not cleaned up
// later, because a concurrent writer may own it.
//
// Syncing the directory after the rename is best effort: the rename has
// happened and readers see the new file, so reporting a failure then would
// make the caller delete a key that the file now holds.
func writeFileAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, dirMode); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	closed := false
	defer func() {
		if err != nil {
			if !closed {
				f.Close()
			}
			os.Remove(tmp)
		}
	}()
	// CreateTemp already uses 0600; say so explicitly, in case a platform
	// or a future version differs.
	if err = f.Chmod(fileMode); err != nil {
		return err
	}
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	closed = true
	if err = f.Close(); err != nil {
		return err
	}
	if hookBeforeRename != nil {
		if err = hookBeforeRename(tmp); err != nil {
			return err
		}
	}
	if err = os.Rename(tmp, path); err != nil {
		return err
	}
	syncDir(dir)
	return nil
}

// syncDir flushes a directory entry change to disk, where the platform
// allows it.
func syncDir(dir string) {
	if runtime.GOOS == "windows" {
		return
	}
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	d.Sync()
	d.Close()
}
