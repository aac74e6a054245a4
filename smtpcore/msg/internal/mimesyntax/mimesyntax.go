// Package mimesyntax holds the lexical pieces of RFC 2045 and RFC 5322 that
// both the tolerant reader (package msg) and the strict linter (package
// msg/lint) need, so that the two read tokens, escapes and quoted strings
// alike. What each does with a malformed piece stays with its package.
package mimesyntax

import "strings"

// tspecials are the characters RFC 2045 §5.1 keeps out of a token.
const tspecials = `()<>@,;:\"/[]?=`

// IsToken reports an RFC 2045 §5.1 token: 1*<any CHAR except SPACE, CTLs,
// or tspecials>.
func IsToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(tspecials, c) >= 0 {
			return false
		}
	}
	return true
}

// HexOctet decodes the two hexadecimal digits that follow the escape
// character at s[i]: "=XX" (quoted-printable, RFC 2045 §6.7; RFC 2047 §4.2
// Q) or "%XX" (RFC 2231 §4). ok is false when s[i+1:i+3] are not two
// hexadecimal digits (either case).
func HexOctet[T string | []byte](s T, i int) (b byte, ok bool) {
	if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
		return 0, false
	}
	return unhex(s[i+1])<<4 | unhex(s[i+2]), true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// Unquote reads the RFC 5322 §3.2.4 quoted-string at the start of s (s[0]
// is the opening '"'; RFC 2045 §5.1 allows one as a parameter value): its
// content with each quoted-pair resolved, what follows the closing quote,
// and whether there was one. An unclosed quoted-string runs to the end of s.
func Unquote(s string) (content, rest string, closed bool) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case '"':
			return b.String(), s[i+1:], true
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), "", false
}
