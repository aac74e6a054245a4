package store

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/sirupsen/logrus"
)

// ErrNotFound is returned (wrapped) for an id the store does not hold.
var ErrNotFound = errors.New("store: message not found")

// ErrClosed is returned (wrapped) by calls on a closed Store.
var ErrClosed = errors.New("store: closed")

// Options configures a Store. The zero value is the safe default.
type Options struct {
	// Logger receives rebuild, repair and error notes. nil discards them.
	Logger logrus.FieldLogger
	// NoSync skips every fsync, like Dovecot's mail_fsync=never: much faster,
	// but a crash may lose mail that was already acknowledged. For tests and
	// throw-away stores only.
	NoSync bool
	// SaveAfter is how many changes make the background saver write the index
	// cache early; 0 means 500. A large store waits for more changes, an
	// eighth of its messages, since each write encodes the whole index: the
	// cost per change stays constant, and an Open after a crash re-reads at
	// most that eighth. The cache is also written every SaveInterval when it
	// changed (0 means 30 s) and on Close.
	SaveAfter    int
	SaveInterval time.Duration
	// NoWatch turns off following other programs' changes to new/ and cur/
	// (watch.go); Refresh then catches up on demand.
	NoWatch bool
	// Reader opens the store without ever taking its lock file: the
	// process is a reader that never cleans tmp/, records or search texts
	// (a command-line tool that only lists or waits), even when no server
	// or app holds the lock, which stays free for the one that starts next.
	Reader bool
}

// Store is a Maildir with session records and an index cache. All methods are
// safe for concurrent use.
type Store struct {
	dir    string
	opts   Options
	log    logrus.FieldLogger
	ids    idGen
	host   string // this host in Maildir names (maildirHost)
	tmpTag string // ends this process's tmp/ names (tmpTag)
	owner  bool   // holds letterbox-meta/lock: cleans tmp/ and stray records
	unlock func() // releases the lock file

	mu     sync.RWMutex // guards idx, dirty, closed
	idx    *index
	dirty  int
	closed bool

	saveMu    sync.Mutex // one index write at a time
	saveReq   chan struct{}
	stop      chan struct{}
	saverDone chan struct{}

	events hub
	texts  *texts // search texts: searchtext.go

	watchDone  chan struct{} // closed when the watcher ends; nil without one
	publishing sync.Map      // ids being renamed into new/ by Commit

	writers sync.Pool // *bufio.Writer of ended deliveries

	durability // group commit: durable.go, group.go
}

// Open opens the store in dir, creating tmp/, new/, cur/ and letterbox-meta/
// as needed, after moving an old STORE/.letterbox into that layout (see
// migrateLegacy). The process that holds the store's lock file removes what
// a crash left in tmp/ (its own deliveries, and other programs' files only
// once untouched for 36 hours) and records whose message is gone. The index cache is loaded
// and checked against the names in new/ and cur/; what disagrees is read again
// from the Maildir, and a missing or corrupt cache is rebuilt in full.
func Open(dir string, opts Options) (*Store, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	if err := migrateLegacy(abs, logOrDiscard(opts.Logger).WithField("store", abs)); err != nil {
		return nil, err
	}
	for _, d := range []string{dirTmp, dirNew, dirCur, dirRecords, dirText} {
		if err := os.MkdirAll(filepath.Join(abs, d), 0o700); err != nil {
			return nil, fmt.Errorf("store: create %s: %w", d, err)
		}
	}
	s := &Store{
		dir:       abs,
		opts:      opts,
		log:       opts.Logger,
		saveReq:   make(chan struct{}, 1),
		stop:      make(chan struct{}),
		saverDone: make(chan struct{}),
		host:      maildirHost(),
	}
	s.tmpTag = tmpTag(s.host)
	s.texts = newTexts(abs, s.tmpTag)
	s.log = logOrDiscard(s.log).WithField("store", abs)
	if s.opts.SaveAfter <= 0 {
		s.opts.SaveAfter = 500
	}
	if s.opts.SaveInterval <= 0 {
		s.opts.SaveInterval = 30 * time.Second
	}
	s.unlock = func() {}
	if !opts.Reader {
		s.owner, s.unlock = lockStore(LockPath(abs))
	}
	if err := s.load(); err != nil {
		s.unlock()
		return nil, err
	}
	s.initSync(osFS{})
	go s.saver()
	if !opts.NoWatch {
		s.startWatch()
	}
	return s, nil
}

