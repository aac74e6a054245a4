package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Fyne's dialogs (v2.8.1) answer neither Enter nor Escape: a modal PopUp hands
// a key only to the focused widget, which ignores both (an Entry's Enter calls
// OnSubmitted; Escape reaches nothing but the window's menu handling). So the
// dialogs of Settings are built from the widgets below, which pass Escape and
// Enter to a dialogKeys, and a keyedDialog also catches them when nothing in
// it has the focus.

// dialogKeys is what Enter and Escape do in one dialog.
type dialogKeys struct {
	submit func() // Enter
	cancel func() // Escape
}

// handle runs the action of ev and reports whether there was one. enter says
// whether Enter submits in the widget that got ev (not in a multi-line Entry).
func (k *dialogKeys) handle(ev *fyne.KeyEvent, enter bool) bool {
	switch ev.Name {
	case fyne.KeyEscape:
		if k.cancel != nil {
			k.cancel()
			return true
		}
	case fyne.KeyReturn, fyne.KeyEnter:
		if enter && k.submit != nil {
			k.submit()
			return true
		}
	}
	return false
}

// route runs ev's dialog action, or passes ev on to the widget's own
// TypedKey (base) when it has none.
func (k *dialogKeys) route(ev *fyne.KeyEvent, enter bool, base func(*fyne.KeyEvent)) {
	if !k.handle(ev, enter) {
		base(ev)
	}
}

// keyEntry is an Entry whose Enter submits and whose Escape cancels the dialog.
type keyEntry struct {
	widget.Entry
	keys *dialogKeys
}

func newKeyEntry(k *dialogKeys) *keyEntry {
	e := &keyEntry{keys: k}
	e.ExtendBaseWidget(e)
	return e
}

// newKeyPasswordEntry is a password keyEntry with a button that shows the
// text (widget.NewPasswordEntry's own is private to it).
func newKeyPasswordEntry(k *dialogKeys) *keyEntry {
	e := newKeyEntry(k)
	e.Password = true
	var reveal *widget.Button
	reveal = widget.NewButtonWithIcon("", theme.VisibilityOffIcon(), func() {
		e.Password = !e.Password
		reveal.SetIcon(map[bool]fyne.Resource{true: theme.VisibilityOffIcon(), false: theme.VisibilityIcon()}[e.Password])
		e.Refresh()
	})
	reveal.Importance = widget.LowImportance
	e.ActionItem = reveal
	return e
}

func (e *keyEntry) TypedKey(ev *fyne.KeyEvent) {
	e.keys.route(ev, !e.MultiLine, e.Entry.TypedKey)
}

// keyCheck is a Check whose Enter submits and whose Escape cancels the dialog.
type keyCheck struct {
	widget.Check
	keys *dialogKeys
}

func newKeyCheck(k *dialogKeys, label string, changed func(bool)) *keyCheck {
	c := &keyCheck{keys: k}
	c.Text, c.OnChanged = label, changed
	c.ExtendBaseWidget(c)
	return c
}

func (c *keyCheck) TypedKey(ev *fyne.KeyEvent) {
	c.keys.route(ev, true, c.Check.TypedKey)
}

// keySelect is a Select whose Enter submits and whose Escape cancels the
// dialog (while its menu is open, the menu has the keys).
type keySelect struct {
	widget.Select
	keys *dialogKeys
}

func newKeySelect(k *dialogKeys, options []string, changed func(string)) *keySelect {
	s := &keySelect{keys: k}
	s.Options, s.OnChanged = options, changed
	s.ExtendBaseWidget(s)
	return s
}

func (s *keySelect) TypedKey(ev *fyne.KeyEvent) {
	s.keys.route(ev, true, s.Select.TypedKey)
}

// keyButton is a Button that Enter presses (as Space does) and whose Escape
// cancels the dialog.
type keyButton struct {
	widget.Button
	keys *dialogKeys
}

