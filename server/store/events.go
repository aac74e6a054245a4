package store

import "sync"

// EventKind says what happened to the store.
type EventKind int

const (
	Added   EventKind = iota // a message was committed; Summary is set
	Changed                  // a message's flags changed (MarkRead); Summary is the new state
	Deleted                  // a message was deleted; Summary is what it was
	Cleared                  // DeleteAll removed every message; ID and Summary are empty
	// Resync says events were dropped because the subscriber fell behind. It is
	// always the last event in the channel when it comes; the subscriber should
	// reload with List. Events that follow it are new again (an Added for a
	// message the reload already showed may come; treat it as an update).
	Resync
)

// String names the kind for logs.
func (k EventKind) String() string {
	switch k {
	case Added:
		return "added"
	case Changed:
		return "changed"
	case Deleted:
		return "deleted"
	case Cleared:
		return "cleared"
	case Resync:
		return "resync"
	}
	return "unknown"
}

// Event tells a subscriber about one change.
type Event struct {
	Kind    EventKind
	ID      string
	Summary Summary
}

// subscriber is one Subscribe channel. lost is set once its buffer filled
// and a Resync was queued; it is cleared when the subscriber has drained it.
type subscriber struct {
	ch   chan Event
	lost bool
}

// hub fans events out without ever blocking the publisher.
type hub struct {
	mu     sync.Mutex
	subs   map[*subscriber]struct{}
	closed bool
	drops  int64
}

// Subscribe returns a channel of store events and a cancel func that ends the
// subscription and closes the channel. Close also closes it.
//
// A slow subscriber never blocks a delivery. Events go into a buffer of the
// given size (at least 2). When only one slot is left, the store puts a Resync
// event there and drops further events until the subscriber has read
// everything up to and including that Resync. So nothing is ever lost
// silently: a subscriber sees either every event, or a Resync after which a
// List shows the current state. Dropped events are counted (see Dropped).
func (s *Store) Subscribe(buffer int) (events <-chan Event, cancel func()) {
	sub := &subscriber{ch: make(chan Event, max(buffer, 2))}
	h := &s.events
	h.mu.Lock()
	if h.closed {
		close(sub.ch)
		h.mu.Unlock()
		return sub.ch, func() {}
	}
	if h.subs == nil {
		h.subs = map[*subscriber]struct{}{}
	}
	h.subs[sub] = struct{}{}
	h.mu.Unlock()
	var once sync.Once
	return sub.ch, func() {
		once.Do(func() {
			h.mu.Lock()
			defer h.mu.Unlock()
			if _, ok := h.subs[sub]; ok {
				delete(h.subs, sub)
				close(sub.ch)
			}
		})
	}
}

// Dropped returns how many events were dropped because subscribers were slow.
func (s *Store) Dropped() int64 {
	s.events.mu.Lock()
	defer s.events.mu.Unlock()
	return s.events.drops
}

// publish sends ev to every subscriber without blocking. Callers hold the
// store's write lock, so subscribers see events in the order of the changes.
func (h *hub) publish(ev Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for sub := range h.subs {
		if sub.lost {
			if len(sub.ch) > 0 { // the Resync is still unread
				h.drops++
				continue
			}
			sub.lost = false
		}
		if len(sub.ch) < cap(sub.ch)-1 {
			sub.ch <- ev
			continue
		}
		// Only the last slot is free (only the publisher fills, under h.mu).
		sub.ch <- Event{Kind: Resync}
		sub.lost = true
		h.drops++
	}
}

// closeAll ends every subscription (Store.Close).
func (h *hub) closeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for sub := range h.subs {
		close(sub.ch)
		delete(h.subs, sub)
	}
}
