package imapstore

import (
	"bytes"
	"fmt"
	"io"
	"net/mail"
	"slices"
	"strings"

	"github.com/emersion/go-imap/v2"

	"letterbox/server/store"
)

// List returns a page of summaries, newest (highest UID) first, and how many
// messages match. A query with a search, domain or recipient runs IMAP SEARCH
// once (see criteria); the next pages of the same query reuse its answer
// until the mailbox changes. Summaries missing from the cache are fetched in
// one UID FETCH per page.
func (s *Store) List(q store.Query) (items []store.Summary, total int, err error) {
	s.io.Lock()
	defer s.io.Unlock()
	uids, err := s.matching(q)
	if err != nil {
		return nil, 0, err
	}
	total = len(uids)
	off, lim := max(q.Offset, 0), max(q.Limit, 0)
	end := total - off
	if end <= 0 {
		return nil, total, nil
	}
	start := 0
	if lim > 0 {
		start = max(end-lim, 0)
	}
	page := slices.Clone(uids[start:end])
	slices.Reverse(page)
	sums, err := s.summaries(page)
	if err != nil {
		return nil, 0, err
	}
	for _, uid := range page {
		if sum, ok := sums[uid]; ok { // expunged meanwhile: left out
			items = append(items, sum)
		}
	}
	return items, total, nil
}

// matching returns the UIDs of the messages q selects, ascending. Call with
// s.io held.
func (s *Store) matching(q store.Query) ([]imap.UID, error) {
	q.Offset, q.Limit = 0, 0
	crit := criteria(q)
	s.mu.Lock()
	if crit == nil {
		all := s.all
		s.mu.Unlock()
		return all, nil
	}
	if s.lastUIDs != nil && s.lastQ == q && s.lastGen == s.gen {
		uids := s.lastUIDs
		s.mu.Unlock()
		return uids, nil
	}
	gen := s.gen
	s.mu.Unlock()
	c, err := s.client()
	if err != nil {
		return nil, err
	}
	data, err := c.UIDSearch(crit, searchOptions(c)).Wait()
	if err != nil {
		return nil, fmt.Errorf("imap: search: %w", err)
	}
	uids := data.AllUIDs()
	slices.Sort(uids)
	s.mu.Lock()
	s.lastQ, s.lastGen, s.lastUIDs = q, gen, uids
	s.mu.Unlock()
	return uids, nil
}

// criteria turns the search box and the mailbox tree into IMAP SEARCH keys
// (RFC 9051 §6.4.4), nil when q selects everything. The search text matches
// From, To, Cc or Subject as the local store's does, or the whole message
// (TEXT: header and body) with SearchBody. A domain matches "@domain" in To
// or Cc; IMAP SEARCH matches substrings, case-insensitively.
func criteria(q store.Query) *imap.SearchCriteria {
	var c imap.SearchCriteria
	any := false
	hdr := func(k, v string) imap.SearchCriteria {
		return imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: k, Value: v}}}
	}
	either := func(a, b imap.SearchCriteria) imap.SearchCriteria {
		return imap.SearchCriteria{Or: [][2]imap.SearchCriteria{{a, b}}}
	}
	if t := strings.TrimSpace(q.Search); t != "" {
		any = true
		if q.SearchBody {
			c.Text = append(c.Text, t)
		} else {
			c.Or = append(c.Or, [2]imap.SearchCriteria{
				either(hdr("From", t), hdr("Subject", t)), either(hdr("To", t), hdr("Cc", t))})
		}
	}
	rcpt := strings.TrimSpace(q.Recipient)
	if d := strings.TrimSpace(q.Domain); rcpt == "" && d != "" {
		rcpt = "@" + d
	}
	if rcpt != "" {
		any = true
		c.Or = append(c.Or, [2]imap.SearchCriteria{hdr("To", rcpt), hdr("Cc", rcpt)})
	}
	if !any {
		return nil
	}
	return &c
}

// summaries returns the summaries of uids, from the cache or fetched (in
// chunks of fetchChunk). Call with s.io held.
func (s *Store) summaries(uids []imap.UID) (map[imap.UID]store.Summary, error) {
	out := make(map[imap.UID]store.Summary, len(uids))
	var missing []imap.UID
	s.mu.Lock()
	for _, u := range uids {
		if sum, ok := s.cache[u]; ok {
			out[u] = sum
		} else {
			missing = append(missing, u)
		}
	}
	s.mu.Unlock()
	for chunk := range slices.Chunk(missing, fetchChunk) {
		c, err := s.client()
		if err != nil {
			return nil, err
		}
		msgs, err := c.Fetch(imap.UIDSetNum(chunk...), summaryItems).Collect()
		if err != nil {
			return nil, fmt.Errorf("imap: fetch summaries: %w", err)
		}
		s.mu.Lock()
		for _, m := range msgs {
			if m.UID == 0 {
				continue
			}
			sum := summaryOf(m)
			s.cache[m.UID] = sum
			out[m.UID] = sum
		}
		s.mu.Unlock()
	}
	return out, nil
}

