package app

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"letterbox/smtpcore/msg"
)

// TestDialogKeyEscapeAndEnter answers Fyne's own dialogs with Escape and
// Enter as dialogKey does for the window.
func TestDialogKeyEscapeAndEnter(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel("behind"))
	w.Resize(fyne.NewSize(600, 400))
	for _, tc := range []struct {
		name string
		key  fyne.KeyName
		want bool
	}{
		{"Escape", fyne.KeyEscape, false},
		{"Return", fyne.KeyReturn, true},
		{"Enter (keypad)", fyne.KeyEnter, true},
	} {
		var got *bool
		d := dialog.NewConfirm("Delete all?", "Every message goes.", func(ok bool) { got = &ok }, w)
		d.Show()
		if !dialogKey(w.Canvas(), tc.key) {
			t.Errorf("%s: dialogKey did not take the key over a confirm dialog", tc.name)
		}
		if got == nil || *got != tc.want {
			t.Errorf("%s: the confirm dialog answered %v, want %v", tc.name, got, tc.want)
		}
		if w.Canvas().Overlays().Top() != nil {
			t.Errorf("%s: the dialog is still open", tc.name)
		}
	}

	// A dialog whose only button closes it: both keys close it.
	d := dialog.NewInformation("Sent", "Delivered.", w)
	d.Show()
	if !dialogKey(w.Canvas(), fyne.KeyEscape) || w.Canvas().Overlays().Top() != nil {
		t.Error("Escape did not close an information dialog")
	}

	// "Keep writing" is the one button that does not confirm: Escape takes it.
	var kept *bool
	dialog.NewCustomConfirm("Replace?", "Replace", "Keep writing", widget.NewLabel("?"), func(ok bool) { kept = &ok }, w).Show()
	dialogKey(w.Canvas(), fyne.KeyEscape)
	if kept == nil || *kept {
		t.Errorf("Escape answered %v, want Keep writing (false)", kept)
	}

	// With no dialog the keys are not used.
	if dialogKey(w.Canvas(), fyne.KeyEscape) || dialogKey(w.Canvas(), fyne.KeyReturn) {
		t.Error("dialogKey used a key with no dialog open")
	}
}

// TestKeyTabsArrows switches tabs with the arrow keys once focused.
func TestKeyTabsArrows(t *testing.T) {
	test.NewTempApp(t)
	tabs := container.NewAppTabs(
		container.NewTabItem("One", widget.NewLabel("1")),
		container.NewTabItem("Two", widget.NewLabel("2")),
		container.NewTabItem("Three", widget.NewLabel("3")),
	)
	k := newKeyTabs(tabs)
	w := test.NewTempWindow(t, k)
	w.Canvas().Focus(k)
	for _, step := range []struct {
		key  fyne.KeyName
		want int
	}{{fyne.KeyRight, 1}, {fyne.KeyRight, 2}, {fyne.KeyRight, 0}, {fyne.KeyLeft, 2}, {fyne.KeyHome, 0}, {fyne.KeyEnd, 2}} {
		k.TypedKey(&fyne.KeyEvent{Name: step.key})
		if got := tabs.SelectedIndex(); got != step.want {
			t.Errorf("after %s the tab is %d, want %d", step.key, got, step.want)
		}
	}
	if !k.focused || k.ring.Hidden {
		t.Error("a focused tab bar shows no focus outline")
	}
	w.Canvas().Unfocus()
	if !k.ring.Hidden {
		t.Error("the focus outline stays after the focus left")
	}
}

// TestBodyEntryTabLeaves checks that Tab and Shift+Tab leave the message
// body instead of inserting a tab.
func TestBodyEntryTabLeaves(t *testing.T) {
	test.NewTempApp(t)
	var moves []bool
	e := newBodyEntry(func(back bool) { moves = append(moves, back) })
	test.NewTempWindow(t, e)
	test.Type(e, "hi")
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyTab})
	e.KeyDown(&fyne.KeyEvent{Name: "LeftShift"})
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyTab})
	e.KeyUp(&fyne.KeyEvent{Name: "LeftShift"})
	if e.Text != "hi" {
		t.Errorf("Tab changed the text to %q", e.Text)
	}
	if len(moves) != 2 || moves[0] || !moves[1] {
		t.Errorf("focus moves = %v, want [forward back]", moves)
	}
}

