package app

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The list's selection, by mouse and keyboard:
//
//	click, Up/Down, Home/End, PageUp/PageDown   select one message and show it
//	Shift+click, Shift+arrows (and Shift+Home…)  extend the selection from the anchor
//	Ctrl+click, Ctrl+Space                       add or remove one message
//	Ctrl+Up/Down                                 move the cursor without selecting
//	Enter, Space                                 show the message under the cursor
//	Delete                                       delete the selected messages
//	Ctrl+A, Escape                               select every loaded row / only the shown one
//	Ctrl+U                                       mark the selection read or unread

// onSelected answers a tap on row i (or widget.Select in tests). The widget
// is left with no selection of its own, so a second tap on the same row is
// seen too; the rows draw the list's selection.
func (l *inboxList) onSelected(i widget.ListItemID) {
	l.widget.UnselectAll()
	mods := l.widget.modifiers()
	switch {
	case mods&fyne.KeyModifierShift != 0:
		l.extendTo(i)
	case mods&(fyne.KeyModifierControl|fyne.KeyModifierSuper) != 0:
		l.toggle(i)
	default:
		l.open(i)
	}
}

// open selects row i alone and shows its message, marking it read.
func (l *inboxList) open(i int) {
	s, ok := l.summaryAt(i)
	if !ok {
		return
	}
	l.cur, l.selRow, l.anchor = i, i, s.ID
	l.sel = map[string]bool{s.ID: true}
	l.widget.Refresh()
	l.in.updateActions()
	if s.ID == l.selectedID {
		return
	}
	l.selectedID = s.ID
	l.in.view.Show(s.ID)
	if s.Unread {
		l.markReadLocal(i)
		id, st := s.ID, l.in.st
		l.in.async(func() {
			if err := st.MarkRead(id); err != nil {
				l.in.runUI(func() { l.in.view.showProblem(fmt.Errorf("mark as read: %w", err)) })
			}
		})
	}
}

// toggle adds row i to the selection or takes it out.
func (l *inboxList) toggle(i int) {
	s, ok := l.summaryAt(i)
	if !ok {
		return
	}
	if l.sel[s.ID] {
		delete(l.sel, s.ID)
	} else {
		l.sel[s.ID] = true
	}
	l.cur, l.anchor = i, s.ID
	l.widget.Refresh()
	l.in.updateActions()
}

// extendTo selects the loaded rows from the anchor to row i.
func (l *inboxList) extendTo(i int) {
	from, ok := l.indexOf(l.anchor)
	if !ok {
		if l.cur < 0 {
			l.open(i)
			return
		}
		from = l.cur
		if s, ok := l.summaryAt(from); ok {
			l.anchor = s.ID
		}
	}
	lo, hi := min(from, i), max(from, i)
	l.sel = map[string]bool{}
	for r := lo; r <= hi; r++ {
		if s, ok := l.summaryAt(r); ok {
			l.sel[s.ID] = true
		}
	}
	l.cur = i
	l.widget.Refresh()
	l.in.updateActions()
}

// selectAll selects every row on the loaded, current pages.
func (l *inboxList) selectAll() {
	for _, pg := range l.pages {
		if pg.gen == l.gen {
			for _, s := range pg.items {
				l.sel[s.ID] = true
			}
		}
	}
	l.widget.Refresh()
	l.in.updateActions()
}

// selectRow selects row i alone, shows its message and scrolls to it.
func (l *inboxList) selectRow(i int) {
	l.open(i)
	l.widget.ScrollTo(i)
}

// targets returns the messages an action applies to: the selection, else
// the shown message.
func (l *inboxList) targets() []string {
	var ids []string
	for id := range l.sel {
		ids = append(ids, id)
	}
	if len(ids) == 0 && l.selectedID != "" {
		ids = append(ids, l.selectedID)
	}
	return ids
}

