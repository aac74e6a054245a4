package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

// TestComposeQuotedAndLiteralAddresses (issue 13 point 4): every RFC 5321
// Mailbox typed into Compose shows no error and goes into the envelope in its
// wire form; an address literal that matches no RFC 5321 §4.1.3 form, or a
// broken angle-addr, shows a reason that says what is wrong and sends nothing.
func TestComposeQuotedAndLiteralAddresses(t *testing.T) {
	valid := []struct {
		from, to string
		env      []string // the envelope recipients
	}{
		{`"x>y"@y.test`, `"a b"@z.test`, []string{`"a b"@z.test`}},
		{`Me <"q\"l"@[IPv6:2001:db8::1]>`, `Ann <""@[192.0.2.1]>, c@[IPv6:::ffff:192.0.2.2]`, []string{`""@[192.0.2.1]`, "c@[IPv6:::ffff:192.0.2.2]"}},
		{"me@[192.0.2.9]", `"Doe, J" <"x,y"@[x-tag:a>b]>`, []string{`"x,y"@[x-tag:a>b]`}},
		{"jörg@bücher.test", "用户@例子.广告", []string{"用户@例子.广告"}},
	}
	for _, tt := range valid {
		t.Run("valid "+tt.to, func(t *testing.T) {
			f := &fakeSender{}
			c, _, _ := newTestCompose(t, f.send)
			c.SetLocalServer("127.0.0.1:2525", "")
			c.subject.SetText("s")
			test.Type(c.from.entry, tt.from)
			test.Type(c.to.entry, tt.to)
			if r1, r2 := c.from.Reason(), c.to.Reason(); r1 != "" || r2 != "" || !c.CanSend() {
				t.Fatalf("From %q To %q: reasons %q %q, CanSend %v; want none and Send enabled", tt.from, tt.to, r1, r2, c.CanSend())
			}
			test.Tap(c.sendBtn)
			if f.calls != 1 || strings.Join(f.env.To, " ") != strings.Join(tt.env, " ") {
				t.Fatalf("From %q To %q: %d sends to %q, want 1 to %q", tt.from, tt.to, f.calls, f.env.To, tt.env)
			}
		})
	}

	invalid := []struct{ to, reason string }{
		{"a@[999.1.1.1]", "999 is more than 255"},
		{"a@[foo]", "not an IPv4 address"},
		{"a@[IPv6:zzz]", "not an IPv6 address"},
		{"a@[IPv6:fe80::1%eth0]", "not an IPv6 address"},
		{"ok@x.test, Ann <a@b.test", "missing >"},
		{`"unterminated@x.test`, "invalid address"},
	}
	f := &fakeSender{}
	c, _, _ := newTestCompose(t, f.send)
	c.SetLocalServer("127.0.0.1:2525", "")
	test.Type(c.from.entry, "me@example.org")
	c.subject.SetText("s")
	for _, tt := range invalid {
		t.Run("invalid "+tt.to, func(t *testing.T) {
			c.to.SetText("")
			test.Type(c.to.entry, tt.to)
			if r := c.to.Reason(); !strings.Contains(r, tt.reason) {
				t.Errorf("To %q: reason %q, want one containing %q", tt.to, r, tt.reason)
			}
			if c.CanSend() {
				t.Errorf("To %q: Send is enabled, want disabled", tt.to)
			}
			c.onSend()
			if f.calls != 0 {
				t.Errorf("To %q: %d sends, want none", tt.to, f.calls)
			}
		})
	}
	c.to.SetText(`"x>y"@[IPv6:::1]`)
	if r := c.to.Reason(); r != "" || !c.CanSend() {
		t.Errorf("To %q after the invalid ones: reason %q, CanSend %v; want none and Send enabled", c.to.Text(), r, c.CanSend())
	}
}
