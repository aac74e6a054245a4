package app

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"letterbox/smtpcore"
)

func newTestTranscript(t *testing.T) (*Transcript, fyne.App) {
	t.Helper()
	tr, a, _ := newTestTranscriptWindow(t)
	return tr, a
}

func newTestTranscriptWindow(t *testing.T) (*Transcript, fyne.App, fyne.Window) {
	t.Helper()
	a := test.NewTempApp(t)
	tr := NewTranscript(nil)
	w := test.NewTempWindow(t, tr.Build())
	w.Resize(fyne.NewSize(600, 300))
	return tr, a, w
}

func TestTranscriptAppendFromGoroutineAndCopyAll(t *testing.T) {
	tr, a := newTestTranscript(t)
	at := time.Date(2026, 3, 1, 12, 0, 1, 234e6, time.UTC)
	done := make(chan struct{})
	go func() {
		defer close(done)
		tr.Append(smtpcore.Event{Time: at, Dir: smtpcore.DirClient, Text: "EHLO client.example"})
		tr.Append(smtpcore.Event{Time: at, Dir: smtpcore.DirServer, Text: "250-mx.example\n250 PIPELINING", Elapsed: 1500 * time.Microsecond})
		tr.Append(smtpcore.Event{Time: at, Dir: smtpcore.DirProgress, Sent: 10, Total: 20})
		tr.Append(smtpcore.Event{Time: at, Dir: smtpcore.DirTLS, Text: "TLS 1.3, TLS_AES_128_GCM_SHA256"})
	}()
	<-done
	if tr.Lines() != 4 {
		t.Fatalf("Lines() = %d after 3 events (one of two lines, one progress), want 4:\n%s", tr.Lines(), tr.Text())
	}
	test.Tap(findButton(tr.header(), "Copy all"))
	got := a.Clipboard().Content()
	want := "12:00:01.234 -> EHLO client.example\n" +
		"12:00:01.234 <- 250-mx.example  (1.5ms)\n" +
		"12:00:01.234 <- 250 PIPELINING\n" +
		"12:00:01.234 ~~ TLS 1.3, TLS_AES_128_GCM_SHA256\n"
	if got != want {
		t.Errorf("clipboard after Copy all =\n%s\nwant\n%s", got, want)
	}
	test.Tap(findButton(tr.header(), "Clear"))
	if tr.Lines() != 0 || tr.Text() != "" {
		t.Errorf("after Clear: %d lines, want none", tr.Lines())
	}
}

func TestTranscriptCapsLines(t *testing.T) {
	tr, _ := newTestTranscript(t)
	tr.MaxLines = 4
	for i := range 9 {
		tr.Append(smtpcore.Event{Dir: smtpcore.DirInfo, Text: fmt.Sprintf("line %d", i)})
	}
	if tr.Lines() != 4 {
		t.Fatalf("Lines() = %d with MaxLines 4, want 4", tr.Lines())
	}
	if first := strings.SplitN(tr.Text(), "\n", 2)[0]; !strings.HasSuffix(first, "line 5") {
		t.Errorf("first kept line %q, want line 5", first)
	}
}

func TestTranscriptFollowsUnlessScrolledUp(t *testing.T) {
	tr, _ := newTestTranscript(t)
	add := func(n int) {
		for i := range n {
			tr.Append(smtpcore.Event{Dir: smtpcore.DirClient, Text: fmt.Sprintf("RCPT TO:<u%d@example.org>", i)})
		}
	}
	add(30)
	bottom := tr.view.scrollOffset()
	if bottom <= 0 {
		t.Fatalf("after 30 lines the offset is %v, want the list scrolled down", bottom)
	}
	add(3)
	if off := tr.view.scrollOffset(); off <= bottom {
		t.Errorf("following: offset %v after more lines, want past %v", off, bottom)
	}
	tr.view.scrollToTop()
	add(3)
	if off := tr.view.scrollOffset(); off != 0 {
		t.Errorf("scrolled to the top: offset %v after more lines, want 0 (the user's place kept)", off)
	}
}