// nextAfter chooses what to show once ids are deleted: the first row after
// the topmost of them that is not deleted too, else the nearest one above.
func (l *inboxList) nextAfter(ids []string) string {
	gone := map[string]bool{}
	top := -1
	for _, id := range ids {
		gone[id] = true
		if r, ok := l.indexOf(id); ok && (top < 0 || r < top) {
			top = r
		}
	}
	if top < 0 {
		return ""
	}
	return l.nearest(top, gone)
}

// nearest returns the first loaded message at or after row r that is not in
// skip, else the nearest one before r.
func (l *inboxList) nearest(r int, skip map[string]bool) string {
	for i := r; i < l.total; i++ {
		s, ok := l.summaryAt(i)
		if !ok {
			break
		}
		if !skip[s.ID] {
			return s.ID
		}
	}
	for i := r - 1; i >= 0; i-- {
		if s, ok := l.summaryAt(i); ok && !skip[s.ID] {
			return s.ID
		}
	}
	return ""
}

// forget drops deleted messages from the selection.
func (l *inboxList) forget(ids map[string]bool) {
	for id := range ids {
		delete(l.sel, id)
	}
	if ids[l.anchor] {
		l.anchor = ""
	}
}

// dropLocal forgets a message deleted from the view; the Deleted event
// reloads the pages.
func (l *inboxList) dropLocal(id string) {
	if l.selectedID == id {
		l.selectedID = ""
	}
	l.forget(map[string]bool{id: true})
	l.invalidate()
}

// pageRows is how many rows one screen of the list shows.
func (l *inboxList) pageRows() int {
	h := newInboxRow().MinSize().Height + l.widget.Theme().Size(theme.SizeNamePadding)
	n := int(l.widget.Size().Height / h)
	return max(n-1, 1)
}

// moveCursor answers a movement key: the cursor goes to row to (clamped);
// plain, the row is selected alone and shown; with Shift the selection is
// extended; with Ctrl only the cursor moves.
func (l *inboxList) moveCursor(to int, mods fyne.KeyModifier) {
	if l.total == 0 {
		return
	}
	to = max(0, min(to, l.total-1))
	switch {
	case mods&fyne.KeyModifierShift != 0:
		l.extendTo(to)
	case mods&(fyne.KeyModifierControl|fyne.KeyModifierSuper) != 0:
		l.cur = to
	default:
		l.open(to)
	}
	l.widget.Highlight(to) // keeps the widget's focus mark on the cursor, and scrolls
}

// key handles a key typed in the list; false leaves it to widget.List.
func (l *inboxList) key(name fyne.KeyName, mods fyne.KeyModifier) bool {
	cur := l.cur
	switch name {
	case fyne.KeyDown:
		l.moveCursor(cur+1, mods)
	case fyne.KeyUp:
		if cur < 0 {
			cur = 1
		}
		l.moveCursor(cur-1, mods)
	case fyne.KeyHome:
		l.moveCursor(0, mods)
	case fyne.KeyEnd:
		l.moveCursor(l.total-1, mods)
	case fyne.KeyPageDown:
		l.moveCursor(max(cur, 0)+l.pageRows(), mods)
	case fyne.KeyPageUp:
		l.moveCursor(cur-l.pageRows(), mods)
	case fyne.KeyReturn, fyne.KeyEnter:
		l.openCursor()
	case fyne.KeySpace:
		if mods&(fyne.KeyModifierControl|fyne.KeyModifierSuper) != 0 {
			if l.cur >= 0 {
				l.toggle(l.cur)
			}
			return true
		}
		l.openCursor()
	case fyne.KeyDelete, fyne.KeyBackspace:
		l.in.DeleteSelected()
	case fyne.KeyEscape:
		if len(l.sel) > 1 || (len(l.sel) == 1 && !l.sel[l.selectedID]) {
			l.sel = map[string]bool{}
			if l.selectedID != "" {
				l.sel[l.selectedID] = true
			}
			l.widget.Refresh()
			l.in.updateActions()
			return true
		}
		return false
	default:
		return false
	}
	return true
}

