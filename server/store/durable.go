package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/sirupsen/logrus"
)

// durability is the Store's half of group commit (see the package comment's
// design notes for why it is built this way).
//
// Commit needs, before it may return, the message's data, its record (which
// carries the message's size and CRC-32C) and both their names durable: then
// a power loss at any later moment leaves a whole message that Open can
// recognise and publish, even if the name in new/ was lost. Concurrent
// Commits share one run of dataSync, which issues at once, each on its own
// goroutine, an fdatasync of every message and record handed to it and an
// fsync of tmp/ and of letterbox-meta/records/. On ext4 and xfs the concurrent
// fdatasyncs and directory fsyncs share journal commits; only Letterbox's own
// files are written out, never another program's dirty data (no syncfs, no
// sync). That run is the one wait on the path to the 250.
//
// The message is then linked into new/ (readers see it at once) and the
// link is made durable in the background by newSync, shared by every
// delivery; only after that run does the message lose its tmp/ name. So a
// name in tmp/ is never removed on disk before the name in new/ is durable,
// and a name in new/ never exists before its data is durable.
type durability struct {
	fs       fileSys
	dataSync syncGroup // fdatasync of messages and records, fsync of tmp/ and records/
	newSync  syncGroup // fsync of new/, then the tmp/ names go

	flushMu   sync.Mutex
	flushing  int        // background new/ syncs in flight
	flushIdle *sync.Cond // signalled when flushing drops to 0
}

// initSync installs the file system seam and sets up the shared syncs.
func (s *Store) initSync(fs fileSys) {
	s.fs = fs
	s.dataSync.fn = s.syncBatch
	s.newSync.fn = func([]file) error { return s.fs.syncDir(filepath.Join(s.dir, dirNew)) }
	s.flushIdle = sync.NewCond(&s.flushMu)
}

// syncBatch is one run of dataSync: every file of the batch and the two
// directories that name them, all at once. It returns the first error.
func (s *Store) syncBatch(files []file) error {
	dirs := []string{filepath.Join(s.dir, dirTmp), filepath.Join(s.dir, dirRecords)}
	n := len(files) + len(dirs)
	errs := make(chan error, n)
	for i := 1; i < n; i++ {
		go func() { errs <- s.syncOne(files, dirs, i) }()
	}
	first := s.syncOne(files, dirs, 0)
	for i := 1; i < n; i++ {
		if err := <-errs; first == nil {
			first = err
		}
	}
	if first != nil {
		return fmt.Errorf("store: sync: %w", first)
	}
	return nil
}

// syncOne syncs the i-th of files followed by dirs.
func (s *Store) syncOne(files []file, dirs []string, i int) error {
	if i < len(files) {
		return s.fs.syncFile(files[i])
	}
	return s.fs.syncDir(dirs[i-len(files)])
}

// settleName finishes a delivery in the background: once a sync of new/
// that started after the link has finished, the tmp/ name goes. If that
// sync fails the tmp/ name stays, and the next Open removes it (the name in
// new/ exists) or publishes the message again (it does not).
func (s *Store) settleName(tmp string) {
	s.flushMu.Lock()
	s.flushing++
	s.flushMu.Unlock()
	go func() {
		if err := s.newSync.do(); err != nil {
			s.log.WithError(err).Warn("store: cannot sync new/; the next start checks tmp/")
		} else if err := s.fs.remove(tmp); err != nil && !errors.Is(err, os.ErrNotExist) { // a Delete took it first
			s.log.WithError(err).Warn("store: cannot remove a published message's tmp/ name")
		}
		s.flushMu.Lock()
		if s.flushing--; s.flushing == 0 {
			s.flushIdle.Broadcast()
		}
		s.flushMu.Unlock()
	}()
}

// waitSettled waits until every background sync of new/ has finished.
func (s *Store) waitSettled() {
	s.flushMu.Lock()
	for s.flushing > 0 {
		s.flushIdle.Wait()
	}
	s.flushMu.Unlock()
}

// logSyncStats logs how well the shared syncs were shared (at Close).
func (s *Store) logSyncStats() {
	f := logrus.Fields{}
	for name, g := range map[string]*syncGroup{"data": &s.dataSync, "new": &s.newSync} {
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
