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
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
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
		defer realApp.Quit()
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
	t     *testing.T
	m     *mainWindow
	dir   string
	xid   string // the X window id, for xdotool
	quits int    // File > Quit and Ctrl+Q, counted instead of quitting the test binary
}

// openReal shows a main window of size w×h over a new store holding the
// corpus in testdata/mail.
func openReal(t *testing.T, w, h float32) *realWin {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "mail")
	seedMaildir(t, dir)
	return openRealOn(t, dir, w, h)
}

// openRealOn shows a main window over the store in dir.
func openRealOn(t *testing.T, dir string, w, h float32) *realWin {
	t.Helper()
	r := &realWin{t: t, dir: dir}
	onUI(func() {
		r.m = newMainWindow(realApp, Options{StoreDir: dir, Listen: "127.0.0.1:0"}, windowDeps{
			notMaster: true,
			quit:      func() { r.quits++ },
		})
		r.m.window.Resize(fyne.NewSize(w, h))
		r.m.window.Show()
	})
	t.Cleanup(r.close)
	r.xid = r.findX()
	r.waitFor("the window is drawn at its size", func() bool {
		s := r.m.window.Canvas().Size()
		return s.Width >= w-1 && s.Height >= h-1
	})
	return r
}

func (r *realWin) close() {
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

// key presses each key (xdotool names: Tab, shift+Tab, ctrl+Return, Escape).
func (r *realWin) key(keys ...string) {
	r.t.Helper()
	r.xdo("windowfocus", "--sync", r.xid)
	for _, k := range keys {
		r.xdo("key", "--clearmodifiers", k)
		r.settle()
	}
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
	var kids []fyne.CanvasObject
	switch x := o.(type) {
	case *fyne.Container:
		kids = x.Objects
	case fyne.Widget:
		kids = widgetChildren(x)
	}
	for _, k := range kids {
		if !walkVisible(k, f) {
			return false
		}
	}
	return true
}

// widgetChildren returns the objects a widget's renderer draws.
func widgetChildren(w fyne.Widget) []fyne.CanvasObject {
	return test.WidgetRenderer(w).Objects()
}

// dismissWithEscape presses Escape and waits for the top overlay to go.
func (r *realWin) dismissWithEscape(what string) {
	r.t.Helper()
	top := r.overlay()
	if top == nil {
		r.t.Fatalf("%s: no dialog to dismiss", what)
	}
	r.key("Escape")
	r.waitFor(what+": Escape closes the dialog", func() bool {
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

// seedMaildir makes a Maildir in dir holding every message in testdata/mail,
// as another program delivering into it would.
func seedMaildir(t *testing.T, dir string) {
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
		r.click(r.button(label))
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
		return "button " + strconv.Quote(x.Text)
	case *widget.Check:
		return "check " + strconv.Quote(x.Text)
	case *widget.Select:
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
	onUI(func() { r.m.tabs.Select(r.m.composeTab); r.m.window.Canvas().Unfocus() })
	got := r.tabWalk(60)
	wantInOrder(t, "Compose", got, []string{
		`check "Local server"`, `tabs at "Compose"`,
		`select "Switch on the local server or add a server"`,
		`entry "you@example.org"`, `entry "name@example.org, another@example.org"`, `entry ""`, `entry ""`,
		`entry "Subject"`, `tabs at "Text"`, `body "Message text"`,
		`body "<p>Optional HTML version, sent as multipart/alternative with the text</p>"`,
		`button "Add file…"`, `button "Send"`,
	})
	// Shift+Tab from the HTML body goes back to the text body.
	onUI(func() { r.m.window.Canvas().Focus(r.m.compose.html) })
	r.key("shift+Tab")
	if got := r.focusName(); got != `body "Message text"` {
		t.Errorf("Shift+Tab from the HTML body focused %s, want the text body", got)
	}
	r.key("shift+Tab")
	if got := r.focusName(); got != `tabs at "Text"` {
		t.Errorf("Shift+Tab from the text body focused %s, want the Text/HTML tabs", got)
	}
}
