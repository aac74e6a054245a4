package store

import (
	"bytes"
	"errors"
	"fmt"
	"os"
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
	Search        string // case-insensitive substring of From, To/Cc or Subject (as decoded)
	// SearchBody also searches the text of the messages as a reader sees it
	// (msg.Summary.Text: base64 and quoted-printable undone, any charset,
	// HTML as text; the first MiB of body) and their attachment names.
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
		search: searchFold(q.Search),
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
// failing that, in their search text (see dirText): the decoded text of the
// message, so a word is found whatever the transfer encoding and charset.
// The segments are read from start to end, several at once; a candidate
// with no text in them (another program's delivery, or a text a crash lost)
// has its message read and its text kept, by a few workers at once.
func (s *Store) searchBodies(cand []*entry, m matcher, off, lim int) ([]Summary, int, error) {
	needle := []byte(m.search)
	const (
		unknown int32 = iota
		hit
		miss
	)
	state := make([]atomic.Int32, len(cand))
	want := make(map[string]int, len(cand))
	for i, e := range cand {
		if m.header(e) {
			state[i].Store(hit)
		} else {
			want[e.sum.ID] = i
		}
	}
	if len(want) > 0 {
		err := s.texts.scan(func(id string) bool {
			i, ok := want[id]
			return ok && state[i].Load() == unknown
		}, func(id string, text []byte) {
			v := miss
			if bytes.Contains(text, needle) {
				v = hit
			}
			state[want[id]].CompareAndSwap(unknown, v)
		})
		if err != nil {
			return nil, 0, err
		}
	}
	var (
		next     atomic.Int64
		firstErr error
		errOnce  sync.Once
		wg       sync.WaitGroup
	)
	for range searchWorkers() {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(cand); i = int(next.Add(1) - 1) {
				if state[i].Load() != unknown {
					continue
				}
				text, err := s.makeSearchText(cand[i])
				if err != nil && !errors.Is(err, os.ErrNotExist) {
					errOnce.Do(func() { firstErr = err })
					return
				}
				if err == nil && strings.Contains(text, m.search) {
					state[i].Store(hit)
				}
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return nil, 0, firstErr
	}
	var items []Summary
	total := 0
	for i, e := range cand {
		if state[i].Load() != hit {
			continue
		}
		if total >= off && (lim == 0 || total < off+lim) {
			items = append(items, e.sum.clone())
		}
		total++
	}
	return items, total, nil
}

// searchWorkers is how many files a body search reads at once: more than the
// cores, so that one waiting on the disk does not idle a core.
func searchWorkers() int { return 2 * runtime.GOMAXPROCS(0) }

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
