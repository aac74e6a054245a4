package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/sirupsen/logrus"
)

// syncer is how a Store makes its writes reach stable storage. Open installs
// osSyncer (sync_linux.go, sync_other.go); a test installs a fake to see what
// is synced when.
type syncer interface {
	// file makes one file's data and size durable (fdatasync).
	file(f *os.File) error
	// dir makes the names in one directory durable (fsync of the directory).
	dir(path string) error
	// fs makes everything written so far on the file system that holds root
	// durable: file data, inodes and names (Linux syncfs). Where the system
	// has no such call it returns an error matching errors.ErrUnsupported.
	fs(root *os.File) error
}

// durability is the Store's half of group commit: the shared syncs and the
// open store directory that syncfs needs.
//
// Commit needs three things durable before it may return: the message file,
// its record, and the message's name in new/; and the first two before the
// name appears in new/, so that a crash never shows half a message. Done
// one delivery at a time that is four syncs per message (file, record,
// records/, new/), each a trip to the disk. Here concurrent Commits share
// them (see syncGroup for why each caller's sync starts after its writes):
//
//   - the data run: one syncfs writes the files and records of every
//     delivery that finished writing before it started, then one fsync of
//     letterbox-meta/records/. syncfs alone is not enough on a file system
//     without a journal (ext4 -O ^has_journal, ext2): there it issues its
//     cache flush before it writes the inode and directory blocks, which may
//     then sit in the disk's volatile cache; the directory fsync writes its
//     own blocks, waits, and flushes the cache, so every write finished
//     before it is on stable storage, as POSIX fsync promises.
//   - the name run: one fsync of new/ for every rename made before it started.
//
// So a busy server pays three syncs per batch instead of four per message.
//
// syncfs reports a write-back error only once, to the first call after it,
// through the file it is called on. The store directory is therefore opened
// once, at Open, before any delivery writes: no error of a later write can
// slip past it. After syncfs has reported an error the store syncs file by
// file for the rest of its life, so that every delivery learns of an error
// in its own files from its own descriptors.
type durability struct {
	sync    syncer
	perFile atomic.Bool // sync file by file: syncfs is missing or reported an error
	fsSync  syncGroup   // syncfs of the store's file system, then fsync of records/
	recSync syncGroup   // fsync of letterbox-meta/records/ (file-by-file mode)
	newSync syncGroup   // fsync of new/

	rootMu   sync.Mutex
	root     *os.File // the store directory, for syncfs; nil when it could not be opened
	rootRefs int      // the Store's reference plus one per open Delivery
}

// initSync opens the store directory for syncfs and sets up the shared syncs.
func (s *Store) initSync(sy syncer) {
	s.sync = sy
	s.fsSync.fn = s.syncFS
	s.recSync.fn = func() error { return s.sync.dir(filepath.Join(s.dir, dirRecords)) }
	s.newSync.fn = func() error { return s.sync.dir(filepath.Join(s.dir, dirNew)) }
	root, err := os.Open(s.dir)
	if err != nil {
		s.log.WithError(err).Warn("store: cannot open the store for syncfs; syncing file by file")
		s.perFile.Store(true)
	}
	s.root, s.rootRefs = root, 1
}

// holdRoot keeps the store directory open for a Delivery until it ends, so
// that a Commit still in flight when the Store is closed completes on disk.
func (s *Store) holdRoot() {
	s.rootMu.Lock()
	s.rootRefs++
	s.rootMu.Unlock()
}

// releaseRoot drops a reference taken by holdRoot or by Open; the last one
// closes the directory.
func (s *Store) releaseRoot() {
	s.rootMu.Lock()
	defer s.rootMu.Unlock()
	if s.rootRefs--; s.rootRefs == 0 && s.root != nil {
		_ = s.root.Close()
		s.root = nil
	}
}

// syncFS is the shared data run: syncfs, then the fsync of the records
// directory that flushes what syncfs wrote (see durability). An error other
// than "unsupported" switches the store to file-by-file syncing.
func (s *Store) syncFS() error {
	s.rootMu.Lock()
	root := s.root
	s.rootMu.Unlock()
	err := s.sync.fs(root)
	if err == nil {
		err = s.sync.dir(filepath.Join(s.dir, dirRecords))
	}
	if err != nil {
		s.perFile.Store(true)
		if !errors.Is(err, errors.ErrUnsupported) {
			s.log.WithError(err).Error("store: the shared data sync failed; syncing file by file from now on")
		}
	}
	return err
}

// syncData makes a message file in tmp/ and its session record durable,
// their names included, before the message is renamed into new/: with the
// shared syncfs, or file by file (both files at once) and then a shared
// fsync of the records directory.
func (s *Store) syncData(msg, rec *os.File) error {
	if !s.perFile.Load() {
		err := s.fsSync.do()
		if !errors.Is(err, errors.ErrUnsupported) {
			return err
		}
	}
	done := make(chan error, 1)
	go func() { done <- s.sync.file(rec) }()
	err := s.sync.file(msg)
	if rerr := <-done; err == nil {
		err = rerr
	}
	if err != nil {
		return fmt.Errorf("store: sync: %w", err)
	}
	return s.recSync.do()
}

// logSyncStats logs how well the shared syncs were shared (at Close).
func (s *Store) logSyncStats() {
	f := logrus.Fields{}
	for name, g := range map[string]*syncGroup{"syncfs": &s.fsSync, "records": &s.recSync, "new": &s.newSync} {
		g.mu.Lock()
		if g.runs > 0 {
			f[name] = fmt.Sprintf("%d runs, %.1f callers each, at most %d", g.runs, float64(g.served)/float64(g.runs), g.largest)
		}
		g.mu.Unlock()
	}
	if len(f) > 0 {
		s.log.WithFields(f).Debug("store: shared syncs")
	}
}
