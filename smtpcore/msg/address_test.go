package msg

import (
	"errors"
	"net/mail"
	"strings"
	"testing"
	"unicode/utf8"

	"letterbox/smtpcore"
)

var addressTests = []struct {
	in       string
	wantName string
	wantSpec string // AddrSpec of the result; "" = must fail
	wantErr  string // substring of the error
}{
	{in: "user@example.org", wantSpec: "user@example.org"},
	{in: "  user@example.org  ", wantSpec: "user@example.org"},
	{in: "Jane Doe <jane@example.org>", wantName: "Jane Doe", wantSpec: "jane@example.org"},
	{in: "=?utf-8?B?0000?= <a@example.org>", wantName: "ÓM4", wantSpec: "a@example.org"}, // a UTF-8 word that is not UTF-8
	{in: `"Doe, Jane" <jane@example.org>`, wantName: "Doe, Jane", wantSpec: "jane@example.org"},
	{in: `"john doe"@example.org`, wantSpec: `"john doe"@example.org`},
	{in: `"a\"b"@example.org`, wantSpec: `"a\"b"@example.org`},
	{in: "=?utf-8?q?J=C3=B6rg?= <j@example.org>", wantName: "Jörg", wantSpec: "j@example.org"},
	{in: "Jörg Müller <jörg@exämple.org>", wantName: "Jörg Müller", wantSpec: "jörg@exämple.org"},
	{in: "用户@例子.广告", wantSpec: "用户@例子.广告"},
	{in: "root@localhost", wantSpec: "root@localhost"},
	{in: "a@[192.0.2.1]", wantSpec: "a@[192.0.2.1]"},
	{in: "first.last+tag@sub.example.co.uk", wantSpec: "first.last+tag@sub.example.co.uk"},
	// Every RFC 5321 Mailbox (issue 13 point 4).
	{in: `"x>y"@y.test`, wantSpec: `"x>y"@y.test`},
	{in: `Name <"x>y"@y.test>`, wantName: "Name", wantSpec: `"x>y"@y.test`},
	{in: `""@y.test`, wantSpec: `""@y.test`},
	{in: `"Doe, J" <"quoted\"local"@[192.0.2.1]>`, wantName: "Doe, J", wantSpec: `"quoted\"local"@[192.0.2.1]`},
	{in: `Ann <"a b"@[IPv6:2001:db8::1]>`, wantName: "Ann", wantSpec: `"a b"@[IPv6:2001:db8::1]`},
	{in: "a@[IPv6:::1]", wantSpec: "a@[IPv6:::1]"},
	{in: "a@[IPv6:::ffff:192.0.2.1]", wantSpec: "a@[IPv6:::ffff:192.0.2.1]"},
	{in: "a@[IPv6:1:2:3:4:5:6:7:8]", wantSpec: "a@[IPv6:1:2:3:4:5:6:7:8]"},
	{in: "a@[x-tag:b@c,d>(e]", wantSpec: "a@[x-tag:b@c,d>(e]"},
	{in: `Bob <"x@y"@z.test>`, wantName: "Bob", wantSpec: `"x@y"@z.test`},
	{in: `"john"@example.org`, wantSpec: "john@example.org"},
	{in: "john@example.org (John Doe)", wantName: "John Doe", wantSpec: "john@example.org"},
	{in: "=?utf-8?q?J=C3=B6rg?= <\"j g\"@[IPv6:::1]>", wantName: "Jörg", wantSpec: `"j g"@[IPv6:::1]`},
	{in: "jörg@[192.0.2.1]", wantSpec: "jörg@[192.0.2.1]"},
	{in: "a@[999.1.1.1]", wantErr: "999 is more than 255"},
	{in: "a@[foo]", wantErr: `address literal "[foo]"`},
	{in: "a@[IPv6:zzz]", wantErr: "not an IPv6 address"},
	{in: "a@[IPv6:fe80::1%eth0]", wantErr: "not an IPv6 address"},
	{in: "Name <a@b.test", wantErr: "missing >"},
	{in: `"unterminated@b.test`, wantErr: "invalid address"},
	{in: "Name <a@b.test> junk", wantErr: "invalid address"},
	{in: "", wantErr: "empty"},
	{in: "foo", wantErr: `invalid address "foo": missing @`},
	{in: "foo@", wantErr: `invalid address "foo@": missing domain`},
	{in: "@example.org", wantErr: "missing local part"},
	{in: "Name <foo@>", wantErr: "missing domain"},
	{in: "a@b\r\nBcc: x@y", wantErr: "line break"},
	{in: "a@b\n", wantErr: "line break"},
	{in: "a\r@b", wantErr: "line break"},
	{in: strings.Repeat("l", 65) + "@example.org", wantErr: "local part is 65 octets"},
	{in: "a@" + strings.Repeat("d", 63) + "." + strings.Repeat("e", 63) + "." + strings.Repeat("f", 63) + "." + strings.Repeat("g", 63) + ".org", wantErr: "domain"},
	{in: strings.Repeat("l", 64) + "@" + strings.Repeat(strings.Repeat("d", 60)+".", 3) + strings.Repeat("e", 20) + ".org", wantErr: "limit is 254"},
	{in: "a@-bad-.org", wantErr: "bad domain"},
	{in: "a@exa mple.org", wantErr: "invalid address"},
	{in: "a@b@c", wantErr: "invalid address"},
	{in: "a@[300.1.1.1]", wantErr: "invalid address"},
	{in: "a@example..org", wantErr: "invalid address"},
	{in: "a@b, c@d", wantErr: "invalid address"},
	{in: "a\x00b@example.org", wantErr: "invalid address"},
}

