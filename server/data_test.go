package server

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"letterbox/server/store"
)

const simpleMessage = "From: a@x.test\r\nTo: b@y.test\r\nSubject: hello\r\n\r\nHello.\r\n"

func TestDataStoredByteForByte(t *testing.T) {
	srv, st := testServer(t, Config{Hostname: "mx.test"})
	c := pipeSession(t, srv)
	c.ehlo("client.test")
	text := "Subject: dots\r\n\r\n..leading dot\r\n.\tdot tab\r\nlast line\r\n"
	id := c.deliver("a@x.test", []string{"b@y.test"}, text)
	msg := stored(t, st, id)
	if got, want := bodyOf(t, msg), "Subject: dots\r\n\r\n.leading dot\r\n\tdot tab\r\nlast line\r\n"; got != want {
		t.Errorf("stored text = %q, want %q", got, want)
	}
	received := regexp.MustCompile(`^Return-Path: <a@x\.test>\r\n` +
		`Received: from client\.test \(pipe\)\r\n` +
		`\tby mx\.test \(Letterbox\) with ESMTP\r\n` +
		`\tid ` + regexp.QuoteMeta(id) + ` for <b@y\.test>;\r\n` +
		`\t[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}\r\n`)
	if !received.MatchString(msg) {
		t.Errorf("trace headers = %q, want them to match %s", shorten(msg), received)
	}
	rec, err := st.Record(id)
	if err != nil {
		t.Fatalf("Record(%s): %v", id, err)
	}
	if rec.MailFrom != "a@x.test" || rec.Helo != "client.test" || rec.Protocol != "ESMTP" || rec.TLS != nil || len(rec.Warnings) > 0 {
		t.Errorf("record = %+v, want from a@x.test, helo client.test, ESMTP, no TLS, no warnings", rec)
	}
	var lines []string
	for _, e := range rec.Transcript {
		lines = append(lines, e.Dir.Marker()+" "+e.Text)
	}
	tr := strings.Join(lines, "\n")
	for _, want := range []string{"-> EHLO client.test", "-> MAIL FROM:<a@x.test>", "-> DATA", "-> … 52 B received", "<- 250 2.0.0 OK queued as " + id} {
		if !strings.Contains(tr, want) {
			t.Errorf("transcript lacks %q:\n%s", want, tr)
		}
	}
	if strings.Contains(tr, "leading dot") {
		t.Errorf("transcript holds the message text without FullTranscript:\n%s", tr)
	}
}

func TestReceivedFor(t *testing.T) {
	srv, st := testServer(t, Config{})
	c := pipeSession(t, srv)
	c.cmd("HELO client.test", 250, "")
	id := c.deliver("", []string{"b@y.test", "secret-bcc@z.test"}, simpleMessage)
	msg := stored(t, st, id)
	if strings.Contains(msg, "secret-bcc") || strings.Contains(msg, " for <") {
		t.Errorf("Received names recipients although there are two: %q", shorten(msg))
	}
	if !strings.HasPrefix(msg, "Return-Path: <>\r\n") || !strings.Contains(msg, " with SMTP\r\n") {
		t.Errorf("trace headers = %q, want Return-Path <> and with SMTP (HELO)", shorten(msg))
	}
}

func TestFullTranscript(t *testing.T) {
	srv, st := testServer(t, Config{FullTranscript: true})
	c := pipeSession(t, srv)
	c.ehlo("client.test")
	id := c.deliver("a@x.test", []string{"b@y.test"}, simpleMessage)
	rec, err := st.Record(id)
	if err != nil {
		t.Fatalf("Record(%s): %v", id, err)
	}
	var found bool
	for _, e := range rec.Transcript {
		found = found || e.Text == "Subject: hello"
	}
	if !found {
		t.Errorf("FullTranscript record lacks the line %q: %v", "Subject: hello", rec.Transcript)
	}
}

