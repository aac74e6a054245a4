package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// searchEntry is the Inbox search field. ↓ goes on into the results, as in
// a mail client: the focus moves to the list and the cursor down one row,
// which shows that message.
type searchEntry struct {
	widget.Entry
	onDown func()
}

func newSearchEntry(onDown func()) *searchEntry {
	e := &searchEntry{onDown: onDown}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey hands ↓ to onDown and every other key to the entry.
func (e *searchEntry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyDown && e.onDown != nil {
		e.onDown()
		return
	}
	e.Entry.TypedKey(ev)
}

// intoResults moves the focus from the search field into the message list
// and down one row. Fyne goroutine.
func (in *Inbox) intoResults() {
	if in.list == nil || in.list.total == 0 {
		return
	}
	if c := fyne.CurrentApp().Driver().CanvasForObject(in.list.widget); c != nil {
		c.Focus(in.list.widget)
	}
	in.list.key(fyne.KeyDown, 0)
}