// openCursor shows the message under the cursor (the first row when there
// is no cursor yet).
func (l *inboxList) openCursor() {
	if l.total == 0 {
		return
	}
	l.open(max(l.cur, 0))
}

// messageList is a widget.List whose keys select and show messages rather
// than move a faint focus mark, and which deletes on Delete. Fyne gives keys
// to the focused widget, so the window's own handlers never see a key pressed
// while the list has the focus. Shift and Ctrl are tracked with KeyDown/KeyUp
// (and read from a desktop driver when it has them, for clicks).
type messageList struct {
	widget.List
	list *inboxList
	held fyne.KeyModifier // modifiers seen pressed while focused
}

func newMessageList(length func() int, create func() fyne.CanvasObject,
	update func(widget.ListItemID, fyne.CanvasObject), list *inboxList) *messageList {
	l := &messageList{list: list}
	l.Length, l.CreateItem, l.UpdateItem = length, create, update
	l.ExtendBaseWidget(l)
	return l
}

var (
	_ desktop.Keyable   = (*messageList)(nil)
	_ fyne.Shortcutable = (*messageList)(nil)
)

// modifiers returns the modifier keys held now.
func (l *messageList) modifiers() fyne.KeyModifier {
	m := l.held
	if a := fyne.CurrentApp(); a != nil {
		if d, ok := a.Driver().(desktop.Driver); ok {
			m |= d.CurrentKeyModifiers()
		}
	}
	return m
}

// KeyDown tracks the modifier keys.
func (l *messageList) KeyDown(ev *fyne.KeyEvent) { l.held |= inboxModifier(ev.Name) }

// KeyUp tracks the modifier keys.
func (l *messageList) KeyUp(ev *fyne.KeyEvent) { l.held &^= inboxModifier(ev.Name) }

// FocusLost forgets the modifiers: their release goes elsewhere.
func (l *messageList) FocusLost() {
	l.held = 0
	l.List.FocusLost()
}

func inboxModifier(k fyne.KeyName) fyne.KeyModifier {
	switch k {
	case desktop.KeyShiftLeft, desktop.KeyShiftRight:
		return fyne.KeyModifierShift
	case desktop.KeyControlLeft, desktop.KeyControlRight:
		return fyne.KeyModifierControl
	case desktop.KeySuperLeft, desktop.KeySuperRight:
		return fyne.KeyModifierSuper
	}
	return 0
}

// TypedKey selects, shows and deletes messages (see the table above); other
// keys go to widget.List.
func (l *messageList) TypedKey(ev *fyne.KeyEvent) {
	if l.list != nil && l.list.key(ev.Name, l.modifiers()) {
		return
	}
	l.List.TypedKey(ev)
}

// TypedShortcut handles Ctrl+A, Ctrl+U, Ctrl+Space and Ctrl+Up/Down/Home/End;
// any other shortcut goes on to the window, as if the list did not take them.
func (l *messageList) TypedShortcut(s fyne.Shortcut) {
	if l.list != nil && l.list.shortcut(s) {
		return
	}
	if a := fyne.CurrentApp(); a != nil {
		if c, ok := a.Driver().CanvasForObject(l).(interface{ TypedShortcut(fyne.Shortcut) }); ok {
			c.TypedShortcut(s)
		}
	}
}

// shortcut handles the list's own shortcuts.
func (l *inboxList) shortcut(s fyne.Shortcut) bool {
	switch s := s.(type) {
	case *fyne.ShortcutSelectAll:
		l.selectAll()
		return true
	case *desktop.CustomShortcut:
		if s.Modifier&(fyne.KeyModifierControl|fyne.KeyModifierSuper) == 0 {
			return false
		}
		if s.KeyName == fyne.KeyU {
			l.in.ToggleRead()
			return true
		}
		return l.key(s.KeyName, s.Modifier)
	}
	return false
}
