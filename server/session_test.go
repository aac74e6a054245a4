package server

import (
	"strings"
	"testing"
	"time"

	"letterbox/smtpcore"
)

// step is one command of a scripted session and the reply it must get.
type step struct {
	send     string // one command line, CRLF added
	code     int
	enhanced string
}

func TestReplyCodes(t *testing.T) {
	long := "NOOP " + strings.Repeat("x", 3000)
	tests := []struct {
		name  string
		cfg   Config
		steps []step
	}{
		{"basic commands", Config{}, []step{
			{"EHLO client.test", 250, ""},
			{"HELO client.test", 250, ""},
			{"NOOP", 250, "2.0.0"},
			{"NOOP with an argument", 250, "2.0.0"},
			{"VRFY someone", 252, "2.5.0"},
			{"HELP", 214, "2.0.0"},
			{"RSET", 250, "2.0.0"},
			{"QUIT", 221, "2.0.0"},
		}},
		{"unknown and unimplemented", Config{}, []step{
			{"FROB", 500, "5.5.2"},
			{"EXPN list", 502, "5.5.1"},
			{"ETRN x", 502, "5.5.1"},
			{"TURN", 502, "5.5.1"},
			{"NOOP", 250, "2.0.0"},
		}},
		{"bad sequence", Config{}, []step{
			{"MAIL FROM:<a@x.test>", 503, "5.5.1"},
			{"EHLO client.test", 250, ""},
			{"RCPT TO:<b@y.test>", 503, "5.5.1"},
			{"DATA", 503, "5.5.1"},
			{"MAIL FROM:<a@x.test>", 250, "2.1.0"},
			{"MAIL FROM:<a@x.test>", 503, "5.5.1"},
			{"DATA", 503, "5.5.1"},
			{"BDAT 0 LAST", 503, "5.5.1"},
		}},
		{"bad arguments", Config{}, []step{
			{"EHLO", 501, "5.5.4"},
			{"EHLO client.test", 250, ""},
			{"VRFY", 501, "5.5.4"},
			{"RSET now", 501, "5.5.4"},
			{"MAIL TO:<a@x.test>", 501, "5.5.4"},
			{"MAIL FROM:<a@>", 501, "5.1.7"},
			{"MAIL FROM:<a@x.test> FOO=1", 555, "5.5.4"},
			{"MAIL FROM:<a@x.test> BODY=BINARYMIME", 555, "5.5.4"},
			{"MAIL FROM:<a@x.test> SIZE=abc", 501, "5.5.4"},
			{"MAIL FROM:<a@x.test>", 250, "2.1.0"},
			{"RCPT TO:<b@>", 501, "5.1.3"},
			{"RCPT TO:<b@y.test> NOTIFY=NEVER", 555, "5.5.4"},
			{"DATA now", 501, "5.5.4"},
			{"STARTTLS now", 501, "5.5.4"},
		}},
		{"size", Config{MaxMessageBytes: 1000}, []step{
			{"EHLO client.test", 250, ""},
			{"MAIL FROM:<a@x.test> SIZE=1001", 552, "5.3.4"},
			{"MAIL FROM:<a@x.test> SIZE=1000 BODY=8BITMIME", 250, "2.1.0"},
			{"RSET", 250, "2.0.0"},
			{"MAIL FROM:<a@x.test> BODY=7BIT", 250, "2.1.0"},
		}},
		{"size off", Config{DisableSize: true, Disable8BitMIME: true, DisableSMTPUTF8: true}, []step{
			{"EHLO client.test", 250, ""},
			{"MAIL FROM:<a@x.test> SIZE=10", 555, "5.5.4"},
			{"MAIL FROM:<a@x.test> BODY=8BITMIME", 555, "5.5.4"},
			{"MAIL FROM:<a@x.test> SMTPUTF8", 555, "5.5.4"},
		}},
		{"recipient limit", Config{MaxRecipients: 2}, []step{
			{"EHLO client.test", 250, ""},
			{"MAIL FROM:<>", 250, "2.1.0"},
			{"RCPT TO:<a@y.test>", 250, "2.1.5"},
			{"RCPT TO:<Postmaster>", 250, "2.1.5"},
			{"RCPT TO:<c@y.test>", 452, "4.5.3"},
		}},
		{"SMTPUTF8", Config{}, []step{
			{"EHLO client.test", 250, ""},
			{"MAIL FROM:<jörg@x.test>", 553, "5.6.7"},
			{"MAIL FROM:<a@x.test>", 250, "2.1.0"},
			{"RCPT TO:<zoë@y.test>", 553, "5.6.7"},
			{"RSET", 250, "2.0.0"},
			{"MAIL FROM:<jörg@x.test> SMTPUTF8", 250, "2.1.0"},
			{"RCPT TO:<zoë@bücher.test>", 250, "2.1.5"},
		}},
		{"line too long and NUL", Config{}, []step{
			{long, 500, "5.5.2"},
			{"NOOP", 250, "2.0.0"},
			{"NO\x00OP", 500, "5.5.2"},
			{"NOOP\x01", 500, "5.5.2"},
			{"NOOP", 250, "2.0.0"},
		}},
		{"require TLS", Config{RequireTLS: true}, []step{
			{"EHLO client.test", 250, ""},
			{"MAIL FROM:<a@x.test>", 530, "5.7.0"},
		}},
		{"STARTTLS off", Config{DisableSTARTTLS: true}, []step{
			{"EHLO client.test", 250, ""},
			{"STARTTLS", 502, "5.5.1"},
		}},
		{"chunking off", Config{DisableChunking: true}, []step{
			{"EHLO client.test", 250, ""},
			{"BDAT 0 LAST", 502, "5.5.1"},
		}},
		{"AUTH off", Config{}, []step{
			{"EHLO client.test", 250, ""},
			{"AUTH PLAIN", 502, "5.5.1"},
			{"MAIL FROM:<a@x.test> AUTH=<>", 555, "5.5.4"},
		}},
		{"no enhanced codes", Config{DisableEnhancedStatusCodes: true}, []step{
			{"NOOP", 250, ""},
			{"FROB", 500, ""},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := testServer(t, tt.cfg)
			c := pipeSession(t, srv)
			for _, s := range tt.steps {
				r := c.cmd(s.send, s.code, s.enhanced)
				if tt.cfg.DisableEnhancedStatusCodes && r.Enhanced != "" {
					t.Errorf("%s -> %q: enhanced code sent although disabled", s.send, r.Error())
				}
				if !tt.cfg.DisableEnhancedStatusCodes && s.enhanced == "" && r.Code != 250 && r.Code != 354 {
					t.Errorf("%s -> %q: test lacks the enhanced code", s.send, r.Error())
				}
			}
		})
	}
}