func TestTranscriptMessageLink(t *testing.T) {
	tr, _ := newTestTranscript(t)
	var shown string
	tr.OnShowMessage = func(id string) { shown = id }
	tr.SetMessageLink("1A2B3C")
	if !tr.link.Visible() {
		t.Fatal("Show in Inbox is hidden after SetMessageLink, want visible")
	}
	test.Tap(tr.link)
	if shown != "1A2B3C" {
		t.Errorf("Show in Inbox opened %q, want 1A2B3C", shown)
	}
	tr.Clear()
	if tr.link.Visible() || tr.MessageLink() != "" {
		t.Error("Clear kept the Show in Inbox link")
	}
}

func TestFormatElapsed(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{50 * time.Microsecond, "<0.1 ms"},
		{400 * time.Microsecond, "0.4 ms"},
		{12 * time.Millisecond, "12 ms"},
		{1250 * time.Millisecond, "1.25 s"},
	}
	for _, tt := range tests {
		if got := formatElapsed(tt.in); got != tt.want {
			t.Errorf("formatElapsed(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// transcriptDrawn returns what is drawn for line id: the rows of its text
// column top to bottom (the latency left out), and the x of its time.
func transcriptDrawn(t *testing.T, v *transcriptView, id int) (rows []*canvas.Text, timeX float32) {
	t.Helper()
	top, bottom := v.lineTop(id), v.lineTop(id+1)
	_, elapsed := v.lines[id].display()
	timeX = -1
	for _, o := range test.WidgetRenderer(v.content).Objects() {
		txt, ok := o.(*canvas.Text)
		if !ok || !txt.Visible() || txt.Position().Y < top || txt.Position().Y >= bottom {
			continue
		}
		switch {
		case txt.Position().X < v.m.textX()-0.5:
			if txt.Text == v.lines[id].ev.Time.Format("15:04:05.000") {
				timeX = txt.Position().X
			}
		case elapsed == "" || txt.Text != elapsed:
			rows = append(rows, txt)
		}
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Position().Y < rows[j].Position().Y })
	return rows, timeX
}

func transcriptJoin(rows []*canvas.Text) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(r.Text)
	}
	return b.String()
}

func TestTranscriptLongLineWrapsUnderTheText(t *testing.T) {
	tr, _, w := newTestTranscriptWindow(t)
	minBefore := tr.view.MinSize()
	winBefore := w.Canvas().Size()
	at := time.Date(2026, 3, 1, 12, 0, 1, 0, time.UTC)
	long := "550 5.7.1 " + strings.Repeat("Message rejected by policy; see https://mx.example/why?id=0123456789abcdef ", 4)
	long = long[:300]
	tr.Append(smtpcore.Event{Time: at, Dir: smtpcore.DirClient, Text: "RCPT TO:<u@example.org>"})
	tr.Append(smtpcore.Event{Time: at, Dir: smtpcore.DirServer, Text: long, Elapsed: 12 * time.Millisecond})
	v := tr.view

	short, shortTime := transcriptDrawn(t, v, 0)
	rows, timeX := transcriptDrawn(t, v, 1)
	if got := strings.TrimRight(transcriptJoin(rows), " "); got != long { // the spaces before the latency trimmed
		t.Fatalf("the 300-character 550 line is drawn as\n%q\nwant all of\n%q", got, long)
	}
	if len(short) != 1 || len(rows) < 3 {
		t.Errorf("a short line took %d rows and a 300-character line %d in 600 px, want 1 and at least 3", len(short), len(rows))
	}
	if hShort, hLong := v.lineTop(1)-v.lineTop(0), v.lineTop(2)-v.lineTop(1); hLong < 2*hShort {
		t.Errorf("the long line is %v px tall, a one-row line %v: want it several rows tall", hLong, hShort)
	}
	for i, r := range rows {
		if x := r.Position().X; x != v.m.textX() || x <= timeX {
			t.Errorf("row %d of the long line starts at x=%v, want %v, right of the time at %v", i, x, v.m.textX(), timeX)
		}
	}
	if timeX != shortTime || timeX < 0 {
		t.Errorf("time column at x=%v and x=%v, want the same place", timeX, shortTime)
	}
	for i, r := range rows {
		if right := r.Position().X + r.MinSize().Width; right > v.Size().Width+0.5 && strings.TrimRight(r.Text, " ") == r.Text {
			t.Errorf("row %d %q ends at x=%v, past the pane's width %v", i, r.Text, right, v.Size().Width)
		}
	}
	if got := tr.view.MinSize(); got != minBefore {
		t.Errorf("the view's MinSize went from %v to %v with a long line, want it unchanged", minBefore, got)
	}
	if got := w.Canvas().Size(); got != winBefore {
		t.Errorf("the window went from %v to %v with a long line, want it unchanged", winBefore, got)
	}

	// Narrower: more rows, the text still whole, the latency still shown.
	w.Resize(fyne.NewSize(400, 300))
	narrow, _ := transcriptDrawn(t, v, 1)
	if len(narrow) <= len(rows) || strings.TrimRight(transcriptJoin(narrow), " ") != long {
		t.Errorf("at 400 px the line has %d rows (%d at 600 px), text whole %v; want more rows and the whole text",
			len(narrow), len(rows), strings.TrimRight(transcriptJoin(narrow), " ") == long)
	}
	found := false
	for _, o := range test.WidgetRenderer(v.content).Objects() {
		if txt, ok := o.(*canvas.Text); ok && txt.Visible() && txt.Text == "12\u00a0ms" {
			found = true
		}
	}
	if !found {
		t.Error("the reply's latency (12 ms) is not drawn")
	}
}

