//go:build !linux

package store

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// osSyncer is the real syncer. Without syncfs (not Linux) every file is
// synced on its own; the directory syncs are still shared.
type osSyncer struct{}

// file uses File.Sync: fsync, or F_FULLFSYNC on macOS, which is what makes
// data durable there.
func (osSyncer) file(f *os.File) error { return f.Sync() }

func (osSyncer) dir(path string) error { return syncDir(path) }

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

func (osSyncer) fs(*os.File) error { return errors.ErrUnsupported }

// renameNoReplace is Linux only; the caller links instead.
func renameNoReplace(string, string) error { return errors.ErrUnsupported }
