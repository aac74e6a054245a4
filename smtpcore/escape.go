package smtpcore

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Printable returns s in a form that is safe to show on a terminal, in a log
// line or in a window, whoever wrote it (a server's reply, a client's command,
// an address). Every control character except tab is escaped, so a peer can
// neither drive a terminal (ESC ] 0 ; title BEL, ESC [ 2 J, the C1 CSI
// U+009B), nor start a fake line (CR, LF), nor reorder what is shown:
//
//   - C0 controls other than tab, and DEL: \x1b, \x0d, \x7f
//   - C1 controls (U+0080–U+009F): \u009b
//   - bidirectional formatting (U+061C, U+200E, U+200F, U+202A–U+202E,
//     U+2066–U+2069), which can make text read in another order (the
//     "Trojan Source" trick, CVE-2021-42574): \u202e
//   - bytes that are not UTF-8: \xff
//
// Everything else, other scripts and emoji included, is kept as it is. The
// result holds no character Printable would change, so applying it twice
// changes nothing: each layer (client, server, window) may apply it without
// fear of double escaping.
func Printable(s string) string {
	return PrintableN(s, -1)
}

// PrintableN is Printable, shortened when the result reaches max bytes: what
// follows is replaced by "… (N bytes)" giving the length of s. max < 0 means
// no limit.
func PrintableN(s string, max int) string {
	if max < 0 && isPrintable(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if max >= 0 && b.Len() >= max {
			fmt.Fprintf(&b, "… (%d bytes)", len(s))
			break
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r < 0x80 && mustEscape(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case mustEscape(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// isPrintable reports whether Printable would return s unchanged.
func isPrintable(s string) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || mustEscape(r) {
			return false
		}
		i += size
	}
	return true
}

// mustEscape reports whether r is a character Printable escapes.
func mustEscape(r rune) bool {
	switch {
	case r == '\t':
		return false
	case r < 0x20, r >= 0x7f && r <= 0x9f: // C0, DEL, C1
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f: // ALM, LRM, RLM
		return true
	case r >= 0x202a && r <= 0x202e: // LRE, RLE, PDF, LRO, RLO
		return true
	case r >= 0x2066 && r <= 0x2069: // LRI, RLI, FSI, PDI
		return true
	}
	return false
}