func TestTranscriptReplyColours(t *testing.T) {
	tr, _ := newTestTranscript(t)
	tr.Append(smtpcore.Event{Dir: smtpcore.DirClient, Text: "MAIL FROM:<a@example.org>"})
	tr.Append(smtpcore.Event{Dir: smtpcore.DirServer, Text: "250 2.1.0 OK"})
	tr.Append(smtpcore.Event{Dir: smtpcore.DirServer, Text: "451 4.3.0 Try again later"})
	tr.Append(smtpcore.Event{Dir: smtpcore.DirServer, Text: "550-5.7.1 Rejected\n550 5.7.1 by policy"})
	tr.Append(smtpcore.Event{Dir: smtpcore.DirServer, Text: "354 Go ahead"})
	want := []struct {
		text  string
		color fyne.ThemeColorName
	}{
		{"MAIL FROM:<a@example.org>", theme.ColorNamePrimary},
		{"250 2.1.0 OK", theme.ColorNameForeground},
		{"451 4.3.0 Try again later", theme.ColorNameWarning},
		{"550-5.7.1 Rejected", theme.ColorNameError},
		{"550 5.7.1 by policy", theme.ColorNameError},
		{"354 Go ahead", theme.ColorNameForeground},
	}
	v := tr.view
	variant := fyne.CurrentApp().Settings().ThemeVariant()
	for i, w := range want {
		if v.lines[i].color != w.color {
			t.Errorf("line %q has colour %q, want %q", w.text, v.lines[i].color, w.color)
		}
		rows, _ := transcriptDrawn(t, v, i)
		if len(rows) != 1 || rows[0].Text != w.text || rows[0].Color != v.Theme().Color(w.color, variant) {
			t.Errorf("line %d drawn as %v, want %q in %q", i, rows, w.text, w.color)
		}
	}
}

