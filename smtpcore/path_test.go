package smtpcore

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

var mailArgTests = []struct {
	arg      string
	path     string
	params   Params
	code     int
	enhanced string
}{
	{"FROM:<a@b.example>", "a@b.example", nil, 0, ""},
	{"from:<a@b.example>", "a@b.example", nil, 0, ""},
	{"FROM: <a@b.example>", "a@b.example", nil, 0, ""},
	{"FROM:<>", "", nil, 0, ""},
	{"FROM:<> BODY=8BITMIME", "", Params{"BODY": "8BITMIME"}, 0, ""},
	{"FROM:<a@b.example> SIZE=1000 body=8bitmime SMTPUTF8", "a@b.example", Params{"SIZE": "1000", "BODY": "8bitmime", "SMTPUTF8": ""}, 0, ""},
	{"FROM:<@relay.example,@r2.example:a@b.example>", "a@b.example", nil, 0, ""},
	{`FROM:<"john doe"@b.example>`, `"john doe"@b.example`, nil, 0, ""},
	{`FROM:<"a>b"@b.example>`, `"a>b"@b.example`, nil, 0, ""},
	{"FROM:<a@[192.0.2.1]>", "a@[192.0.2.1]", nil, 0, ""},
	{"FROM:<a@[IPv6:2001:db8::1]>", "a@[IPv6:2001:db8::1]", nil, 0, ""},
	// Every RFC 5321 Mailbox (issue 13 point 4): quoted local parts and the
	// address literals of §4.1.3.
	{`FROM:<"x>y"@y.test>`, `"x>y"@y.test`, nil, 0, ""},
	{`FROM:<""@y.test>`, `""@y.test`, nil, 0, ""},
	{`FROM:<"a\\b\"c"@[192.0.2.1]>`, `"a\\b\"c"@[192.0.2.1]`, nil, 0, ""},
	{"FROM:<a@[192.0.2.001]>", "a@[192.0.2.001]", nil, 0, ""},
	{"FROM:<a@[IPv6:::1]>", "a@[IPv6:::1]", nil, 0, ""},
	{"FROM:<a@[IPv6:::]>", "a@[IPv6:::]", nil, 0, ""},
	{"FROM:<a@[ipv6:2001:DB8:0:0:0:0:0:1]>", "a@[ipv6:2001:DB8:0:0:0:0:0:1]", nil, 0, ""},
	{"FROM:<a@[IPv6:1:2:3:4:5:6::]>", "a@[IPv6:1:2:3:4:5:6::]", nil, 0, ""},
	{"FROM:<a@[IPv6:::ffff:192.0.2.1]>", "a@[IPv6:::ffff:192.0.2.1]", nil, 0, ""},
	{"FROM:<a@[IPv6:1:2:3:4:5:6:192.0.2.1]>", "a@[IPv6:1:2:3:4:5:6:192.0.2.1]", nil, 0, ""},
	{"FROM:<a@[IPv6:1:2:3:4::192.0.2.1]>", "a@[IPv6:1:2:3:4::192.0.2.1]", nil, 0, ""},
	{"FROM:<a@[x-tag:a>b@c]> SIZE=1", "a@[x-tag:a>b@c]", Params{"SIZE": "1"}, 0, ""},
	{"FROM:<a@[999.1.1.1]>", "", nil, 501, "5.1.7"},
	{"FROM:<a@[foo]>", "", nil, 501, "5.1.7"},
	{"FROM:<a@[IPv6:zzz]>", "", nil, 501, "5.1.7"},
	{"FROM:<a@[1.2.3]>", "", nil, 501, "5.1.7"},
	{"FROM:<a@[1.2.3.4.5]>", "", nil, 501, "5.1.7"},
	{"FROM:<a@[1.2.3.0004]>", "", nil, 501, "5.1.7"},
	{"FROM:<a@[]>", "", nil, 501, "5.1.7"},
	{"FROM:<a@[IPv6:1:2:3:4:5:6:7]>", "", nil, 501, "5.1.7"},
	{"FROM:<a@[IPv6:1:2:3:4:5:6:7:8:9]>", "", nil, 501, "5.1.7"},
	{"FROM:<a@[IPv6:1:2:3:4:5:6:7::]>", "", nil, 501, "5.1.7"}, // "::" stands for two groups at least
	{"FROM:<a@[IPv6:1::2::3]>", "", nil, 501, "5.1.7"},
	{"FROM:<a@[IPv6:12345::]>", "", nil, 501, "5.1.7"},
	{"FROM:<a@[IPv6:fe80::1%eth0]>", "", nil, 501, "5.1.7"},
	{"FROM:<a@[IPv6:1:2:3:4:5::192.0.2.1]>", "", nil, 501, "5.1.7"},
	{"FROM:<a@[IPv6:1:2:3:4:5:6:7:192.0.2.1]>", "", nil, 501, "5.1.7"},
	{"FROM:<a@[IPv6:::192.0.2.256]>", "", nil, 501, "5.1.7"},
	{"FROM:<a@[IPv6:192.0.2.1]>", "", nil, 501, "5.1.7"},
	{"FROM:<a@[tag:]>", "", nil, 501, "5.1.7"},
	{"FROM:<a@[tag-:x]>", "", nil, 501, "5.1.7"},
	{"FROM:<a@[t_g:x]>", "", nil, 501, "5.1.7"},
	{"FROM:<a@[1.2.3.4]x>", "", nil, 501, "5.1.7"},
	{"FROM:<jürgen@bücher.example> SMTPUTF8", "jürgen@bücher.example", Params{"SMTPUTF8": ""}, 0, ""},
	{"FROM:a@b.example", "", nil, 501, "5.1.7"},
	{"FROM:<a@b.example", "", nil, 501, "5.1.7"},
	{"FROM:<a@>", "", nil, 501, "5.1.7"},
	{"FROM:<@b.example>", "", nil, 501, "5.1.7"},
	{"FROM:<a..b@c.example>", "", nil, 501, "5.1.7"},
	{"FROM:<a@-b.example>", "", nil, 501, "5.1.7"},
	{"FROM:<a b@c.example>", "", nil, 501, "5.1.7"},
	{"FROM:<Postmaster>", "", nil, 501, "5.1.7"},
	{"FROM:<" + strings.Repeat("x", 65) + "@b.example>", "", nil, 501, "5.1.7"},
	{"FROM:<a@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 63) + "." + strings.Repeat("e", 63) + ">", "", nil, 501, "5.1.7"},
	{"FROM:<a@b.example>SIZE=10", "", nil, 501, "5.5.4"},
	{"FROM:<a@b.example> SIZE=", "", nil, 501, "5.5.4"},
	{"FROM:<a@b.example> SIZE=1 SIZE=2", "", nil, 501, "5.5.4"},
	{"FROM:<a@b.example> -X=1", "", nil, 501, "5.5.4"},
	{"TO:<a@b.example>", "", nil, 501, "5.5.4"},
	{"FROM", "", nil, 501, "5.5.4"},
}

func TestParseMailArg(t *testing.T) {
	for _, tt := range mailArgTests {
		t.Run(tt.arg, func(t *testing.T) {
			p, params, err := ParseMailArg(tt.arg)
			checkPathResult(t, "ParseMailArg", tt.arg, p, params, err, tt.path, tt.params, tt.code, tt.enhanced)
		})
	}
}

var rcptArgTests = []struct {
	arg      string
	path     string
	params   Params
	code     int
	enhanced string
}{
	{"TO:<x@y.example>", "x@y.example", nil, 0, ""},
	{"to:<x@y.example> NOTIFY=NEVER", "x@y.example", Params{"NOTIFY": "NEVER"}, 0, ""},
	{"TO:<Postmaster>", "Postmaster", nil, 0, ""},
	{"TO:<postmaster>", "postmaster", nil, 0, ""},
	{`TO:<"x>y"@y.test>`, `"x>y"@y.test`, nil, 0, ""},
	{"TO:<x@[IPv6:2001:db8::192.0.2.1]>", "x@[IPv6:2001:db8::192.0.2.1]", nil, 0, ""},
	{"TO:<x@[999.1.1.1]>", "", nil, 501, "5.1.3"},
	{"TO:<x@[IPv6:zzz]>", "", nil, 501, "5.1.3"},
	{"TO:<>", "", nil, 501, "5.1.3"},
	{"TO:<x>", "", nil, 501, "5.1.3"},
	{"TO:<x@y.example\r>", "", nil, 501, "5.1.3"},
	{"TO:<\"unterminated@y.example>", "", nil, 501, "5.1.3"},
	{"FROM:<x@y.example>", "", nil, 501, "5.5.4"},
}

func TestParseRcptArg(t *testing.T) {
	for _, tt := range rcptArgTests {
		t.Run(tt.arg, func(t *testing.T) {
			p, params, err := ParseRcptArg(tt.arg)
			checkPathResult(t, "ParseRcptArg", tt.arg, p, params, err, tt.path, tt.params, tt.code, tt.enhanced)
		})
	}
}

func checkPathResult(t *testing.T, fn, arg string, p Path, params Params, err error, path string, wantParams Params, code int, enhanced string) {
	t.Helper()
	if code != 0 {
		var r *Reply
		if !errors.As(err, &r) || r.Code != code || r.Enhanced != enhanced {
			t.Fatalf("%s(%q) error = %v, want %d %s", fn, arg, err, code, enhanced)
		}
		return
	}
	if err != nil {
		t.Fatalf("%s(%q) error = %v, want path %q", fn, arg, err, path)
	}
	if p.String() != path {
		t.Fatalf("%s(%q) = %q, want %q", fn, arg, p.String(), path)
	}
	if len(params) != len(wantParams) {
		t.Fatalf("%s(%q) params = %v, want %v", fn, arg, params, wantParams)
	}
	for k, v := range wantParams {
		if got, ok := params[k]; !ok || got != v {
			t.Fatalf("%s(%q) params[%s] = %q, want %q", fn, arg, k, got, v)
		}
	}
}

func TestPathIsASCII(t *testing.T) {
	p, _, err := ParseMailArg("FROM:<jürgen@b.example>")
	if err != nil || p.IsASCII() {
		t.Fatalf("ParseMailArg(jürgen) = %v, %v; want a non-ASCII path", p, err)
	}
	p, _, _ = ParseMailArg("FROM:<j@b.example>")
	if !p.IsASCII() {
		t.Fatalf("Path %v.IsASCII() = false, want true", p)
	}
}

func FuzzParsePath(f *testing.F) {
	for _, tt := range mailArgTests {
		f.Add(tt.arg)
	}
	for _, tt := range rcptArgTests {
		f.Add(tt.arg)
	}
	f.Fuzz(func(t *testing.T, arg string) {
		for _, parse := range []func(string) (Path, Params, error){ParseMailArg, ParseRcptArg} {
			p, params, err := parse(arg)
			if err != nil {
				var r *Reply
				if !errors.As(err, &r) || r.Code != 501 {
					t.Fatalf("parse(%q) error %v is not a 501 reply", arg, err)
				}
				continue
			}
			s := p.String()
			bare := p.Local
			if strings.HasPrefix(p.Local, `"`) {
				bare = ""
			}
			if strings.HasPrefix(p.Domain, "[") {
				if err := CheckAddressLiteral(p.Domain); err != nil {
					t.Fatalf("parse(%q) = %q with a bad literal: %v", arg, s, err)
				}
			} else {
				bare += p.Domain
			}
			if strings.ContainsAny(bare, "\r\n\x00 <>[]") {
				t.Fatalf("parse(%q) = %q leaks a forbidden byte", arg, s)
			}
			if strings.ContainsAny(s, "\r\n") || len(p.Local) > MaxLocalPartLength || len(p.Domain) > MaxDomainLength {
				t.Fatalf("parse(%q) = %q breaks a limit", arg, s)
			}
			// What was parsed reads back the same.
			back, err := ParsePath("<" + s + ">")
			if err != nil || back != p {
				t.Fatalf("ParsePath(<%s>) = %v, %v; want %v", s, back, err, p)
			}
			for k := range params {
				if strings.ContainsAny(k+params[k], " \r\n") {
					t.Fatalf("parse(%q) param %q=%q leaks whitespace", arg, k, params[k])
				}
			}
		}
	})
}

// TestCheckAddressLiteralText: the refusal says what is wrong, in words.
func TestCheckAddressLiteralText(t *testing.T) {
	for lit, want := range map[string]string{
		"[999.1.1.1]":      "999 is more than 255",
		"[foo]":            "four numbers separated by dots",
		"[IPv6:zzz]":       "not an IPv6 address in a form RFC 5321 §4.1.3 allows",
		"[-x-:y]":          "bad tag",
		"[x:]":             "nothing after its tag",
		"[a b]":            "holds ' '",
		"192.0.2.1":        "not enclosed",
		"[IPv6:::1%eth0]":  "not an IPv6 address",
		"[1.2.3.4\x1b[2J]": `holds '\x1b'`,
	} {
		err := CheckAddressLiteral(lit)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckAddressLiteral(%q) = %v, want an error containing %q", lit, err, want)
		}
	}
	for _, lit := range []string{"[0.0.0.0]", "[255.255.255.255]", "[IPv6:a:b:c:d:e:f:0:1]", "[IPv6:a::]", "[IPv6:::a]", "[IPv6:1:2:3:4:5:6:1.2.3.4]", "[IPv6:::1.2.3.4]", "[X400:c=us;a=;p=x]", "[-ab:c]"} {
		if err := CheckAddressLiteral(lit); err != nil {
			t.Errorf("CheckAddressLiteral(%q) = %v, want nil", lit, err)
		}
	}
}

