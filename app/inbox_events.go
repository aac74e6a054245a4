package app

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"letterbox/server/store"
)

// inboxBatch is a burst of store events, read together and applied to the
// widgets in one go, with what the UI needs that costs a store call.
type inboxBatch struct {
	added     []store.Summary
	deleted   map[string]bool
	cleared   bool
	mailboxes *inboxMailboxes // nil when no recipient can have changed
	total     int
	unread    int
}

func (b *inboxBatch) add(ev store.Event) {
	switch ev.Kind {
	case store.Added:
		b.added = append(b.added, ev.Summary)
	case store.Deleted:
		if b.deleted == nil {
			b.deleted = map[string]bool{}
		}
		b.deleted[ev.ID] = true
	case store.Cleared:
		b.cleared = true
	}
}

// needsMailboxes reports whether the tree must be read again.
func (b *inboxBatch) needsMailboxes(kinds map[store.EventKind]bool) bool {
	return kinds[store.Added] || kinds[store.Deleted] || kinds[store.Cleared] || kinds[store.Resync]
}

// inboxEventGap is the least time between two batches applied to the
// widgets: the first event after a quiet spell is shown at once, a flood of
// deliveries costs a few redraws a second, so clicks stay answered quickly.
const inboxEventGap = 150 * time.Millisecond

// inboxEvents follows the store's events on its own goroutine. Bursts are
// coalesced: the goroutine drains what is queued (and, within inboxEventGap
// of the last batch, what arrives until the gap is over), reads the counts
// and the mailboxes, hands one batch to the UI goroutine and waits until it
// has been applied, so a flood of deliveries costs a few redraws, not one per
// message. A Resync (the subscription overflowed) is just another reason to
// reload.
type inboxEvents struct {
	in   *Inbox
	stop chan struct{}
}

// loop runs until the subscription ends (Close or store closed).
func (e *inboxEvents) loop(ch <-chan store.Event) {
	var last time.Time
	for ev := range ch {
		var b inboxBatch
		kinds := map[store.EventKind]bool{}
		b.add(ev)
		kinds[ev.Kind] = true
		open := e.collect(ch, &b, kinds, time.Until(last.Add(inboxEventGap)))
		b.total, b.unread = e.in.st.Counts()
		if b.needsMailboxes(kinds) {
			m := inboxLoadMailboxes(e.in.st)
			b.mailboxes = &m
		}
		done := make(chan struct{})
		e.in.runUI(func() {
			defer close(done)
			e.in.applyEvents(b)
		})
		select {
		case <-done:
		case <-e.stop:
			return
		}
		last = time.Now()
		if !open {
			return
		}
	}
}

// collect adds to b what is queued on ch, and what arrives within wait; it
// returns false when ch was closed.
func (e *inboxEvents) collect(ch <-chan store.Event, b *inboxBatch, kinds map[store.EventKind]bool, wait time.Duration) bool {
	var timeout <-chan time.Time
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		timeout = t.C
	}
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				return false
			}
			b.add(ev)
			kinds[ev.Kind] = true
			continue
		case <-e.stop:
			return true
		default:
		}
		if timeout == nil {
			return true
		}
		select {
		case ev, ok := <-ch:
			if !ok {
				return false
			}
			b.add(ev)
			kinds[ev.Kind] = true
		case <-timeout:
			return true
		case <-e.stop:
			return true
		}
	}
}

// refreshMailboxes reads the tree and the unread count off the UI goroutine.
func (e *inboxEvents) refreshMailboxes() {
	st := e.in.st
	e.in.async(func() {
		m := inboxLoadMailboxes(st)
		total, unread := st.Counts()
		e.in.runUI(func() {
			e.in.tree.setData(m)
			e.in.setUnread(unread)
			e.in.setStoreTotal(total)
			e.in.showStatus()
		})
	})
}

// applyEvents updates the widgets for one batch (Fyne goroutine).
func (in *Inbox) applyEvents(b inboxBatch) {
	if in.cancelWatch == nil {
		return // closed meanwhile
	}
	in.applied++
	in.setUnread(b.unread)
	in.setStoreTotal(b.total)
	if b.mailboxes != nil {
		in.tree.setData(*b.mailboxes)
	}
	l := in.list
	if id := l.selectedID; id != "" && (b.cleared || b.deleted[id]) {
		if row, ok := l.rowOf(id); ok {
			l.lostRow = row
		}
		l.selectedID = ""
		in.view.Clear()
	}
	if b.cleared {
		l.sel = map[string]bool{}
		l.anchor = ""
	} else {
		l.forget(b.deleted)
	}
	l.invalidate()
	in.updateActions()
	if len(b.added) > 0 && !in.foreground {
		in.notify(b.added)
	}
}

// notify announces new mail on the desktop.
func (in *Inbox) notify(added []store.Summary) {
	a := fyne.CurrentApp()
	if a == nil {
		return
	}
	last := added[len(added)-1]
	title := "New mail from " + inboxSender(last)
	body := last.Subject
	if len(added) > 1 {
		title = fmt.Sprintf("%d new messages", len(added))
		body = "Latest from " + inboxSender(last) + ": " + last.Subject
	}
	a.SendNotification(fyne.NewNotification(title, inboxOneLine(body)))
}

// showStatus writes the line under the list: how many messages, how many
// unread, or what a failed read said.
func (in *Inbox) showStatus() {
	if in.status == nil {
		return
	}
	l := in.list
	in.showEmpty()
	if n := len(l.sel); n > 1 {
		in.status.SetText(fmt.Sprintf("%s selected of %s", inboxCount(n), inboxPlural(l.total, "message")))
		return
	}
	switch {
	case l.loadErr != nil:
		in.status.SetText("Cannot read the mail store: " + l.loadErr.Error())
	case in.query.Search != "" || in.query.Domain != "" || in.query.Recipient != "":
		what := inboxQueryLabel(in.query)
		if in.query.Search != "" {
			what = strings.TrimSpace(fmt.Sprintf("%s matching %q", what, in.query.Search))
		}
		in.status.SetText(fmt.Sprintf("%s %s", inboxPlural(l.total, "message"), what))
	default:
		s := inboxPlural(l.total, "message")
		if in.unread > 0 {
			s += ", " + inboxCount(in.unread) + " unread"
		}
		in.status.SetText(s)
	}
}

// inboxPlural writes "1 message", "2 messages", "100,000 messages".
func inboxPlural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return inboxCount(n) + " " + noun + "s"
}

// inboxCount writes n with thousands separators: 100000 → "100,000".
func inboxCount(n int) string {
	s := strconv.Itoa(n)
	start := 0
	if n < 0 {
		start = 1
	}
	for i := len(s) - 3; i > start; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
