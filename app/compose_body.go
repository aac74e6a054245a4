package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// bodyEntry is a multi-line entry from which Tab leaves, as from every other
// field of the form: Fyne's multi-line Entry inserts a tab character instead,
// so keyboard users were trapped in the message text. Tab and Shift+Tab call
// onTab, which moves the focus.
type bodyEntry struct {
	widget.Entry
	shift bool
	onTab func(back bool)
}

func newBodyEntry(onTab func(back bool)) *bodyEntry {
	e := &bodyEntry{onTab: onTab}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	e.ExtendBaseWidget(e)
	return e
}

// AcceptsTab keeps Tab coming to TypedKey, so that onTab decides where the
// focus goes (the HTML body sits on a tab of its own, out of the focus walk).
func (e *bodyEntry) AcceptsTab() bool { return true }

// KeyDown tracks Shift for Shift+Tab.
func (e *bodyEntry) KeyDown(ev *fyne.KeyEvent) {
	if ev.Name == desktop.KeyShiftLeft || ev.Name == desktop.KeyShiftRight {
		e.shift = true
	}
	e.Entry.KeyDown(ev)
}

// KeyUp tracks Shift for Shift+Tab.
func (e *bodyEntry) KeyUp(ev *fyne.KeyEvent) {
	if ev.Name == desktop.KeyShiftLeft || ev.Name == desktop.KeyShiftRight {
		e.shift = false
	}
	e.Entry.KeyUp(ev)
}

// FocusLost forgets Shift: its release may go to another widget.
func (e *bodyEntry) FocusLost() {
	e.shift = false
	e.Entry.FocusLost()
}

// TypedKey moves the focus on Tab and edits the text on every other key.
func (e *bodyEntry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyTab && e.onTab != nil {
		e.onTab(e.shift)
		return
	}
	e.Entry.TypedKey(ev)
}
