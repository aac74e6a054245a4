package store

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// syncData makes one file's data and size durable: fdatasync(2), which on
// ext4 and xfs leaves the inode's times alone and, issued by many
// goroutines at once, shares one journal commit among them.
func syncData(f *os.File) error {
	if err := ignoringEINTR(func() error { return unix.Fdatasync(int(f.Fd())) }); err != nil {
		return fmt.Errorf("store: fdatasync %s: %w", f.Name(), err)
	}
	return nil
}

// syncDir fsyncs a directory so that the names added to it and removed
// from it are durable, in three system calls (open, fsync, close): os.Open
// would add four fcntl calls and a refused epoll_ctl for the netpoller, and
// a shared directory sync runs up to once per message.
func syncDir(path string) error {
	fd, err := openDir(path)
	if err != nil {
		return fmt.Errorf("store: open dir for sync: %w", &os.PathError{Op: "open", Path: path, Err: err})
	}
	err = ignoringEINTR(func() error { return unix.Fsync(fd) })
	if cerr := unix.Close(fd); err == nil {
		err = cerr
	}
	if err != nil && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOTSUP) {
		// Some file systems cannot sync a directory; that is their
		// durability model, not an error of ours.
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

// linkUnsupported reports whether link(2) failed because the file system
// has no hard links (vfat, exfat and some FUSE file systems say EPERM).
func linkUnsupported(err error) bool {
	return errors.Is(err, unix.EPERM) || errors.Is(err, unix.ENOTSUP) ||
		errors.Is(err, unix.EOPNOTSUPP) || errors.Is(err, unix.ENOSYS)
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