// TestSmuggling sends, for each end-of-data form that is not <CRLF>.<CRLF>,
// a message that hides a second transaction behind it. The hidden MAIL must
// never run: by default nothing is stored (bare LF refused); with
// AllowBareLF exactly one message is stored, holding the hidden text.
func TestSmuggling(t *testing.T) {
	forms := map[string]string{"LF.LF": "\n.\n", "LF.CRLF": "\n.\r\n", "CRLF.LF": "\r\n.\n"}
	for name, end := range forms {
		for _, allow := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s allow=%v", name, allow), func(t *testing.T) {
				srv, st := testServer(t, Config{AllowBareLF: allow})
				c := pipeSession(t, srv)
				c.ehlo("client.test")
				c.cmd("MAIL FROM:<a@x.test>", 250, "")
				c.cmd("RCPT TO:<b@y.test>", 250, "")
				c.cmd("DATA", 354, "")
				c.send("Subject: first\r\n\r\nfirst" + end +
					"MAIL FROM:<evil@x.test>\r\nRCPT TO:<victim@y.test>\r\nDATA\r\nSubject: smuggled\r\n\r\nsmuggled\r\n.\r\n")
				r := c.read()
				if !allow {
					if r.Code != 550 || r.Enhanced != "5.6.0" || !strings.Contains(r.Text, "bare") {
						t.Fatalf("reply = %q, want 550 5.6.0 about bare line endings", r.Error())
					}
					c.cmd("NOOP", 250, "2.0.0") // in step: the hidden commands were text
					if n := countNew(t, st); n != 0 {
						t.Errorf("%d messages stored, want 0", n)
					}
					return
				}
				if r.Code != 250 {
					t.Fatalf("reply = %q, want 250", r.Error())
				}
				c.cmd("NOOP", 250, "2.0.0")
				if n := countNew(t, st); n != 1 {
					t.Fatalf("%d messages stored, want 1", n)
				}
				id := queuedID(t, r)
				msg := stored(t, st, id)
				if !strings.Contains(msg, "MAIL FROM:<evil@x.test>") {
					t.Errorf("the hidden text is not inside the one message: %q", msg)
				}
				rec, _ := st.Record(id)
				if len(rec.Rcpts) != 1 || rec.Rcpts[0] != "b@y.test" || len(rec.Warnings) == 0 {
					t.Errorf("record rcpts %q warnings %q, want [b@y.test] and a bare LF warning", rec.Rcpts, rec.Warnings)
				}
			})
		}
	}
}

func TestBareLineEndings(t *testing.T) {
	tests := []struct {
		name, text string
		allow      bool
		code       int
		warning    string
	}{
		{"bare LF refused", "Subject: x\n\nbody\r\n", false, 550, ""},
		{"bare CR refused", "Subject: x\r\n\r\nbo\rdy\r\n", false, 550, ""},
		{"bare LF kept", "Subject: x\n\nbody\r\n", true, 250, "2 bare LF"},
		{"bare CR kept", "Subject: x\r\n\r\nbo\rdy\r\n", true, 250, "1 bare CR"},
		{"8-bit without BODY", "Subject: caf\xc3\xa9\r\n\r\nbody\r\n", false, 250, "8-bit data without BODY=8BITMIME"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, st := testServer(t, Config{AllowBareLF: tt.allow})
			c := pipeSession(t, srv)
			c.ehlo("client.test")
			c.cmd("MAIL FROM:<a@x.test>", 250, "")
			c.cmd("RCPT TO:<b@y.test>", 250, "")
			c.cmd("DATA", 354, "")
			c.send(tt.text + ".\r\n")
			r := c.read()
			if r.Code != tt.code {
				t.Fatalf("reply = %q, want %d", r.Error(), tt.code)
			}
			if r.Code != 250 {
				return
			}
			rec, err := st.Record(queuedID(t, r))
			if err != nil {
				t.Fatal(err)
			}
			if len(rec.Warnings) != 1 || !strings.Contains(rec.Warnings[0], tt.warning) {
				t.Errorf("warnings = %q, want one containing %q", rec.Warnings, tt.warning)
			}
			if got := bodyOf(t, stored(t, st, rec.ID)); got != tt.text {
				t.Errorf("stored text = %q, want %q", got, tt.text)
			}
		})
	}
}

