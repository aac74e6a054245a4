//go:build !linux

package store

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// syncData makes one file's data durable with File.Sync: fsync, or
// F_FULLFSYNC on macOS, which is what makes data durable there.
func syncData(f *os.File) error { return f.Sync() }

// syncDir fsyncs a directory so that a rename or link inside it is durable.
func syncDir(path string) error {
	d, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("store: open dir for sync: %w", err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, syscall.ENOTSUP) {
		// Some file systems (and Windows) cannot sync a directory; that is
		// their durability model, not an error of ours.
		return fmt.Errorf("store: sync dir %s: %w", path, err)
	}
	return nil
}

// linkUnsupported reports whether a hard link failed because the file
// system has none.
func linkUnsupported(err error) bool {
	return errors.Is(err, errors.ErrUnsupported) || errors.Is(err, syscall.EPERM) ||
		errors.Is(err, syscall.ENOTSUP) || errors.Is(err, syscall.EOPNOTSUPP)
}

// renameNoReplace is Linux only; the caller links instead.
func renameNoReplace(string, string) error { return errors.ErrUnsupported }
