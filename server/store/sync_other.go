//go:build !linux

package store

import (
	"errors"
	"os"
)

// osSyncer is the real syncer. Without syncfs (not Linux) every file is
// synced on its own; the directory syncs are still shared.
type osSyncer struct{}

// file uses File.Sync: fsync, or F_FULLFSYNC on macOS, which is what makes
// data durable there.
func (osSyncer) file(f *os.File) error { return f.Sync() }

func (osSyncer) dir(path string) error { return syncDir(path) }

func (osSyncer) fs(*os.File) error { return errors.ErrUnsupported }

// renameNoReplace is Linux only; the caller links instead.
func renameNoReplace(string, string) error { return errors.ErrUnsupported }
