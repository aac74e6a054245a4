package store

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/sirupsen/logrus"
)

// legacyMeta is where stores before issue 11 kept their metadata: a
// dot-directory of the Maildir root, which Dovecot's Maildir++ layout lists
// (and lets a client DELETE) as the mailbox "letterbox".
const legacyMeta = ".letterbox"

// MetaDir is the directory inside the store that holds the session records,
// the index cache and the lock file. Its name does not start with a dot, so
// no Maildir++ reader takes it for a folder (see the package comment).
func MetaDir(storeDir string) string { return filepath.Join(storeDir, dirMeta) }

// LockPath is the store's owner lock file (see Open).
func LockPath(storeDir string) string { return filepath.Join(storeDir, dirMeta, "lock") }

// PrivateDir is the per-store directory for secrets, outside the Maildir: the
// self-signed TLS certificate and its key (server.TLSDir) and anything else
// that whoever copies or shares the Maildir must not get. It sits beside the
// store, named after it: the store ~/.local/share/letterbox/mail has its
// secrets in ~/.local/share/letterbox/mail.letterbox/.
func PrivateDir(storeDir string) string {
	abs, err := filepath.Abs(storeDir)
	if err != nil {
		abs = filepath.Clean(storeDir)
	}
	return filepath.Join(filepath.Dir(abs), filepath.Base(abs)+".letterbox")
}

// migrateLegacy moves an old STORE/.letterbox into the current layout: the
// TLS certificate and key (tls/) into PrivateDir, everything else there (the
// records, the index cache, the search text) into MetaDir, and removes the
// old directory. Files keep their bytes, so records stay attached and a pinned
// certificate keeps its fingerprint. It runs only while it holds the old lock
// file, so an older Letterbox still using the old layout keeps it intact, and
// every step can be repeated after a crash. It logs once when it moved
// anything.
func migrateLegacy(abs string, log logrus.FieldLogger) error {
	old := filepath.Join(abs, legacyMeta)
	if _, err := os.Lstat(old); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	owner, unlock := lockStore(filepath.Join(old, "lock"))
	if !owner {
		log.WithField("old", old).Warn("store: another program (an older Letterbox?) holds the old metadata lock; not moving it yet")
		return nil
	}
	defer unlock()
	meta, private := MetaDir(abs), PrivateDir(abs)
	if err := os.MkdirAll(meta, 0o700); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	ents, err := os.ReadDir(old)
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	for _, e := range ents {
		var dst string
		switch e.Name() {
		case "lock":
			continue
		case "tls": // the certificate and its private key
			if err := os.MkdirAll(private, 0o700); err != nil {
				return fmt.Errorf("store: migrate: %w", err)
			}
			dst = filepath.Join(private, e.Name())
		default: // records, index, search text
			dst = filepath.Join(meta, e.Name())
		}
		if err := moveTree(filepath.Join(old, e.Name()), dst); err != nil {
			return fmt.Errorf("store: migrate %s: %w", e.Name(), err)
		}
	}
	if err := os.Remove(filepath.Join(old, "lock")); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("store: migrate: %w", err)
	}
	if err := os.Remove(old); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	log.WithFields(logrus.Fields{"old": old, "meta": meta, "private": private}).
		Info("store: moved the metadata out of the Maildir folder list (records, index and search text to meta; TLS certificate and key to private)")
	return nil
}

// moveTree moves src to dst. When dst does not exist that is one rename;
// otherwise (a migration that crashed half way) the entries of src are moved
// into dst one by one, an entry already at dst wins, and src is removed. Across
// file systems (the private directory may be on another mount than the store)
// regular files are copied, synced and then removed.
func moveTree(src, dst string) error {
	fi, err := os.Lstat(src)
	if err != nil {
		return err
	}
	if _, err := os.Lstat(dst); errors.Is(err, fs.ErrNotExist) {
		err := os.Rename(src, dst)
		if !errors.Is(err, syscall.EXDEV) {
			return err
		}
	} else if !fi.IsDir() { // the copy at dst wins
		return os.Remove(src)
	}
	if !fi.IsDir() {
		return copyFile(src, dst, fi.Mode().Perm())
	}
	if err := os.MkdirAll(dst, 0o700); err != nil {
		return err
	}
	ents, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if err := moveTree(filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())); err != nil {
			return err
		}
	}
	return os.Remove(src)
}

// copyFile copies a regular file to a new dst, syncs it and removes src.
func copyFile(src, dst string, perm fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(dst)
		return err
	}
	return os.Remove(src)
}
