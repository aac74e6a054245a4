package store

import (
	"bufio"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"letterbox/smtpcore/msg/lint"
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
	f      file
	w      *bufio.Writer
	size   int64
	crc    uint32  // CRC-32C of the bytes written, for the record
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
		f, err := s.fs.create(tmp)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("store: create: %w", err)
		}
		return &Delivery{s: s, id: id, tmp: tmp, f: f, w: s.writer(f), scan: startIngest()}, nil
	}
	return nil, fmt.Errorf("store: create: no unique name: %w", os.ErrExist)
}

// writer returns a 32 KB buffered writer to f, a recycled one when there is
// one: a fresh buffer per message was most of the garbage of small messages.
func (s *Store) writer(f file) *bufio.Writer {
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
	d.crc = crc32.Update(d.crc, castagnoli, p[:n])
	d.scan.write(p[:n])
	if err != nil {
		d.err = fmt.Errorf("store: write %s: %w", d.id, err)
		return n, d.err
	}
	return n, nil
}

// Commit makes the message durable and visible, in this order: the file's
// data, its session record (with the message's size and CRC-32C) and both
// their names reach stable storage in one shared sync (see durability); the
// file is linked into new/; the index is updated and Added published; Commit
// returns. The sync is shared with the deliveries committing at the same
// time (group commit, see group.go), and the run a Commit waits for starts
// after that Commit's own writes, so a nil error means: whatever happens
// next, the message survives whole. A crash or power loss before the sync
// ends leaves at most a file in tmp/ and a record that Open removes; after
// it, a whole message that is in new/ or that Open puts there. The name in
// new/ becomes durable in the background, shortly after. rec.ID, rec.Size,
// rec.Checksum and a zero rec.Received are filled in by Commit. On error
// the delivery is aborted.
func (d *Delivery) Commit(rec Record) (Summary, error) {
	if d.closed {
		return Summary{}, fmt.Errorf("store: commit %s: delivery is finished", d.id)
	}
	if d.err != nil {
		_ = d.Abort()
		return Summary{}, d.err
	}
	s := d.s
	rec.ID, rec.Size, rec.Checksum = d.id, d.size, checksumString(d.crc)
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
	if err := d.publish(); err != nil {
		_ = s.fs.remove(s.recordPath(d.id))
		_ = d.Abort()
		return Summary{}, fmt.Errorf("store: commit %s: %w", d.id, err)
	}
	d.closed = true
	m := d.scan.finish()
	s.keepSearchText(d.id, m)
	sum := summaryOf(d.id, d.size, m)
	sum.Received, sum.MailFrom, sum.Rcpts = rec.Received, rec.MailFrom, rec.Rcpts
	sum.Findings = lint.Count(rec.Findings)
	e := newEntry(sum, dirNew, d.id, true)
	s.insert(e)
	s.log.WithFields(logrus.Fields{"id": d.id, "size": d.size, "from": rec.MailFrom,
		"rcpts": len(rec.Rcpts)}).Debug("store: message stored")
	return e.sum.clone(), nil
}

// publish gives the durable file in tmp/ its name in new/. With syncs it
// links, so that the tmp/ name stays until the new/ name is durable
// (settleName); where the file system has no hard links it renames and
// waits for new/ to be synced (a second wait). With Options.NoSync it
// renames.
func (d *Delivery) publish() error {
	s := d.s
	newPath := filepath.Join(s.dir, dirNew, d.id)
	if s.opts.NoSync {
		return s.fs.publish(d.tmp, newPath)
	}
	err := s.fs.link(d.tmp, newPath)
	if err == nil {
		s.settleName(d.tmp)
		return nil
	}
	if !errors.Is(err, errors.ErrUnsupported) {
		return fmt.Errorf("store: link into new/: %w", err)
	}
	if err := s.fs.publish(d.tmp, newPath); err != nil {
		return err
	}
	if err := s.newSync.do(); err != nil {
		// Not acknowledged, so not kept: a retry must not find a twin.
		_ = s.fs.remove(newPath)
		return err
	}
	return nil
}

// finishFile flushes the tmp/ file, writes the session record, makes both
// durable with their names (one shared run of dataSync) and closes them.
// On error the record is gone.
func (d *Delivery) finishFile(rec *Record) error {
	s := d.s
	err := d.w.Flush()
	d.dropWriter()
	if err == nil {
		// Checked once, here, and kept with the record: a rebuild of the
		// index reads the findings instead of checking every message again.
		rec.Findings, rec.Linted = lintMessage(io.NewSectionReader(d.f, 0, d.size), rec)
	}
	var rf file
	if err == nil {
		rf, err = s.writeRecord(rec)
	}
	if err == nil && !s.opts.NoSync {
		err = s.dataSync.do(d.f, rf)
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
			_ = s.fs.remove(s.recordPath(d.id))
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
	d.scan.abort()
	d.dropWriter()
	if d.f != nil {
		_ = d.f.Close()
		d.f = nil
	}
	if err := d.s.fs.remove(d.tmp); err != nil && !errors.Is(err, os.ErrNotExist) {
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