func TestTranscriptCopyLine(t *testing.T) {
	tr, a, w := newTestTranscriptWindow(t)
	at := time.Date(2026, 3, 1, 12, 0, 1, 234e6, time.UTC)
	long := "550 5.7.1 " + strings.Repeat("x", 290)
	tr.Append(smtpcore.Event{Time: at, Dir: smtpcore.DirClient, Text: "EHLO client.example"})
	tr.Append(smtpcore.Event{Time: at, Dir: smtpcore.DirServer, Text: long, Elapsed: 1500 * time.Microsecond})
	tr.Append(smtpcore.Event{Time: at, Dir: smtpcore.DirClient, Text: "QUIT"})
	copyLine := findButton(tr.header(), "Copy line")
	if copyLine == nil || !copyLine.Disabled() {
		t.Fatalf("Copy line button %v, want one, disabled while no line is selected", copyLine)
	}
	// Tap the last row of the wrapped reply, as a user would.
	v := tr.view
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(v)
	y := v.lineTop(2) - v.scrollOffset() - 3
	test.TapCanvas(w.Canvas(), pos.Add(fyne.NewPos(v.m.textX()+20, y)))
	if v.selected != 1 || copyLine.Disabled() {
		t.Fatalf("after tapping the reply: selected %d, Copy line disabled %v; want line 1, enabled", v.selected, copyLine.Disabled())
	}
	if w.Canvas().Focused() != v {
		t.Fatalf("focus after tapping a line is %v, want the transcript lines", w.Canvas().Focused())
	}
	test.Tap(copyLine)
	if got, want := a.Clipboard().Content(), "12:00:01.234 <- "+long+"  (1.5ms)"; got != want {
		t.Errorf("Copy line put %q on the clipboard, want %q", got, want)
	}
	v.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	v.TypedShortcut(&fyne.ShortcutCopy{})
	if got, want := a.Clipboard().Content(), "12:00:01.234 -> QUIT"; got != want {
		t.Errorf("Down then Ctrl+C put %q on the clipboard, want %q", got, want)
	}
	test.Tap(findButton(tr.header(), "Copy all"))
	if got := a.Clipboard().Content(); got != tr.Text() || strings.Count(got, "\n") != 3 {
		t.Errorf("Copy all put %q, want the three lines", got)
	}
	tr.Clear()
	if v.selected != -1 || !copyLine.Disabled() {
		t.Errorf("after Clear: selected %d, Copy line disabled %v; want none, disabled", v.selected, copyLine.Disabled())
	}
}

func TestTranscriptSelectionFollowsTrim(t *testing.T) {
	tr, _ := newTestTranscript(t)
	tr.MaxLines = 4
	for i := range 4 {
		tr.Append(smtpcore.Event{Dir: smtpcore.DirInfo, Text: fmt.Sprintf("line %d", i)})
	}
	tr.view.setSelected(3)
	tr.Append(smtpcore.Event{Dir: smtpcore.DirInfo, Text: "line 4\nline 5"})
	if got := tr.view.selectedText(); !strings.HasSuffix(got, "line 3") {
		t.Errorf("after two lines dropped the selection is %q, want line 3 still", got)
	}
	for i := range 4 {
		tr.Append(smtpcore.Event{Dir: smtpcore.DirInfo, Text: fmt.Sprintf("more %d", i)})
	}
	if tr.view.selected != -1 || !tr.copyLine.Disabled() {
		t.Errorf("the selected line was dropped: selected %d, Copy line disabled %v; want none, disabled", tr.view.selected, tr.copyLine.Disabled())
	}
	if n := len(tr.view.starts); n != tr.Lines()+1 || tr.view.starts[0] != 0 {
		t.Errorf("row index after trimming: %d entries from %v, want %d from 0", n, tr.view.starts, tr.Lines()+1)
	}
}

func TestTranscriptWrap(t *testing.T) {
	tests := []struct {
		in   string
		cols int
		want []string
	}{
		{"", 10, []string{""}},
		{"short", 10, []string{"short"}},
		{"aaaa bbbb cccc", 10, []string{"aaaa bbbb ", "cccc"}},
		{"abcdefghijkl", 10, []string{"abcdefghij", "kl"}},
		{"ab cdefghijklmnop", 10, []string{"ab ", "cdefghijkl", "mnop"}},
		{"aaaaaaaaaa     b", 10, []string{"aaaaaaaaaa     ", "b"}},
		{"漢字漢字漢字", 5, []string{"漢字", "漢字", "漢字"}},
	}
	for _, tc := range tests {
		var got []string
		n := transcriptWrap(tc.in, tc.cols, func(s string) { got = append(got, s) })
		if strings.Join(got, "|") != strings.Join(tc.want, "|") || n != len(tc.want) {
			t.Errorf("transcriptWrap(%q, %d) = %q (%d rows), want %q", tc.in, tc.cols, got, n, tc.want)
		}
	}
}

