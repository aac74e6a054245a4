package store

import (
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"

	"github.com/sirupsen/logrus"
)

// castagnoli is the CRC-32C table (hardware-assisted on amd64 and arm64).
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// checksumString is how a Record holds a CRC-32C: 8 lowercase hex digits.
func checksumString(c uint32) string { return fmt.Sprintf("%08x", c) }

// recoverTmp publishes into new/ every message a power loss left whole in
// tmp/ without its name in new/: the session record is the journal entry of
// a commit, synced with the message, and a tmp/ file counts as committed
// only if its record decodes and names its exact size and CRC-32C. Files in
// tmp/ whose id is already in new/ or cur/ are the tmp/ names of published
// messages; they and every file that is not whole are left for cleanTmp.
// It returns how many messages it published.
func (s *Store) recoverTmp() int {
	tmpDir := filepath.Join(s.dir, dirTmp)
	names, err := readNames(tmpDir)
	if err != nil || len(names) == 0 {
		return 0
	}
	published := map[string]bool{}
	for _, sub := range []string{dirNew, dirCur} {
		ns, err := readNames(filepath.Join(s.dir, sub))
		if err != nil {
			s.log.WithError(err).Warn("store: cannot list the Maildir; leaving tmp/ alone")
			return 0
		}
		for _, n := range ns {
			published[idFromName(n)] = true
		}
	}
	n := 0
	for _, id := range names {
		if published[id] || !validName(id) || !s.wholeInTmp(id) {
			continue
		}
		if err := publishFile(filepath.Join(tmpDir, id), filepath.Join(s.dir, dirNew, id)); err != nil {
			s.log.WithError(err).WithField("id", id).Warn("store: cannot publish a committed message from tmp/")
			continue
		}
		n++
	}
	if n > 0 {
		if !s.opts.NoSync {
			if err := syncDir(filepath.Join(s.dir, dirNew)); err != nil {
				s.log.WithError(err).Warn("store: cannot sync new/")
			}
		}
		s.log.WithField("messages", n).Info("store: published messages a power loss left in tmp/")
	}
	return n
}

// wholeInTmp reports whether tmp/id is a whole committed message: its
// record names its size and checksum.
func (s *Store) wholeInTmp(id string) bool {
	rec, err := s.readRecord(id)
	if err != nil || rec.Checksum == "" {
		return false
	}
	f, err := os.Open(filepath.Join(s.dir, dirTmp, id))
	if err != nil {
		return false
	}
	defer f.Close()
	h := crc32.New(castagnoli)
	size, err := io.Copy(h, f)
	whole := err == nil && size == rec.Size && checksumString(h.Sum32()) == rec.Checksum
	if !whole {
		s.log.WithFields(logrus.Fields{"id": id, "size": size, "record_size": rec.Size}).
			Info("store: a message in tmp/ does not match its record: torn by a crash, dropped")
	}
	return whole
}
