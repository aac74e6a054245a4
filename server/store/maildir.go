package store

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"
)

// Maildir subdirectories and the letterbox metadata directory. dirMeta does
// not start with a dot: in the Maildir++ layout (Dovecot's default, Courier,
// Python's mailbox.Maildir.list_folders) every dot-directory of the root is a
// folder, and a non-dot directory is nothing at all.
const (
	dirTmp     = "tmp"
	dirNew     = "new"
	dirCur     = "cur"
	dirMeta    = "letterbox-meta"
	dirRecords = "letterbox-meta/records"
)

// infoSep starts the Maildir info of a cur/ name: version 2, then the flags
// in ASCII order (S = seen).
const infoSep = ":2,"

const idAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// idGen makes queue ids that double as Maildir unique names. An id is 16
// characters of [0-9A-Z]: 10 for the time in microseconds (so names sort by
// delivery time), 2 for a per-store sequence and 4 random ones that keep two
// processes delivering into the same directory apart. The maildir spec lets a
// unique name be anything without '/' or ':' that does not start with a dot.
type idGen struct {
	seq atomic.Uint32
}

func (g *idGen) next(now time.Time) string {
	var b [16]byte
	putBase36(b[0:10], uint64(now.UnixMicro()))
	putBase36(b[10:12], uint64(g.seq.Add(1)))
	putBase36(b[12:16], rand.Uint64())
	return string(b[:])
}

// putBase36 writes the low digits of v into dst, most significant first.
func putBase36(dst []byte, v uint64) {
	for i := len(dst) - 1; i >= 0; i-- {
		dst[i] = idAlphabet[v%36]
		v /= 36
	}
}

// idFromName returns the unique part of a Maildir file name: everything before
// the ":2," info. It is the message id for letterbox's own files and the key
// that Python's mailbox module uses for any file.
func idFromName(name string) string {
	if i := strings.IndexByte(name, ':'); i >= 0 {
		return name[:i]
	}
	return name
}

// validName reports whether name may be a message in new/ or cur/: the spec
// says readers skip names that start with a dot.
func validName(name string) bool {
	return name != "" && name[0] != '.' && !strings.ContainsRune(name, '/')
}

// flagsOf returns the flags of a cur/ file name ("" when it has none).
func flagsOf(name string) string {
	if i := strings.Index(name, infoSep); i >= 0 {
		return name[i+len(infoSep):]
	}
	return ""
}

// withFlag returns the cur/ name of id with flag added to the flags already in
// name, kept in ASCII order as the spec asks.
func withFlag(name string, flag byte) string {
	flags := flagsOf(name)
	if strings.IndexByte(flags, flag) >= 0 && strings.Contains(name, infoSep) {
		return name
	}
	b := []byte(flags + string(flag))
	for i := 1; i < len(b); i++ { // insertion sort: a handful of letters
		for j := i; j > 0 && b[j] < b[j-1]; j-- {
			b[j], b[j-1] = b[j-1], b[j]
		}
	}
	return idFromName(name) + infoSep + string(b)
}

// withoutFlag returns the cur/ name of a message with flag taken off its
// info ("ID:2,FS" less S is "ID:2,F").
func withoutFlag(name string, flag byte) string {
	return idFromName(name) + infoSep + strings.ReplaceAll(flagsOf(name), string(flag), "")
}

// unread reports whether a file in dir with this name has not been seen.
func unread(dir, name string) bool {
	return dir == dirNew || !strings.ContainsRune(flagsOf(name), 'S')
}

// publishFile moves a finished file from tmp/ into new/ without ever
// replacing an existing message. Where the system can rename without
// replacing (renameNoReplace: Linux renameat2 RENAME_NOREPLACE) that is one
// call; elsewhere, and on file systems that refuse the flag, link(2) fails
// when the name is taken (the classic qmail way) and the tmp/ name is then
// removed; where hard links are not supported either it falls back to rename.
func publishFile(tmpPath, newPath string) error {
	err := renameNoReplace(tmpPath, newPath)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, os.ErrExist):
		return fmt.Errorf("store: %s already exists: %w", filepath.Base(newPath), err)
	case !errors.Is(err, errors.ErrUnsupported):
		return fmt.Errorf("store: move into new/: %w", err)
	}
	err = os.Link(tmpPath, newPath)
	switch {
	case err == nil:
		// The message is safe in new/; if this remove fails, the next Open
		// removes the leftover link from tmp/.
		_ = os.Remove(tmpPath)
		return nil
	case errors.Is(err, os.ErrExist):
		return fmt.Errorf("store: %s already exists: %w", filepath.Base(newPath), err)
	}
	if _, serr := os.Lstat(newPath); serr == nil {
		return fmt.Errorf("store: %s already exists: %w", filepath.Base(newPath), os.ErrExist)
	}
	if rerr := os.Rename(tmpPath, newPath); rerr != nil {
		return fmt.Errorf("store: move into new/: %w (link: %v)", rerr, err)
	}
	return nil
}
