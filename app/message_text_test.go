package app

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"letterbox/server/store"
	"letterbox/smtpcore"
)

func TestMessageTranscriptColoursReplies(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 1, 0, time.UTC)
	segs := messageTranscript([]smtpcore.Event{
		{Time: at, Dir: smtpcore.DirClient, Text: "RCPT TO:<x@example.org>"},
		{Time: at, Dir: smtpcore.DirServer, Text: "250-mx.example\n250 SIZE 1000"},
		{Time: at, Dir: smtpcore.DirServer, Text: "452 4.5.3 Too many recipients"},
		{Time: at, Dir: smtpcore.DirServer, Text: "554-5.7.1 Rejected\n554 5.7.1 by policy"},
	})
	want := []struct {
		text  string
		color string
	}{
		{"12:00:01.000 -> RCPT TO:<x@example.org>", string(theme.ColorNamePrimary)},
		{"12:00:01.000 <- 250-mx.example", string(theme.ColorNameForeground)},
		{"12:00:01.000 <- 250 SIZE 1000", string(theme.ColorNameForeground)},
		{"12:00:01.000 <- 452 4.5.3 Too many recipients", string(theme.ColorNameWarning)},
		{"12:00:01.000 <- 554-5.7.1 Rejected", string(theme.ColorNameError)},
		{"12:00:01.000 <- 554 5.7.1 by policy", string(theme.ColorNameError)},
	}
	if len(segs) != len(want) {
		t.Fatalf("messageTranscript gave %d segments, want %d (one per line)", len(segs), len(want))
	}
	for i, w := range want {
		s := segs[i].(*widget.TextSegment)
		if s.Text != w.text || string(s.Style.ColorName) != w.color {
			t.Errorf("segment %d = %q in %q, want %q in %q", i, s.Text, s.Style.ColorName, w.text, w.color)
		}
	}
}

// messageWrapped joins the rows messageWrapIndex gives with line ends.
func messageWrapped(text string, cols int) string {
	rows := messageWrapIndex(text, cols)
	out := make([]string, len(rows))
	for i, start := range rows {
		end := len(text)
		if i+1 < len(rows) {
			end = rows[i+1]
		}
		out[i] = strings.TrimSuffix(text[start:end], "\n")
	}
	return strings.Join(out, "\n")
}

func TestMessageWrapIndexKeepsEveryCharacter(t *testing.T) {
	tests := []struct{ in, want string }{
		{"short line\nnext", "short line\nnext"},
		{"aaaa bbbb cccc", "aaaa bbbb \ncccc"},
		{"abcdefghijkl", "abcdefghij\nkl"},
		{"ab cdefghijklmnop", "ab cdefghi\njklmnop"}, // a space in the first half is not worth a short row
		{"0123456789\n0123456789", "0123456789\n0123456789"},
		{"日本語の件名です", "日本語の件\n名です"}, // wide characters take two cells
		{"", ""},
	}
	for _, tc := range tests {
		if got := messageWrapped(tc.in, 10); got != tc.want {
			t.Errorf("messageWrapIndex(%q, 10) gives rows %q; want %q", tc.in, got, tc.want)
		}
	}
	long := strings.Repeat("X-Long: "+strings.Repeat("fingerprint ab:cd:ef ", 30)+"end\n", 3) + strings.Repeat("é", 450)
	got := messageWrapped(long, 200)
	if strings.ReplaceAll(got, "\n", "") != strings.ReplaceAll(long, "\n", "") {
		t.Errorf("messageWrapIndex lost or changed characters:\n%q\nfrom\n%q", got, long)
	}
	for _, row := range strings.Split(got, "\n") {
		if n := len([]rune(row)); n > 200 {
			t.Errorf("messageWrapIndex left a row of %d runes, want at most 200", n)
		}
	}
}

// The raw source keeps a long header line whole (wrapped at the view's
// width); the SMTP session tab colours a refusal.
func TestMessageRawLongLineAndSessionColours(t *testing.T) {
	fp := "X-Fingerprint: SHA256 " + strings.Repeat("AB:CD:EF:01:23:45:67:89 ", 20) + "end"
	rec := inboxRecord("a@a.test", "b@b.test")
	rec.Transcript = append(rec.Transcript,
		smtpcore.Event{Time: time.Now(), Dir: smtpcore.DirServer, Text: "451 4.7.1 Greylisted, " + strings.Repeat("try again later ", 20)})
	f := newInboxFixture(t, func(st *store.Store) {
		inboxDeliver(t, st, "Subject: long\n"+fp+"\nContent-Type: text/plain\n\nbody\n", rec)
	})
	f.waitTotal(t, 1)
	f.selectSubject(t, "long")
	v := f.in.view
	raw := v.raw.Text()
	if !strings.Contains(strings.ReplaceAll(raw, "\n", ""), fp) {
		t.Errorf("the raw source lost part of a %d-character line:\n%s", len(fp), raw)
	}
	if wrapped := messageWrapped(raw, v.raw.cols); strings.Count(wrapped, "\n") <= strings.Count(raw, "\n") {
		t.Errorf("the %d-character line is not wrapped at %d columns", len(fp), v.raw.cols)
	}
	found := false
	for _, s := range v.session.Segments {
		if ts, ok := s.(*widget.TextSegment); ok && strings.Contains(ts.Text, "451 4.7.1 Greylisted") {
			found = true
			if ts.Style.ColorName != theme.ColorNameWarning || !strings.HasSuffix(ts.Text, "try again later ") {
				t.Errorf("SMTP session tab shows the 451 as %q in %q, want it whole in the warning colour", ts.Text, ts.Style.ColorName)
			}
		}
	}
	if !found {
		t.Error("SMTP session tab lacks the 451 line")
	}
}
