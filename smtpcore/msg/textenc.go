package msg

import (
	"bytes"
	"mime/quotedprintable"
	"strings"
)

// Content-Transfer-Encoding values (RFC 2045 §6).
const (
	cte7bit   = "7bit"
	cte8bit   = "8bit"
	cteQP     = "quoted-printable"
	cteBase64 = "base64"
)

// normalizeText turns every line ending (CRLF, bare LF, bare CR) into CRLF
// and makes sure the text ends with one, as RFC 5322 §2.3 requires of a body
// that goes through SMTP.
func normalizeText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	if s != "" && !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return strings.ReplaceAll(s, "\n", "\r\n")
}

// textShape describes normalized text for choosing its transfer encoding.
type textShape struct {
	ascii    bool // every octet < 0x80
	controls bool // NUL or control characters other than TAB and CRLF
	maxLine  int  // longest line in octets, without CRLF
}

func shapeOf(s string) textShape {
	sh := textShape{ascii: true}
	line := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\r' && i+1 < len(s) && s[i+1] == '\n':
			sh.maxLine = max(sh.maxLine, line)
			line = 0
			i++
			continue
		case c >= 0x80:
			sh.ascii = false
		case c < 0x20 && c != '\t', c == 0x7f:
			sh.controls = true
		}
		line++
	}
	sh.maxLine = max(sh.maxLine, line)
	return sh
}

// encodeText encodes a UTF-8 text body for a text/* part (RFC 2045 §6):
// 7bit when it is ASCII with lines within 998 octets; 8bit when it is not
// ASCII but allow8bit is set (the server offered 8BITMIME, RFC 6152) and the
// lines fit; quoted-printable otherwise, which is 7-bit clean with lines of
// at most 76 octets.
func encodeText(s string, allow8bit bool) (body []byte, cte string) {
	s = normalizeText(s)
	sh := shapeOf(s)
	if !sh.controls && sh.maxLine <= maxLineOctet {
		if sh.ascii {
			return []byte(s), cte7bit
		}
		if allow8bit {
			return []byte(s), cte8bit
		}
	}
	var b bytes.Buffer
	w := quotedprintable.NewWriter(&b)
	// Writes to a bytes.Buffer cannot fail.
	_, _ = w.Write([]byte(s))
	_ = w.Close()
	return b.Bytes(), cteQP
}
