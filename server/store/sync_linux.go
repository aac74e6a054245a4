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

// dir is syncDir in three system calls (open, fsync, close): os.Open would
// add four fcntl calls and a refused epoll_ctl for the netpoller, and a
// shared sync of new/ or of the records runs up to once per message.
func (osSyncer) dir(path string) error {
	fd, err := openDir(path)
	if err != nil {
		return fmt.Errorf("store: open dir for sync: %w", &os.PathError{Op: "open", Path: path, Err: err})
	}
	err = ignoringEINTR(func() error { return unix.Fsync(fd) })
	if cerr := unix.Close(fd); err == nil {
		err = cerr
	}
	if err != nil && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOTSUP) {
		// As syncDir: a file system that cannot sync a directory is not an error.
		return fmt.Errorf("store: sync dir %s: %w", path, &os.PathError{Op: "sync", Path: path, Err: err})
	}
	return nil
}

func openDir(path string) (int, error) {
	for {
		fd, err := unix.Open(path, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err != unix.EINTR {
			return fd, err
		}
	}
}

func ignoringEINTR(fn func() error) error {
	for {
		if err := fn(); err != unix.EINTR {
			return err
		}
	}
}

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
