//go:build !unix

package store

import "os"

// createExcl creates path for reading and writing, failing (os.ErrExist) when it exists.
func createExcl(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
}

// openRead opens path for reading.
func openRead(path string) (*os.File, error) { return os.Open(path) }