func TestParseMailbox(t *testing.T) {
	tests := []struct{ in, local, domain, err string }{
		{in: `"x>y"@y.test`, local: `"x>y"`, domain: "y.test"},
		{in: `""@[IPv6:::1]`, local: `""`, domain: "[IPv6:::1]"},
		{in: `a@[tag:b@c]`, local: "a", domain: "[tag:b@c]"},
		{in: "jörg@exämple.test", local: "jörg", domain: "exämple.test"},
		{in: "", err: "empty"},
		{in: "@x.test", err: "missing local part"},
		{in: "Postmaster", err: "no domain"},
		{in: "@r.test:a@x.test", err: "missing local part"},
		{in: "a@[foo]", err: `address literal "[foo]"`},
		{in: "a b@x.test", err: "bad local part"},
	}
	for _, tt := range tests {
		p, err := ParseMailbox(tt.in)
		switch {
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("ParseMailbox(%q) = %v, %v; want an error containing %q", tt.in, p, err, tt.err)
		case tt.err == "" && (err != nil || p.Local != tt.local || p.Domain != tt.domain):
			t.Errorf("ParseMailbox(%q) = %q %q, %v; want %q %q", tt.in, p.Local, p.Domain, err, tt.local, tt.domain)
		}
	}
}

var quoteLocalTests = []struct{ decoded, wire string }{
	{"john", "john"},
	{"first.last", "first.last"},
	{"jörg", "jörg"},
	{"", `""`},
	{"john doe", `"john doe"`},
	{"x>y", `"x>y"`},
	{`a"b\c`, `"a\"b\\c"`},
	{".a", `".a"`},
	{"a..b", `"a..b"`},
	{"a@b", `"a@b"`},
}

