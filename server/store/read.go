package store

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// lookup returns the entry of id under the read lock.
func (s *Store) lookup(id string) (*entry, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, fmt.Errorf("store: %s: %w", id, ErrClosed)
	}
	e := s.idx.byID[id]
	if e == nil {
		return nil, fmt.Errorf("store: %q: %w", id, ErrNotFound)
	}
	return e, nil
}

// Get returns the summary of one message.
func (s *Store) Get(id string) (Summary, error) {
	e, err := s.lookup(id)
	if err != nil {
		return Summary{}, err
	}
	return e.sum.clone(), nil
}

// Record returns the session record of a message. A message without one
// (dropped in by another tool) gives an error matching os.ErrNotExist.
func (s *Store) Record(id string) (*Record, error) {
	if _, err := s.lookup(id); err != nil {
		return nil, err
	}
	return s.readRecord(id)
}

// Path returns the file's current path, in new/ or cur/. A mail reader may
// have moved it since the index saw it; Path then finds it again.
func (s *Store) Path(id string) (string, error) {
	e, err := s.lookup(id)
	if err != nil {
		return "", err
	}
	e, err = s.locate(e)
	if err != nil {
		return "", err
	}
	return filepath.Join(s.dir, e.dir, e.name), nil
}

// Open returns the message's bytes exactly as stored, trace headers included.
// The caller closes the reader.
func (s *Store) Open(id string) (io.ReadCloser, error) {
	p, err := s.Path(id)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", id, err)
	}
	return f, nil
}

// locate checks that e's file is where the index says. If it is not (mutt
// marked it read, say), it looks for the id in new/ and cur/ and updates the
// index; if the file is gone, the message is dropped from the index.
func (s *Store) locate(e *entry) (*entry, error) {
	if _, err := os.Lstat(filepath.Join(s.dir, e.dir, e.name)); err == nil {
		return e, nil
	}
	found := ""
	dir := dirNew
	if _, err := os.Lstat(filepath.Join(s.dir, dirNew, e.sum.ID)); err == nil {
		found = e.sum.ID
	} else if names, err := readNames(filepath.Join(s.dir, dirCur)); err == nil {
		dir = dirCur
		for _, n := range names {
			if idFromName(n) == e.sum.ID {
				found = n
				break
			}
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if found == "" {
		if s.idx.byID[e.sum.ID] == e {
			s.idx.remove(e.sum.ID)
			s.markDirty(1)
			s.events.publish(Event{Kind: Deleted, ID: e.sum.ID, Summary: e.sum.clone()})
		}
		return nil, fmt.Errorf("store: %q: file is gone: %w", e.sum.ID, ErrNotFound)
	}
	n := e.moved(dir, found)
	if s.idx.byID[e.sum.ID] == e {
		s.idx.swap(n)
		s.markDirty(1)
		s.events.publish(Event{Kind: Changed, ID: n.sum.ID, Summary: n.sum.clone()})
	}
	return n, nil
}

// MarkRead marks a message seen: it moves to cur/ with the S flag (Maildir's
// "seen"), keeping its other flags. Subscribers get Changed.
func (s *Store) MarkRead(id string) error { return s.setSeen(id, true) }

// MarkUnread takes the S flag off a message (it stays in cur/, where a
// Maildir reader sees it as not yet read), keeping its other flags.
// Subscribers get Changed.
func (s *Store) MarkUnread(id string) error { return s.setSeen(id, false) }

// setSeen renames the message's file so that its S flag is seen.
func (s *Store) setSeen(id string, seen bool) error {
	e, err := s.lookup(id)
	if err != nil {
		return err
	}
	if e, err = s.locate(e); err != nil {
		return err
	}
	if e.sum.Unread != seen {
		return nil // already as asked
	}
	name, verb := withFlag(e.name, 'S'), "read"
	if !seen {
		name, verb = withoutFlag(e.name, 'S'), "unread"
	}
	from := filepath.Join(s.dir, e.dir, e.name)
	if err := os.Rename(from, filepath.Join(s.dir, dirCur, name)); err != nil {
		// Another call (or a mail reader) may have moved it first.
		if now, lerr := s.locate(e); lerr == nil && now.sum.Unread != seen {
			return nil
		}
		return fmt.Errorf("store: mark %s %s: %w", id, verb, err)
	}
	n := e.moved(dirCur, name)
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur := s.idx.byID[id]; cur != nil {
		s.idx.swap(n)
		s.markDirty(1)
		s.events.publish(Event{Kind: Changed, ID: id, Summary: n.sum.clone()})
	}
	return nil
}

// Delete removes a message and its record; subscribers get Deleted.
func (s *Store) Delete(id string) error {
	e, err := s.lookup(id)
	if err != nil {
		return err
	}
	if loc, lerr := s.locate(e); lerr == nil {
		e = loc
	}
	if err := s.removeFiles(e, s.tmpNames()); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old := s.idx.remove(id); old != nil {
		s.markDirty(1)
		s.events.publish(Event{Kind: Deleted, ID: id, Summary: old.sum.clone()})
	}
	return nil
}

// removeFiles deletes the message's name left in tmp/ if any (a delivery
// whose new/ name is not yet durable keeps it for a moment; tmp holds the
// names in tmp/), then the message file, then its record. A crash before the
// message goes leaves it whole; a crash after leaves a stray record that Open
// cleans, never a message without the envelope it came with, and never a
// tmp/ name with a matching record, which Open would publish again.
func (s *Store) removeFiles(e *entry, tmp []string) error {
	for _, n := range tmp {
		if tmpID(n) == e.sum.ID && n != e.sum.ID {
			err := os.Remove(filepath.Join(s.dir, dirTmp, n))
			if err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("store: delete %s: %w", e.sum.ID, err)
			}
		}
	}
	err := os.Remove(filepath.Join(s.dir, e.dir, e.name))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("store: delete %s: %w", e.sum.ID, err)
	}
	err = os.Remove(s.recordPath(e.sum.ID))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("store: delete record %s: %w", e.sum.ID, err)
	}
	return nil
}

