//go:build unix

package cli

import (
	"os"
	"syscall"

	"letterbox/server/store"
)

// holdOwnerLock keeps the store's owner lock (store.LockPath, see
// server/store's package comment) away from store.Open in this process: if
// no server or app holds it, this takes it for the few milliseconds Open
// runs and the returned release drops it. Open then finds it taken and opens
// as a reader, which never cleans tmp/ or records; that clean-up belongs to
// the server or the app, which may be about to start and must not find the
// lock held for the whole of a `wait`. When someone holds the lock already,
// this does nothing.
func holdOwnerLock(dir string) (release func()) {
	path := store.LockPath(dir)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return func() {} // no lock file yet: Open will make one; nothing to protect
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close() // held by the server or the app: Open opens as a reader anyway
		return func() {}
	}
	return func() { f.Close() } // closing the descriptor releases the flock
}
