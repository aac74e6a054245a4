package imapstore

import (
	"fmt"
	"slices"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"letterbox/server/store"
)

// maxAddedEvents bounds the Added events one sync sends; beyond it the
// subscribers get a Resync and list again.
const maxAddedEvents = 200

// syncLocked reads the mailbox's UIDs and unseen count (UID SEARCH ALL and
// UNSEEN) and publishes what changed since the last sync: Added with the new
// summaries, Deleted for UIDs gone, and Changed for cached
// summaries whose \Seen differs (found from UNSEEN, whatever woke the
// sync). Call with s.io held.
func (s *Store) syncLocked() error {
	c, err := s.client()
	if err != nil {
		return err
	}
	// NOOP lets the server report what changed since the last command
	// (RFC 9051 §6.1.2); only then does this connection's view include it.
	if err := c.Noop().Wait(); err != nil {
		return fmt.Errorf("imap: noop: %w", err)
	}
	all, err := c.UIDSearch(&imap.SearchCriteria{}, searchOptions(c)).Wait()
	if err != nil {
		return fmt.Errorf("imap: search all: %w", err)
	}
	unseen, err := c.UIDSearch(&imap.SearchCriteria{NotFlag: []imap.Flag{imap.FlagSeen}}, searchOptions(c)).Wait()
	if err != nil {
		return fmt.Errorf("imap: search unseen: %w", err)
	}
	now := all.AllUIDs()
	slices.Sort(now)
	unread := map[imap.UID]bool{}
	for _, u := range unseen.AllUIDs() {
		unread[u] = true
	}

	s.mu.Lock()
	first := s.all == nil && len(s.cache) == 0
	var added, gone []imap.UID
	for _, u := range now {
		if _, ok := slices.BinarySearch(s.all, u); !ok {
			added = append(added, u)
		}
	}
	for _, u := range s.all {
		if _, ok := slices.BinarySearch(now, u); !ok {
			gone = append(gone, u)
		}
	}
	var changed []store.Summary
	for u, sum := range s.cache {
		if want := unread[u]; sum.Unread != want && !slices.Contains(gone, u) {
			sum.Unread = want
			s.cache[u] = sum
			changed = append(changed, sum)
		}
	}
	s.all, s.unseen = now, len(unread)
	if len(added)+len(gone)+len(changed) > 0 {
		s.gen++
	}
	s.mu.Unlock()

	if first {
		return nil
	}
	s.forget(gone)
	for _, sum := range changed {
		s.hub.publish(store.Event{Kind: store.Changed, ID: sum.ID, Summary: sum})
	}
	return s.announce(added)
}

// announce fetches the summaries of new UIDs and publishes Added for each,
// or one Resync when there are too many. Call with s.io held.
func (s *Store) announce(added []imap.UID) error {
	if len(added) == 0 {
		return nil
	}
	if len(added) > maxAddedEvents {
		s.hub.publish(store.Event{Kind: store.Resync})
		return nil
	}
	sums, err := s.summaries(added)
	if err != nil {
		return err
	}
	for _, u := range added {
		if sum, ok := sums[u]; ok {
			s.hub.publish(store.Event{Kind: store.Added, ID: sum.ID, Summary: sum})
		}
	}
	return nil
}

// forget drops expunged UIDs and publishes Deleted for each. A UID still in
// s.all is still counted in s.unseen (Delete: no sync has recounted yet) and
// is counted out here; one a sync already left out of s.all was recounted
// with it, so it is not counted out twice.
func (s *Store) forget(uids []imap.UID) {
	if len(uids) == 0 {
		return
	}
	var events []store.Event
	s.mu.Lock()
	for _, u := range uids {
		sum, ok := s.cache[u]
		if !ok {
			sum = store.Summary{ID: idOf(u)}
		}
		delete(s.cache, u)
		if i, found := slices.BinarySearch(s.all, u); found {
			s.all = slices.Delete(slices.Clone(s.all), i, i+1)
			if sum.Unread && ok {
				s.unseen--
			}
		}
		events = append(events, store.Event{Kind: store.Deleted, ID: sum.ID, Summary: sum})
	}
	s.unseen = max(s.unseen, 0)
	s.gen++
	s.mu.Unlock()
	for _, e := range events {
		s.hub.publish(e)
	}
}

// searchOptions asks for the answer as ranges (ESEARCH RETURN (ALL),
// RFC 4731 §3.1) where the server can: "1:10000" instead of 10,000 numbers.
func searchOptions(c *imapclient.Client) *imap.SearchOptions {
	if caps := c.Caps(); caps.Has(imap.CapESearch) || caps.Has(imap.CapIMAP4rev2) {
		return &imap.SearchOptions{ReturnAll: true}
	}
	return nil
}

// syncLoop syncs each time the IDLE connection reports a change.
func (s *Store) syncLoop() {
	defer s.wg.Done()
	for {
		select {
		case <-s.stop:
			return
		case <-s.wake:
		}
		s.io.Lock()
		err := s.syncLocked()
		if err != nil && s.connLost() {
			err = s.syncLocked() // on a new connection (client redials)
		}
		s.io.Unlock()
		if err != nil {
			s.log.WithError(err).Warn("imap: sync after a change failed")
		}
	}
}

// connLost reports whether the command connection has closed. Call with
// s.io held.
func (s *Store) connLost() bool {
	if s.c == nil {
		return true
	}
	select {
	case <-s.c.Closed():
		return true
	default:
		return false
	}
}

// poke asks syncLoop for a sync, without blocking (one pending is enough).
func (s *Store) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// watch keeps an IDLE connection open (RFC 2177; imapclient re-issues IDLE
// before the 29 minutes of RFC 9051 §6.3.13) and pokes syncLoop on EXISTS,
// EXPUNGE and FETCH. A broken connection is made again after a back-off that
// doubles from MinBackoff to MaxBackoff; a sync follows each reconnection, as
// changes may have been missed meanwhile.
func (s *Store) watch() {
	defer s.wg.Done()
	wait := s.cfg.MinBackoff
	for {
		connected, err := s.idleOnce()
		select {
		case <-s.stop:
			return
		default:
		}
		if connected {
			wait = s.cfg.MinBackoff
		}
		s.log.WithError(err).WithField("retry_in", wait).Warn("imap: IDLE connection lost")
		select {
		case <-s.stop:
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, s.cfg.MaxBackoff)
	}
}

// idleOnce connects and idles until Close or the connection breaks.
func (s *Store) idleOnce() (connected bool, err error) {
	h := &imapclient.UnilateralDataHandler{
		Expunge: func(uint32) { s.poke() },
		Mailbox: func(d *imapclient.UnilateralDataMailbox) {
			if d.NumMessages != nil {
				s.poke()
			}
		},
		Fetch: func(*imapclient.FetchMessageData) { s.poke() },
	}
	c, _, err := s.connect(h)
	if err != nil {
		return false, err
	}
	defer c.Close()
	s.poke()
	idle, err := c.Idle()
	if err != nil {
		return true, fmt.Errorf("imap: idle: %w", err)
	}
	select {
	case <-s.stop:
		idle.Close()
		idle.Wait()
		c.Logout().Wait()
		return true, nil
	case <-c.Closed():
		return true, fmt.Errorf("imap: IDLE connection closed: %w", idle.Wait())
	}
}
