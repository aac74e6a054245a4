package store

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// osSyncer is the real syncer: on Linux, syncfs(2) for the shared data sync.
type osSyncer struct{}

func (osSyncer) file(f *os.File) error {
	if err := unix.Fdatasync(int(f.Fd())); err != nil {
		return fmt.Errorf("store: fdatasync %s: %w", f.Name(), err)
	}
	return nil
}

func (osSyncer) dir(path string) error { return syncDir(path) }

func (osSyncer) fs(root *os.File) error {
	if root == nil {
		return fmt.Errorf("store: syncfs: no store directory: %w", errors.ErrUnsupported)
	}
	if err := unix.Syncfs(int(root.Fd())); err != nil {
		return fmt.Errorf("store: syncfs %s: %w", root.Name(), err)
	}
	return nil
}

// renameNoReplace renames oldPath to newPath unless newPath exists (an
// error matching os.ErrExist), in one call: renameat2 with RENAME_NOREPLACE.
// A file system that does not know the flag gives an error matching
// errors.ErrUnsupported, and the caller links instead.
func renameNoReplace(oldPath, newPath string) error {
	err := unix.Renameat2(unix.AT_FDCWD, oldPath, unix.AT_FDCWD, newPath, unix.RENAME_NOREPLACE)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.EINVAL), errors.Is(err, unix.ENOSYS), errors.Is(err, unix.ENOTSUP):
		return fmt.Errorf("store: rename without replace: %w (%w)", errors.ErrUnsupported, err)
	}
	return &os.LinkError{Op: "renameat2", Old: oldPath, New: newPath, Err: err}
}