func newKeyButton(k *dialogKeys, label string, icon fyne.Resource, tapped func()) *keyButton {
	b := &keyButton{keys: k}
	b.Text, b.Icon, b.OnTapped = label, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

func (b *keyButton) TypedKey(ev *fyne.KeyEvent) {
	switch {
	case ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter:
		b.Button.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	default:
		b.keys.route(ev, false, b.Button.TypedKey)
	}
}

// keyedDialog is a custom dialog with a Cancel and a confirm button in which
// Enter confirms and Escape cancels, wherever the focus is. confirm decides
// whether the dialog closes: it returns false to keep it open (to show why
// the input cannot be saved). Fyne goroutine.
type keyedDialog struct {
	dlg     *dialog.CustomDialog
	keys    *dialogKeys
	window  fyne.Window
	overlay fyne.CanvasObject    // this dialog in the canvas's overlays
	prevKey func(*fyne.KeyEvent) // the canvas's handler while this dialog is up
	open    bool
}

// newKeyedDialog builds the dialog; k's actions are set here. Make the
// dialog's widgets with k (newKeyEntry(k), …) so that they answer the keys.
func newKeyedDialog(title, confirmText string, content fyne.CanvasObject, k *dialogKeys,
	confirm func() bool, w fyne.Window) *keyedDialog {
	d := &keyedDialog{keys: k, window: w}
	d.dlg = dialog.NewCustomWithoutButtons(title, content, w)
	k.cancel = func() { d.close() }
	k.submit = func() {
		if confirm() {
			d.close()
		}
	}
	cancel := newKeyButton(k, "Cancel", theme.CancelIcon(), k.cancel)
	ok := newKeyButton(k, confirmText, theme.ConfirmIcon(), k.submit)
	ok.Importance = widget.HighImportance
	d.dlg.SetButtons([]fyne.CanvasObject{cancel, ok})
	return d
}

// Show shows the dialog and takes the window's keys while nothing in the
// dialog has the focus. Resize it after Show.
func (d *keyedDialog) Show() {
	c := d.window.Canvas()
	d.prevKey = c.OnTypedKey()
	c.SetOnTypedKey(d.typedKey)
	d.open = true
	d.dlg.Show()
	d.overlay = c.Overlays().Top()
}

// Resize sets the dialog's size; call it after Show.
func (d *keyedDialog) Resize(s fyne.Size) { d.dlg.Resize(s) }

func (d *keyedDialog) close() {
	if !d.open {
		return
	}
	d.open = false
	d.dlg.Hide()
	d.window.Canvas().SetOnTypedKey(d.prevKey)
}

// typedKey gets the keys that no widget has. While this dialog is the top
// overlay they are its own (Delete does not reach the window underneath);
// under another dialog, or after it closed, they go where they went before.
func (d *keyedDialog) typedKey(ev *fyne.KeyEvent) {
	if d.open && d.window.Canvas().Overlays().Top() == d.overlay {
		d.keys.handle(ev, true)
		return
	}
	if d.prevKey != nil {
		d.prevKey(ev)
	}
}

// keyList is a List in which Enter runs onEnter (open the selected item) and
// Escape cancels the dialog; the arrows and Space are the List's.
type keyList struct {
	widget.List
	keys    *dialogKeys
	onEnter func()
}

func newKeyList(k *dialogKeys, length func() int, create func() fyne.CanvasObject,
	update func(widget.ListItemID, fyne.CanvasObject)) *keyList {
	l := &keyList{keys: k}
	l.Length, l.CreateItem, l.UpdateItem = length, create, update
	l.ExtendBaseWidget(l)
	return l
}

func (l *keyList) TypedKey(ev *fyne.KeyEvent) {
	switch {
	case (ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter) && l.onEnter != nil:
		l.onEnter()
	default:
		l.keys.route(ev, false, l.List.TypedKey)
	}
}
