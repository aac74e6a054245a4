package cli

import (
	"encoding/json"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"letterbox/smtpcore"
)

// Clean makes peer-supplied text safe for one line of a terminal: what
// smtpcore.Printable escapes (C0 and C1 controls, DEL, bidi formatting,
// invalid UTF-8), and tab too, which would break a table's columns.
func Clean(s string) string { return strings.ReplaceAll(smtpcore.Printable(s), "\t", `\x09`) }

// CleanBlock is Clean for a block of text: newlines and tabs stay, a CR
// before a newline is dropped, every other control character is escaped.
func CleanBlock(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = smtpcore.Printable(l)
	}
	return strings.Join(lines, "\n")
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