func TestParseAddress(t *testing.T) {
	for _, tt := range addressTests {
		t.Run(tt.in, func(t *testing.T) {
			a, err := ParseAddress(tt.in)
			if tt.wantSpec == "" {
				if err == nil {
					t.Fatalf("ParseAddress(%q) = %q, want error containing %q", tt.in, a.String(), tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseAddress(%q) error = %q, want it to contain %q", tt.in, err, tt.wantErr)
				}
				var ae *AddressError
				if !errors.As(err, &ae) || ae.Input != tt.in {
					t.Fatalf("ParseAddress(%q) error %v is not an *AddressError naming the input", tt.in, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseAddress(%q) error %v, want %q", tt.in, err, tt.wantSpec)
			}
			if got := AddrSpec(a); got != tt.wantSpec || a.Name != tt.wantName {
				t.Fatalf("ParseAddress(%q) = name %q spec %q, want %q %q", tt.in, a.Name, got, tt.wantName, tt.wantSpec)
			}
		})
	}
}

func TestParseAddressList(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr string
	}{
		{in: "", want: nil},
		{in: "   ", want: nil},
		{in: "a@x.org", want: []string{"a@x.org"}},
		{in: `"Doe, John" <j@x.org>, k@y.org,`, want: []string{"j@x.org", "k@y.org"}},
		{in: `a@x.org, bad@, c@z.org`, wantErr: `invalid address " bad@": missing domain`},
		{in: "a@x.org,\r\nb@y.org", wantErr: "line break"},
		{in: `"x>y"@y.test, Bob <"a,b"@[IPv6:::1]>, c@[tag:d,e]`, want: []string{`"x>y"@y.test`, `"a,b"@[IPv6:::1]`, "c@[tag:d,e]"}},
		{in: "a@x.org, b@[999.1.1.1]", wantErr: "999 is more than 255"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseAddressList(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseAddressList(%q) error = %v, want %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseAddressList(%q) error %v", tt.in, err)
			}
			var specs []string
			for _, a := range got {
				specs = append(specs, AddrSpec(a))
			}
			if strings.Join(specs, " ") != strings.Join(tt.want, " ") || (tt.want == nil) != (got == nil) {
				t.Fatalf("ParseAddressList(%q) = %q, want %q", tt.in, specs, tt.want)
			}
		})
	}
}

func TestIsASCIIAddress(t *testing.T) {
	for in, want := range map[string]bool{"a@b.org": true, "jörg@b.org": false, "a@exämple.org": false, "": true} {
		if got := IsASCIIAddress(in); got != want {
			t.Errorf("IsASCIIAddress(%q) = %v, want %v", in, got, want)
		}
	}
}

// FuzzParseAddress: an accepted address never holds CR or LF, and its
// String form parses back to the same name and addr-spec.
func FuzzParseAddress(f *testing.F) {
	for _, tt := range addressTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		a, err := ParseAddress(in)
		if err != nil {
			return
		}
		if strings.ContainsAny(a.Name+a.Address, "\r\n") {
			t.Fatalf("ParseAddress(%q) accepted CR/LF: %q", in, a)
		}
		if strings.ContainsAny(in, "\r\n") {
			t.Fatalf("ParseAddress(%q) accepted an input with CR/LF", in)
		}
		// What the message writer puts in a To field reads back the same,
		// and the envelope form passes the SMTP path parser.
		if !utf8.ValidString(a.Name) {
			return // an encoded word of bad UTF-8: the writer puts U+FFFD in its place
		}
		field, err := foldField("To", addressListTokens([]*mail.Address{a}))
		if err != nil {
			return // a name too long for one line: Build refuses it too
		}
		value := strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(string(field), "To: "), "\r\n"), "\r\n ", " ")
		b, err := ParseAddress(value)
		if err != nil {
			t.Fatalf("ParseAddress(%q) = %q, written %q, which does not parse back: %v", in, a.Address, value, err)
		}
		if b.Name != a.Name || b.Address != a.Address {
			t.Fatalf("round trip of %q through %q: %q %q, want %q %q", in, value, b.Name, b.Address, a.Name, a.Address)
		}
		if p, err := smtpcore.ParseMailbox(AddrSpec(a)); err != nil || p.String() != AddrSpec(a) {
			t.Fatalf("envelope of %q: ParseMailbox(%q) = %v, %v", in, AddrSpec(a), p, err)
		}
	})
}