func TestQuoteLocalPart(t *testing.T) {
	for _, tt := range quoteLocalTests {
		if got := QuoteLocalPart(tt.decoded); got != tt.wire {
			t.Errorf("QuoteLocalPart(%q) = %q, want %q", tt.decoded, got, tt.wire)
		}
		if got := UnquoteLocalPart(tt.wire); got != tt.decoded {
			t.Errorf("UnquoteLocalPart(%q) = %q, want %q", tt.wire, got, tt.decoded)
		}
	}
}

// FuzzQuoteLocalPart: every printable local part quotes to a form the path
// parser takes and unquotes back to itself.
func FuzzQuoteLocalPart(f *testing.F) {
	for _, tt := range quoteLocalTests {
		f.Add(tt.decoded)
	}
	f.Fuzz(func(t *testing.T, local string) {
		if !utf8.ValidString(local) || strings.ContainsFunc(local, func(r rune) bool { return r < 32 || r == 127 || r == utf8.RuneError }) {
			return
		}
		wire := QuoteLocalPart(local)
		if got := UnquoteLocalPart(wire); got != local {
			t.Fatalf("UnquoteLocalPart(QuoteLocalPart(%q) = %q) = %q", local, wire, got)
		}
		if len(wire) > MaxLocalPartLength {
			return
		}
		p, err := ParseMailbox(wire + "@x.test")
		if err != nil || p.Local != wire {
			t.Fatalf("ParseMailbox(%q) = %q, %v; want local %q", wire+"@x.test", p.Local, err, wire)
		}
	})
}
