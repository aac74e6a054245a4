package app

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"letterbox/server/store"
)

// inboxFill delivers messages with the given subjects, oldest first, so the
// list shows them in reverse.
func inboxFill(t *testing.T, st *store.Store, subjects ...string) {
	for _, s := range subjects {
		inboxDeliver(t, st, inboxSimple("a@a.test", "b@b.test", s, "x"), inboxRecord("a@a.test", "b@b.test"))
	}
}

// shown returns the subject of the message in the view once it is loaded.
func (f *inboxFixture) waitShown(t *testing.T, subject string) {
	t.Helper()
	f.pump.waitFor(t, "the view to show "+subject, func() bool {
		d := f.in.view.data
		if d == nil {
			return false
		}
		s, err := f.st.Get(d.id)
		return err == nil && s.Subject == subject
	})
}

// key types k into the list with modifiers held, as the GLFW driver does:
// a plain or Shift key goes to TypedKey, a Ctrl one to TypedShortcut.
func (f *inboxFixture) key(k fyne.KeyName, mods fyne.KeyModifier) {
	l := f.in.list.widget
	if mods&fyne.KeyModifierControl != 0 {
		l.TypedShortcut(&desktop.CustomShortcut{KeyName: k, Modifier: mods})
		f.pump.drain()
		return
	}
	if mods&fyne.KeyModifierShift != 0 {
		l.KeyDown(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
		defer l.KeyUp(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
	}
	l.TypedKey(&fyne.KeyEvent{Name: k})
	f.pump.drain()
}

// click taps row i with modifiers held.
func (f *inboxFixture) click(i int, mods fyne.KeyModifier) {
	l := f.in.list.widget
	for _, m := range []struct {
		mod fyne.KeyModifier
		key fyne.KeyName
	}{{fyne.KeyModifierShift, desktop.KeyShiftLeft}, {fyne.KeyModifierControl, desktop.KeyControlLeft}} {
		if mods&m.mod != 0 {
			l.KeyDown(&fyne.KeyEvent{Name: m.key})
			defer l.KeyUp(&fyne.KeyEvent{Name: m.key})
		}
	}
	l.Select(i)
	f.pump.drain()
}

// selectedSubjects returns the subjects of the selected messages, sorted.
func (f *inboxFixture) selectedSubjects(t *testing.T) []string {
	t.Helper()
	var out []string
	for id := range f.in.list.sel {
		s, err := f.st.Get(id)
		if err != nil {
			t.Fatalf("selected %s is not in the store: %v", id, err)
		}
		out = append(out, s.Subject)
	}
	slices.Sort(out)
	return out
}

func TestInboxKeyboardSelectsAndShows(t *testing.T) {
	f := newInboxFixture(t, func(st *store.Store) { inboxFill(t, st, "m5", "m4", "m3", "m2", "m1", "m0") })
	f.waitTotal(t, 6)
	f.win.Canvas().Focus(f.in.list.widget)

	steps := []struct {
		key  fyne.KeyName
		want string
	}{
		{fyne.KeyDown, "m0"}, // no cursor yet: the first row
		{fyne.KeyDown, "m1"},
		{fyne.KeyDown, "m2"},
		{fyne.KeyUp, "m1"},
		{fyne.KeyEnd, "m5"},
		{fyne.KeyDown, "m5"}, // stays on the last row
		{fyne.KeyHome, "m0"},
		{fyne.KeyPageDown, ""}, // somewhere below, checked against the cursor
	}
	for _, st := range steps {
		f.key(st.key, 0)
		want := st.want
		if want == "" {
			s, _ := f.in.list.summaryAt(f.in.list.cur)
			want = s.Subject
			if f.in.list.cur <= 0 {
				t.Errorf("PageDown from the first row left the cursor at %d", f.in.list.cur)
			}
		}
		f.waitShown(t, want)
		if got := f.selectedSubjects(t); !slices.Equal(got, []string{want}) {
			t.Errorf("after %s the selection is %q, want only %q", st.key, got, want)
		}
	}
	f.key(fyne.KeyHome, 0)
	f.waitShown(t, "m0")
	if s, _ := f.st.Get(f.in.view.data.id); s.Unread {
		t.Errorf("a message shown with the keyboard is still unread in the store")
	}

	// Ctrl+Down moves only the cursor; Enter and Space open what is under it.
	f.key(fyne.KeyDown, fyne.KeyModifierControl)
	f.key(fyne.KeyDown, fyne.KeyModifierControl)
	if f.in.view.data == nil || f.in.list.cur != 2 {
		t.Fatalf("Ctrl+Down twice: cursor %d, want 2, and the view still on m0", f.in.list.cur)
	}
	f.waitShown(t, "m0")
	f.key(fyne.KeyReturn, 0)
	f.waitShown(t, "m2")
	f.key(fyne.KeyDown, fyne.KeyModifierControl)
	f.key(fyne.KeySpace, 0)
	f.waitShown(t, "m3")

	// Delete deletes it and shows the next one.
	f.key(fyne.KeyDelete, 0)
	f.waitTotal(t, 5)
	f.waitShown(t, "m4")
	if got := f.selectedSubjects(t); !slices.Equal(got, []string{"m4"}) {
		t.Errorf("after Delete the selection is %q, want [m4]", got)
	}
}

func TestInboxDeleteLastShowsPrevious(t *testing.T) {
	f := newInboxFixture(t, func(st *store.Store) { inboxFill(t, st, "m2", "m1", "m0") })
	f.waitTotal(t, 3)
	f.selectSubject(t, "m2") // the last row
	f.in.DeleteSelected()
	f.waitTotal(t, 2)
	f.waitShown(t, "m1")
	f.pump.waitFor(t, "the selection on row 1", func() bool { return f.in.list.selRow == 1 })
	rows := f.rows()
	if r := rows["m1"]; r == nil || !r.bg.Visible() {
		t.Errorf("row m1 is not drawn selected after the last message was deleted")
	}
}

func TestInboxMultiSelectDelete(t *testing.T) {
	f := newInboxFixture(t, func(st *store.Store) { inboxFill(t, st, "m5", "m4", "m3", "m2", "m1", "m0") })
	f.waitTotal(t, 6)
	f.win.Canvas().Focus(f.in.list.widget)

	f.click(1, 0)
	f.waitShown(t, "m1")
	f.key(fyne.KeyDown, fyne.KeyModifierShift)
	f.key(fyne.KeyDown, fyne.KeyModifierShift)
	if got, want := f.selectedSubjects(t), []string{"m1", "m2", "m3"}; !slices.Equal(got, want) {
		t.Fatalf("Shift+Down twice from m1 selects %q, want %q", got, want)
	}
	f.waitShown(t, "m1") // extending does not open
	f.key(fyne.KeyUp, fyne.KeyModifierShift)
	if got, want := f.selectedSubjects(t), []string{"m1", "m2"}; !slices.Equal(got, want) {
		t.Fatalf("then Shift+Up selects %q, want %q", got, want)
	}
	f.click(4, fyne.KeyModifierControl)
	if got, want := f.selectedSubjects(t), []string{"m1", "m2", "m4"}; !slices.Equal(got, want) {
		t.Fatalf("then Ctrl+click on m4 selects %q, want %q", got, want)
	}
	if m3 := f.rows()["m3"]; m3 == nil || m3.bg.Visible() {
		t.Errorf("row m3 is drawn selected, but it is not")
	}
	for _, s := range []string{"m1", "m2", "m4"} {
		if r := f.rows()[s]; r == nil || !r.bg.Visible() {
			t.Errorf("row %s is not drawn selected", s)
		}
	}
	if !f.in.delSelBtn.Visible() || f.in.delSelBtn.Text != "Delete 3 messages" {
		t.Errorf("button under the list: visible %v %q, want \"Delete 3 messages\"", f.in.delSelBtn.Visible(), f.in.delSelBtn.Text)
	}
	if got := f.in.status.Text; !strings.HasPrefix(got, "3 selected") {
		t.Errorf("status = %q, want it to say 3 selected", got)
	}
	f.click(2, fyne.KeyModifierShift) // Shift+click: from the anchor (m4) to m2
	if got, want := f.selectedSubjects(t), []string{"m2", "m3", "m4"}; !slices.Equal(got, want) {
		t.Fatalf("then Shift+click on m2 selects %q, want %q", got, want)
	}
	f.key(fyne.KeySpace, fyne.KeyModifierControl) // Ctrl+Space on the cursor (m2) takes it out
	if got, want := f.selectedSubjects(t), []string{"m3", "m4"}; !slices.Equal(got, want) {
		t.Fatalf("then Ctrl+Space selects %q, want %q", got, want)
	}
	f.key(fyne.KeyDelete, 0)
	f.waitTotal(t, 4)
	var left []string
	for i := range 4 {
		s, _ := f.in.list.summaryAt(i)
		left = append(left, s.Subject)
	}
	if want := []string{"m0", "m1", "m2", "m5"}; !slices.Equal(left, want) {
		t.Errorf("after deleting the selection the list holds %q, want %q", left, want)
	}
	f.waitShown(t, "m1") // the shown message was not deleted: it stays
	if got := f.selectedSubjects(t); len(got) != 0 {
		t.Errorf("after deleting the selection %q is still selected", got)
	}

	// Ctrl+A selects every loaded row; the window's Delete menu item deletes them.
	f.in.list.widget.TypedShortcut(&fyne.ShortcutSelectAll{})
	if n := len(f.in.list.sel); n != 4 {
		t.Fatalf("Ctrl+A selects %d messages, want 4", n)
	}
	f.key(fyne.KeyEscape, 0)
	if got := f.selectedSubjects(t); !slices.Equal(got, []string{"m1"}) {
		t.Fatalf("Escape leaves %q selected, want only the shown m1", got)
	}
	f.in.list.widget.TypedShortcut(&fyne.ShortcutSelectAll{})
	f.in.DeleteSelected()
	f.waitTotal(t, 0)
	if total, _ := f.st.Counts(); total != 0 {
		t.Errorf("store holds %d messages after deleting all selected, want 0", total)
	}
	f.pump.waitFor(t, "the view to empty", func() bool { return f.in.view.data == nil })
}

// The view's own Delete button also moves on to the next message.
func TestInboxViewDeleteShowsNext(t *testing.T) {
	f := newInboxFixture(t, func(st *store.Store) { inboxFill(t, st, "m2", "m1", "m0") })
	f.waitTotal(t, 3)
	f.selectSubject(t, "m1")
	test.Tap(f.in.view.del)
	f.waitTotal(t, 2)
	f.waitShown(t, "m2")
}

func TestInboxEmptyGuidance(t *testing.T) {
	f := newInboxFixture(t, nil)
	f.waitTotal(t, 0)
	e := f.in.empty
	if !e.box.Visible() || e.title.Text != "No mail yet" {
		t.Fatalf("empty inbox: panel visible %v, title %q; want the guidance", e.box.Visible(), e.title.Text)
	}
	if !strings.Contains(e.hint.Text, "Local server") || !strings.Contains(e.swaks.Text, "--server 127.0.0.1:2525") {
		t.Errorf("server off: hint %q, command %q; want how to switch it on and the default address", e.hint.Text, e.swaks.Text)
	}
	if !f.in.view.delAll.Disabled() {
		t.Errorf("Delete all is enabled with nothing to delete")
	}
	f.in.SetServerAddr("0.0.0.0:2526")
	if !strings.Contains(e.hint.Text, "listening on 0.0.0.0:2526") ||
		e.swaks.Text != "swaks --server 127.0.0.1:2526 --to you@example.test" ||
		!strings.HasPrefix(e.send.Text, "letterbox send --server 127.0.0.1:2526 ") {
		t.Errorf("server on: hint %q, commands %q / %q", e.hint.Text, e.swaks.Text, e.send.Text)
	}
	copyBtn := inboxFindButton(e.box, "Copy")
	if copyBtn == nil {
		t.Fatalf("no Copy button in the empty-inbox panel; labels %q", inboxLabels(e.box))
	}
	test.Tap(copyBtn)
	if got := fyne.CurrentApp().Clipboard().Content(); got != e.swaks.Text {
		t.Errorf("Copy put %q on the clipboard, want %q", got, e.swaks.Text)
	}

	inboxFill(t, f.st, "first")
	f.waitTotal(t, 1)
	if e.box.Visible() {
		t.Errorf("the empty-inbox panel still shows with a message in the list")
	}
	f.pump.waitFor(t, "Delete all to be enabled", func() bool { return !f.in.view.delAll.Disabled() })

	test.Type(f.in.search, "nothing like it")
	f.waitTotal(t, 0)
	if !e.box.Visible() || e.title.Text != "No messages match" || e.cmds.Visible() {
		t.Errorf("search without match: panel visible %v title %q commands %v", e.box.Visible(), e.title.Text, e.cmds.Visible())
	}
	if f.in.view.delAll.Disabled() {
		t.Errorf("Delete all is disabled while the store still holds mail (a search hides it)")
	}

	f.in.search.SetText("")
	f.waitTotal(t, 1)
	test.Tap(f.in.view.delAll)
	b := inboxFindButton(f.win.Canvas().Overlays().Top(), "Delete all")
	if b == nil {
		t.Fatalf("Delete all asked nothing")
	}
	test.Tap(b)
	f.waitTotal(t, 0)
	f.pump.waitFor(t, "Delete all to be disabled again", func() bool { return f.in.view.delAll.Disabled() })
}

func TestInboxSearchClosesOpenMessage(t *testing.T) {
	f := newInboxFixture(t, func(st *store.Store) {
		inboxFill(t, st, "Your invoice", "Lunch?", "Daily news")
	})
	f.waitTotal(t, 3)
	f.selectSubject(t, "Lunch?")
	test.Type(f.in.search, "lun")
	f.waitTotal(t, 1)
	f.waitShown(t, "Lunch?")
	f.in.search.SetText("invoice")
	f.waitTotal(t, 1)
	f.pump.waitFor(t, "the view to close", func() bool { return f.in.view.data == nil && f.in.list.selectedID == "" })
	if len(f.in.list.sel) != 0 {
		t.Errorf("the closed message is still selected")
	}
}

// A result longer than a page that does not hold the shown message closes
// it too (the check runs off the UI goroutine).
func TestInboxSearchClosesOpenMessageLongResult(t *testing.T) {
	f := newInboxFixture(t, func(st *store.Store) {
		inboxFill(t, st, "the odd one")
		for i := range inboxPageSize + 20 {
			inboxFill(t, st, fmt.Sprintf("bulk %d", i))
		}
	})
	f.waitTotal(t, inboxPageSize+21)
	odd := ""
	ids, _, _ := f.st.List(store.Query{Search: "odd"})
	if len(ids) == 1 {
		odd = ids[0].ID
	}
	f.in.Select(odd)
	f.waitShown(t, "the odd one")
	f.in.search.SetText("e") // matches every message: "the odd one" is far down, still open
	f.waitTotal(t, inboxPageSize+21)
	f.waitShown(t, "the odd one")
	f.in.search.SetText("bulk")
	f.waitTotal(t, inboxPageSize+20)
	f.pump.waitFor(t, "the view to close", func() bool { return f.in.view.data == nil })
}

func TestInboxMarkReadUnread(t *testing.T) {
	f := newInboxFixture(t, func(st *store.Store) { inboxFill(t, st, "m2", "m1", "m0") })
	f.waitTotal(t, 3)
	f.win.Canvas().Focus(f.in.list.widget)
	f.click(0, fyne.KeyModifierControl) // Ctrl+click selects without opening
	f.click(1, fyne.KeyModifierControl)
	if f.in.view.data != nil {
		t.Fatalf("Ctrl+click opened a message")
	}
	if f.in.markBtn.Disabled() || f.in.markBtn.Text != "Mark read" {
		t.Fatalf("mark button = %q (disabled %v), want \"Mark read\" for unread mail", f.in.markBtn.Text, f.in.markBtn.Disabled())
	}
	for _, s := range []string{"m0", "m1"} {
		if r := f.rows()[s]; r == nil || !r.dot.Visible() {
			t.Errorf("unread row %s has no unread dot", s)
		}
	}
	test.Tap(f.in.markBtn)
	f.pump.waitFor(t, "the unread count to drop to 1", func() bool { return f.unread[len(f.unread)-1] == 1 })
	for _, s := range []string{"m0", "m1"} {
		if r := f.rows()[s]; r == nil || r.dot.Visible() || r.subject.TextStyle.Bold {
			t.Errorf("row %s still drawn unread after Mark read", s)
		}
	}
	if f.in.markBtn.Text != "Mark unread" || f.in.markBtn.Disabled() {
		t.Errorf("mark button = %q (disabled %v) over read mail, want \"Mark unread\" enabled",
			f.in.markBtn.Text, f.in.markBtn.Disabled())
	}

	// Ctrl+U marks the shown message unread in the store.
	f.click(2, 0)
	f.waitShown(t, "m2")
	id := f.in.view.data.id
	f.pump.waitFor(t, "m2 to be read once shown", func() bool { s, _ := f.st.Get(id); return !s.Unread })
	f.key(fyne.KeyU, fyne.KeyModifierControl)
	f.pump.waitFor(t, "m2 to be unread in the store", func() bool { s, _ := f.st.Get(id); return s.Unread })
	f.pump.waitFor(t, "row m2 to be drawn unread", func() bool { r := f.rows()["m2"]; return r != nil && r.dot.Visible() })
	if r := f.rows()["m2"]; r == nil || !r.dot.Visible() || !r.subject.TextStyle.Bold {
		t.Errorf("row m2 is not drawn unread after Ctrl+U")
	}
	if f.in.markBtn.Text != "Mark read" {
		t.Errorf("mark button = %q after marking unread, want \"Mark read\"", f.in.markBtn.Text)
	}
}

// Tab goes through the inbox in visual order: tree, search, bodies, list,
// the buttons under the list, then the message view.
func TestInboxTabOrder(t *testing.T) {
	f := newInboxFixture(t, func(st *store.Store) { inboxFill(t, st, "m1", "m0") })
	f.waitTotal(t, 2)
	f.selectSubject(t, "m0")
	f.click(1, fyne.KeyModifierControl) // two selected: both buttons under the list are on
	if f.in.markBtn.Disabled() || !f.in.delSelBtn.Visible() {
		t.Fatalf("with m0 and unread m1 selected: mark button disabled %v, delete button visible %v", f.in.markBtn.Disabled(), f.in.delSelBtn.Visible())
	}
	c := f.win.Canvas()
	c.Focus(nil)
	want := []fyne.Focusable{f.in.tree.widget, f.in.search, f.in.bodies, f.in.list.widget, f.in.markBtn, f.in.delSelBtn}
	names := []string{"tree", "search", "bodies", "list", "mark button", "delete button"}
	for i, w := range want {
		c.FocusNext()
		if c.Focused() != w {
			t.Fatalf("Tab %d focuses %T, want the %s", i+1, c.Focused(), names[i])
		}
	}
	c.FocusNext()
	if fo := c.Focused(); fo == nil || fo == want[0] {
		t.Errorf("Tab after the inbox's own controls focuses %T, want a control of the message view", fo)
	}
}

// Every row's marks match its message after many live arrivals while the
// list scrolls: recycled rows must never keep a paperclip, dot or selection
// from the message they drew before.
func TestInboxRowMarksAfterLiveArrivals(t *testing.T) {
	f := newInboxFixture(t, nil)
	const n = 400
	// Every row the list makes, drawn or pooled: each must match the
	// message it last drew.
	var made []*inboxRow
	create := f.in.list.widget.CreateItem
	f.in.list.widget.CreateItem = func() fyne.CanvasObject {
		o := create()
		made = append(made, o.(*inboxRow))
		return o
	}
	f.in.list.widget.Refresh()
	var mu sync.Mutex
	subjects := map[string]store.Summary{}
	deliver := func(i int) {
		raw := inboxSimple("a@a.test", "b@b.test", fmt.Sprintf("live %03d", i), "x")
		if i%2 == 1 {
			raw = strings.Replace(messageMixed(fmt.Sprintf("f%d.pdf", i)), "Subject: ", fmt.Sprintf("Subject: live %03d ", i), 1)
		}
		d, err := f.st.Create()
		if err == nil {
			_, err = d.Write([]byte(strings.ReplaceAll(raw, "\n", "\r\n")))
		}
		if err != nil {
			t.Error(err)
			return
		}
		s, err := d.Commit(inboxRecord("a@a.test", "b@b.test"))
		if err != nil {
			t.Error(err)
			return
		}
		mu.Lock()
		subjects[s.Subject] = s
		mu.Unlock()
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range n {
			deliver(i)
		}
	}()
	check := func(where string) {
		t.Helper()
		checked := 0
		drawn := map[*inboxRow]bool{}
		for _, o := range test.LaidOutObjects(f.in.list.widget) {
			if r, ok := o.(*inboxRow); ok && r.Visible() {
				drawn[r] = true
			}
		}
		for _, r := range made {
			if r.subject.Text == "" {
				continue
			}
			mu.Lock()
			s, ok := subjects[r.subject.Text]
			mu.Unlock()
			if !ok {
				t.Fatalf("%s: a row shows %q, which was never delivered", where, r.subject.Text)
			}
			if r.clip.Visible() != s.HasAttachments {
				t.Errorf("%s: row %q paperclip shown %v, message has attachments %v", where, r.subject.Text, r.clip.Visible(), s.HasAttachments)
			}
			if r.dot.Visible() != r.subject.TextStyle.Bold {
				t.Errorf("%s: row %q unread dot %v but bold %v", where, r.subject.Text, r.dot.Visible(), r.subject.TextStyle.Bold)
			}
			checked++
			if !drawn[r] {
				continue // a pooled row: read state and selection may have moved on since
			}
			cur, err := f.st.Get(s.ID)
			if err != nil {
				t.Fatalf("%s: Get(%s): %v", where, s.ID, err)
			}
			if r.dot.Visible() != cur.Unread && !f.in.list.onStalePage(s.ID) {
				t.Errorf("%s: row %q unread dot %v, message unread %v", where, r.subject.Text, r.dot.Visible(), cur.Unread)
			}
			if r.bg.Visible() != f.in.list.sel[s.ID] {
				t.Errorf("%s: row %q drawn selected %v, selected %v", where, r.subject.Text, r.bg.Visible(), f.in.list.sel[s.ID])
			}
		}
		if checked < 5 && !strings.HasPrefix(where, "live") {
			t.Fatalf("%s: only %d rows drawn, want a screenful", where, checked)
		}
	}
	offsets := []float32{0, 130, 60, 400, 0, 250, 20, 900}
	live := 0
	for k := 0; ; k++ {
		select {
		case <-done:
		case <-time.After(3 * time.Millisecond):
			f.pump.drain()
			f.in.list.widget.ScrollToOffset(offsets[k%len(offsets)])
			if k%7 == 3 && f.in.list.total > 10 {
				f.click(k%10, 0) // open one, so the selection and read marks change too
			}
			check(fmt.Sprintf("live, %d delivered", f.in.list.total))
			live++
			continue
		}
		break
	}
	if live == 0 {
		t.Errorf("rows were never checked while mail arrived")
	}
	f.waitTotal(t, n)
	// One more at a time: every row moves down by one, so each drawn row
	// changes between a message with and one without an attachment.
	for i := n; i < n+6; i++ {
		deliver(i)
		f.waitTotal(t, i+1)
		check(fmt.Sprintf("after arrival %d", i))
	}
	f.pump.waitFor(t, "the list to settle", func() bool { return len(f.in.list.loading) == 0 })
	check("after the arrivals")
	for _, off := range []float32{0, 1234, 4000, 200, 0} {
		f.in.list.widget.ScrollToOffset(off)
		f.pump.waitFor(t, "pages to load", func() bool { return len(f.in.list.loading) == 0 })
		f.in.list.widget.Refresh()
		check(fmt.Sprintf("scrolled to %v", off))
	}
}

// Live arrivals are applied in batches at most inboxEventGap apart, not one
// redraw per message.
func TestInboxLiveArrivalsBatched(t *testing.T) {
	f := newInboxFixture(t, nil)
	const n = 300
	start := time.Now()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range n {
			d, err := f.st.Create()
			if err != nil {
				t.Error(err)
				return
			}
			fmt.Fprintf(d, "Subject: s%d\r\n\r\nx\r\n", i)
			if _, err := d.Commit(store.Record{MailFrom: "a@a.test", Rcpts: []string{"b@b.test"}}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	before := f.in.applied
	f.pump.waitFor(t, "every delivery", func() bool {
		select {
		case <-done:
			return f.in.list.total == n
		default:
			return false
		}
	})
	batches := f.in.applied - before
	elapsed := time.Since(start)
	if limit := int(elapsed/inboxEventGap) + 2; batches > limit {
		t.Errorf("%d deliveries in %v were applied in %d batches, want at most %d (one per %v)", n, elapsed, batches, limit, inboxEventGap)
	}
}

// ↓ in the search field goes on into the results: the list takes the focus
// and shows the first message that matches.
func TestInboxSearchDownEntersList(t *testing.T) {
	f := newInboxFixture(t, func(st *store.Store) { inboxFill(t, st, "apple pie", "banana split", "apple tart") })
	f.waitTotal(t, 3)
	f.win.Canvas().Focus(f.in.search)
	test.Type(f.in.search, "apple")
	f.in.applySearch()
	f.waitTotal(t, 2)
	f.in.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	f.pump.drain()
	if got := f.win.Canvas().Focused(); got != fyne.Focusable(f.in.list.widget) {
		t.Errorf("after ↓ in the search field the focus is on %T, want the message list", got)
	}
	f.pump.waitFor(t, "the first match to be shown", func() bool {
		d := f.in.view.data
		return d != nil && strings.HasPrefix(d.view.Subject, "apple")
	})
	if f.in.search.Text != "apple" {
		t.Errorf("↓ changed the search text to %q", f.in.search.Text)
	}
}
