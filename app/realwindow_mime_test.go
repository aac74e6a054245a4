//go:build realwindow

package app

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"letterbox/server/store"
)

// deliverMIME stores testdata/mime/nested.eml and opens it in the Inbox.
func (r *realWin) deliverMIME() {
	r.t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "mime", "nested.eml"))
	if err != nil {
		r.t.Fatal(err)
	}
	st := uiValue(func() *store.Store { return r.m.store })
	d, err := st.Create()
	if err != nil {
		r.t.Fatalf("store.Create: %v", err)
	}
	if _, err := d.Write(b); err != nil {
		r.t.Fatalf("Delivery.Write: %v", err)
	}
	if _, err := d.Commit(store.Record{MailFrom: "ann@a.test", Rcpts: []string{"bob@b.test"}}); err != nil {
		r.t.Fatalf("Delivery.Commit: %v", err)
	}
	r.waitFor("the message is listed", func() bool {
		items, _, err := st.List(store.Query{})
		return err == nil && slices.ContainsFunc(items, func(s store.Summary) bool { return s.Subject == "MIME tree" })
	})
	r.openMessage("MIME tree")
}

// messageTab shows tab i of the message view with nothing focused.
func (r *realWin) messageTab(i int) {
	onUI(func() { r.m.inbox.view.tabs.SelectIndex(i); r.m.window.Canvas().Unfocus() })
	r.settle()
}

// focusMessageTabs puts the focus on the message view's tab bar.
func (r *realWin) focusMessageTabs() {
	r.t.Helper()
	onUI(func() {
		walkVisible(r.m.inbox.view.content, func(o fyne.CanvasObject) bool {
			if k, ok := o.(*keyTabs); ok {
				r.m.window.Canvas().Focus(k)
				return false
			}
			return true
		})
	})
	if _, ok := uiValue(func() fyne.Focusable { return r.m.window.Canvas().Focused() }).(*keyTabs); !ok {
		r.t.Fatalf("the message tab bar took no focus (focus on %s)", r.focusName())
	}
}

// partRow returns the tree row showing the part at path.
func (r *realWin) partRow(path string) *widget.Label {
	r.t.Helper()
	onUI(func() { r.m.inbox.view.parts.tree.ScrollTo("#" + path) })
	r.settle()
	var row *widget.Label
	onUI(func() {
		want := messagePartLine(r.m.inbox.view.parts.byID["#"+path])
		walkVisible(r.m.inbox.view.parts.tree, func(o fyne.CanvasObject) bool {
			if l, ok := o.(*widget.Label); ok && l.Text == want {
				row = l
			}
			return row == nil
		})
	})
	if row == nil {
		r.t.Fatalf("no tree row for part %q", path)
	}
	return row
}

// partShown waits until part path is selected and its content read.
func (r *realWin) partShown(how, path string) {
	r.t.Helper()
	r.waitFor(how+" shows part "+path, func() bool {
		p := r.m.inbox.view.parts
		return p.selected == "#"+path && !slices.Contains(inboxLabels(p.content), "Reading the part…")
	})
}

// TestRealMIMEParts selects every MIME part by a real click and by the
// keyboard, opens Save part… and closes it with Escape, and saves one part
// for real through the file dialog, comparing the bytes.
func TestRealMIMEParts(t *testing.T) {
	r := openReal(t, 1366, 768)
	r.deliverMIME()
	r.messageTab(messageTabParts)
	order := []string{"", "1", "1.1", "1.2", "1.2.1", "1.2.2", "2", "3", "4"}
	for _, path := range order {
		r.click(r.partRow(path))
		r.partShown("a click", path)
		if path == "3" && !uiValue(func() bool {
			return strings.Contains(strings.Join(inboxLabels(r.m.inbox.view.parts.content), " "), "120 × 80 pixels")
		}) {
			t.Errorf("part 3 (chart.png) shows no image preview")
		}
	}

	// The keyboard: Tab from the tab bar into the tree, Up to the top,
	// then Down and Space select each part in turn.
	r.focusMessageTabs()
	r.key("Tab")
	if got := r.focusName(); !strings.Contains(got, "Tree") {
		t.Fatalf("Tab from the tab bar went to %s, want the MIME tree", got)
	}
	for range order {
		r.key("Up")
	}
	r.key("space")
	r.partShown("Space at the top", "")
	for _, path := range order[1:] {
		r.key("Down", "space")
		r.partShown("Down and Space", path)
	}

	// Tab reaches Save part…; Space opens the dialog, Escape closes it.
	r.key("Tab")
	if got := r.focusName(); !strings.Contains(got, "Save part…") {
		t.Fatalf("Tab from the tree went to %s, want Save part…", got)
	}
	r.key("space")
	r.waitFor("Save part… opens a dialog", func() bool { return r.m.window.Canvas().Overlays().Top() != nil })
	r.dismissWithEscape("Save part…")

	// Save part 3 for real, into a fresh folder, by mouse and Enter.
	dir := t.TempDir()
	onUI(func() { realApp.Preferences().SetString("fyne:fileDialogLastFolder", storage.NewFileURI(dir).String()) })
	r.click(r.partRow("3"))
	r.partShown("a click", "3")
	r.click(r.button("Save part…"))
	r.waitFor("the save dialog", func() bool { return r.m.window.Canvas().Overlays().Top() != nil })
	r.key("Return")
	want, err := os.ReadFile(filepath.Join("testdata", "mime", "chart.png"))
	if err != nil {
		t.Fatal(err)
	}
	r.waitFor("chart.png is written into "+dir, func() bool {
		got, err := os.ReadFile(filepath.Join(dir, "chart.png"))
		return err == nil && bytes.Equal(got, want)
	})
	if r.overlay() != nil {
		t.Errorf("a dialog is still open after saving")
	}
}