// TestDraftFile saves, reloads and removes a draft; an older save that
// comes late never overwrites a newer one.
func TestDraftFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "draft.json")
	f := &draftFile{path: path}
	if _, ok, err := f.Load(); ok || err != nil {
		t.Fatalf("Load of no draft = %v, %v; want nothing, no error", ok, err)
	}
	old, cur := f.next(), f.next()
	want := msg.Draft{From: "me@a.test", To: []string{"you@b.test"}, Subject: "Ünïcode", Text: "line 1\nline 2",
		Attachments: []msg.Attachment{{Path: "/tmp/x.pdf"}}}
	if err := f.Save(cur, want); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(old, msg.Draft{Subject: "stale"}); err != nil {
		t.Fatal(err)
	}
	got, ok, err := f.Load()
	if err != nil || !ok || got.Subject != want.Subject || got.Text != want.Text || got.To[0] != "you@b.test" ||
		len(got.Attachments) != 1 || got.Attachments[0].Path != "/tmp/x.pdf" {
		t.Errorf("Load = %+v, %v, %v; want %+v", got, ok, err, want)
	}
	if matches, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".draft-*")); len(matches) != 0 {
		t.Errorf("temporary files left: %v", matches)
	}
	if err := f.Remove(f.next()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the draft is still there after Remove: %v", err)
	}
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.Load(); err == nil {
		t.Error("Load of a damaged draft gave no error")
	}
}

// TestComposeDraftRestored types a message into one Compose and finds it in
// a second one over the same draft file; a successful send removes it.
func TestComposeDraftRestored(t *testing.T) {
	test.NewTempApp(t)
	path := filepath.Join(t.TempDir(), "draft.json")
	var wg sync.WaitGroup
	async := func(f func()) { wg.Add(1); defer wg.Done(); f() }
	c := NewCompose(nil, fyne.CurrentApp().Preferences(), nil, NewTranscript(nil), nil, async)
	test.NewTempWindow(t, c.Build())
	c.SetDraftFile(path)
	test.Type(c.subject, "Kept")
	test.Type(c.body, "across a restart")
	c.saveDraftNow() // what the typing pause does after draftDelay
	wg.Wait()

	c2 := NewCompose(nil, fyne.CurrentApp().Preferences(), nil, NewTranscript(nil), nil, async)
	test.NewTempWindow(t, c2.Build())
	c2.SetDraftFile(path)
	if c2.subject.Text != "Kept" || c2.body.Text != "across a restart" {
		t.Errorf("restored subject %q body %q, want \"Kept\" and \"across a restart\"", c2.subject.Text, c2.body.Text)
	}
	c2.afterSent()
	wg.Wait()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the draft file is still there after a send: %v", err)
	}
}

// TestShrinkRowDropsLabelsFromTheRight narrows a toolbar row step by step:
// labels go from the last button backwards, only as many as needed, and the
// row never asks for more than its icons.
func TestShrinkRowDropsLabelsFromTheRight(t *testing.T) {
	test.NewTempApp(t)
	a := widget.NewButtonWithIcon("Reply", theme.MailReplyIcon(), func() {})
	b := widget.NewButtonWithIcon("Forward", theme.MailForwardIcon(), func() {})
	c := widget.NewButtonWithIcon("Delete all…", theme.DeleteIcon(), func() {})
	fullA, fullB, fullC := a.MinSize().Width, b.MinSize().Width, c.MinSize().Width
	row := newShrinkRow(a, b, layout.NewSpacer(), c)
	test.NewTempWindow(t, row)
	labels := func() string { return a.Text + "|" + b.Text + "|" + c.Text }
	pad := theme.Padding()
	for _, tc := range []struct {
		width float32
		want  string
	}{
		{fullA + fullB + fullC + 2*pad + 50, "Reply|Forward|Delete all…"},
		{fullA + fullB + fullC + 2*pad - 1, "Reply|Forward|"},
		{fullA + 2*pad + 90, "Reply||"},
		{row.MinSize().Width, "||"},
	} {
		row.Resize(fyne.NewSize(tc.width, 40))
		if got := labels(); got != tc.want {
			t.Errorf("at %.0f px the labels are %q, want %q", tc.width, got, tc.want)
		}
	}
	if row.MinSize().Width >= fullA+fullB+fullC {
		t.Errorf("the row asks for %.0f px, want only its icons' width", row.MinSize().Width)
	}
}
