//go:build unix

package store

import (
	"os"
	"syscall"
)

// createExcl creates path for reading and writing, failing (os.ErrExist)
// when it exists: os.OpenFile(path, O_RDWR|O_CREATE|O_EXCL, 0o600) through
// openPlain, which a delivery pays twice per message.
func createExcl(path string) (*os.File, error) {
	return openPlain(path, syscall.O_RDWR|syscall.O_CREAT|syscall.O_EXCL, 0o600)
}

// openRead opens path for reading through openPlain: a rebuild opens every
// message and record of the store, and os.Open's extra calls were a tenth
// of its time on a 100,000-message store.
func openRead(path string) (*os.File, error) {
	return openPlain(path, syscall.O_RDONLY, 0)
}

// openPlain is open(2) with O_CLOEXEC and nothing else: os.OpenFile adds,
// for a regular file, the netpoller's try (two fcntl pairs and a refused
// epoll_ctl).
func openPlain(path string, flags int, perm uint32) (*os.File, error) {
	for {
		fd, err := syscall.Open(path, flags|syscall.O_CLOEXEC, perm)
		switch err {
		case nil:
			return os.NewFile(uintptr(fd), path), nil
		case syscall.EINTR:
			continue
		}
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
}
