//go:build unix

package store

import (
	"os"
	"syscall"
)

// createExcl creates path for reading and writing, failing (os.ErrExist) when it exists.
// It is os.OpenFile(path, O_RDWR|O_CREATE|O_EXCL, 0o600) without the
// netpoller's try on a regular file (two fcntl pairs and a refused
// epoll_ctl per file), which a delivery would pay twice per message.
func createExcl(path string) (*os.File, error) {
	for {
		fd, err := syscall.Open(path, syscall.O_RDWR|syscall.O_CREAT|syscall.O_EXCL|syscall.O_CLOEXEC, 0o600)
		switch err {
		case nil:
			return os.NewFile(uintptr(fd), path), nil
		case syscall.EINTR:
			continue
		}
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
}

// openRead opens path for reading without what os.Open adds for a file the
// netpoller might serve (four fcntl calls and a refused epoll_ctl): a
// rebuild opens every message and record of the store, and those calls were
// a tenth of its time on a 100,000-message store.
func openRead(path string) (*os.File, error) {
	for {
		fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		switch err {
		case nil:
			return os.NewFile(uintptr(fd), path), nil
		case syscall.EINTR:
			continue
		}
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
}
