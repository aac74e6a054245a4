package smtpcore

import (
	"strings"
	"testing"
	"unicode/utf8"
)

var printableTests = []struct {
	name, in, want string
}{
	{"plain", "250 2.0.0 Ok: queued as 4F1C21", "250 2.0.0 Ok: queued as 4F1C21"},
	{"tab kept", "a\tb", "a\tb"},
	{"OSC title and clear screen", "hi\x1b]0;pwned\x07\x1b[2J", `hi\x1b]0;pwned\x07\x1b[2J`},
	{"bare CR", "ok\rFAKE", `ok\x0dFAKE`},
	{"LF", "a\nb", `a\x0ab`},
	{"NUL and DEL", "a\x00b\x7f", `a\x00b\x7f`},
	{"C1 CSI as UTF-8", "a\u009b31mb", `a\u009b31mb`},
	{"C1 CSI as a raw byte", "a\x9b31mb", `a\x9b31mb`},
	{"bidi override", "abc\u202edcba\u202c", `abc\u202edcba\u202c`},
	{"bidi isolates", "\u2066x\u2069", `\u2066x\u2069`},
	{"LRM RLM ALM", "\u200e\u200f\u061c", `\u200e\u200f\u061c`},
	{"invalid UTF-8", "caf\xe9", `caf\xe9`},
	{"other scripts kept", "Grüße, 日本語, emoji 📬", "Grüße, 日本語, emoji 📬"},
	{"backslash kept", `a\x1b`, `a\x1b`},
}

func TestPrintable(t *testing.T) {
	for _, tt := range printableTests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Printable(tt.in); got != tt.want {
				t.Errorf("Printable(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestPrintableN(t *testing.T) {
	if got, want := PrintableN("abcdef\x1b", 3), "abc… (7 bytes)"; got != want {
		t.Errorf("PrintableN(abcdef ESC, 3) = %q, want %q", got, want)
	}
	if got := PrintableN("ab", 3); got != "ab" {
		t.Errorf("PrintableN(ab, 3) = %q, want ab", got)
	}
}

// FuzzPrintable checks that no control character, C1 control or bidi
// formatting character survives, that valid UTF-8 comes out, and that
// escaping twice is escaping once.
func FuzzPrintable(f *testing.F) {
	for _, tt := range printableTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Printable(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Printable(%q) = %q: not UTF-8", s, got)
		}
		for _, r := range got {
			if mustEscape(r) {
				t.Fatalf("Printable(%q) = %q: holds %U", s, got, r)
			}
		}
		if again := Printable(got); again != got {
			t.Fatalf("Printable(Printable(%q)) = %q, want %q", s, again, got)
		}
		if isPrintable(s) != (got == s) {
			t.Fatalf("isPrintable(%q) = %v but Printable gave %q", s, isPrintable(s), got)
		}
		if !strings.ContainsAny(s, "\\") && strings.Count(got, `\`) < countEscaped(s) {
			t.Fatalf("Printable(%q) = %q: fewer escapes than escaped characters", s, got)
		}
	})
}

func countEscaped(s string) int {
	n := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || mustEscape(r) {
			n++
		}
		i += size
	}
	return n
}