// TestRealRawFindAndHeaders finds in the raw source by keyboard (Ctrl+F,
// typing, Enter, Tab to previous) and switches the Headers tab to raw by
// keyboard and mouse, copying what is shown.
func TestRealRawFindAndHeaders(t *testing.T) {
	r := openReal(t, 1366, 768)
	r.deliverMIME()
	v := r.m.inbox.view
	r.messageTab(messageTabRaw)
	r.key("ctrl+f")
	if got := uiValue(func() fyne.Focusable { return r.m.window.Canvas().Focused() }); got != fyne.Focusable(v.raw.findEntry) {
		t.Fatalf("Ctrl+F on the Raw source tab focused %s, want its search field", r.focusName())
	}
	r.typeText("outer") // the boundary parameter and five delimiter lines
	count := func() string { return uiValue(func() string { return v.raw.count.Text }) }
	r.waitFor("the matches are counted", func() bool { return v.raw.count.Text == "1 of 6" })
	r.key("Return")
	if got := count(); got != "2 of 6" {
		t.Errorf("Enter: count %q, want \"2 of 5\"", got)
	}
	// Tab goes from the field to previous, then next. (A button pressed by
	// Space drops the focus, as Fyne's buttons do; Ctrl+F brings it back.)
	r.key("Tab", "Tab")
	if got := uiValue(func() fyne.Focusable { return r.m.window.Canvas().Focused() }); got != fyne.Focusable(v.raw.nextBtn) {
		t.Fatalf("Tab, Tab from the search field went to %s, want the next button", r.focusName())
	}
	r.key("space")
	if got := count(); got != "3 of 6" {
		t.Errorf("Space on next: count %q, want \"3 of 6\"", got)
	}
	r.key("ctrl+f", "Tab", "space")
	if got := count(); got != "2 of 6" {
		t.Errorf("Ctrl+F, Tab, Space on previous: count %q, want \"2 of 6\"", got)
	}
	r.waitFor("the current match's row is on screen", func() bool {
		row := v.raw.rowOf(v.raw.matches[v.raw.cur])
		return v.raw.list.Visible() && row >= 0
	})

	// Headers: Tab from the tab bar reaches Raw; Space ticks it.
	r.messageTab(messageTabHeaders)
	r.focusMessageTabs()
	r.key("Tab")
	if got := r.focusName(); !strings.Contains(got, "Raw") {
		t.Fatalf("Tab into the Headers tab went to %s, want the Raw switch", got)
	}
	r.key("space")
	r.waitFor("Space shows the raw header block", func() bool { return v.headersRaw.obj.Visible() && !v.headersScroll.Visible() })
	r.click(v.headersCopy)
	raw := uiValue(func() string { return v.headersRaw.text })
	r.waitFor("Copy puts the raw block on the clipboard", func() bool { return realApp.Clipboard().Content() == raw })
	r.click(v.headersRawCheck)
	r.waitFor("a click brings the decoded fields back", func() bool { return !v.headersRaw.obj.Visible() && v.headersScroll.Visible() })
}

// TestRealMIMEScreens photographs the MIME tree with a part selected and the
// attachments at 800×600 and 1920×1080 into $REALWINDOW_SHOTS.
func TestRealMIMEScreens(t *testing.T) {
	if os.Getenv("REALWINDOW_SHOTS") == "" {
		t.Skip("REALWINDOW_SHOTS is not set: no screenshots wanted")
	}
	for _, sz := range []fyne.Size{fyne.NewSize(800, 600), fyne.NewSize(1920, 1080)} {
		size := fmt.Sprintf("%.0fx%.0f", sz.Width, sz.Height)
		t.Run(size, func(t *testing.T) {
			r := openReal(t, sz.Width, sz.Height)
			r.deliverMIME()
			r.messageTab(messageTabText)
			r.waitFor("the thumbnails", func() bool {
				return len(r.m.inbox.view.attach.thumbs["3"].Objects) == 1 && fmt.Sprintf("%T", r.m.inbox.view.attach.thumbs["3"].Objects[0]) == "*canvas.Image"
			})
			shot(t, r, "attachments-"+size)
			r.messageTab(messageTabParts)
			r.click(r.partRow("3"))
			r.partShown("a click", "3")
			shot(t, r, "mime-tree-image-"+size)
			r.click(r.partRow("1.1"))
			r.partShown("a click", "1.1")
			shot(t, r, "mime-tree-text-"+size)
			r.messageTab(messageTabRaw)
			r.key("ctrl+f")
			r.typeText("boundary")
			shot(t, r, "raw-find-"+size)
			r.messageTab(messageTabHeaders)
			onUI(func() { r.m.inbox.view.headersRawCheck.SetChecked(true) })
			shot(t, r, "headers-raw-"+size)
			onUI(func() { r.m.inbox.view.headersRawCheck.SetChecked(false) })
		})
	}
}
