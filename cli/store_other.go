//go:build !unix

package cli

// holdOwnerLock does nothing where the store has no lock (see store_unix.go).
func holdOwnerLock(dir string) (release func()) { return func() {} }
