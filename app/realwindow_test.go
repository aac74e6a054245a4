//go:build realwindow

// The real-window lane: these tests run the Letterbox window on Fyne's GLFW
// driver under an X server (Xvfb in CI; scripts/realwindow.sh starts one) and
// drive it with real X input events through xdotool. Fyne's headless test
// driver never reaches the code paths that only the real driver runs (file
// dialogs, focus traversal on Tab, window resizing), so every control is
// activated here as well. A panic anywhere ends the test binary and so fails
// the lane.
//
// Run with: scripts/realwindow.sh (make test does), or by hand under an X
// server: go test -tags realwindow -run '^TestReal' ./app/
package app

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"letterbox/server/store"
)

// realApp is the one GLFW app of the test binary; its driver runs on the main
// goroutine (TestMain) while the tests run on their own.
var realApp fyne.App

func TestMain(m *testing.M) {
	if os.Getenv("DISPLAY") == "" {
		if os.Getenv("CI") == "true" {
			fmt.Fprintln(os.Stderr, "realwindow: no X display (DISPLAY is empty) in CI; scripts/realwindow.sh starts Xvfb")
			os.Exit(1)
		}
		fmt.Println("realwindow: SKIP: no X display; run scripts/realwindow.sh (it starts Xvfb)")
		os.Exit(0)
	}
	if _, err := exec.LookPath("xdotool"); err != nil {
		fmt.Fprintln(os.Stderr, "realwindow: xdotool is missing; run make deps")
		os.Exit(1)
	}
	realApp = fyneapp.NewWithID("dev.letterbox.realwindow")
	// The driver quits when its last window closes; this one is never shown
	// and never closed, so each test can open and close its own main window.
	realApp.NewWindow("keeper")
	code := 1
	go func() {
		defer fyne.Do(realApp.Quit)
		code = m.Run()
	}()
	realApp.Run()
	os.Exit(code)
}

// onUI runs f on Fyne's goroutine and waits for it.
func onUI(f func()) { fyne.DoAndWait(f) }

// uiValue runs f on Fyne's goroutine and returns what it returned.
func uiValue[T any](f func() T) T {
	var v T
	onUI(func() { v = f() })
	return v
}

// realWin is one main window on the real driver, over a store seeded with
// varied mail.
type realWin struct {
	t      testing.TB
	m      *mainWindow
	dir    string
	xid    string // the X window id, for xdotool
	quits  int    // File > Quit and Ctrl+Q, counted instead of quitting the test binary
	closed bool   // close ran
}

// openReal shows a main window of size w×h over a new store holding the
// corpus in testdata/mail.
func openReal(t *testing.T, w, h float32) *realWin { return openRealB(t, w, h) }

// openRealB is openReal for tests and benchmarks alike.
func openRealB(t testing.TB, w, h float32) *realWin {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "mail")
	seedMaildir(t, dir)
	return openRealOn(t, dir, w, h)
}

// openRealOn shows a main window over the store in dir.
func openRealOn(t testing.TB, dir string, w, h float32) *realWin {
	t.Helper()
	r := openWindow(t, dir, "", w, h)
	r.waitFor("the window is drawn at its size", func() bool {
		s := r.m.window.Canvas().Size()
		return s.Width >= w-1 && s.Height >= h-1
	})
	return r
}

// openWindow shows a main window over the store in dir, keeping its draft in
// the file draft ("" = none). A zero size leaves the window the size it
// restores by itself, on the tab it restores; otherwise it opens on Compose,
// whatever an earlier test left in the preferences.
func openWindow(t testing.TB, dir, draft string, w, h float32) *realWin {
	t.Helper()
	r := &realWin{t: t, dir: dir}
	onUI(func() {
		r.m = newMainWindow(realApp, Options{StoreDir: dir, Listen: "127.0.0.1:0"}, windowDeps{
			notMaster: true, quit: func() { r.quits++ }, draftPath: draft,
		})
		if w > 0 {
			r.m.window.Resize(fyne.NewSize(w, h))
			r.m.tabs.Select(r.m.composeTab)
		}
		r.m.window.Show()
	})
	t.Cleanup(r.close)
	r.xid = r.findX()
	r.settle()
	return r
}