// tidy runs the owner's clean-ups that need not hold up Open in the
// background: records whose message is gone (listing 100,000 records was a
// tenth of a warm Open), then the fold of search-text segments. Close waits
// for it. onDisk holds the ids in new/ and cur/ when Open listed them.
func (s *Store) tidy(onDisk map[string]bool) {
	s.texts.folding.Add(1)
	go func() {
		defer s.texts.folding.Done()
		s.cleanRecords(onDisk)
		s.foldTexts(onDisk, tmpCleaner{host: s.host, pid: os.Getpid(), boot: bootTime(), alive: processAlive})
	}()
}

// load cleans up after a crash and fills the index.
func (s *Store) load() error {
	start := time.Now()
	if s.owner {
		c := tmpCleaner{host: s.host, pid: os.Getpid(), now: time.Now(), boot: bootTime(), alive: processAlive}
		s.recoverTmp(c) // before c.clean: journal.go
		own, foreign, err := c.clean(filepath.Join(s.dir, dirTmp))
		if err != nil {
			return err
		}
		if own > 0 {
			s.log.WithField("files", own).Info("store: removed unfinished deliveries from tmp/")
		}
		if foreign > 0 {
			s.log.WithField("files", foreign).Info("store: removed files untouched for 36 hours from tmp/")
		}
		// Index caches a crashed writer left half written.
		stale, _ := filepath.Glob(filepath.Join(s.dir, indexFile+".*.tmp"))
		for _, f := range stale {
			_ = os.Remove(f)
		}
	}
	prev, idxErr := s.readIndexFile()
	switch {
	case errors.Is(idxErr, fs.ErrNotExist): // a new store, or one another tool made
		s.log.Debug("store: no index cache yet; building it")
	case idxErr != nil:
		s.log.WithError(idxErr).Info("store: rebuilding the index")
	}
	entries, changed, onDisk, err := s.reconcile(prev)
	if err != nil {
		return err
	}
	s.idx = newIndex(len(entries))
	s.idx.bulk(entries)
	if s.owner {
		s.tidy(onDisk)
	}
	if changed > 0 || idxErr != nil {
		s.dirty = max(changed, 1)
		if err := s.saveIndex(); err != nil {
			s.log.WithError(err).Warn("store: cannot write the index cache")
		}
	}
	s.log.WithFields(logrus.Fields{"messages": len(entries), "reread": changed,
		"elapsed": time.Since(start).Round(time.Millisecond)}).Debug("store: opened")
	return nil
}

// logOrDiscard returns l, or a logger that discards everything when l is nil.
func logOrDiscard(l logrus.FieldLogger) logrus.FieldLogger {
	if l != nil {
		return l
	}
	d := logrus.New()
	d.SetOutput(io.Discard)
	return d
}

// Dir returns the store's directory (absolute).
func (s *Store) Dir() string { return s.dir }

// Close writes the index cache, ends every subscription and releases the
// store. Deliveries still in flight complete on disk; the next Open indexes
// them. Close is idempotent.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	close(s.stop)
	<-s.saverDone
	if s.watchDone != nil {
		<-s.watchDone
	}
	err := s.saveIndex()
	s.events.closeAll()
	s.waitSettled()
	s.texts.close()
	s.unlock()
	s.logSyncStats()
	return err
}

// markDirty notes n changes to the index; the caller holds s.mu for writing.
func (s *Store) markDirty(n int) {
	s.dirty += n
	if s.dirty >= max(s.opts.SaveAfter, len(s.idx.sorted)/8) {
		select {
		case s.saveReq <- struct{}{}:
		default:
		}
	}
}

// saver writes the index cache in the background after SaveAfter changes or
// every SaveInterval, so a crash costs at most a partial re-read at Open.
func (s *Store) saver() {
	defer close(s.saverDone)
	t := time.NewTicker(s.opts.SaveInterval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-s.saveReq:
		case <-t.C:
		}
		if err := s.saveIndex(); err != nil {
			s.log.WithError(err).Warn("store: cannot write the index cache")
		}
	}
}
