package store

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/sirupsen/logrus"
)

// Delivery is one message being written into the store. A server session
// creates it when DATA (or the first BDAT) starts, writes the message through
// it, and ends it with Commit, which returns only once the message is durable,
// or Abort. A Delivery is used by one goroutine at a time.
type Delivery struct {
	s      *Store
	id     string
	tmp    string
	f      *os.File
	w      *bufio.Writer
	size   int64
	scan   *ingest // reads the message as it goes by, for the index
	err    error   // first write error; Commit refuses after one
	closed bool    // committed or aborted
}

// Create starts a delivery: it opens a new file in tmp/ and assigns the
// message's queue id, which is also its Maildir unique name.
func (s *Store) Create() (*Delivery, error) {
	s.mu.RLock()
	closed := s.closed
	s.mu.RUnlock()
	if closed {
		return nil, fmt.Errorf("store: create: %w", ErrClosed)
	}
	for range 3 { // a clash needs the same microsecond, sequence and random part
		id := s.ids.next(time.Now())
		tmp := filepath.Join(s.dir, dirTmp, id+s.tmpTag)
		f, err := createExcl(tmp)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("store: create: %w", err)
		}
		s.holdRoot()
		return &Delivery{s: s, id: id, tmp: tmp, f: f, w: s.writer(f), scan: startIngest()}, nil
	}
	return nil, fmt.Errorf("store: create: no unique name: %w", os.ErrExist)
}

// writer returns a 32 KB buffered writer to f, a recycled one when there is
// one: a fresh buffer per message was most of the garbage of small messages.
func (s *Store) writer(f *os.File) *bufio.Writer {
	if w, ok := s.writers.Get().(*bufio.Writer); ok {
		w.Reset(f)
		return w
	}
	return bufio.NewWriterSize(f, 32<<10)
}

// dropWriter gives the delivery's buffer back for the next one; nothing
// writes through it afterwards (Write refuses once the file is finished).
func (d *Delivery) dropWriter() {
	if d.w != nil {
		d.w.Reset(nil)
		d.s.writers.Put(d.w)
		d.w = nil
	}
}

// ID returns the queue id, known before any data is written so that the
// server can put it in the Received header.
func (d *Delivery) ID() string { return d.id }

// Size returns the bytes written so far.
func (d *Delivery) Size() int64 { return d.size }

// Write streams message bytes to the file in tmp/. Only a small buffer and
// what the summary needs are kept in memory. After an error every later
// Write and Commit fail; Abort cleans up.
func (d *Delivery) Write(p []byte) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	if d.closed {
		return 0, fmt.Errorf("store: write %s: delivery is finished", d.id)
	}
	n, err := d.w.Write(p)
	d.size += int64(n)
	d.scan.write(p[:n])
	if err != nil {
		d.err = fmt.Errorf("store: write %s: %w", d.id, err)
		return n, d.err
	}
	return n, nil
}

// Commit makes the message durable and visible, in this order: the file's
// data and the session record reach stable storage; the file is renamed
// into new/ and new/ is synced. Only then does it update the index and
// publish Added, and return. The syncs are shared with the deliveries
// committing at the same time (group commit, see group.go), and each one a
// Commit waits for starts after that Commit's own writes, so a nil error
// still means: message, record and the name in new/ are durable. A crash at
// any point leaves either no message (at most a file in tmp/ and a record
// that Open removes) or a whole message with its record. rec.ID, rec.Size
// and a zero rec.Received are filled in by Commit. On error the delivery is
// aborted.
func (d *Delivery) Commit(rec Record) (Summary, error) {
	if d.closed {
		return Summary{}, fmt.Errorf("store: commit %s: delivery is finished", d.id)
	}
	if d.err != nil {
		_ = d.Abort()
		return Summary{}, d.err
	}
	s := d.s
	rec.ID, rec.Size = d.id, d.size
	if rec.Received.IsZero() {
		rec.Received = time.Now()
	}
	rec.Received = rec.Received.UTC()
	if err := d.finishFile(&rec); err != nil {
		_ = d.Abort()
		return Summary{}, err
	}
	s.publishing.Store(d.id, struct{}{})
	defer s.publishing.Delete(d.id)
	err := publishFile(d.tmp, filepath.Join(s.dir, dirNew, d.id))
	if err == nil && !s.opts.NoSync {
		if err = s.newSync.do(); err != nil {
			// Not acknowledged, so not kept: a retry must not find a twin.
			_ = os.Remove(filepath.Join(s.dir, dirNew, d.id))
		}
	}
	if err != nil {
		_ = os.Remove(s.recordPath(d.id))
		_ = d.Abort()
		return Summary{}, fmt.Errorf("store: commit %s: %w", d.id, err)
	}
	d.closed = true
	s.releaseRoot()
	m := d.scan.finish()
	if err := s.writeSearchText(d.id, searchTextOf(m)); err != nil {
		s.log.WithError(err).Warn("store: cannot keep search text") // a search makes it again
	}
	sum := summaryOf(d.id, d.size, m)
	sum.Received, sum.MailFrom, sum.Rcpts = rec.Received, rec.MailFrom, rec.Rcpts
	sum.Findings = lintFile(filepath.Join(s.dir, dirNew, d.id), &rec) // read back from the page cache
	e := newEntry(sum, dirNew, d.id, true)
	s.insert(e)
	s.log.WithFields(logrus.Fields{"id": d.id, "size": d.size, "from": rec.MailFrom,
		"rcpts": len(rec.Rcpts)}).Debug("store: message stored")
	return e.sum.clone(), nil
}

// finishFile flushes the tmp/ file, writes the session record, makes both
// durable (see Store.syncData) and closes them. On error the record is gone.
func (d *Delivery) finishFile(rec *Record) error {
	s := d.s
	err := d.w.Flush()
	d.dropWriter()
	var rf *os.File
	if err == nil {
		rf, err = s.writeRecord(rec)
	}
	if err == nil && !s.opts.NoSync {
		err = s.syncData(d.f, rf)
	}
	if rf != nil {
		if cerr := rf.Close(); err == nil {
			err = cerr
		}
	}
	if cerr := d.f.Close(); err == nil {
		err = cerr
	}
	d.f = nil
	if err != nil {
		if rf != nil {
			_ = os.Remove(s.recordPath(d.id))
		}
		return fmt.Errorf("store: commit %s: %w", d.id, err)
	}
	return nil
}

// Abort drops the delivery and removes its file from tmp/. It is safe after a
// failed Write or Commit, a no-op after a successful Commit, and idempotent,
// so a session may always defer it.
func (d *Delivery) Abort() error {
	if d.closed {
		return nil
	}
	d.closed = true
	d.s.releaseRoot()
	d.scan.abort()
	d.dropWriter()
	if d.f != nil {
		_ = d.f.Close()
		d.f = nil
	}
	if err := os.Remove(d.tmp); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("store: abort %s: %w", d.id, err)
	}
	return nil
}

// insert adds a committed message to the index and tells subscribers. A
// store closed meanwhile skips the index; the next Open finds the file.
func (s *Store) insert(e *entry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	kind := Added
	if s.idx.byID[e.sum.ID] != nil {
		kind = Changed // a Refresh found the file first (watch.go)
	}
	s.idx.add(e)
	s.markDirty(1)
	s.events.publish(Event{Kind: kind, ID: e.sum.ID, Summary: e.sum.clone()})
}
