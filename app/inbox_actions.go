package app

import (
	"errors"
	"fmt"

	"letterbox/server/store"
)

// inboxUnreadMarker is what a store needs to mark a message unread again
// (the Maildir way: the S flag removed from its info). Mark unread is offered
// only when the store has it; mark read always is.
type inboxUnreadMarker interface {
	MarkUnread(id string) error
}

// DeleteSelected deletes the selected messages, or the shown one when none
// is selected (Delete key, Mailbox > Delete message), then shows the message
// that followed the topmost of them (or the one before, when they were the
// last). Call it on the Fyne goroutine; the store work runs through the
// async seam.
func (in *Inbox) DeleteSelected() {
	if in.list == nil {
		return
	}
	if ids := in.list.targets(); len(ids) > 0 {
		in.deleteMessages(ids)
	}
}

// deleteMessages removes ids from the store, then shows what comes next.
func (in *Inbox) deleteMessages(ids []string) {
	l := in.list
	next := l.nextAfter(ids)
	gone := map[string]bool{}
	for _, id := range ids {
		gone[id] = true
	}
	st := in.st
	in.async(func() {
		var errs []error
		for _, id := range ids {
			if err := st.Delete(id); err != nil && !errors.Is(err, store.ErrNotFound) {
				errs = append(errs, err)
				delete(gone, id)
			}
		}
		in.runUI(func() {
			in.afterDelete(gone, next)
			if err := errors.Join(errs...); err != nil {
				in.view.showError("Delete", err)
			}
		})
	})
}

// afterDelete forgets deleted messages and, when the shown one was among
// them (or was cleared by their Deleted event), shows next.
func (in *Inbox) afterDelete(gone map[string]bool, next string) {
	l := in.list
	shown := l.selectedID
	l.forget(gone)
	if shown != "" && !gone[shown] {
		l.widget.Refresh()
		in.updateActions()
		return // the user chose another message meanwhile
	}
	if gone[shown] {
		l.selectedID = ""
		in.view.Clear()
	}
	if next != "" && !gone[next] {
		l.openID(next)
	}
	l.invalidate()
	in.updateActions()
}

// onViewDeleted is called by the view after its own Delete button removed
// the message it showed: the next message is shown, as after DeleteSelected.
func (in *Inbox) onViewDeleted(id string) {
	l := in.list
	gone := map[string]bool{id: true}
	next := l.nextAfter([]string{id})
	if next == "" && l.lostRow >= 0 {
		next = l.nearest(min(l.lostRow, l.total-1), gone)
	}
	l.lostRow = -1 // used up: a later delete must not start from this row
	l.dropLocal(id)
	if next != "" && l.selectedID == "" {
		l.openID(next)
	}
	in.updateActions()
}

// openID selects and shows message id. When its row is not on a current
// page (a reload is under way), it is shown at once and the selection finds
// its row when the page arrives.
func (l *inboxList) openID(id string) {
	if row, ok := l.indexOf(id); ok {
		l.open(row)
		return
	}
	l.selectedID, l.anchor, l.selRow = id, id, -1
	l.sel = map[string]bool{id: true}
	if row, ok := l.rowOf(id); ok {
		l.cur = row
	}
	l.in.view.Show(id)
	st := l.in.st
	l.in.async(func() {
		if err := st.MarkRead(id); err != nil {
			l.in.runUI(func() { l.in.view.showProblem(fmt.Errorf("mark as read: %w", err)) })
		}
	})
	l.widget.Refresh()
	l.in.updateActions()
}

