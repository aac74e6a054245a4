package smtpcore

import (
	"strings"
	"testing"
)

// TestCheckEnvelope: every RFC 5321 Mailbox passes the check made before
// connecting (issue 13 point 4: `"x>y"@y.test` was refused), and nothing
// that would add a parameter or a command to MAIL or RCPT does.
func TestCheckEnvelope(t *testing.T) {
	tests := []struct {
		from, to string
		err      string // "" = accepted
	}{
		{from: `"x>y"@y.test`, to: `"a<b"@z.test`},
		{from: "", to: `""@y.test`},
		{from: "a@[IPv6:2001:db8::1]", to: "b@[192.0.2.1]"},
		{from: "a@x.test", to: "b@[x-tag:c>d]"},
		{from: "jörg@bücher.test", to: "用户@例子.广告"},
		{from: "a@x.test> SIZE=1", to: "b@y.test", err: "invalid sender address"},
		{from: "a@x.test", to: "b@y.test> NOTIFY=NEVER", err: "invalid recipient address"},
		{from: "a@x.test", to: "b@y.test>\r\nRSET", err: "invalid recipient address"},
		{from: "a@x.test", to: "<b@y.test>", err: "invalid recipient address"},
		{from: "@r.test:a@x.test", to: "b@y.test", err: "source route"},
		{from: "a@x.test", to: "b@[foo]", err: `address literal "[foo]"`},
		{from: "a@x.test", to: "", err: "invalid recipient address"},
	}
	for _, tt := range tests {
		_, _, err := checkEnvelope(Envelope{From: tt.from, To: []string{tt.to}})
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("checkEnvelope(%q, %q) = %v, want nil", tt.from, tt.to, err)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("checkEnvelope(%q, %q) = %v, want an error containing %q", tt.from, tt.to, err, tt.err)
		}
	}
}

// FuzzEnvelopeAddr: an address envelopeAddr accepts is one whole path, the
// same one ParsePath reads from "<"+a+">", and it reads back as written; so
// MAIL FROM:<a> and RCPT TO:<a> carry that path and nothing else.
func FuzzEnvelopeAddr(f *testing.F) {
	for _, a := range []string{`"x>y"@y.test`, `""@y.test`, "a@[IPv6:2001:db8::1]", "b@[x-tag:c>d]",
		"jörg@bücher.test", "a@x.test> SIZE=1", "b@y.test>  ", "b@y.test> >", "<b@y.test>", "@r.test:a@x.test", ""} {
		f.Add(a, true)
		f.Add(a, false)
	}
	f.Fuzz(func(t *testing.T, a string, sender bool) {
		p, err := envelopeAddr(a, sender)
		if err != nil {
			return
		}
		whole, err := ParsePath("<" + a + ">")
		if err != nil || whole != p || p.String() != a {
			t.Errorf("envelopeAddr(%q) = %+v, but ParsePath(<a>) = %+v, %v", a, p, whole, err)
		}
	})
}
