package store

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// fileSys is the seam through which a delivery writes, names and syncs its
// files: the message in tmp/, its session record, the link into new/ and
// the syncs that make them durable. Open installs osFS; the power-loss
// model test (powerloss_test.go) installs a file system that remembers what
// each sync made durable and can show the disk as a power loss would
// leave it.
type fileSys interface {
	// create makes a new file for reading and writing, failing (os.ErrExist) when
	// path exists.
	create(path string) (file, error)
	// link gives the file at oldPath a second name, failing (os.ErrExist)
	// when newPath exists; without hard links the error matches
	// errors.ErrUnsupported.
	link(oldPath, newPath string) error
	// publish moves a file from tmp/ into new/ without replacing one
	// (publishFile): where link is unsupported, and with Options.NoSync.
	publish(oldPath, newPath string) error
	// remove removes one name.
	remove(path string) error
	// syncFile makes one file's data and size durable (fdatasync; F_FULLFSYNC
	// on macOS). Not its name: that is syncDir's.
	syncFile(f file) error
	// syncDir makes the names in one directory durable (fsync of the
	// directory): the ones added and the ones removed.
	syncDir(path string) error
}

// file is a file a delivery writes: the message in tmp/ or its record. It
// reads too: Commit checks the message it wrote (lintMessage) through it.
type file interface {
	io.Writer
	io.ReaderAt
	io.Closer
	Name() string
}

// osFS is the real fileSys.
type osFS struct{}

func (osFS) create(path string) (file, error) {
	f, err := createExcl(path)
	if err != nil {
		return nil, err // a nil *os.File must not become a non-nil file
	}
	return f, nil
}

func (osFS) link(oldPath, newPath string) error {
	err := os.Link(oldPath, newPath)
	switch {
	case err == nil, errors.Is(err, os.ErrExist):
		return err
	case linkUnsupported(err):
		return fmt.Errorf("store: link: %w (%w)", errors.ErrUnsupported, err)
	}
	return err
}

func (osFS) publish(oldPath, newPath string) error { return publishFile(oldPath, newPath) }

func (osFS) remove(path string) error { return os.Remove(path) }

func (osFS) syncFile(f file) error {
	of, ok := f.(*os.File)
	if !ok {
		return fmt.Errorf("store: sync %s: not an os file: %w", f.Name(), errors.ErrUnsupported)
	}
	return syncData(of)
}

func (osFS) syncDir(path string) error { return syncDir(path) }
