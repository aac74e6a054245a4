package store

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
)

// Query selects and pages messages for List. The zero Query lists everything.
type Query struct {
	Offset, Limit int    // page; Limit 0 = all
	Domain        string // recipient domain, "" = all
	Recipient     string // one recipient address, "" = all
	Search        string // case-insensitive substring of From, To/Cc or Subject
	// SearchBody also searches the message files on disk (their raw bytes,
	// ASCII case folded; text in base64 or quoted-printable is not decoded).
	SearchBody bool
}

// matcher is a Query prepared for matching entries.
type matcher struct {
	domain, rcpt, search string
}

func newMatcher(q Query) matcher {
	return matcher{
		domain: strings.ToLower(strings.TrimSpace(q.Domain)),
		rcpt:   strings.ToLower(strings.TrimSpace(q.Recipient)),
		search: strings.ToLower(q.Search),
	}
}

// envelope reports whether e passes the domain and recipient filters.
func (m matcher) envelope(e *entry) bool {
	if m.domain == "" && m.rcpt == "" {
		return true
	}
	for _, a := range e.keys {
		if (m.rcpt == "" || a == m.rcpt) && (m.domain == "" || domainOf(a) == m.domain) {
			return true
		}
	}
	return false
}

func (m matcher) header(e *entry) bool {
	return m.search == "" || strings.Contains(e.hay, m.search)
}

// List returns one page of messages, newest first, and how many match in
// all. Without filters the page costs O(page); filters cost one pass over the
// in-memory index; SearchBody reads message files, outside the lock.
func (s *Store) List(q Query) (items []Summary, total int, err error) {
	m := newMatcher(q)
	off, lim := max(q.Offset, 0), max(q.Limit, 0)
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return nil, 0, fmt.Errorf("store: list: %w", ErrClosed)
	}
	if q.SearchBody && m.search != "" {
		var cand []*entry // newest first
		for i := len(s.idx.sorted) - 1; i >= 0; i-- {
			if e := s.idx.sorted[i]; m.envelope(e) {
				cand = append(cand, e)
			}
		}
		s.mu.RUnlock()
		return s.searchBodies(cand, m, off, lim)
	}
	defer s.mu.RUnlock()
	sorted := s.idx.sorted
	if m == (matcher{}) {
		total = len(sorted)
		end := total - off // walk backwards from the newest
		start := 0
		if lim > 0 {
			start = max(end-lim, 0)
		}
		for i := end - 1; i >= start; i-- {
			items = append(items, sorted[i].sum.clone())
		}
		return items, total, nil
	}
	for i := len(sorted) - 1; i >= 0; i-- {
		e := sorted[i]
		if !m.envelope(e) || !m.header(e) {
			continue
		}
		if total >= off && (lim == 0 || total < off+lim) {
			items = append(items, e.sum.clone())
		}
		total++
	}
	return items, total, nil
}

// searchBodies pages through candidates that match on the header fields or,
// failing that, in their file. Files are read by a few workers at once, each
// with one buffer for all its files: the search is bound by reading, not by
// allocating.
func (s *Store) searchBodies(cand []*entry, m matcher, off, lim int) ([]Summary, int, error) {
	needle := []byte(m.search)
	hit := make([]bool, len(cand))
	var (
		next     atomic.Int64
		firstErr error
		errOnce  sync.Once
		wg       sync.WaitGroup
	)
	for range searchWorkers() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, searchChunk+len(needle))
			for i := int(next.Add(1) - 1); i < len(cand); i = int(next.Add(1) - 1) {
				e := cand[i]
				if m.header(e) {
					hit[i] = true
					continue
				}
				ok, err := fileContains(filepath.Join(s.dir, e.dir, e.name), needle, buf)
				if err != nil && !errors.Is(err, os.ErrNotExist) {
					errOnce.Do(func() { firstErr = err })
					return
				}
				hit[i] = ok
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, 0, firstErr
	}
	var items []Summary
	total := 0
	for i, e := range cand {
		if !hit[i] {
			continue
		}
		if total >= off && (lim == 0 || total < off+lim) {
			items = append(items, e.sum.clone())
		}
		total++
	}
	return items, total, nil
}

// searchChunk is how much of a file a body search reads at a time.
const searchChunk = 64 << 10

// searchWorkers is how many files a body search reads at once: more than the
// cores, so that one waiting on the disk does not idle a core.
func searchWorkers() int { return 2 * runtime.GOMAXPROCS(0) }

// fileContains reports whether the file holds needle (lower case), ASCII
// case folded, reading it in chunks that overlap by len(needle)-1 bytes.
// buf is scratch space of at least searchChunk+len(needle) bytes.
func fileContains(path string, needle, buf []byte) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, fmt.Errorf("store: search: %w", err)
	}
	defer f.Close()
	keep := 0
	for {
		n, rerr := io.ReadFull(f, buf[keep:])
		chunk := buf[:keep+n]
		lowerASCII(chunk[keep:])
		if bytes.Contains(chunk, needle) {
			return true, nil
		}
		if rerr != nil {
			if errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrUnexpectedEOF) {
				return false, nil
			}
			return false, fmt.Errorf("store: search: %w", rerr)
		}
		keep = min(len(needle)-1, len(chunk))
		copy(buf, chunk[len(chunk)-keep:])
	}
}

func lowerASCII(b []byte) {
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
}

// Refresh brings the index up to date with new/ and cur/, for a process that
// reads a store another process delivers into. Subscribers get Added,
// Changed and Deleted for what it finds.
func (s *Store) Refresh() error {
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return fmt.Errorf("store: refresh: %w", ErrClosed)
	}
	snap := make(map[string]*entry, len(s.idx.byID))
	for id, e := range s.idx.byID {
		snap[id] = e
	}
	s.mu.RUnlock()
	fresh, changed, _, err := s.reconcile(snap)
	if err != nil || changed == 0 {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := make(map[string]bool, len(fresh))
	for _, e := range fresh {
		seen[e.sum.ID] = true
		switch cur := s.idx.byID[e.sum.ID]; {
		case cur == nil && snap[e.sum.ID] == nil:
			s.idx.add(e)
			s.events.publish(Event{Kind: Added, ID: e.sum.ID, Summary: e.sum.clone()})
		case cur != nil && cur == snap[e.sum.ID] && cur != e:
			s.idx.swap(e)
			s.events.publish(Event{Kind: Changed, ID: e.sum.ID, Summary: e.sum.clone()})
		}
	}
	for id, old := range snap {
		if !seen[id] && s.idx.byID[id] == old {
			s.idx.remove(id)
			s.events.publish(Event{Kind: Deleted, ID: id, Summary: old.sum.clone()})
		}
	}
	s.markDirty(changed)
	return nil
}
