package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/term"
)

var sprintf = fmt.Sprintf

// Clean makes peer-supplied text safe for one line of a terminal: control
// and format characters (C0, DEL, C1, bidi overrides, line and paragraph
// separators) become \xNN or \uNNNN, invalid UTF-8 bytes \xNN.
func Clean(s string) string { return escapeText(s, false) }

// CleanBlock is Clean for a block of text: newlines and tabs stay, a CR
// before a newline is dropped, every other control character is escaped.
func CleanBlock(s string) string {
	return escapeText(strings.ReplaceAll(s, "\r\n", "\n"), true)
}

func escapeText(s string, block bool) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case block && (r == '\n' || r == '\t'):
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029':
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
		i += n
	}
	return b.String()
}

// writeJSON writes v as indented JSON with a final newline. HTML characters
// are not escaped (the output is for scripts, not for a web page).
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// isTerminal reports whether w is a terminal, where raw peer bytes must not go.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