func TestDataTooBig(t *testing.T) {
	srv, st := testServer(t, Config{MaxMessageBytes: 1000})
	c := pipeSession(t, srv)
	c.ehlo("client.test")
	c.cmd("MAIL FROM:<a@x.test>", 250, "")
	c.cmd("RCPT TO:<b@y.test>", 250, "")
	c.cmd("DATA", 354, "")
	c.send("Subject: big\r\n\r\n" + strings.Repeat("0123456789abcdef\r\n", 500) + ".\r\n")
	c.expect(552, "5.3.4")
	c.cmd("NOOP", 250, "2.0.0")
	c.deliver("a@x.test", []string{"b@y.test"}, "Subject: small\r\n\r\nok\r\n")
	if n := countNew(t, st); n != 1 {
		t.Errorf("%d messages stored, want 1 (the small one)", n)
	}
}

func TestBDAT(t *testing.T) {
	srv, st := testServer(t, Config{})
	c := pipeSession(t, srv)
	c.ehlo("client.test")
	c.cmd("MAIL FROM:<a@x.test> BODY=8BITMIME", 250, "")
	c.cmd("RCPT TO:<b@y.test>", 250, "")
	part1, part2 := "Subject: chunks\r\n\r\n", "caf\xc3\xa9\r\n.\r\nstill text\r\n"
	c.send(fmt.Sprintf("BDAT %d\r\n%sBDAT %d LAST\r\n%s", len(part1), part1, len(part2), part2))
	c.expect(250, "2.0.0")
	id := queuedID(t, c.expect(250, "2.0.0"))
	if got := bodyOf(t, stored(t, st, id)); got != part1+part2 {
		t.Errorf("stored text = %q, want %q", got, part1+part2)
	}
	if rec, _ := st.Record(id); len(rec.Warnings) != 0 {
		t.Errorf("warnings = %q, want none (BODY=8BITMIME given)", rec.Warnings)
	}

	// Out of sequence: the chunk is read and dropped, never run as commands.
	chunk := "QUIT\r\n"
	c.send(fmt.Sprintf("BDAT %d LAST\r\n%s", len(chunk), chunk))
	c.expect(503, "5.5.1")
	c.cmd("NOOP", 250, "2.0.0")

	// DATA after BDAT, and BDAT 0 LAST.
	c.cmd("MAIL FROM:<a@x.test>", 250, "")
	c.cmd("RCPT TO:<b@y.test>", 250, "")
	c.send("BDAT 3\r\nabc")
	c.expect(250, "2.0.0")
	c.cmd("DATA", 503, "5.5.1")
	c.cmd("RCPT TO:<c@y.test>", 503, "5.5.1")
	c.cmd("BDAT 0 LAST", 250, "2.0.0")
	if n := countNew(t, st); n != 2 {
		t.Errorf("%d messages stored, want 2", n)
	}
}

func TestBDATTooBig(t *testing.T) {
	srv, st := testServer(t, Config{MaxMessageBytes: 10})
	c := pipeSession(t, srv)
	c.ehlo("client.test")
	c.cmd("MAIL FROM:<a@x.test>", 250, "")
	c.cmd("RCPT TO:<b@y.test>", 250, "")
	c.send("BDAT 8\r\n12345678BDAT 8 LAST\r\n12345678")
	c.expect(250, "2.0.0")
	c.expect(552, "5.3.4")
	c.cmd("NOOP", 250, "2.0.0")
	if n := countNew(t, st); n != 0 {
		t.Errorf("%d messages stored, want 0", n)
	}
}

