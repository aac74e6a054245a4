package imapstore

import (
	"sync"

	"letterbox/server/store"
)

// hub fans events out like the local store's: never blocking the publisher;
// a subscriber whose buffer is down to one slot gets a Resync there and loses
// further events until it has read it.
type hub struct {
	mu     sync.Mutex
	subs   map[*sub]struct{}
	closed bool
}

type sub struct {
	ch   chan store.Event
	lost bool
}

// Subscribe returns store events as store.Store.Subscribe does: Added,
// Changed, Deleted, Cleared, and Resync after a UIDVALIDITY change, a burst
// of new mail, or a slow reader. cancel ends it and closes the channel; so
// does Close.
func (s *Store) Subscribe(buffer int) (events <-chan store.Event, cancel func()) {
	return s.hub.subscribe(buffer)
}

func (h *hub) subscribe(buffer int) (<-chan store.Event, func()) {
	sb := &sub{ch: make(chan store.Event, max(buffer, 2))}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		close(sb.ch)
		return sb.ch, func() {}
	}
	if h.subs == nil {
		h.subs = map[*sub]struct{}{}
	}
	h.subs[sb] = struct{}{}
	return sb.ch, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		if _, ok := h.subs[sb]; ok {
			delete(h.subs, sb)
			close(sb.ch)
		}
	}
}

func (h *hub) publish(e store.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for sb := range h.subs {
		if sb.lost {
			if len(sb.ch) > 0 {
				continue
			}
			sb.lost = false
		}
		switch free := cap(sb.ch) - len(sb.ch); {
		case free > 1:
			sb.ch <- e
		case free == 1:
			sb.ch <- store.Event{Kind: store.Resync}
			sb.lost = true
		}
	}
}

func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for sb := range h.subs {
		close(sb.ch)
	}
	h.subs = nil
}