// Get returns one message's summary.
func (s *Store) Get(id string) (store.Summary, error) {
	uid, ok := uidOf(id)
	if !ok {
		return store.Summary{}, errNotFound(id)
	}
	s.io.Lock()
	defer s.io.Unlock()
	sums, err := s.summaries([]imap.UID{uid})
	if err != nil {
		return store.Summary{}, err
	}
	sum, ok := sums[uid]
	if !ok {
		return store.Summary{}, errNotFound(id)
	}
	return sum, nil
}

// Open returns the message as the server stores it, byte for byte
// (BODY.PEEK[], RFC 9051 §6.4.5: PEEK leaves \Seen alone; MarkRead sets it).
func (s *Store) Open(id string) (io.ReadCloser, error) {
	uid, ok := uidOf(id)
	if !ok {
		return nil, errNotFound(id)
	}
	s.io.Lock()
	defer s.io.Unlock()
	c, err := s.client()
	if err != nil {
		return nil, err
	}
	section := &imap.FetchItemBodySection{Peek: true}
	msgs, err := c.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		return nil, fmt.Errorf("imap: fetch message %s: %w", id, err)
	}
	for _, m := range msgs {
		if m.UID == uid {
			return io.NopCloser(bytes.NewReader(m.FindBodySection(section))), nil
		}
	}
	return nil, errNotFound(id)
}

// MarkRead sets \Seen.
func (s *Store) MarkRead(id string) error { return s.setSeen(id, true) }

// MarkUnread clears \Seen.
func (s *Store) MarkUnread(id string) error { return s.setSeen(id, false) }

func (s *Store) setSeen(id string, seen bool) error {
	uid, ok := uidOf(id)
	if !ok {
		return errNotFound(id)
	}
	op := imap.StoreFlagsAdd
	if !seen {
		op = imap.StoreFlagsDel
	}
	s.io.Lock()
	defer s.io.Unlock()
	c, err := s.client()
	if err != nil {
		return err
	}
	flags := &imap.StoreFlags{Op: op, Silent: true, Flags: []imap.Flag{imap.FlagSeen}}
	if err := c.Store(imap.UIDSetNum(uid), flags, nil).Close(); err != nil {
		return fmt.Errorf("imap: store \\Seen on %s: %w", id, err)
	}
	s.mu.Lock()
	sum, cached := s.cache[uid]
	if cached && sum.Unread == seen {
		sum.Unread = !seen
		s.cache[uid] = sum
		s.unseen += map[bool]int{true: -1, false: 1}[seen]
	}
	s.mu.Unlock()
	if cached {
		s.hub.publish(store.Event{Kind: store.Changed, ID: id, Summary: sum})
	}
	return nil
}

// Delete marks the message \Deleted and expunges it alone with UID EXPUNGE
// (RFC 4315 §2.1; part of IMAP4rev2), so that messages others marked
// \Deleted stay. A server without it is refused before anything changes.
func (s *Store) Delete(id string) error {
	uid, ok := uidOf(id)
	if !ok {
		return errNotFound(id)
	}
	s.io.Lock()
	defer s.io.Unlock()
	c, err := s.client()
	if err != nil {
		return err
	}
	if caps := c.Caps(); !caps.Has(imap.CapUIDPlus) && !caps.Has(imap.CapIMAP4rev2) {
		return errNoUIDPlus
	}
	set := imap.UIDSetNum(uid)
	flags := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}
	if err := c.Store(set, flags, nil).Close(); err != nil {
		return fmt.Errorf("imap: store \\Deleted on %s: %w", id, err)
	}
	if err := c.UIDExpunge(set).Close(); err != nil {
		return fmt.Errorf("imap: expunge %s: %w", id, err)
	}
	s.forget([]imap.UID{uid})
	return nil
}

// DeleteAll marks every message \Deleted and expunges the mailbox.
func (s *Store) DeleteAll() error {
	s.io.Lock()
	defer s.io.Unlock()
	c, err := s.client()
	if err != nil {
		return err
	}
	var all imap.UIDSet
	all.AddRange(1, 0) // 1:*
	flags := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}
	if err := c.Store(all, flags, nil).Close(); err != nil {
		return fmt.Errorf("imap: store \\Deleted on all: %w", err)
	}
	if err := c.Expunge().Close(); err != nil {
		return fmt.Errorf("imap: expunge: %w", err)
	}
	s.mu.Lock()
	s.all, s.cache, s.unseen = nil, map[imap.UID]store.Summary{}, 0
	s.gen++
	s.mu.Unlock()
	s.hub.publish(store.Event{Kind: store.Cleared})
	return nil
}

// bareAddress returns the lower-case address of "Name <addr>" or "addr".
func bareAddress(s string) string {
	if a, err := mail.ParseAddress(s); err == nil {
		s = a.Address
	}
	return strings.ToLower(strings.TrimSpace(s))
}

// cutDomain splits an address at its last "@".
func cutDomain(addr string) (local, domain string, ok bool) {
	i := strings.LastIndexByte(addr, '@')
	if i <= 0 || i == len(addr)-1 {
		return "", "", false
	}
	return addr[:i], addr[i+1:], true
}