// tmpNames lists tmp/ (nil if it cannot: Open recovers what is left).
func (s *Store) tmpNames() []string {
	names, err := readNames(filepath.Join(s.dir, dirTmp))
	if err != nil {
		s.log.WithError(err).Warn("store: cannot list tmp/")
	}
	return names
}

// DeleteAll removes every message the store holds and their records.
// Subscribers get one Cleared event. The index empties at once; the files are
// removed afterwards, outside the lock, so readers are not held up.
// Messages committed while it runs are kept.
func (s *Store) DeleteAll() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return fmt.Errorf("store: delete all: %w", ErrClosed)
	}
	old := s.idx.sorted
	s.idx = newIndex(0)
	s.markDirty(len(old) + 1)
	s.events.publish(Event{Kind: Cleared})
	s.mu.Unlock()
	var errs []error
	tmp := s.tmpNames()
	for _, e := range old {
		if err := s.removeFiles(e, tmp); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Counts returns how many messages the store holds and how many are unread.
func (s *Store) Counts() (total, unread int) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.idx.sorted), s.idx.unread
}

// Domains returns the recipient domains of all messages, lower case, sorted.
// Recipients are the envelope ones (header To and Cc for a message without a
// record).
func (s *Store) Domains() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]string, 0, len(s.idx.rcpts))
	for d := range s.idx.rcpts {
		out = append(out, d)
	}
	slices.Sort(out)
	return out
}

// Recipients returns the recipient addresses in domain ("" = every domain),
// lower case, sorted.
func (s *Store) Recipients(domain string) []string {
	domain = strings.ToLower(domain)
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []string
	for d, m := range s.idx.rcpts {
		if domain != "" && d != domain {
			continue
		}
		for a := range m {
			out = append(out, a)
		}
	}
	slices.Sort(out)
	return out
}
