package app

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"letterbox/smtpcore"
)

func newTestTranscript(t *testing.T) (*Transcript, fyne.App) {
	t.Helper()
	a := test.NewTempApp(t)
	tr := NewTranscript(nil)
	w := test.NewTempWindow(t, tr.Build())
	w.Resize(fyne.NewSize(600, 300))
	return tr, a
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
	bottom := tr.list.GetScrollOffset()
	if bottom <= 0 {
		t.Fatalf("after 30 lines the offset is %v, want the list scrolled down", bottom)
	}
	add(3)
	if off := tr.list.GetScrollOffset(); off <= bottom {
		t.Errorf("following: offset %v after more lines, want past %v", off, bottom)
	}
	tr.list.ScrollToTop()
	add(3)
	if off := tr.list.GetScrollOffset(); off != 0 {
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
