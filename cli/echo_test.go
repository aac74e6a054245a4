package cli

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer that a goroutine or a subprocess writes
// while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestEchoStore(t *testing.T) {
	st := newStore(t)
	var out syncBuffer
	stop := EchoStore(&out, st)
	long := goodMsg[:strings.Index(goodMsg, "Hello Bob.")] + strings.Repeat("line\n", 30) + goodMsg[strings.Index(goodMsg, "Hello Bob.")+len("Hello Bob.\n"):]
	evil := strings.Replace(long, "=?utf-8?q?Gr=C3=BC=C3=9Fe?=", "=?utf-8?q?a=1B[2J=E2=80=AEb?=", 1)
	id := deliver(t, st, evil, record("zoe@example.org", "bob@example.net", "hidden@example.com"))
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "more lines") && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond) // poll with a deadline for the echo goroutine
	}
	stop()
	got := out.String()
	for _, want := range []string{
		id + " received",
		"From:     Zoë <zoe@example.org>",
		"To:       Bob <bob@example.net>, Doe, Jane <jane@example.net>",
		"Cc:       carol@example.com",
		`Subject:  a[2J\u202eb`, // the store drops C0 controls; Echo escapes the bidi override
		"Date:     Mon, 30 Nov 2026 14:00:00 +0000",
		"Envelope: MAIL FROM zoe@example.org, RCPT TO bob@example.net, hidden@example.com",
		"Attached: report.pdf (application/pdf, 9 B)",
		"Findings: 0 error(s), 0 warning(s), 0 info",
		"… (10 more lines)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("Echo printed\n%s\nwant a line %q", got, want)
		}
	}
	if strings.Count(got, "line\n") != echoLines {
		t.Errorf("Echo printed %d text lines, want %d", strings.Count(got, "line\n"), echoLines)
	}
	if strings.ContainsAny(got, "\x1b\u202e") {
		t.Error("Echo let an escape character through")
	}
}
