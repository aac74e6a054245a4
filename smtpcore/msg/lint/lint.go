// Package lint checks a received message against the standards a mail client
// relies on and reports what is wrong, where, and which RFC says so: RFC 5322
// (header fields, line length, CRLF), RFC 6532 (UTF-8 in headers), RFC 2045,
// 2046 and 2231 (MIME structure, transfer encodings, charsets, parameters),
// RFC 2047 (encoded words), and the envelope the SMTP session gave against the
// content (RFC 5321 §2.3.8, RFC 6152, RFC 6531). A few practical rules (HTML
// without a text alternative, remote content, attachments without a name)
// catch what breaks in real clients without breaking a standard.
//
// Check reads the raw bytes itself for everything that is about octets (line
// lengths, bare CR and LF, 8-bit bytes, boundaries, base64 and
// quoted-printable), so that it sees the message as a receiver does, before
// any tolerant parser repairs it. It never panics and its work is bounded by
// the size of the input.
//
// Rule ids ("rfc5322.date-missing") are stable: scripts match on them. Rules
// lists every rule with its severity and RFC section.
package lint

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Severity ranks a finding. An error breaks a MUST of an RFC (or makes the
// message unreadable in common clients); a warning breaks a SHOULD or a
// practice clients depend on; info is worth knowing and often harmless.
type Severity int

const (
	Info Severity = iota
	Warning
	Error
)

// String names the severity as the JSON output does: "info", "warning", "error".
func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "info"
}

// MarshalText makes a Severity a JSON string.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads what MarshalText wrote.
func (s *Severity) UnmarshalText(b []byte) error {
	switch string(b) {
	case "error":
		*s = Error
	case "warning":
		*s = Warning
	case "info":
		*s = Info
	default:
		return fmt.Errorf("lint: unknown severity %q", b)
	}
	return nil
}

// Where locates a finding in the message.
type Where struct {
	Header string `json:"header,omitempty"` // header field name, as written
	Part   string `json:"part,omitempty"`   // MIME part path as in msg.View ("1", "2.1"); "" = the top-level entity
	Line   int    `json:"line,omitempty"`   // 1-based line number in the raw message; 0 = the message as a whole
}

// String renders the location for a terminal: "line 12, part 1.2, header Subject".
func (w Where) String() string {
	var s []string
	if w.Line > 0 {
		s = append(s, fmt.Sprintf("line %d", w.Line))
	}
	if w.Part != "" {
		s = append(s, "part "+w.Part)
	}
	if w.Header != "" {
		s = append(s, "header "+w.Header)
	}
	return strings.Join(s, ", ")
}

// Finding is one problem found in a message.
type Finding struct {
	Rule     string   `json:"rule"`     // stable id, see Rules
	Severity Severity `json:"severity"` // error, warning or info
	RFC      string   `json:"rfc"`      // "RFC 5322 §3.6"
	Where    Where    `json:"where"`
	Message  string   `json:"message"`           // what is wrong, in words
	Excerpt  string   `json:"excerpt,omitempty"` // the offending bytes, short, control characters escaped
}

// Envelope is what the SMTP session knew about the message (the session
// record). The zero Envelope means "unknown": the envelope rules are skipped.
type Envelope struct {
	Known        bool     // the fields below come from a real session
	MailFrom     string   // reverse-path; "" = the null sender
	Rcpts        []string // forward-paths, Bcc included
	Body8BitMIME bool     // MAIL FROM had BODY=8BITMIME (RFC 6152)
	SMTPUTF8     bool     // MAIL FROM had SMTPUTF8 (RFC 6531)
	BareLF       bool     // the server let bare LF or CR in (--allow-bare-lf)
}

// DefaultMaxBytes is how much of a message CheckReader reads by default.
const DefaultMaxBytes = 64 << 20

// CheckReader reads at most max bytes of r (max <= 0 means DefaultMaxBytes)
// and checks them. A longer message is checked up to the limit and gets an
// info finding saying so; only a read error is returned as an error.
func CheckReader(r io.Reader, max int64, env Envelope) ([]Finding, error) {
	if max <= 0 {
		max = DefaultMaxBytes
	}
	raw, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("lint: read: %w", err)
	}
	if int64(len(raw)) > max {
		fs := Check(raw[:max], env)
		fs = append(fs, newFinding("lint.truncated", Where{}, fmt.Sprintf("only the first %d bytes were checked", max), ""))
		return fs, nil
	}
	return Check(raw, env), nil
}

// Check checks one message, given as the bytes the server stored (trace
// headers included), against every rule. Findings come sorted by line. Check
// never panics; it is safe for concurrent use.
func Check(raw []byte, env Envelope) []Finding {
	c := newChecker(raw, env)
	c.run()
	sort.SliceStable(c.out, func(i, j int) bool { return c.out[i].Where.Line < c.out[j].Where.Line })
	return c.out
}

// Counts is how many findings of each severity a message has.
type Counts struct {
	Error   int `json:"error"`
	Warning int `json:"warning"`
	Info    int `json:"info"`
}

// Count tallies findings by severity.
func Count(fs []Finding) Counts {
	var c Counts
	for _, f := range fs {
		switch f.Severity {
		case Error:
			c.Error++
		case Warning:
			c.Warning++
		default:
			c.Info++
		}
	}
	return c
}

// maxExcerpt is how many runes of the offending bytes an excerpt keeps.
const maxExcerpt = 60

// Excerpt makes b safe and short for a terminal or a widget: at most 60
// runes; control and format characters (C0, DEL, C1, bidi overrides),
// CR, LF and tab escaped as \r, \n, \t, \xNN or \uNNNN; invalid UTF-8
// bytes as \xNN. The result holds no control character.
func Excerpt(b []byte) string { return Escape(b, maxExcerpt) }

// Escape is Excerpt with a limit of max runes (max < 0: no limit), for
// showing a whole line of a message.
func Escape(b []byte, max int) string {
	var sb strings.Builder
	n := 0
	for len(b) > 0 && n != max {
		r, size := utf8.DecodeRune(b)
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&sb, `\x%02x`, b[0])
		case r == '\r':
			sb.WriteString(`\r`)
		case r == '\n':
			sb.WriteString(`\n`)
		case r == '\t':
			sb.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&sb, `\x%02x`, r)
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029':
			fmt.Fprintf(&sb, `\u%04x`, r)
		default:
			sb.WriteRune(r)
		}
		b = b[size:]
		n++
	}
	if len(b) > 0 {
		sb.WriteString("…")
	}
	return sb.String()
}
