package app

import (
	"fmt"
	"strconv"

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

// inboxEvents follows the store's events on its own goroutine. Bursts are
// coalesced: the goroutine drains what is queued, reads the counts and the
// mailboxes, hands one batch to the UI goroutine and waits until it has been
// applied, so a flood of deliveries costs a few redraws, not one per message.
// A Resync (the subscription overflowed) is just another reason to reload.
type inboxEvents struct {
	in   *Inbox
	stop chan struct{}
}

// loop runs until the subscription ends (Close or store closed).
func (e *inboxEvents) loop(ch <-chan store.Event) {
	for ev := range ch {
		var b inboxBatch
		kinds := map[store.EventKind]bool{}
		b.add(ev)
		kinds[ev.Kind] = true
		open := true
	drain:
		for {
			select {
			case ev, ok := <-ch:
				if !ok {
					open = false
					break drain
				}
				b.add(ev)
				kinds[ev.Kind] = true
			default:
				break drain
			}
		}
		_, b.unread = e.in.st.Counts()
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
		if !open {
			return
		}
	}
}

// refreshMailboxes reads the tree and the unread count off the UI goroutine.
func (e *inboxEvents) refreshMailboxes() {
	st := e.in.st
	e.in.async(func() {
		m := inboxLoadMailboxes(st)
		_, unread := st.Counts()
		e.in.runUI(func() {
			e.in.tree.setData(m)
			e.in.setUnread(unread)
			e.in.showStatus()
		})
	})
}

// applyEvents updates the widgets for one batch (Fyne goroutine).
func (in *Inbox) applyEvents(b inboxBatch) {
	if in.cancelWatch == nil {
		return // closed meanwhile
	}
	in.setUnread(b.unread)
	if b.mailboxes != nil {
		in.tree.setData(*b.mailboxes)
	}
	if id := in.list.selectedID; id != "" && (b.cleared || b.deleted[id]) {
		in.list.selectedID = ""
		in.view.Clear()
	}
	in.list.invalidate()
	in.showStatus()
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
	switch {
	case l.loadErr != nil:
		in.status.SetText("Cannot read the mail store: " + l.loadErr.Error())
	case in.query.Search != "" || in.query.Domain != "" || in.query.Recipient != "":
		what := inboxQueryLabel(in.query)
		if in.query.Search != "" {
			what = fmt.Sprintf("%s matching %q", what, in.query.Search)
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
