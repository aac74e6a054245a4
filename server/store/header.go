package store

import (
	"bytes"
	"fmt"
	"mime"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// field is one unfolded header field (RFC 5322 §2.2, §2.2.3).
type field struct {
	key   string // lower case
	value string // unfolded, trimmed, still RFC 2047 encoded
}

type fields []field

// parseFields reads a header block tolerantly: folded lines are joined, lines
// without a colon (junk, an mbox "From " line) are skipped, and parsing stops
// at the first empty line. It never fails; what it cannot read it ignores.
func parseFields(b []byte) fields {
	var out fields
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		line = bytes.TrimRight(line, "\r")
		if len(line) == 0 {
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			if n := len(out); n > 0 {
				out[n-1].value += " " + string(bytes.TrimSpace(line))
			}
			continue
		}
		i := bytes.IndexByte(line, ':')
		if i <= 0 || bytes.ContainsAny(line[:i], " \t") {
			continue
		}
		out = append(out, field{
			key:   strings.ToLower(string(line[:i])),
			value: string(bytes.TrimSpace(line[i+1:])),
		})
	}
	return out
}

// get returns the first value of key (lower case), or "".
func (fs fields) get(key string) string {
	for _, f := range fs {
		if f.key == key {
			return f.value
		}
	}
	return ""
}

// newWordDecoder decodes RFC 2047 encoded words in the charsets the standard
// library knows (UTF-8, ISO-8859-1, US-ASCII) plus the single-byte ones in
// charset.go.
func newWordDecoder() *mime.WordDecoder {
	return &mime.WordDecoder{CharsetReader: charsetReader}
}

// decodeText decodes RFC 2047 words in an unstructured field such as Subject.
// Raw 8-bit text that is not UTF-8 is read as Windows-1252, the usual
// culprit. On any decoding error the raw text is returned.
func decodeText(s string) string {
	out, err := newWordDecoder().DecodeHeader(s)
	if err != nil {
		out = s
	}
	return cleanText(out)
}

// cleanText makes s safe to show on one line: valid UTF-8, no control characters.
func cleanText(s string) string {
	if !utf8.ValidString(s) {
		s = decodeSingleByte(s, cp1252)
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\r' || r == '\n':
			return ' '
		case r < 0x20 || r == 0x7f:
			return -1
		}
		return r
	}, s)
}

// decodeAddrs returns the addresses of an address-list field (RFC 5322 §3.4)
// in display form: "Name <addr>", or "addr" when there is no name. A field
// net/mail cannot parse is split on commas and decoded word by word.
func decodeAddrs(raw string) []string {
	if strings.TrimSpace(raw) == "" {
		return nil
	}
	p := mail.AddressParser{WordDecoder: newWordDecoder()}
	list, err := p.ParseList(raw)
	if err != nil {
		var out []string
		for _, part := range strings.Split(raw, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, decodeText(part))
			}
		}
		return out
	}
	out := make([]string, 0, len(list))
	for _, a := range list {
		out = append(out, displayAddr(a))
	}
	return out
}

func displayAddr(a *mail.Address) string {
	name := cleanText(a.Name)
	if name == "" {
		return a.Address
	}
	return fmt.Sprintf("%s <%s>", name, a.Address)
}

// addrOnly returns the lower-case address inside a display form "Name <addr>".
func addrOnly(display string) string {
	if i := strings.LastIndexByte(display, '<'); i >= 0 {
		if j := strings.IndexByte(display[i:], '>'); j > 0 {
			display = display[i+1 : i+j]
		}
	}
	return strings.ToLower(strings.TrimSpace(display))
}

// parseDate reads a Date field (RFC 5322 §3.3, with the obsolete forms
// net/mail accepts). It returns the zero time when the field is bad.
func parseDate(raw string) time.Time {
	if raw == "" {
		return time.Time{}
	}
	t, err := mail.ParseDate(raw)
	if err != nil {
		return time.Time{}
	}
	return t
}

// headerSummary fills the header-derived fields of a Summary.
func headerSummary(fs fields, sum *Summary) {
	from := decodeAddrs(fs.get("from"))
	if len(from) > 0 {
		sum.From = strings.Join(from, ", ")
	}
	sum.To = append(decodeAddrs(fs.get("to")), decodeAddrs(fs.get("cc"))...)
	sum.Subject = decodeText(fs.get("subject"))
	sum.Date = parseDate(fs.get("date"))
}