// ToggleRead marks the selected messages (or the shown one) read when any
// of them is unread, else unread (Ctrl+U in the list, and the button under
// it). Fyne goroutine; the store work runs through the async seam.
func (in *Inbox) ToggleRead() {
	l := in.list
	if l == nil {
		return
	}
	ids := l.targets()
	if len(ids) == 0 {
		return
	}
	read := l.anyUnread(ids)
	um, canUnread := in.st.(inboxUnreadMarker)
	if !read && !canUnread {
		return
	}
	for _, id := range ids {
		if row, ok := l.rowOf(id); ok {
			l.setUnreadLocal(row, !read)
		}
	}
	in.updateActions()
	st := in.st
	in.async(func() {
		var errs []error
		for _, id := range ids {
			var err error
			if read {
				err = st.MarkRead(id)
			} else {
				err = um.MarkUnread(id)
			}
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				errs = append(errs, err)
			}
		}
		if err := errors.Join(errs...); err != nil {
			what := "mark as unread"
			if read {
				what = "mark as read"
			}
			in.runUI(func() { in.view.showProblem(fmt.Errorf("%s: %w", what, err)) })
		}
	})
}

// anyUnread reports whether a loaded row of ids is drawn unread.
func (l *inboxList) anyUnread(ids []string) bool {
	for _, id := range ids {
		if row, ok := l.rowOf(id); ok {
			if s, _ := l.summaryAt(row); s.Unread {
				return true
			}
		}
	}
	return false
}

// rowOf finds id on any loaded page, current ones first.
func (l *inboxList) rowOf(id string) (int, bool) {
	if r, ok := l.indexOf(id); ok {
		return r, true
	}
	for p, pg := range l.pages {
		for j := range pg.items {
			if pg.items[j].ID == id {
				return p*inboxPageSize + j, true
			}
		}
	}
	return 0, false
}

// checkOpenMatches closes the view when the shown message is not in the
// list's new query (a search or mailbox that no longer holds it). The first
// page settles most cases; a long result is searched off the UI goroutine.
func (in *Inbox) checkOpenMatches(pageLen int) {
	l := in.list
	id := l.selectedID
	if id == "" {
		return
	}
	if _, ok := l.indexOf(id); ok {
		return
	}
	if l.total <= pageLen {
		in.closeOpen(id)
		return
	}
	q, st := in.query, in.st
	in.async(func() {
		items, _, err := st.List(q) // Limit 0: every match, summaries only
		found := err != nil         // when in doubt, leave it open
		for i := range items {
			if items[i].ID == id {
				found = true
				break
			}
		}
		if !found {
			in.runUI(func() {
				if in.query == q && l.selectedID == id {
					in.closeOpen(id)
				}
			})
		}
	})
}

// closeOpen empties the view and drops id from the selection.
func (in *Inbox) closeOpen(id string) {
	l := in.list
	if l.selectedID == id {
		l.selectedID = ""
		l.selRow = -1
		in.view.Clear()
	}
	delete(l.sel, id)
	l.widget.Refresh()
	in.updateActions()
}

// updateActions sets the buttons under the list and Delete all from the
// selection and the store's count.
func (in *Inbox) updateActions() {
	if in.markBtn == nil {
		return
	}
	l := in.list
	ids := l.targets()
	_, canUnread := in.st.(inboxUnreadMarker)
	switch {
	case len(ids) == 0:
		in.markBtn.SetText("Mark unread")
		in.markBtn.Disable()
	case l.anyUnread(ids):
		in.markBtn.SetText("Mark read")
		in.markBtn.Enable()
	default:
		in.markBtn.SetText("Mark unread")
		if canUnread {
			in.markBtn.Enable()
		} else {
			in.markBtn.Disable()
		}
	}
	if n := len(l.sel); n > 1 {
		in.delSelBtn.SetText(fmt.Sprintf("Delete %s", inboxPlural(n, "message")))
		in.delSelBtn.Show()
	} else {
		in.delSelBtn.Hide()
	}
	in.syncDeleteAll()
	in.showStatus()
}

// syncDeleteAll enables Delete all only when the store holds mail.
func (in *Inbox) syncDeleteAll() {
	if in.view == nil || in.view.delAll == nil {
		return
	}
	if in.storeTotal > 0 {
		in.view.delAll.Enable()
	} else {
		in.view.delAll.Disable()
	}
}

// setStoreTotal records how many messages the store holds.
func (in *Inbox) setStoreTotal(n int) {
	in.storeTotal = n
	in.syncDeleteAll()
}
