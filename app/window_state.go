package app

import (
	"fyne.io/fyne/v2"
)

// Preference keys of the window's own state, restored at the next start.
const (
	prefWindowWidth  = "window.width"
	prefWindowHeight = "window.height"
	prefComposeSplit = "window.compose.split"
	prefTab          = "window.tab"
)

// The window's first size, and the smallest it may be restored to: every
// control stays usable at 800×600.
var (
	defaultWindowSize = fyne.NewSize(1100, 720)
	minWindowSize     = fyne.NewSize(800, 600)
)

// savedWindowSize returns the size the window had when it was last closed,
// or the default size; never less than minWindowSize.
func savedWindowSize(p fyne.Preferences) fyne.Size {
	w := float32(p.FloatWithFallback(prefWindowWidth, float64(defaultWindowSize.Width)))
	h := float32(p.FloatWithFallback(prefWindowHeight, float64(defaultWindowSize.Height)))
	return fyne.NewSize(max(w, minWindowSize.Width), max(h, minWindowSize.Height))
}

// saveState keeps the window's size, the Compose/Transcript divider and the
// tab shown, for the next start. Fyne goroutine.
func (m *mainWindow) saveState() {
	p := m.app.Preferences()
	if s := m.window.Canvas().Size(); s.Width > 0 && s.Height > 0 {
		p.SetFloat(prefWindowWidth, float64(s.Width))
		p.SetFloat(prefWindowHeight, float64(s.Height))
	}
	if m.split != nil {
		p.SetFloat(prefComposeSplit, m.split.Offset)
	}
	tab := "compose"
	if m.tabs.Selected() == m.inboxTab {
		tab = "inbox"
	}
	p.SetString(prefTab, tab)
}

// restoreState applies what saveState kept; launch options win over it.
func (m *mainWindow) restoreState(opts Options) {
	p := m.app.Preferences()
	m.window.Resize(savedWindowSize(p))
	if off := p.FloatWithFallback(prefComposeSplit, 0.5); off > 0.05 && off < 0.95 {
		m.split.Offset = off
	}
	tab := opts.Tab
	if tab == "" {
		tab = p.String(prefTab)
	}
	if tab == "inbox" {
		m.tabs.Select(m.inboxTab)
	}
}
