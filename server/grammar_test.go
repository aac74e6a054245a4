package server

import (
	"strings"
	"testing"
)

// grammarStep is one exchange of a scripted session: send is written as it is
// (tests spell CRLF); each reply is then read and checked. A step with no
// reply checks only that the line was taken in silence (nothing is read).
type grammarStep struct {
	send    string
	replies []grammarReply
}

type grammarReply struct {
	code     int
	enhanced string
	text     string // a substring of the reply text; "" = any
}

func rep(code int, enhanced, text string) grammarReply { return grammarReply{code, enhanced, text} }

const grammarTx = "MAIL FROM:<a@x.test>\r\nRCPT TO:<b@y.test>\r\n"

func ehloStep() grammarStep { return grammarStep{"EHLO c.test\r\n", []grammarReply{rep(250, "", "")}} }
func txStep() grammarStep {
	return grammarStep{grammarTx, []grammarReply{rep(250, "2.1.0", ""), rep(250, "2.1.5", "")}}
}

// grammarTests are the RFC 5321 §4.1, RFC 1870, RFC 3030, RFC 6152 and
// RFC 6531 grammar points of issue 13 point 6, each as a session. Each of
// them failed before the fix except where marked "(held before)".
var grammarTests = []struct {
	name   string
	bareLF bool // Config.AllowBareLF
	steps  []grammarStep
	closed bool // the server hangs up after the last step
}{
	{name: "SIZE of 20 digits is too big, not bad syntax (RFC 1870 size-value = 1*20DIGIT)", steps: []grammarStep{ehloStep(),
		{"MAIL FROM:<a@x.test> SIZE=99999999999999999999\r\n", []grammarReply{rep(552, "5.3.4", "exceeds fixed maximum")}},
		{"MAIL FROM:<a@x.test> SIZE=00000000000000000005\r\n", []grammarReply{rep(250, "2.1.0", "")}},
	}},
	{name: "SIZE with a sign, 21 digits or not a number is refused", steps: []grammarStep{ehloStep(),
		{"MAIL FROM:<a@x.test> SIZE=+5\r\n", []grammarReply{rep(501, "5.5.4", "1 to 20 digits")}},
		{"MAIL FROM:<a@x.test> SIZE=-5\r\n", []grammarReply{rep(501, "5.5.4", "Bad SIZE")}},
		{"MAIL FROM:<a@x.test> SIZE=123456789012345678901\r\n", []grammarReply{rep(501, "5.5.4", "Bad SIZE")}},
		{"MAIL FROM:<a@x.test> SIZE=1e3\r\n", []grammarReply{rep(501, "5.5.4", "Bad SIZE")}},
		{"MAIL FROM:<a@x.test> SIZE=5\r\n", []grammarReply{rep(250, "2.1.0", "")}},
	}},
	{name: "BDAT -0 is refused (RFC 3030 chunk-size = 1*DIGIT)", steps: []grammarStep{ehloStep(), txStep(),
		{"BDAT -0 LAST\r\n", []grammarReply{rep(501, "5.5.4", "Syntax: BDAT size")}},
	}, closed: true},
	{name: "BDAT +5 is refused", steps: []grammarStep{ehloStep(), txStep(),
		{"BDAT +5\r\nhello", []grammarReply{rep(501, "5.5.4", "")}},
	}, closed: true},
	{name: "BDAT with more digits than any size is too big (held before as 501)", steps: []grammarStep{ehloStep(), txStep(),
		{"BDAT " + strings.Repeat("9", 30) + "\r\n", []grammarReply{rep(552, "5.3.4", "Chunk size")}},
	}, closed: true},
	{name: "BDAT with leading zeros is a size like any (held before)", steps: []grammarStep{ehloStep(), txStep(),
		{"BDAT 0000000000000000000000005 LAST\r\nhello", []grammarReply{rep(250, "2.0.0", "queued")}},
	}},
	{name: "address literals that match no RFC 5321 §4.1.3 form", steps: []grammarStep{ehloStep(),
		{"MAIL FROM:<a@[foo]>\r\n", []grammarReply{rep(501, "5.1.7", `address literal "[foo]" is not an IPv4 address`)}},
		{"MAIL FROM:<a@x.test>\r\n", []grammarReply{rep(250, "2.1.0", "")}},
		{"RCPT TO:<b@[999.1.1.1]>\r\n", []grammarReply{rep(501, "5.1.3", "999 is more than 255")}},
		{"RCPT TO:<b@[IPv6:zzz]>\r\n", []grammarReply{rep(501, "5.1.3", "not an IPv6 address in a form RFC 5321 §4.1.3 allows")}},
		{"RCPT TO:<b@[IPv6:fe80::1%eth0]>\r\n", []grammarReply{rep(501, "5.1.3", "IPv6")}},
		{"RCPT TO:<b@[1.2.3.4\x1b]2;x\x07]>\r\n", []grammarReply{rep(500, "5.5.2", "Control characters")}},
		{"RCPT TO:<b@[IPv6:2001:db8::192.0.2.1]>\r\n", []grammarReply{rep(250, "2.1.5", "")}},
		{"RCPT TO:<\"x>y\"@[x-tag:a>b]>\r\n", []grammarReply{rep(250, "2.1.5", `<"x>y"@[x-tag:a>b]>`)}},
	}},
	{name: "after HELO no extension parameter is taken (RFC 5321 §4.1.1.11)", steps: []grammarStep{
		{"HELO c.test\r\n", []grammarReply{rep(250, "", "")}},
		{"MAIL FROM:<a@x.test> SIZE=10\r\n", []grammarReply{rep(555, "5.5.4", "Parameter SIZE needs EHLO")}},
		{"MAIL FROM:<a@x.test> BODY=8BITMIME\r\n", []grammarReply{rep(555, "5.5.4", "BODY")}},
		{"MAIL FROM:<a@x.test> SMTPUTF8\r\n", []grammarReply{rep(555, "5.5.4", "SMTPUTF8")}},
		{"MAIL FROM:<ö@x.test>\r\n", []grammarReply{rep(553, "5.6.7", "SMTPUTF8")}},
		txStep(),
		{"BDAT 5 LAST\r\nhello", []grammarReply{rep(503, "5.5.1", "Send EHLO first")}},
		{"NOOP\r\n", []grammarReply{rep(250, "2.0.0", "")}}, // in step: the chunk was read
		{"DATA\r\n", []grammarReply{rep(354, "", "")}},
		{"Subject: plain\r\n\r\nhi\r\n.\r\n", []grammarReply{rep(250, "2.0.0", "queued")}},
		{"EHLO c.test\r\n", []grammarReply{rep(250, "", "")}},
		{"MAIL FROM:<a@x.test> SIZE=10 BODY=8BITMIME\r\n", []grammarReply{rep(250, "2.1.0", "")}},
	}},
	{name: "BDAT before any greeting is read and refused", steps: []grammarStep{
		{"BDAT 3\r\nabcNOOP\r\n", []grammarReply{rep(503, "5.5.1", "Send EHLO first"), rep(250, "2.0.0", "")}},
	}},
	{name: "a bare LF ends no command line (RFC 5321 §2.3.8)", steps: []grammarStep{ehloStep(),
		{"MAIL FROM:<a@x.test>\nRCPT TO:<b@y.test>\r\n", []grammarReply{rep(500, "5.5.2", "bare LF")}},
		{"RCPT TO:<b@y.test>\r\n", []grammarReply{rep(503, "5.5.1", "Send MAIL first")}}, // MAIL never ran
		{"NOOP\n", nil},
		{"NOOP\r\n", []grammarReply{rep(500, "5.5.2", "CRLF")}}, // one line: "NOOP\nNOOP"
		{"\n\r\n", []grammarReply{rep(500, "5.5.2", "bare LF")}},
		{"NOOP\r\n", []grammarReply{rep(250, "2.0.0", "")}},
	}},
	{name: "AllowBareLF takes LF-ended commands (held before)", bareLF: true, steps: []grammarStep{
		{"EHLO c.test\n", []grammarReply{rep(250, "", "")}},
		{"MAIL FROM:<a@x.test>\nRCPT TO:<b@y.test>\n", []grammarReply{rep(250, "2.1.0", ""), rep(250, "2.1.5", "")}},
	}},
}

func TestGrammar(t *testing.T) {
	for _, tt := range grammarTests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := testServer(t, Config{Hostname: "mx.test", AllowBareLF: tt.bareLF})
			c := pipeSession(t, srv)
			for _, st := range tt.steps {
				c.send(st.send)
				for _, w := range st.replies {
					r := c.read()
					if r.Code != w.code || w.enhanced != "" && r.Enhanced != w.enhanced || !strings.Contains(r.Text, w.text) {
						t.Fatalf("after %q: reply %q, want %d %s …%s…", shorten(st.send), r.Error(), w.code, w.enhanced, w.text)
					}
				}
			}
			if tt.closed {
				c.expectClosed()
			}
		})
	}
}

// grammarSeeds are the sessions of grammarTests as FuzzSession seeds.
func grammarSeeds() []string {
	var seeds []string
	for _, tt := range grammarTests {
		var b strings.Builder
		for _, st := range tt.steps {
			b.WriteString(st.send)
		}
		seeds = append(seeds, b.String())
	}
	return seeds
}
