package msg

import (
	"encoding/base64"
	"strings"

	"letterbox/smtpcore/msg/internal/mimesyntax"
)

// DecodeHeader decodes an unstructured header field value (RFC 5322
// §3.2.5, e.g. Subject) for display: RFC 2047 encoded words in any charset
// go-message and golang.org/x/text know, raw UTF-8 (RFC 6532), and raw 8-bit
// text in a legacy charset (read as Windows-1252). The result is valid
// UTF-8 on one line: tabs and line breaks become spaces, other control
// characters are dropped. It never fails; what it cannot decode it shows
// as written. Safe for concurrent use.
func DecodeHeader(v string) string { return decodeHeaderHint(v, "") }

// decodeHeaderHint is DecodeHeader reading raw 8-bit text in the hint
// charset (the charset of the message's text) when it is not UTF-8.
func decodeHeaderHint(v, hint string) string {
	return oneLine(decodeWords(legacyText(v, hint)))
}

// decodeWords decodes the RFC 2047 encoded words in s, which is valid
// UTF-8. Besides the RFC it tolerates what real mailers write:
//   - encoded words not set off by white space ("Re:=?utf-8?q?x?=");
//   - the B or Q in lower case, base64 without its padding;
//   - adjacent words of one charset that split a character (or an
//     ISO-2022-JP escape sequence) between them: their octets are joined
//     before the charset is decoded, as the words are one text (§6.2);
//   - the RFC 2231 §5 language suffix ("=?utf-8*en?q?…?=");
//   - an unknown charset: the octets are shown as UTF-8 if they are, else
//     as Windows-1252.
//
// White space between two encoded words is dropped (RFC 2047 §6.2);
// anything that does not parse as an encoded word is kept literally.
func decodeWords(s string) string {
	if !strings.Contains(s, "=?") {
		return s
	}
	var out strings.Builder
	var run wordRun // adjacent encoded words waiting to be decoded together
	for len(s) > 0 {
		i := strings.Index(s, "=?")
		if i < 0 {
			break
		}
		w, n, ok := parseEncodedWord(s[i:])
		if !ok {
			run.flush(&out)
			out.WriteString(s[:i+2])
			s = s[i+2:]
			continue
		}
		if before := s[:i]; !run.active() || strings.Trim(before, " \t\r\n") != "" {
			run.flush(&out)
			out.WriteString(before)
		}
		run.add(&out, w)
		s = s[i+n:]
	}
	run.flush(&out)
	out.WriteString(s)
	return out.String()
}

// encodedWord is one parsed RFC 2047 word: its charset and decoded octets.
type encodedWord struct {
	charset string
	data    []byte
}

// parseEncodedWord parses "=?charset?encoding?text?=" at the start of s
// (RFC 2047 §2) and returns it with its length in s.
func parseEncodedWord(s string) (encodedWord, int, bool) {
	rest := s[2:]
	q := strings.IndexByte(rest, '?')
	if q <= 0 || q > 64 || len(rest) < q+3 || rest[q+2] != '?' {
		return encodedWord{}, 0, false
	}
	cs, enc := rest[:q], rest[q+1]
	if strings.ContainsAny(cs, " \t()<>@,;:\"/[]=") {
		return encodedWord{}, 0, false
	}
	if star := strings.IndexByte(cs, '*'); star >= 0 { // RFC 2231 §5: charset*language
		cs = cs[:star]
	}
	text := rest[q+3:]
	end := strings.Index(text, "?=")
	if end < 0 || strings.ContainsAny(text[:end], " \t\r\n") {
		return encodedWord{}, 0, false
	}
	var data []byte
	var ok bool
	switch enc {
	case 'b', 'B':
		data, ok = decodeB(text[:end])
	case 'q', 'Q':
		data, ok = decodeQ(text[:end]), true
	}
	if !ok {
		return encodedWord{}, 0, false
	}
	return encodedWord{charset: cs, data: data}, 2 + q + 3 + end + 2, true
}

// decodeB decodes RFC 2047 §4.1 "B" text, with or without padding.
func decodeB(t string) ([]byte, bool) {
	t = strings.TrimRight(t, "=")
	b, err := base64.RawStdEncoding.DecodeString(t)
	if err != nil {
		return nil, false
	}
	return b, true
}

// decodeQ decodes RFC 2047 §4.2 "Q" text: "_" is a space, "=XX" an octet;
// a "=" not followed by two hex digits is kept as it is.
func decodeQ(t string) []byte {
	out := make([]byte, 0, len(t))
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c == '_' {
			c = ' '
		} else if b, ok := mimesyntax.HexOctet(t, i); ok && c == '=' {
			c = b
			i += 2
		}
		out = append(out, c)
	}
	return out
}

// wordRun collects the octets of adjacent encoded words in one charset.
type wordRun struct {
	charset string
	data    []byte
	n       int
}

func (r *wordRun) active() bool { return r.n > 0 }

// add appends w to the run, first flushing a run in another charset.
func (r *wordRun) add(out *strings.Builder, w encodedWord) {
	if r.n > 0 && !strings.EqualFold(r.charset, w.charset) {
		r.flush(out)
	}
	r.charset = w.charset
	r.data = append(r.data, w.data...)
	r.n++
}

// flush writes the run's text, decoded from its charset, and empties it.
func (r *wordRun) flush(out *strings.Builder) {
	if r.n == 0 {
		return
	}
	out.WriteString(wordText(r.data, r.charset))
	r.data, r.n = r.data[:0], 0
}

// wordText converts the octets of encoded words to UTF-8.
func wordText(b []byte, cs string) string {
	if isUTF8Label(cs) {
		return legacyText(string(b), "")
	}
	s, err := convertCharset(b, cs)
	if err != nil {
		return legacyText(string(b), "")
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// oneLine makes decoded header text safe to show on one line: tabs and line
// breaks become spaces, other C0 and C1 controls and DEL are dropped.
func oneLine(s string) string {
	clean := true
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\r' || r == '\n':
			return ' '
		case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0:
			return -1
		}
		return r
	}, s)
}