func TestEHLOExtensions(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want []string
	}{
		{"defaults", Config{MaxMessageBytes: 1234},
			[]string{"PIPELINING", "SIZE 1234", "8BITMIME", "SMTPUTF8", "ENHANCEDSTATUSCODES", "CHUNKING", "STARTTLS"}},
		{"all off", Config{DisablePipelining: true, DisableSize: true, Disable8BitMIME: true, DisableSMTPUTF8: true,
			DisableEnhancedStatusCodes: true, DisableChunking: true, DisableSTARTTLS: true}, nil},
		{"auth any, plain connection", Config{DisableSTARTTLS: true, Auth: "any", DisablePipelining: true, DisableSize: true,
			Disable8BitMIME: true, DisableSMTPUTF8: true, DisableEnhancedStatusCodes: true, DisableChunking: true},
			[]string{"AUTH CRAM-MD5"}},
		{"auth any, insecure allowed", Config{DisableSTARTTLS: true, Auth: "any", AllowInsecureAuth: true, DisablePipelining: true,
			DisableSize: true, Disable8BitMIME: true, DisableSMTPUTF8: true, DisableEnhancedStatusCodes: true, DisableChunking: true},
			[]string{"AUTH PLAIN LOGIN CRAM-MD5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := testServer(t, tt.cfg)
			c := pipeSession(t, srv)
			got := c.ehlo("client.test")
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("EHLO extensions = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTooManyBadCommands(t *testing.T) {
	srv, _ := testServer(t, Config{MaxBadCommands: 3})
	c := pipeSession(t, srv)
	c.cmd("FROB", 500, "5.5.2")
	c.cmd("RCPT TO:<a@b.test>", 503, "5.5.1")
	c.cmd("FROB", 500, "5.5.2")
	c.expect(421, "4.7.0")
	c.expectClosed()
}

func TestTimeouts(t *testing.T) {
	t.Run("command", func(t *testing.T) {
		srv, _ := testServer(t, Config{CommandTimeout: 50 * time.Millisecond})
		c := pipeSession(t, srv)
		c.expect(421, "4.4.2")
		c.expectClosed()
	})
	t.Run("trickled command", func(t *testing.T) {
		// One byte every 20 ms, never a whole line, for as long as the
		// connection takes bytes: the deadline is per command, not per byte,
		// so the 421 must come although bytes keep arriving. With a per-byte
		// deadline it would never come and c.expect would fail at ioTimeout.
		srv, _ := testServer(t, Config{CommandTimeout: 200 * time.Millisecond})
		c := pipeSession(t, srv)
		stop := c.trickle(20 * time.Millisecond)
		c.expect(421, "4.4.2")
		if stop() == 0 {
			t.Error("no byte was trickled before the 421: the test did not exercise the per-command deadline")
		}
	})
	t.Run("data", func(t *testing.T) {
		srv, st := testServer(t, Config{DataTimeout: 100 * time.Millisecond})
		c := pipeSession(t, srv)
		c.cmd("EHLO client.test", 250, "")
		c.cmd("MAIL FROM:<a@x.test>", 250, "")
		c.cmd("RCPT TO:<b@y.test>", 250, "")
		c.cmd("DATA", 354, "")
		c.send("Subject: slow\r\n\r\nand then nothing")
		c.expect(421, "4.4.2")
		c.expectClosed()
		<-c.done
		if n := countNew(t, st); n != 0 {
			t.Errorf("%d messages stored after a DATA timeout, want 0", n)
		}
	})
}

func TestPipelining(t *testing.T) {
	srv, st := testServer(t, Config{})
	c, sc := pipePair(t, srv)
	c.ehlo("client.test")
	before := sc.writes.Load()
	c.send("MAIL FROM:<a@x.test>\r\nRCPT TO:<b@y.test>\r\nRCPT TO:<bad@>\r\nRCPT TO:<c@y.test>\r\nDATA\r\n")
	for _, want := range []int{250, 250, 501, 250, 354} {
		c.expect(want, "")
	}
	if n := sc.writes.Load() - before; n != 1 {
		t.Errorf("replies to one pipelined group took %d writes, want 1", n)
	}
	c.send("Subject: p\r\n\r\nbody\r\n.\r\nNOOP\r\nQUIT\r\n")
	id := queuedID(t, c.expect(250, "2.0.0"))
	c.expect(250, "2.0.0")
	c.expect(221, "2.0.0")
	c.expectClosed()
	rec, err := st.Record(id)
	if err != nil {
		t.Fatalf("Record(%s): %v", id, err)
	}
	if got := strings.Join(rec.Rcpts, ","); got != "b@y.test,c@y.test" {
		t.Errorf("record recipients = %q, want b@y.test,c@y.test", got)
	}
}

func TestPanicRecovery(t *testing.T) {
	srv, _ := testServer(t, Config{})
	srv.hook = func(cmd smtpcore.Command) {
		if cmd.Verb == "NOOP" && cmd.Arg == "boom" {
			panic("test panic")
		}
	}
	c := pipeSession(t, srv)
	other := pipeSession(t, srv)
	c.cmd("EHLO client.test", 250, "")
	c.cmd("MAIL FROM:<a@x.test>", 250, "")
	c.cmd("NOOP boom", 421, "4.3.0")
	c.expectClosed()
	other.cmd("NOOP", 250, "2.0.0")
	third := pipeSession(t, srv)
	third.cmd("NOOP", 250, "2.0.0")
}

// Reply text is ASCII (RFC 5321 §4.2): a UTF-8 or control-laden EHLO argument
// is never echoed back as it came.
func TestRepliesStayASCII(t *testing.T) {
	srv, _ := testServer(t, Config{AllowBareLF: false})
	c := pipeSession(t, srv)
	for _, line := range []string{"EHLO bücher.example", "HELO a\"b(c)\tß"} {
		r := c.cmd(line, 250, "")
		for i := 0; i < len(r.Text); i++ {
			if r.Text[i] >= 0x80 {
				t.Fatalf("%s: reply %q holds a non-ASCII byte", line, r.Text)
			}
		}
	}
	c.cmd("MAIL FROM:<a@x.test>", 250, "2.1.0")
	c.cmd("RCPT TO:<b@y.test>", 250, "2.1.5")
	c.cmd("DATA", 354, "")
	c.send("bare\nLF\r\n.\r\n")
	r := c.expect(550, "5.6.0")
	for i := 0; i < len(r.Text); i++ {
		if r.Text[i] >= 0x80 {
			t.Fatalf("bare LF refusal %q holds a non-ASCII byte", r.Text)
		}
	}
}