func (r *realWin) close() {
	if r.closed {
		return
	}
	r.closed = true
	onUI(func() { r.m.window.Close() })
	if err := r.m.shutdown(); err != nil {
		r.t.Errorf("shutdown: %v", err)
	}
	// Wait until the X window is gone, so the next test finds its own.
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if out, _ := exec.Command("xdotool", "search", "--onlyvisible", "--name", "^Letterbox$").Output(); len(strings.TrimSpace(string(out))) == 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// findX returns the X window id of the Letterbox window once it is mapped.
func (r *realWin) findX() string {
	r.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		out, _ := exec.Command("xdotool", "search", "--onlyvisible", "--name", "^Letterbox$").Output()
		if ids := strings.Fields(string(out)); len(ids) > 0 {
			return ids[len(ids)-1]
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.t.Fatal("the Letterbox window was not mapped within 20 s")
	return ""
}

// xdo runs xdotool with args.
func (r *realWin) xdo(args ...string) {
	r.t.Helper()
	if out, err := exec.Command("xdotool", args...).CombinedOutput(); err != nil {
		r.t.Fatalf("xdotool %s: %v: %s", strings.Join(args, " "), err, out)
	}
}

// settle lets the driver take in the X events sent so far: it waits for a
// few of its 60 Hz event polls.
func (r *realWin) settle() {
	for range 3 {
		time.Sleep(17 * time.Millisecond)
		onUI(func() {})
	}
}

// key presses the keys in turn (xdotool names: Tab, shift+Tab, ctrl+Return,
// Escape) and lets the window take them in.
func (r *realWin) key(keys ...string) {
	r.t.Helper()
	r.xdo("windowfocus", "--sync", r.xid)
	r.xdo(append([]string{"key", "--clearmodifiers", "--delay", "20"}, keys...)...)
	r.settle()
}

// typeText types s as keystrokes into the focused widget.
func (r *realWin) typeText(s string) {
	r.t.Helper()
	r.xdo("windowfocus", "--sync", r.xid)
	r.xdo("type", "--delay", "8", s)
	r.settle()
}

// clickAt clicks at canvas position p (Fyne coordinates).
func (r *realWin) clickAt(p fyne.Position) {
	r.t.Helper()
	scale := uiValue(func() float32 { return r.m.window.Canvas().Scale() })
	x, y := int(p.X*scale), int(p.Y*scale)
	r.xdo("mousemove", "--window", r.xid, strconv.Itoa(x), strconv.Itoa(y), "click", "1")
	r.settle()
}

// click clicks in the middle of o, as a user would.
func (r *realWin) click(o fyne.CanvasObject) {
	r.t.Helper()
	var p fyne.Position
	onUI(func() {
		p = fyne.CurrentApp().Driver().AbsolutePositionForObject(o).Add(fyne.NewPos(o.Size().Width/2, o.Size().Height/2))
	})
	r.clickAt(p)
}

// waitSteady waits until b is enabled and has stayed in place for ten polls:
// the message view lays itself out again while its attachments' thumbnails
// and findings arrive, and a click computed before that can land beside the
// button (TestRealFileDialogs once waited in vain for Save as .eml's dialog).
func (r *realWin) waitSteady(b *widget.Button) {
	r.t.Helper()
	var last fyne.Position
	still := 0
	r.waitFor("the button "+b.Text+" enabled and in place", func() bool {
		p := fyne.CurrentApp().Driver().AbsolutePositionForObject(b)
		if p != last || b.Disabled() || !b.Visible() {
			last, still = p, 0
			return false
		}
		still++
		return still >= 10
	})
}

// waitFor polls cond on Fyne's goroutine until it holds, failing after 10 s.
func (r *realWin) waitFor(what string, cond func() bool) {
	r.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !uiValue(cond) {
		if time.Now().After(deadline) {
			r.t.Fatalf("waited 10 s for: %s", what)
		}
		time.Sleep(15 * time.Millisecond)
	}
}

// overlay returns the top overlay (a dialog or pop-up), or nil.
func (r *realWin) overlay() fyne.CanvasObject {
	return uiValue(func() fyne.CanvasObject { return r.m.window.Canvas().Overlays().Top() })
}

// button finds the visible button labelled text in the window or its top overlay.
func (r *realWin) button(text string) *widget.Button {
	r.t.Helper()
	var found *widget.Button
	onUI(func() {
		roots := []fyne.CanvasObject{r.m.window.Canvas().Content()}
		if top := r.m.window.Canvas().Overlays().Top(); top != nil {
			roots = []fyne.CanvasObject{top}
		}
		for _, root := range roots {
			walkVisible(root, func(o fyne.CanvasObject) bool {
				if b, ok := o.(*widget.Button); ok && b.Text == text && found == nil {
					found = b
				}
				return found == nil
			})
		}
	})
	if found == nil {
		r.t.Fatalf("no visible button %q", text)
	}
	return found
}

// walkVisible calls f for o and every visible object below it, depth first
// in child order, until f returns false.
func walkVisible(o fyne.CanvasObject, f func(fyne.CanvasObject) bool) bool {
	if o == nil || !o.Visible() {
		return true
	}
	if !f(o) {
		return false
	}
	for _, k := range children(o) {
		if !walkVisible(k, f) {
			return false
		}
	}
	return true
}

// children returns what o draws: a container's objects, or the objects of
// a widget's renderer.
func children(o fyne.CanvasObject) []fyne.CanvasObject {
	switch x := o.(type) {
	case *fyne.Container:
		return x.Objects
	case fyne.Widget:
		return test.WidgetRenderer(x).Objects()
	}
	return nil
}

// dismissWithEscape presses Escape and waits for the top overlay to go.
func (r *realWin) dismissWithEscape(what string) {
	r.t.Helper()
	top := r.overlay()
	if top == nil {
		r.t.Fatalf("%s: no dialog to dismiss", what)
	}
	focus := r.focusName()
	r.key("Escape")
	r.waitFor(what+": Escape closes the dialog (focus was on "+focus+")", func() bool {
		return r.m.window.Canvas().Overlays().Top() != top
	})
}

// openInbox switches to the Inbox and opens the message whose subject is subject.
func (r *realWin) openMessage(subject string) {
	r.t.Helper()
	id := r.messageID(subject)
	onUI(func() {
		r.m.tabs.Select(r.m.inboxTab)
		r.m.inbox.Select(id)
	})
	r.waitFor("the message "+subject+" is shown", func() bool {
		return r.m.inbox.view.data != nil && r.m.inbox.view.data.view.Subject == subject
	})
}

// messageID returns the id of the stored message whose subject is subject.
func (r *realWin) messageID(subject string) string {
	r.t.Helper()
	items, _, err := r.m.store.List(store.Query{})
	if err != nil {
		r.t.Fatalf("store.List: %v", err)
	}
	for _, it := range items {
		if it.Subject == subject {
			return it.ID
		}
	}
	r.t.Fatalf("no stored message with subject %q among %d", subject, len(items))
	return ""
}

// ensureMessage returns the id of the message with subject, delivering
// testdata/mail/file again through the store when a walk deleted it.
func (r *realWin) ensureMessage(file, subject string) string {
	r.t.Helper()
	st := uiValue(func() *store.Store { return r.m.store })
	if st == nil {
		r.t.Fatal("the window has no store open")
	}
	items, _, err := st.List(store.Query{})
	if err != nil {
		r.t.Fatalf("store.List: %v", err)
	}
	for _, it := range items {
		if it.Subject == subject {
			return it.ID
		}
	}
	b, err := os.ReadFile(filepath.Join("testdata", "mail", file))
	if err != nil {
		r.t.Fatal(err)
	}
	d, err := st.Create()
	if err != nil {
		r.t.Fatalf("store.Create: %v", err)
	}
	if _, err := d.Write(b); err != nil {
		r.t.Fatalf("Delivery.Write: %v", err)
	}
	sum, err := d.Commit(store.Record{MailFrom: "ci@build.example.test", Rcpts: []string{"you@letterbox.test"}})
	if err != nil {
		r.t.Fatalf("Delivery.Commit: %v", err)
	}
	return sum.ID
}

// seedMaildir makes a Maildir in dir holding every message in testdata/mail,
// as another program delivering into it would.
func seedMaildir(t testing.TB, dir string) {
	t.Helper()
	for _, sub := range []string{"tmp", "new", "cur"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	files, err := filepath.Glob(filepath.Join("testdata", "mail", "*.eml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no test mail in testdata/mail: %v", err)
	}
	for i, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("%d.seed%d.letterbox-test", time.Now().Unix()-int64(len(files)-i)*60, i)
		if err := os.WriteFile(filepath.Join(dir, "new", name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRealFileDialogs opens every file dialog of the window on the real driver
// and closes it with Escape: Save as .eml, an attachment's Save As…, Save all…,
// the transcript's Save… and Compose's Add file….
func TestRealFileDialogs(t *testing.T) {
	r := openReal(t, 1100, 720)
	r.openMessage("Two attachments")
	for _, label := range []string{"Save as .eml", "Save As…", "Save all…"} {
		b := r.m.inbox.view.saveEML // its label goes when the pane is narrow
		if label != "Save as .eml" {
			b = r.button(label)
		}
		r.waitSteady(b)
		r.click(b)
		r.waitFor(label+" opens a dialog", func() bool { return r.m.window.Canvas().Overlays().Top() != nil })
		r.dismissWithEscape(label)
	}
	onUI(func() { r.m.tabs.Select(r.m.composeTab) })
	for _, label := range []string{"Save…", "Add file…"} {
		r.click(r.button(label))
		r.waitFor(label+" opens a dialog", func() bool { return r.m.window.Canvas().Overlays().Top() != nil })
		r.dismissWithEscape(label)
	}
}

// focusName describes the focused widget for a test's messages: its type and
// its label, placeholder or text.
func (r *realWin) focusName() string {
	return uiValue(func() string { return describe(r.m.window.Canvas().Focused()) })
}

func describe(f fyne.Focusable) string {
	switch x := f.(type) {
	case nil:
		return "nothing"
	case *widget.Button:
		if x.Text == "" {
			return "button " + strconv.Quote(x.Icon.Name())
		}
		return "button " + strconv.Quote(x.Text)
	case *widget.Check:
		return "check " + strconv.Quote(x.Text)
	case *widget.Select:
		if x.Selected != "" {
			return "select " + strconv.Quote(x.Selected)
		}
		return "select " + strconv.Quote(x.PlaceHolder)
	case *widget.Entry:
		return "entry " + strconv.Quote(x.PlaceHolder)
	case *bodyEntry:
		return "body " + strconv.Quote(x.PlaceHolder)
	case *keyTabs:
		if sel := x.tabs.Selected(); sel != nil {
			return "tabs at " + strconv.Quote(sel.Text)
		}
		return "tabs"
	}
	return fmt.Sprintf("%T", f)
}

// tabWalk presses Tab until the focus comes back to where it started (or
// limit presses), and returns the names of the widgets it visited.
func (r *realWin) tabWalk(limit int) []string {
	r.t.Helper()
	var seen []string
	first := ""
	for i := 0; i < limit; i++ {
		r.key("Tab")
		name := r.focusName()
		if i == 0 {
			first = name
		} else if name == first {
			break
		}
		seen = append(seen, name)
	}
	return seen
}

// closeOverlays presses Escape until no dialog or pop-up is open; it fails
// the test when one will not close.
func (r *realWin) closeOverlays(what string) {
	r.t.Helper()
	for i := 0; r.overlay() != nil; i++ {
		if i == 5 {
			r.t.Fatalf("%s: a dialog does not close with Escape (%T)", what, r.overlay())
		}
		r.key("Escape")
	}
}

// wantInOrder fails unless every name in want appears in got, in that order.
func wantInOrder(t *testing.T, what string, got, want []string) {
	t.Helper()
	i := 0
	for _, g := range got {
		if i < len(want) && g == want[i] {
			i++
		}
	}
	if i < len(want) {
		t.Errorf("%s: Tab order\n  got  %q\n  want %q in this order (missing from %q on)", what, got, want, want[i])
	}
}

// TestRealTabOrderCompose walks Compose with Tab on the real driver: the
// order follows the screen, the message bodies do not trap the focus, and
// Shift+Tab walks back.
func TestRealTabOrderCompose(t *testing.T) {
	r := openReal(t, 1100, 720)
	r.key("ctrl+l")
	r.waitFor("the local server runs", func() bool { return r.m.sw.Running() })
	onUI(func() {
		r.m.compose.from.SetText("me@letterbox.test")
		r.m.compose.to.SetText("you@letterbox.test")
		r.m.tabs.Select(r.m.composeTab)
		r.m.window.Canvas().Unfocus()
	})
	r.waitFor("Send is enabled", r.m.compose.CanSend)
	got := r.tabWalk(60)
	wantInOrder(t, "Compose", got, []string{
		`check "Local server"`, `tabs at "Compose"`,
		`select "This computer (Letterbox)"`,
		`entry "you@example.org"`, `entry "name@example.org, another@example.org"`, `entry ""`, `entry ""`,
		`entry "Subject"`, `tabs at "Text"`, `body "Message text"`,
		`body "<p>Optional HTML version, sent as multipart/alternative with the text</p>"`,
		`button "Add file…"`, `button "Send"`,
	})
	// Shift+Tab from the HTML body goes back to the text body.
	onUI(func() { r.m.compose.bodies.SelectIndex(1); r.m.window.Canvas().Focus(r.m.compose.html) })
	r.key("shift+Tab")
	if got := r.focusName(); got != `body "Message text"` {
		t.Errorf("Shift+Tab from the HTML body focused %s, want the text body", got)
	}
	r.key("shift+Tab")
	if got := r.focusName(); got != `tabs at "Text"` {
		t.Errorf("Shift+Tab from the text body focused %s, want the Text/HTML tabs", got)
	}
	r.key("shift+Tab")
	if got := r.focusName(); got != `entry "Subject"` {
		t.Errorf("Shift+Tab from the Text/HTML tabs focused %s, want Subject", got)
	}
	// Back on the Compose/Inbox bar, Shift+Tab leaves it for the toolbar.
	onUI(func() { r.m.window.Canvas().Focus(r.m.compose.server) })
	r.key("shift+Tab")
	if got := r.focusName(); got == `select "This computer (Letterbox)"` || strings.HasPrefix(got, "tabs") {
		t.Errorf("Shift+Tab from the server picker focused %s, want the toolbar before the tab bar", got)
	}
}

// menuPath opens the window's menu with Alt, walks to menu mi and item ii with
// the arrow keys and activates it with Enter: the keyboard route to every
// menu item.
func (r *realWin) menuPath(mi, ii int) {
	r.t.Helper()
	keys := []string{"alt"}
	for range mi {
		keys = append(keys, "Right")
	}
	for range ii + 1 {
		keys = append(keys, "Down")
	}
	keys = append(keys, "Return")
	r.key(keys...)
}

// TestRealMenuByKeyboard activates every menu item through the keyboard
// (Alt, arrows, Enter) and checks what each did.
func TestRealMenuByKeyboard(t *testing.T) {
	r := openReal(t, 1100, 720)
	menu := uiValue(func() *fyne.MainMenu { return r.m.window.MainMenu() })
	for mi, m := range menu.Items {
		ii := 0
		for _, it := range m.Items {
			if it.IsSeparator {
				continue
			}
			label := m.Label + " > " + it.Label
			before := r.quits
			onUI(func() { r.m.window.Canvas().Unfocus() })
			r.menuPath(mi, ii)
			ii++
			switch it.Label {
			case "Attach file…", "Settings…", "Open remote inbox…":
				r.waitFor(label+" opens a dialog", func() bool { return r.m.window.Canvas().Overlays().Top() != nil })
			case "Quit":
				r.waitFor(label+" quits", func() bool { return r.quits == before+1 })
			case "Inbox", "Search":
				r.waitFor(label+" shows the Inbox", func() bool { return r.m.tabs.Selected() == r.m.inboxTab })
			case "Compose", "New message":
				r.waitFor(label+" shows Compose", func() bool { return r.m.tabs.Selected() == r.m.composeTab })
			case "Local server on/off":
				r.waitFor(label+" starts the local server", func() bool { return r.m.sw.Running() })
				r.menuPath(mi, ii-1)
				r.waitFor(label+" stops the local server", func() bool { return !r.m.sw.Running() && !r.m.sw.busy })
			}
			r.closeOverlays(label)
		}
	}
}

// TestRealShortcuts presses each menu shortcut with real keys.
func TestRealShortcuts(t *testing.T) {
	r := openReal(t, 1100, 720)
	steps := []struct {
		keys string
		what string
		ok   func() bool
	}{
		{"alt+2", "Alt+2 shows the Inbox", func() bool { return r.m.tabs.Selected() == r.m.inboxTab }},
		{"alt+1", "Alt+1 shows Compose", func() bool { return r.m.tabs.Selected() == r.m.composeTab }},
		{"ctrl+f", "Ctrl+F focuses the Inbox search", func() bool {
			return r.m.tabs.Selected() == r.m.inboxTab && r.m.window.Canvas().Focused() == fyne.Focusable(r.m.inbox.search)
		}},
		{"ctrl+n", "Ctrl+N shows Compose with the focus in To", func() bool {
			return r.m.tabs.Selected() == r.m.composeTab && r.m.window.Canvas().Focused() == fyne.Focusable(r.m.compose.to.entry)
		}},
		{"ctrl+comma", "Ctrl+, opens Settings", func() bool { return r.m.window.Canvas().Overlays().Top() != nil }},
		{"Escape", "Escape closes Settings", func() bool { return r.m.window.Canvas().Overlays().Top() == nil }},
		{"ctrl+l", "Ctrl+L starts the local server", func() bool { return r.m.sw.Running() }},
		{"ctrl+l", "Ctrl+L stops the local server", func() bool { return !r.m.sw.Running() && !r.m.sw.busy }},
		{"ctrl+q", "Ctrl+Q quits", func() bool { return r.quits == 1 }},
	}
	for _, s := range steps {
		r.key(s.keys)
		r.waitFor(s.what, s.ok)
	}
}

// TestRealSendByKeyboard writes and sends a message to the local server with
// the keyboard alone, and checks that Compose is cleared and that the window
// kept its size.
func TestRealSendByKeyboard(t *testing.T) {
	r := openReal(t, 800, 600)
	size := uiValue(func() fyne.Size { return r.m.window.Canvas().Size() })
	// The divider's place on screen: the width of Compose's side.
	divider := func() float32 { return uiValue(func() float32 { return r.m.split.Leading.Size().Width }) }
	split := divider()
	r.key("ctrl+l")
	r.waitFor("the local server runs", func() bool { return r.m.sw.Running() && r.m.compose.server.Selected == localTarget })
	onUI(func() { r.m.window.Canvas().Focus(r.m.compose.from.entry) })
	r.typeText("me@letterbox.test")
	r.key("Tab")
	r.typeText("you@letterbox.test")
	r.key("Tab", "Tab", "Tab")
	r.typeText("Sent by keyboard")
	r.key("Tab", "Tab")
	if got := r.focusName(); got != `body "Message text"` {
		t.Fatalf("two Tabs after Subject focused %s, want the text body", got)
	}
	r.typeText("Hello from the keyboard.")
	// An attachment with a long name must not widen Compose either.
	long := filepath.Join(t.TempDir(), "a-rather-long-file-name-for-a-quarterly-report-2026-final.csv")
	if err := os.WriteFile(long, []byte("a,b\n1,2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	onUI(func() {
		if err := r.m.compose.AddFiles([]string{long}); err != nil {
			t.Errorf("AddFiles: %v", err)
		}
	})
	r.settle()
	if now := divider(); now != split {
		t.Errorf("adding an attachment moved the divider from %.0f px to %.0f px", split, now)
	}
	r.key("ctrl+Return")
	r.waitFor("the message is sent and Compose cleared", func() bool {
		return !r.m.compose.Sending() && r.m.compose.subject.Text == "" && r.m.compose.body.Text == ""
	})
	if got := r.m.inbox; got == nil {
		t.Fatal("no inbox")
	}
	r.waitFor("the message is in the store", func() bool {
		items, _, _ := r.m.store.List(store.Query{Search: "Sent by keyboard"})
		return len(items) == 1
	})
	// Ctrl+Enter again must not send anything.
	r.key("ctrl+Return")
	r.settle()
	if items, _, _ := r.m.store.List(store.Query{Search: "Sent by keyboard"}); len(items) != 1 {
		t.Errorf("after a second Ctrl+Enter the store holds %d copies, want 1", len(items))
	}
	if after := uiValue(func() fyne.Size { return r.m.window.Canvas().Size() }); after != size {
		t.Errorf("the window resized itself from %v to %v during a send", size, after)
	}
	if overlay := r.overlay(); overlay != nil {
		t.Errorf("a dialog (%T) opened after a send; the result belongs in Compose", overlay)
	}
	if now := divider(); now != split {
		t.Errorf("the Compose/Transcript divider moved from %.0f px to %.0f px during a send", split, now)
	}
	// The result is in sight: Compose scrolled to it.
	r.settle()
	var pos fyne.Position
	var sz, canvas fyne.Size
	onUI(func() {
		root := r.m.compose.result.root
		pos, sz = fyne.CurrentApp().Driver().AbsolutePositionForObject(root), root.Size()
		canvas = r.m.window.Canvas().Size()
	})
	if sz.Height == 0 || pos.Y+sz.Height > canvas.Height+1 {
		t.Errorf("the result panel at y %.0f, height %.0f is not within the %.0f px window", pos.Y, sz.Height, canvas.Height)
	}
}

// reset brings the window back to a known screen between steps of a walk:
// no dialog, no focus, the given tab.
func (r *realWin) reset(tab string) {
	r.t.Helper()
	r.closeOverlays("reset")
	onUI(func() {
		r.m.window.Canvas().Unfocus()
		if tab == "inbox" {
			r.m.tabs.Select(r.m.inboxTab)
		} else {
			r.m.tabs.Select(r.m.composeTab)
		}
	})
	r.settle()
}

// keyboardWalk presses Tab n times and then key, for every n up to the
// number of stops on the screen, starting each time from start. Whatever a
// key opens is closed with Escape; a panic ends the test binary.
func (r *realWin) keyboardWalk(tab string, start func(), key string) int {
	r.t.Helper()
	r.reset(tab)
	start()
	stops := len(r.tabWalk(80))
	for n := 1; n <= stops; n++ {
		r.reset(tab)
		start()
		tabs := make([]string, n)
		for i := range tabs {
			tabs[i] = "Tab"
		}
		r.key(tabs...)
		name := r.focusName()
		r.key(key)
		r.settle()
		if !uiValue(func() bool { return r.m.window.Canvas().Size().Width > 0 }) {
			r.t.Fatalf("the window is gone after Tab×%d (%s) then %s", n, name, key)
		}
	}
	return stops
}

// TestRealKeyboardWalk is the keyboard walk of the issue: from Compose, from
// the Inbox and from an opened message, Tab n times and then Space or Enter,
// for every n. Nothing may crash, and every dialog so opened closes with
// Escape.
func TestRealKeyboardWalk(t *testing.T) {
	r := openReal(t, 1100, 720)
	nothing := func() {}
	openOne := func() {
		id := r.ensureMessage("04-attachments.eml", "Two attachments")
		onUI(func() { r.m.inbox.Select(id) })
		r.waitFor("the message is shown", func() bool { return r.m.inbox.view.data != nil })
		onUI(func() { r.m.window.Canvas().Unfocus() })
	}
	for _, key := range []string{"space", "Return"} {
		n := r.keyboardWalk("compose", nothing, key)
		t.Logf("Compose: %d stops, each followed by %s", n, key)
		n = r.keyboardWalk("inbox", nothing, key)
		t.Logf("Inbox: %d stops, each followed by %s", n, key)
		n = r.keyboardWalk("inbox", openOne, key)
		t.Logf("an opened message: %d stops, each followed by %s", n, key)
	}
}

// responsive fails the test unless Fyne's goroutine runs a function within
// 10 s: a hang is as bad as a crash.
func (r *realWin) responsive(what string) {
	r.t.Helper()
	done := make(chan struct{})
	go fyne.Do(func() { close(done) })
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		r.t.Fatalf("the window stopped answering (%s)", what)
	}
}

// TestRealRandomInput is a seeded random-input run on the real window:
// clicks, double clicks, right clicks, scrolls, keys, shortcuts and typed
// text, over an inbox of varied mail with the local server on. It runs for
// LETTERBOX_MONKEY (a duration, default 45s; make test uses the default) with
// the seed LETTERBOX_MONKEY_SEED (default: the time), which it logs so that a
// failure can be replayed. Nothing may crash or hang.
func TestRealRandomInput(t *testing.T) {
	dur := 45 * time.Second
	if v := os.Getenv("LETTERBOX_MONKEY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("LETTERBOX_MONKEY=%q: %v", v, err)
		}
		dur = d
	}
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("LETTERBOX_MONKEY_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("LETTERBOX_MONKEY_SEED=%q: %v", v, err)
		}
		seed = n
	}
	t.Logf("random input for %s with LETTERBOX_MONKEY_SEED=%d", dur, seed)
	rng := rand.New(rand.NewPCG(seed, 0))

	r := openReal(t, 1100, 720)
	r.key("ctrl+l")
	r.waitFor("the local server runs", func() bool { return r.m.sw.Running() })
	keys := []string{"Tab", "Tab", "shift+Tab", "Return", "space", "Escape", "Escape", "Up", "Down", "Left", "Right",
		"Delete", "BackSpace", "Home", "End", "Next", "Prior", "ctrl+n", "ctrl+Return", "alt+1", "alt+2",
		"ctrl+f", "ctrl+l", "ctrl+a", "ctrl+c", "ctrl+v", "ctrl+z", "ctrl+q", "ctrl+comma", "alt", "ctrl+u", "shift+Down"}
	words := []string{"you@letterbox.test", "a@b", "Hello", "x", ",", " ", "Grüße", "<p>hi</p>", "25", "\t"}
	events := 0
	for deadline := time.Now().Add(dur); time.Now().Before(deadline); events++ {
		size := uiValue(func() fyne.Size { return r.m.window.Canvas().Size() })
		x := strconv.Itoa(rng.IntN(max(int(size.Width), 1)))
		y := strconv.Itoa(rng.IntN(max(int(size.Height), 1)))
		r.xdo("windowfocus", "--sync", r.xid)
		switch k := rng.IntN(12); {
		case k < 4:
			r.xdo("mousemove", "--window", r.xid, x, y, "click", "1")
		case k == 4:
			r.xdo("mousemove", "--window", r.xid, x, y, "click", "--repeat", "2", "1")
		case k == 5:
			r.xdo("mousemove", "--window", r.xid, x, y, "click", "3")
		case k == 6:
			r.xdo("mousemove", "--window", r.xid, x, y, "click", "--repeat", "3", strconv.Itoa(4+rng.IntN(2)))
		case k < 10:
			r.xdo("key", "--clearmodifiers", keys[rng.IntN(len(keys))])
		default:
			r.xdo("type", "--delay", "5", words[rng.IntN(len(words))])
		}
		r.settle()
		if events%25 == 0 {
			r.responsive(fmt.Sprintf("after %d random events", events))
			r.ensureMessage("04-attachments.eml", "Two attachments")
		}
	}
	r.responsive("at the end")
	t.Logf("%d random events, no crash, no hang", events)
}

// TestRealLayout opens the window at 800×600 and at 1920×1080 and checks
// that the controls are on screen and usable, and that nothing resizes the
// window by itself.
func TestRealLayout(t *testing.T) {
	for _, sz := range []fyne.Size{fyne.NewSize(800, 600), fyne.NewSize(1920, 1080)} {
		t.Run(fmt.Sprintf("%.0fx%.0f", sz.Width, sz.Height), func(t *testing.T) {
			r := openReal(t, sz.Width, sz.Height)
			canvas := uiValue(func() fyne.Size { return r.m.window.Canvas().Size() })
			inside := func(what string, o fyne.CanvasObject, minW float32) {
				t.Helper()
				var pos fyne.Position
				var size fyne.Size
				var visible bool
				onUI(func() {
					pos = fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
					size, visible = o.Size(), o.Visible()
				})
				if !visible || pos.X < 0 || pos.Y < 0 || pos.X+size.Width > canvas.Width+1 || pos.Y+size.Height > canvas.Height+1 {
					t.Errorf("%s at %v size %v is not fully inside the %v window", what, pos, size, canvas)
				}
				if size.Width < minW {
					t.Errorf("%s is %.0f px wide, want at least %.0f", what, size.Width, minW)
				}
			}
			onUI(func() { r.m.tabs.Select(r.m.composeTab) })
			r.settle()
			inside("Send", r.m.compose.sendBtn, 40)
			inside("Subject", r.m.compose.subject, 120)
			inside("the text body", r.m.compose.body, 120)
			shot(t, r, fmt.Sprintf("compose-%.0fx%.0f", sz.Width, sz.Height))
			r.openMessage("Two attachments")
			inside("the Inbox search field", r.m.inbox.search, 150)
			inside("Reply", r.m.inbox.view.reply, 30) // icons only when the pane is narrow
			inside("Delete all…", r.m.inbox.view.delAll, 30)
			inside("Save all…", r.button("Save all…"), 40)
			if after := uiValue(func() fyne.Size { return r.m.window.Canvas().Size() }); after != canvas {
				t.Errorf("the window resized itself from %v to %v; wide objects:%s", canvas, after,
					uiValue(func() string {
						out := wide(r.m.window.Canvas().Content(), 300)
						for _, it := range r.m.inbox.view.tabs.Items {
							it.Content.Show()
							out += fmt.Sprintf("\n  tab %q:%s", it.Text, wide(it.Content, 300))
							it.Content.Hide()
						}
						return out
					}))
			}
			shot(t, r, fmt.Sprintf("inbox-%.0fx%.0f", sz.Width, sz.Height))
		})
	}
}

// shot saves a picture of the screen to $REALWINDOW_SHOTS/NAME.png when that
// folder is set: for people to look at, never compared.
func shot(t *testing.T, r *realWin, name string) {
	dir := os.Getenv("REALWINDOW_SHOTS")
	if dir == "" {
		return
	}
	r.settle()
	out := filepath.Join(dir, name+".png")
	if b, err := exec.Command("import", "-window", r.xid, out).CombinedOutput(); err != nil {
		t.Logf("screenshot %s: %v: %s", out, err, b)
	}
}

// wide lists the objects under root whose minimum width passes limit,
// indented by depth, for a failure message that says what holds the window
// open.
func wide(root fyne.CanvasObject, limit float32) string {
	var b strings.Builder
	var dump func(o fyne.CanvasObject, depth int)
	dump = func(o fyne.CanvasObject, depth int) {
		if o == nil || !o.Visible() || o.MinSize().Width <= limit {
			return
		}
		label := ""
		switch x := o.(type) {
		case *widget.Label:
			label = x.Text
		case *widget.Button:
			label = x.Text
		case *canvas.Text:
			label = x.Text
		}
		fmt.Fprintf(&b, "\n  %s%T %q min %.0f", strings.Repeat("  ", depth), o, label, o.MinSize().Width)
		for _, k := range children(o) {
			dump(k, depth+1)
		}
	}
	dump(root, 0)
	return b.String()
}

// target is a control found on screen: what it is and where its middle is.
type target struct {
	name string
	at   fyne.Position
}

// targets lists every enabled control that takes a tap in the dialog on
// top, or in the window's content when there is none, in tree order, with
// the middle of its visible part.
func (r *realWin) targets() []target {
	var out []target
	onUI(func() {
		c := r.m.window.Canvas()
		size := c.Size()
		root := c.Content()
		if top := c.Overlays().Top(); top != nil {
			root = top
		}
		walkVisible(root, func(o fyne.CanvasObject) bool {
			if _, ok := o.(fyne.Tappable); !ok || o == root {
				return true
			}
			if d, ok := o.(fyne.Disableable); ok && d.Disabled() {
				return true
			}
			pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
			s := o.Size()
			x0, y0 := max(pos.X, 0), max(pos.Y, 0)
			x1, y1 := min(pos.X+s.Width, size.Width), min(pos.Y+s.Height, size.Height)
			if x1-x0 < 4 || y1-y0 < 4 {
				return true // off screen or scrolled away
			}
			name := fmt.Sprintf("%T", o)
			if f, ok := o.(fyne.Focusable); ok {
				name = describe(f)
			}
			out = append(out, target{name: fmt.Sprintf("%s at %.0f,%.0f", name, x0, y0), at: fyne.NewPos((x0+x1)/2, (y0+y1)/2)})
			return true
		})
	})
	return out
}

// clickEverything clicks, with the real mouse, every control that screen
// shows, bringing the screen back before each click; whatever a click opens
// must close with Escape.
func (r *realWin) clickEverything(screen string, show func()) {
	r.t.Helper()
	show()
	all := r.targets()
	if len(all) == 0 {
		r.t.Fatalf("%s: no control found", screen)
	}
	for _, tg := range all {
		show()
		r.clickAt(tg.at)
		r.closeOverlays(screen + ": " + tg.name)
		r.responsive(screen + ": after a click on " + tg.name)
	}
	r.t.Logf("%s: clicked %d controls", screen, len(all))
}

// TestRealClickEverything clicks every control of every screen with the real
// mouse: Compose, the Inbox, an opened message on each of its tabs, and each
// list row. Nothing may crash or hang, and every dialog closes with Escape.
func TestRealClickEverything(t *testing.T) {
	r := openReal(t, 1366, 768)
	compose := func() {
		r.closeOverlays("compose")
		onUI(func() { r.m.tabs.Select(r.m.composeTab); r.m.window.Canvas().Unfocus() })
		r.settle()
	}
	r.clickEverything("Compose", compose)
	inbox := func() {
		r.closeOverlays("inbox")
		r.ensureMessage("04-attachments.eml", "Two attachments")
		onUI(func() { r.m.tabs.Select(r.m.inboxTab); r.m.window.Canvas().Unfocus() })
		r.settle()
	}
	r.clickEverything("Inbox", inbox)
	for tab, name := range []string{"local server", "mail store", "saved servers"} {
		settings := func() {
			compose()
			onUI(func() { r.m.openSettings(tab) })
			r.waitFor("Settings is open", func() bool { return r.m.window.Canvas().Overlays().Top() != nil })
		}
		r.clickEverything("Settings, "+name, settings)
	}
	for i, tab := range []string{"Text", "HTML", "HTML source", "Headers", "Raw", "MIME", "Findings", "Session"} {
		for _, m := range []struct{ file, subject string }{
			{"04-attachments.eml", "Two attachments"}, {"02-html.eml", "HTML only"},
		} {
			if m.file == "02-html.eml" && i > messageTabHTMLSource {
				continue // the other tabs look the same for every message
			}
			show := func() {
				r.closeOverlays(tab)
				id := r.ensureMessage(m.file, m.subject)
				onUI(func() {
					r.m.tabs.Select(r.m.inboxTab)
					r.m.inbox.Select(id)
				})
				r.waitFor("the message is shown", func() bool {
					return r.m.inbox.view.data != nil && r.m.inbox.view.data.id == id
				})
				onUI(func() { r.m.inbox.view.tabs.SelectIndex(i); r.m.window.Canvas().Unfocus() })
				r.settle()
			}
			r.clickEverything(m.subject+", tab "+tab, show)
		}
	}
}

// TestRealRestoresState closes the window and opens it again over the same
// preferences: size, divider, tab and the local server's on/off state come
// back, and the message being written is restored from its draft file.
func TestRealRestoresState(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mail")
	seedMaildir(t, dir)
	draft := filepath.Join(t.TempDir(), "draft.json")
	r := openWindow(t, dir, draft, 1000, 700)
	r.key("ctrl+l")
	r.waitFor("the local server runs", func() bool { return r.m.sw.Running() })
	onUI(func() {
		r.m.tabs.Select(r.m.composeTab)
		r.m.split.SetOffset(0.3)
		r.m.window.Canvas().Focus(r.m.compose.subject)
	})
	r.typeText("Half written")
	r.key("Tab", "Tab")
	r.typeText("Dear reader,")
	r.waitFor("the draft is on disk", func() bool {
		b, err := os.ReadFile(draft)
		return err == nil && strings.Contains(string(b), "Dear reader,")
	})
	onUI(func() { r.m.tabs.Select(r.m.inboxTab) })
	r.close()

	if !uiValue(func() bool { return (&Settings{prefs: realApp.Preferences()}).ServerWasOn() }) {
		t.Error("the local server's on state was not remembered")
	}
	r2 := openWindow(t, dir, draft, 0, 0)
	if got := uiValue(func() fyne.Size { return r2.m.window.Canvas().Size() }); got.Width < 999 || got.Width > 1001 || got.Height < 699 || got.Height > 701 {
		t.Errorf("the window came back at %v, want 1000×700", got)
	}
	if got := uiValue(func() float64 { return r2.m.split.Offset }); got < 0.29 || got > 0.31 {
		t.Errorf("the Compose/Transcript divider came back at %.2f, want 0.30", got)
	}
	if uiValue(func() bool { return r2.m.tabs.Selected() != r2.m.inboxTab }) {
		t.Error("the window did not come back on the Inbox tab")
	}
	subject, body := uiValue(func() string { return r2.m.compose.subject.Text }), uiValue(func() string { return r2.m.compose.body.Text })
	if subject != "Half written" || body != "Dear reader," {
		t.Errorf("the draft came back as subject %q body %q, want \"Half written\" and \"Dear reader,\"", subject, body)
	}
}

// TestRealReplyKeepsDraft writes a reply, then asks to forward another
// message: Letterbox asks before replacing the unsent reply, Escape keeps it.
func TestRealReplyKeepsDraft(t *testing.T) {
	r := openReal(t, 1100, 720)
	r.openMessage("Plain text")
	r.click(r.m.inbox.view.reply)
	r.waitFor("Reply opens Compose with the reply", func() bool {
		return r.m.tabs.Selected() == r.m.composeTab && r.m.compose.subject.Text == "Re: Plain text"
	})
	r.typeText("My answer.")
	r.openMessage("Two attachments")
	r.click(r.m.inbox.view.forward)
	r.waitFor("Forward asks before replacing the reply", func() bool { return r.m.window.Canvas().Overlays().Top() != nil })
	r.key("Escape")
	r.waitFor("Escape closes the question", func() bool { return r.m.window.Canvas().Overlays().Top() == nil })
	if got := uiValue(func() string { return r.m.compose.subject.Text }); got != "Re: Plain text" {
		t.Errorf("after Escape Compose holds %q, want the reply kept", got)
	}
	r.openMessage("Two attachments")
	r.click(r.m.inbox.view.forward)
	r.waitFor("Forward asks again", func() bool { return r.m.window.Canvas().Overlays().Top() != nil })
	r.key("Return")
	r.waitFor("Enter replaces the reply with the forward", func() bool {
		return r.m.window.Canvas().Overlays().Top() == nil && strings.HasPrefix(r.m.compose.subject.Text, "Fwd: ")
	})
}

// TestRealScreens photographs every screen at 800×600 and at 1920×1080 into
// $REALWINDOW_SHOTS, for people to look at: Compose before and after a send,
// the empty and the full Inbox, each tab of an opened message, each tab of
// Settings, a file dialog and a confirmation. It skips unless that folder is
// set (scripts/realwindow.sh -run TestRealScreens with REALWINDOW_SHOTS=DIR).
func TestRealScreens(t *testing.T) {
	if os.Getenv("REALWINDOW_SHOTS") == "" {
		t.Skip("REALWINDOW_SHOTS is not set: no screenshots wanted")
	}
	for _, sz := range []fyne.Size{fyne.NewSize(800, 600), fyne.NewSize(1920, 1080)} {
		size := fmt.Sprintf("%.0fx%.0f", sz.Width, sz.Height)
		t.Run(size, func(t *testing.T) {
			// The empty Inbox first, over an empty store.
			empty := openRealOn(t, filepath.Join(t.TempDir(), "empty"), sz.Width, sz.Height)
			onUI(func() { empty.m.tabs.Select(empty.m.inboxTab) })
			shot(t, empty, "inbox-empty-"+size)
			empty.close()

			r := openReal(t, sz.Width, sz.Height)
			onUI(func() { r.m.tabs.Select(r.m.composeTab) })
			shot(t, r, "compose-"+size)
			r.key("ctrl+l")
			r.waitFor("the local server runs", func() bool { return r.m.sw.Running() })
			onUI(func() {
				r.m.compose.from.SetText("me@letterbox.test")
				r.m.compose.to.SetText("you@letterbox.test, nobody@")
			})
			shot(t, r, "compose-bad-address-"+size)
			onUI(func() {
				r.m.compose.to.SetText("you@letterbox.test")
				r.m.compose.subject.SetText("A long subject line that goes on for a while to see how it wraps")
				r.m.compose.body.SetText("Hello.")
			})
			r.waitFor("Send is enabled", r.m.compose.CanSend)
			r.key("ctrl+Return")
			r.waitFor("sent", func() bool { return !r.m.compose.Sending() && r.m.compose.subject.Text == "" })
			shot(t, r, "compose-sent-"+size)
			r.openMessage("Two attachments")
			for i, tab := range []string{"text", "html", "html-source", "headers", "raw", "parts", "session"} {
				onUI(func() { r.m.inbox.view.tabs.SelectIndex(i) })
				shot(t, r, "message-"+tab+"-"+size)
			}
			r.click(r.m.inbox.view.saveEML)
			r.waitFor("the save dialog", func() bool { return r.m.window.Canvas().Overlays().Top() != nil })
			shot(t, r, "dialog-save-"+size)
			r.closeOverlays("save")
			r.click(r.m.inbox.view.delAll)
			r.waitFor("the confirmation", func() bool { return r.m.window.Canvas().Overlays().Top() != nil })
			shot(t, r, "dialog-delete-all-"+size)
			r.closeOverlays("delete all")
			for tab, name := range []string{"server", "store", "servers"} {
				onUI(func() { r.m.openSettings(tab) })
				r.waitFor("Settings", func() bool { return r.m.window.Canvas().Overlays().Top() != nil })
				shot(t, r, "settings-"+name+"-"+size)
				r.closeOverlays("settings")
			}
		})
	}
}

// TestRealPasswordAndFailure sends through a saved server that needs a
// password, with no keyring: the password dialog appears, Enter submits it,
// the failure is explained in Compose (nothing listens there), and the next
// send does not ask again.
func TestRealPasswordAndFailure(t *testing.T) {
	r := openReal(t, 1100, 720)
	onUI(func() {
		if err := r.m.compose.profiles.Put("", Profile{Name: "Nowhere", Host: "127.0.0.1", Port: 1, TLS: TLSNone, Username: "ann"}); err != nil {
			t.Fatalf("saving a profile: %v", err)
		}
		r.m.compose.RefreshServers()
		r.m.compose.server.SetSelected("Nowhere")
		r.m.compose.from.SetText("me@letterbox.test")
		r.m.compose.to.SetText("you@letterbox.test")
		r.m.tabs.Select(r.m.composeTab)
	})
	r.waitFor("Send is enabled", r.m.compose.CanSend)
	r.key("ctrl+Return")
	r.waitFor("the password dialog", func() bool { return r.m.window.Canvas().Overlays().Top() != nil })
	r.typeText("secret")
	r.key("Return")
	r.waitFor("Enter submits the password and the send fails", func() bool {
		return r.m.window.Canvas().Overlays().Top() == nil && !r.m.compose.Sending() &&
			strings.Contains(r.m.compose.Status(), "othing is listening")
	})
	r.key("ctrl+Return")
	r.waitFor("the second send ends", func() bool { return !r.m.compose.Sending() })
	r.settle()
	if top := r.overlay(); top != nil {
		t.Errorf("the second send opened %T; the password is kept for the session", top)
	}
	if got := r.m.compose.Status(); !strings.Contains(got, "othing is listening") {
		t.Errorf("the status after a refused connection is %q, want words about nothing listening", got)
	}
}

// TestRealListKeys moves through the message list with the arrow keys and
// deletes with Delete: each key shows the message it lands on.
func TestRealListKeys(t *testing.T) {
	r := openReal(t, 1100, 720)
	r.openMessage("Plain text")
	first := uiValue(func() string { return r.m.inbox.view.data.id })
	onUI(func() { r.m.window.Canvas().Focus(r.m.inbox.list.widget) })
	r.key("Up")
	r.waitFor("Up shows the message above", func() bool {
		d := r.m.inbox.view.data
		return d != nil && d.id != first
	})
	second := uiValue(func() string { return r.m.inbox.view.data.id })
	r.key("Delete")
	r.waitFor("Delete removes it and shows the next", func() bool {
		d := r.m.inbox.view.data
		return d != nil && d.id != second
	})
	if items, _, _ := r.m.store.List(store.Query{}); len(items) != 4 {
		t.Errorf("after Delete the store holds %d messages, want 4", len(items))
	}
}