func FuzzTranscriptWrap(f *testing.F) {
	for _, s := range []string{"", "aaaa bbbb cccc", "ab cdefghijklmnop", "漢字 漢字", "550 5.7.1    x"} {
		f.Add(s, 10)
	}
	f.Fuzz(func(t *testing.T, s string, cols int) {
		cols = cols%200 + 1
		if cols < 1 {
			cols += 200
		}
		var rows []string
		n := transcriptWrap(s, cols, func(r string) { rows = append(rows, r) })
		if n != len(rows) || strings.Join(rows, "") != s {
			t.Fatalf("transcriptWrap(%q, %d): %d rows %q, want rows that join to the input", s, cols, n, rows)
		}
		for _, r := range rows {
			// A row may pass the width only when it holds one rune (a wide
			// one in a narrow pane); its trailing spaces do not count.
			if row := strings.TrimRight(r, " "); transcriptCellCount(row) > cols && len([]rune(row)) > 1 {
				c := transcriptCellCount(row)
				t.Fatalf("transcriptWrap(%q, %d): row %q is %d cells wide", s, cols, r, c)
			}
		}
	})
}

// BenchmarkTranscriptAppendAtCap is a send filling a full transcript: each
// op appends 20 lines (one in ten long enough to wrap) while the oldest are
// dropped, then re-wraps everything as a divider drag would.
func BenchmarkTranscriptAppendAtCap(b *testing.B) {
	test.NewTempApp(b)
	tr := NewTranscript(nil)
	w := test.NewTempWindow(b, tr.Build())
	w.Resize(fyne.NewSize(600, 400))
	long := "550 5.7.1 " + strings.Repeat("rejected by policy ", 15)
	ev := func(i int) smtpcore.Event {
		if i%10 == 0 {
			return smtpcore.Event{Dir: smtpcore.DirServer, Text: long}
		}
		return smtpcore.Event{Dir: smtpcore.DirClient, Text: fmt.Sprintf("RCPT TO:<u%d@example.org>", i)}
	}
	for i := range DefaultTranscriptLines {
		tr.Append(ev(i))
	}
	b.Run("append", func(b *testing.B) {
		for i := range b.N {
			for j := range 20 {
				tr.Append(ev(i*20 + j))
			}
		}
	})
	b.Run("resize", func(b *testing.B) {
		for i := range b.N {
			w.Resize(fyne.NewSize(float32(500+i%2*100), 400))
		}
	})
}

func TestTranscriptHeaderMinSizeIsFixed(t *testing.T) {
	tr, _ := newTestTranscript(t)
	before := tr.head.MinSize()
	tr.OnShowMessage = func(string) {}
	tr.SetMessageLink("1A2B3C")
	for i := range 1234 {
		tr.Append(smtpcore.Event{Dir: smtpcore.DirInfo, Text: fmt.Sprintf("line %d", i)})
	}
	if got := tr.head.MinSize(); got != before {
		t.Errorf("header MinSize went from %v to %v with a count and Show in Inbox, want it unchanged", before, got)
	}
	if before.Width > 250 {
		t.Errorf("header MinSize %v, want it narrow (the buttons scroll sideways when the pane is)", before)
	}
	if b := findButton(tr.header(), "Copy all"); b == nil || b.Size().Width < b.MinSize().Width {
		t.Errorf("Copy all button %v at 600 px, want it shown whole", b)
	}
}

// A peer's control characters, C1 controls and bidi overrides are shown
// escaped in the pane and in what Copy all and Copy line put on the
// clipboard; a bare CR inside a line does not start a new one. Before the
// fix they were drawn and copied as they came.
func TestTranscriptEscapesPeerText(t *testing.T) {
	tr, a := newTestTranscript(t)
	tr.Append(smtpcore.Event{Dir: smtpcore.DirServer, Text: "250-ok \x1b]0;t\x07\x1b[2J\n250 bad\u009b31m\rFAKE \u202eevil"})
	want := []string{`250-ok \x1b]0;t\x07\x1b[2J`, `250 bad\u009b31m\x0dFAKE \u202eevil`}
	v := tr.view
	if len(v.lines) != len(want) {
		t.Fatalf("%d lines, want %d: %q", len(v.lines), len(want), tr.Text())
	}
	for i, w := range want {
		rows, _ := transcriptDrawn(t, v, i)
		if len(rows) != 1 || rows[0].Text != w {
			t.Errorf("line %d drawn as %v, want %q", i, rows, w)
		}
	}
	test.Tap(findButton(tr.header(), "Copy all"))
	if got := a.Clipboard().Content(); strings.ContainsAny(got, "\x1b\x07\r\u009b\u202e") {
		t.Errorf("Copy all gave %q: holds a control character", got)
	}
}