// TestBDATBadSyntaxCloses: a chunk whose size cannot be read ends the
// session, since its end is unknown (RFC 3030 chunk-size = 1*DIGIT: no sign,
// issue 13 point 6); a size no int64 holds is good syntax but too big.
func TestBDATBadSyntaxCloses(t *testing.T) {
	for _, tt := range []struct {
		arg      string
		code     int
		enhanced string
	}{
		{"BDAT ten", 501, "5.5.4"},
		{"BDAT -0", 501, "5.5.4"},
		{"BDAT -0 LAST", 501, "5.5.4"},
		{"BDAT +5", 501, "5.5.4"},
		{"BDAT 0x10", 501, "5.5.4"},
		{"BDAT 5 FIRST", 501, "5.5.4"},
		{"BDAT", 501, "5.5.4"},
		{"BDAT 9223372036854775808", 552, "5.3.4"},
	} {
		t.Run(tt.arg, func(t *testing.T) {
			srv, _ := testServer(t, Config{})
			c := pipeSession(t, srv)
			c.ehlo("client.test")
			c.cmd(tt.arg, tt.code, tt.enhanced)
			c.expectClosed()
		})
	}
}

// failingDelivery stands in for a store whose disk fails.
type failingDelivery struct{ failWrite bool }

func (f *failingDelivery) Write(p []byte) (int, error) {
	if f.failWrite {
		return 0, errors.New("disk on fire")
	}
	return len(p), nil
}
func (f *failingDelivery) ID() string  { return "fake" }
func (f *failingDelivery) Size() int64 { return 0 }
func (f *failingDelivery) Commit(store.Record) (store.Summary, error) {
	return store.Summary{}, errors.New("disk on fire")
}
func (f *failingDelivery) Abort() error { return nil }

func TestStoreFailure(t *testing.T) {
	tests := []struct {
		name   string
		create func() (delivery, error)
	}{
		{"create", func() (delivery, error) { return nil, errors.New("disk on fire") }},
		{"write", func() (delivery, error) { return &failingDelivery{failWrite: true}, nil }},
		{"commit", func() (delivery, error) { return &failingDelivery{}, nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := testServer(t, Config{})
			srv.create = tt.create
			c := pipeSession(t, srv)
			c.ehlo("client.test")
			c.cmd("MAIL FROM:<a@x.test>", 250, "")
			c.cmd("RCPT TO:<b@y.test>", 250, "")
			c.send("DATA\r\n")
			r := c.read()
			if r.Code == 354 {
				c.send(simpleMessage + ".\r\n")
				r = c.read()
			}
			if r.Code != 451 || r.Enhanced != "4.3.0" || strings.Contains(r.Text, "fire") {
				t.Errorf("reply = %q, want 451 4.3.0 without the internal error", r.Error())
			}
			c.cmd("NOOP", 250, "2.0.0")
		})
	}
}

// naiveScan is the byte-by-byte definition body.scan must agree with.
func naiveScan(p []byte) (bareLF, bareCR int64, eightBit bool) {
	for i, c := range p {
		switch {
		case c == '\n' && (i == 0 || p[i-1] != '\r'):
			bareLF++
		case c == '\r' && (i == len(p)-1 || p[i+1] != '\n'):
			bareCR++
		}
		eightBit = eightBit || c >= 0x80
	}
	return
}

func FuzzBodyScan(f *testing.F) {
	for _, seed := range []string{"", "a\r\nb\r\n", "\n", "\r", "\r\r\n", "a\rb\nc\r\n\xc3\xa9", "\r\n\r", "12345678\x80"} {
		f.Add([]byte(seed), uint8(1))
	}
	f.Fuzz(func(t *testing.T, p []byte, cut uint8) {
		var b body
		at := int(cut) % (len(p) + 1) // a chunk boundary anywhere, CR LF split included
		b.scan(p[:at])
		b.scan(p[at:])
		b.finish()
		lf, cr, eight := naiveScan(p)
		if b.bareLF != lf || b.bareCR != cr || b.eightBit != eight {
			t.Errorf("scan(%q split at %d) = LF %d CR %d 8bit %v, want %d %d %v", p, at, b.bareLF, b.bareCR, b.eightBit, lf, cr, eight)
		}
	})
}
