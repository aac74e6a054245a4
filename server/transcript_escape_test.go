package server

import (
	"strings"
	"testing"

	"letterbox/smtpcore"
)

// TestTranscriptEscapesPeerText: whatever a client sends reaches the
// session record (shown in the window's transcript pane) escaped: C0 and C1
// controls, DEL and bidi overrides, in command lines and in the message text
// of a full transcript. Before the fix C1 controls and bidi overrides went
// into the record as they came.
func TestTranscriptEscapesPeerText(t *testing.T) {
	const hostile = "\x1b]0;t\x07\u009b2J\x9b\r\u202eevil\u2066"
	tr := &transcript{session: "s1", full: true}
	tr.add(smtpcore.DirClient, "MAIL FROM:<"+hostile+"@x.test>")
	tr.startTail()
	lc := &lineCapture{t: tr}
	lc.write([]byte("Subject: " + hostile + "\r\n\r\nbody " + hostile + "\r\n"))
	lc.flush()
	events := tr.snapshot(smtpcore.Event{Dir: smtpcore.DirServer, Text: "250 " + hostile})
	if len(events) != 5 {
		t.Fatalf("snapshot holds %d events, want 5: %q", len(events), events)
	}
	for _, e := range events {
		if e.Text != smtpcore.Printable(e.Text) {
			t.Errorf("recorded %q: not escaped", e.Text)
		}
	}
	if !strings.Contains(events[0].Text, `\u009b2J\x9b\x0d\u202eevil\u2066@x.test`) {
		t.Errorf("recorded command %q, want the hostile text escaped", events[0].Text)
	}
}
