//go:build unix

package store

import (
	"os"
	"syscall"
)

// lockStore takes an exclusive advisory lock on path without waiting. It
// reports whether this process got it; the lock lives until unlock is called
// or the process ends, so a crashed owner never leaves the store locked.
func lockStore(path string) (owner bool, unlock func()) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return true, func() {} // cannot tell: behave as the only user
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return false, func() {}
	}
	return true, func() { f.Close() }
}

// processAlive reports whether a process with this pid runs on this host
// (kill(2) with signal 0: EPERM means it runs under another user).
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || err == syscall.EPERM
}
