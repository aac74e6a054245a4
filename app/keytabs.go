package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// keyTabs is a container.AppTabs that the keyboard can reach: Tab stops on
// its tab bar (drawn with a focus outline), Left and Right (or Home and End)
// show the previous or next tab, and the next Tab goes into the tab shown.
// Fyne's own tab buttons take no focus, so without this a keyboard user could
// never switch a tab except by shortcut.
type keyTabs struct {
	widget.BaseWidget
	tabs *container.AppTabs

	focused bool
	shift   bool // Shift is held, for Shift+Tab
	ring    *canvas.Rectangle
}

// newKeyTabs makes tabs reachable by the keyboard.
func newKeyTabs(tabs *container.AppTabs) *keyTabs {
	k := &keyTabs{tabs: tabs}
	k.ring = canvas.NewRectangle(nil)
	k.ring.StrokeWidth = 2
	k.ring.Hide()
	k.ExtendBaseWidget(k)
	return k
}

// CreateRenderer draws the tabs with the focus outline over their bar.
func (k *keyTabs) CreateRenderer() fyne.WidgetRenderer {
	return &keyTabsRenderer{k: k, objs: []fyne.CanvasObject{k.tabs, k.ring}}
}

// MinSize is the tabs' own.
func (k *keyTabs) MinSize() fyne.Size { return k.tabs.MinSize() }

// Refresh redraws the tabs and the outline.
func (k *keyTabs) Refresh() {
	k.tabs.Refresh()
	k.BaseWidget.Refresh()
}

// FocusGained shows the outline.
func (k *keyTabs) FocusGained() {
	k.focused = true
	k.Refresh()
}

// FocusLost hides the outline.
func (k *keyTabs) FocusLost() {
	k.focused, k.shift = false, false
	k.Refresh()
}

// TypedRune ignores text.
func (k *keyTabs) TypedRune(rune) {}

// AcceptsTab keeps Tab for TypedKey: Fyne's reverse focus walk enters a
// focusable parent's children, so Shift+Tab from the bar would go back into
// the tab's content; TypedKey moves the focus itself.
func (k *keyTabs) AcceptsTab() bool { return true }

// KeyDown tracks Shift for Shift+Tab.
func (k *keyTabs) KeyDown(ev *fyne.KeyEvent) {
	if ev.Name == desktop.KeyShiftLeft || ev.Name == desktop.KeyShiftRight {
		k.shift = true
	}
}

// KeyUp tracks Shift for Shift+Tab.
func (k *keyTabs) KeyUp(ev *fyne.KeyEvent) {
	if ev.Name == desktop.KeyShiftLeft || ev.Name == desktop.KeyShiftRight {
		k.shift = false
	}
}

// TypedKey switches tabs with the arrow keys; Tab goes into the tab shown
// and Shift+Tab to what comes before the bar.
func (k *keyTabs) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyTab {
		k.tabAway()
		return
	}
	n, i := len(k.tabs.Items), k.tabs.SelectedIndex()
	if n == 0 {
		return
	}
	switch ev.Name {
	case fyne.KeyLeft:
		k.tabs.SelectIndex((i - 1 + n) % n)
	case fyne.KeyRight:
		k.tabs.SelectIndex((i + 1) % n)
	case fyne.KeyHome:
		k.tabs.SelectIndex(0)
	case fyne.KeyEnd:
		k.tabs.SelectIndex(n - 1)
	}
}

// tabAway moves the focus on from the bar. Forward is Fyne's own next
// (the first control in the tab shown). Back goes forward first and then
// back from there: the reverse walk from inside the tab passes over the bar
// and lands on the control before it.
func (k *keyTabs) tabAway() {
	c := fyne.CurrentApp().Driver().CanvasForObject(k)
	if c == nil {
		return
	}
	back := k.shift
	c.FocusNext()
	if back {
		c.FocusPrevious()
		if c.Focused() == fyne.Focusable(k) { // nothing focusable in the tab: one more step
			c.FocusPrevious()
		}
	}
}

type keyTabsRenderer struct {
	k    *keyTabs
	objs []fyne.CanvasObject
}

func (r *keyTabsRenderer) Layout(s fyne.Size) {
	r.k.tabs.Move(fyne.NewPos(0, 0))
	r.k.tabs.Resize(s)
	// The tab bar is as tall as the tabs' minimum less their content's.
	bar := r.k.tabs.MinSize().Height
	if sel := r.k.tabs.Selected(); sel != nil && sel.Content != nil {
		bar -= sel.Content.MinSize().Height
	}
	bar = max(min(bar, s.Height), 1)
	r.k.ring.Move(fyne.NewPos(1, 1))
	r.k.ring.Resize(fyne.NewSize(s.Width-2, bar-2))
}

func (r *keyTabsRenderer) MinSize() fyne.Size { return r.k.tabs.MinSize() }

func (r *keyTabsRenderer) Refresh() {
	r.k.ring.StrokeColor = r.k.Theme().Color(theme.ColorNameFocus, fyne.CurrentApp().Settings().ThemeVariant())
	r.k.ring.Hidden = !r.k.focused
	r.Layout(r.k.Size())
	r.k.ring.Refresh()
}

func (r *keyTabsRenderer) Objects() []fyne.CanvasObject { return r.objs }
func (r *keyTabsRenderer) Destroy()                     {}
