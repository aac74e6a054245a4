package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"letterbox/server/store"
)

const (
	inboxPageSize = 100 // rows fetched per store.List call
	inboxMaxPages = 30  // pages kept in memory; the least recently drawn go first
)

// inboxPage is one page of summaries as the store gave them for generation gen.
type inboxPage struct {
	gen   int
	items []store.Summary
	used  int // clock of the last time a row of it was drawn
}

// inboxList is the virtualised message list. Rows are drawn from a cache of
// pages fetched with store.List(Offset, Limit) off the UI goroutine, so a
// store of 100,000 messages costs a few pages of summaries and no bodies.
//
// A generation number says which pages are current: a new query or store
// event bumps it; stale pages are still drawn until their reload arrives, so
// live updates do not flicker. Everything here runs on the Fyne goroutine.
//
// The selection is the list's own, by message id (rows move as mail
// arrives): widget.List selects one row at most, so the widget is kept with
// none and every tap reaches onSelected. selectedID is the message shown in
// the view; sel holds every selected message (several with Ctrl/Shift);
// cur is the keyboard cursor's row.
type inboxList struct {
	in      *Inbox
	widget  *messageList
	gen     int
	total   int
	loaded  bool // the first page of the current query has arrived
	pages   map[int]*inboxPage
	loading map[int]int // page → generation requested
	clock   int
	loadErr error

	selectedID string          // message shown in the view
	selRow     int             // row that holds selectedID, -1 for none
	sel        map[string]bool // selected messages
	anchor     string          // where a Shift range starts
	cur        int             // keyboard cursor row, -1 for none
	lostRow    int             // row of a shown message that vanished, for what to show next
	checkOpen  bool            // a new query: close the view if it no longer matches
}

func newInboxList(in *Inbox) *inboxList {
	l := &inboxList{in: in, pages: map[int]*inboxPage{}, loading: map[int]int{},
		selRow: -1, cur: -1, lostRow: -1, sel: map[string]bool{}}
	l.widget = newMessageList(
		func() int { return l.total },
		func() fyne.CanvasObject { return newInboxRow() },
		func(i widget.ListItemID, o fyne.CanvasObject) { l.update(i, o.(*inboxRow)) },
		l,
	)
	l.widget.OnSelected = l.onSelected
	return l
}

// reset drops every page and loads the first one again (a new query).
func (l *inboxList) reset() {
	l.gen++
	l.pages = map[int]*inboxPage{}
	l.loading = map[int]int{}
	l.total = 0
	l.loaded = false
	l.selRow, l.cur, l.lostRow = -1, -1, -1
	l.sel = map[string]bool{}
	if l.selectedID != "" {
		l.sel[l.selectedID] = true
		l.checkOpen = true
	}
	l.anchor = l.selectedID
	l.widget.UnselectAll()
	l.widget.ScrollToOffset(0) // ScrollToTop panics before the first render
	l.request(0)
	l.widget.Refresh()
}

// invalidate marks every page stale (the store changed). They are reloaded
// as they are drawn; the first page always, so the count is kept right even
// when no row is visible.
func (l *inboxList) invalidate() {
	l.gen++
	l.request(0)
	l.widget.Refresh()
}

// request loads page p for the current generation unless that is under way.
func (l *inboxList) request(p int) {
	if g, ok := l.loading[p]; ok && g == l.gen {
		return
	}
	l.loading[p] = l.gen
	q := l.in.query
	q.Offset, q.Limit = p*inboxPageSize, inboxPageSize
	gen, st := l.gen, l.in.st
	l.in.async(func() {
		items, total, err := st.List(q)
		l.in.runUI(func() { l.apply(p, gen, items, total, err) })
	})
}

// apply stores a loaded page if it is still wanted and redraws.
func (l *inboxList) apply(p, gen int, items []store.Summary, total int, err error) {
	if l.loading[p] == gen {
		delete(l.loading, p)
	}
	if gen != l.gen {
		return // a newer request for this page is on its way
	}
	l.loadErr = err
	if err != nil {
		l.in.showStatus()
		return
	}
	l.clock++
	l.pages[p] = &inboxPage{gen: gen, items: items, used: l.clock}
	l.total = total
	if p == 0 {
		l.loaded = true
	}
	l.evict()
	l.syncSelection()
	if p == 0 && l.checkOpen {
		l.checkOpen = false
		l.in.checkOpenMatches(len(items))
	}
	l.widget.Refresh()
	l.in.updateActions() // shows the status line too
}

// evict keeps at most inboxMaxPages pages, dropping the least recently drawn.
func (l *inboxList) evict() {
	for len(l.pages) > inboxMaxPages {
		oldest, at := -1, 0
		for p, pg := range l.pages {
			if oldest < 0 || pg.used < at {
				oldest, at = p, pg.used
			}
		}
		delete(l.pages, oldest)
	}
}

// update draws row i, asking for its page when it is missing or stale.
func (l *inboxList) update(i widget.ListItemID, row *inboxRow) {
	p := i / inboxPageSize
	pg := l.pages[p]
	if pg == nil || pg.gen != l.gen {
		l.request(p)
	}
	if pg == nil || i%inboxPageSize >= len(pg.items) {
		row.setLoading()
		return
	}
	l.clock++
	pg.used = l.clock
	s := pg.items[i%inboxPageSize]
	row.set(s, l.sel[s.ID])
}

// summaryAt returns the summary drawn at row i, if its page is loaded.
func (l *inboxList) summaryAt(i int) (store.Summary, bool) {
	pg := l.pages[i/inboxPageSize]
	if i < 0 || pg == nil || i%inboxPageSize >= len(pg.items) {
		return store.Summary{}, false
	}
	return pg.items[i%inboxPageSize], true
}

// indexOf finds id on the current pages.
func (l *inboxList) indexOf(id string) (int, bool) {
	for p, pg := range l.pages {
		if pg.gen != l.gen {
			continue
		}
		for j := range pg.items {
			if pg.items[j].ID == id {
				return p*inboxPageSize + j, true
			}
		}
	}
	return 0, false
}

// onStalePage reports whether a stale page still holds id (it may be
// current again once reloaded).
func (l *inboxList) onStalePage(id string) bool {
	for _, pg := range l.pages {
		if pg.gen == l.gen {
			continue
		}
		for j := range pg.items {
			if pg.items[j].ID == id {
				return true
			}
		}
	}
	return false
}

// syncSelection moves the cursor to the row that now holds the message in
// the view (new mail shifts rows down), without moving the scroll position
// the user chose.
func (l *inboxList) syncSelection() {
	if l.selectedID == "" {
		return
	}
	row, ok := l.indexOf(l.selectedID)
	switch {
	case ok && row != l.selRow:
		if l.cur >= 0 && l.selRow >= 0 {
			l.cur += row - l.selRow
		} else {
			l.cur = row
		}
		l.selRow = row
	case !ok && l.selRow >= 0 && !l.onStalePage(l.selectedID):
		l.lostRow = l.selRow
		l.selRow = -1
	}
}

// markReadLocal draws row i as read at once; the store's Changed event
// confirms it.
func (l *inboxList) markReadLocal(i int) {
	l.setUnreadLocal(i, false)
}

// setUnreadLocal draws row i as unread or read.
func (l *inboxList) setUnreadLocal(i int, unread bool) {
	pg := l.pages[i/inboxPageSize]
	if pg == nil || i%inboxPageSize >= len(pg.items) {
		return
	}
	pg.items[i%inboxPageSize].Unread = unread
	l.widget.RefreshItem(i)
}
