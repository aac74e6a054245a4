package store

import (
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/sirupsen/logrus"
)

// castagnoli is the CRC-32C table (hardware-assisted on amd64 and arm64).
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// checksumString is how a Record holds a CRC-32C: 8 lowercase hex digits.
func checksumString(c uint32) string { return fmt.Sprintf("%08x", c) }

// recoverTmp publishes into new/ every message a power loss left whole in
// tmp/ without its name in new/: the session record is the journal entry of
// a commit, synced with the message, and a tmp/ file counts as committed
// only if its record decodes and names its exact size and CRC-32C. Only
// Letterbox's own tmp/ names of this host whose writer is gone
// (c.writerGone) are looked at; a running writer publishes its file itself. Files in tmp/ whose id is already in new/ or cur/ are the tmp/
// names of published messages; they and every file that is not whole are
// left for c.clean. It returns how many messages it published.
func (s *Store) recoverTmp(c tmpCleaner) int {
	tmpDir := filepath.Join(s.dir, dirTmp)
	ents, err := os.ReadDir(tmpDir)
	if err != nil || len(ents) == 0 {
		return 0
	}
	names, err := s.listMaildir()
	if err != nil {
		s.log.WithError(err).Warn("store: cannot list the Maildir; leaving tmp/ alone")
		return 0
	}
	published := make(map[string]bool, len(names))
	for _, dn := range names {
		published[idFromName(dn.name)] = true
	}
	n := 0
	for _, e := range ents {
		name := e.Name()
		id := tmpID(name)
		if published[id] || !validName(id) {
			continue
		}
		info, err := e.Info()
		if err != nil || !c.writerGone(name, info.ModTime()) {
			continue
		}
		if !s.wholeInTmp(id, filepath.Join(tmpDir, name)) {
			continue
		}
		if err := publishFile(filepath.Join(tmpDir, name), filepath.Join(s.dir, dirNew, id)); err != nil {
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

// bootTime is when the system started (Linux: btime in /proc/stat); the
// zero time where that is unknown.
func bootTime() time.Time {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return time.Time{}
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "btime "); ok {
			if secs, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
				return time.Unix(secs, 0)
			}
		}
	}
	return time.Time{}
}

// wholeInTmp reports whether the tmp/ file at path is a whole committed
// message id: its record names its size and checksum.
func (s *Store) wholeInTmp(id, path string) bool {
	rec, err := s.readRecord(id)
	if err != nil || rec.Checksum == "" {
		return false
	}
	f, err := os.Open(path)
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
