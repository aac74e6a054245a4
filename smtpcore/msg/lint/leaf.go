package lint

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime/quotedprintable"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message/charset"

	"letterbox/smtpcore/msg/internal/mimesyntax"
)

// maxDecoded is how much of a text part is decoded for the charset and HTML
// checks.
const maxDecoded = 4 << 20

// checkLeaf checks the body of a part that is not multipart: its bytes
// against its transfer encoding, its text against its charset, and notes
// what the practical rules need.
func (c *checker) checkLeaf(e *entity) {
	path := e.path
	if path == "" {
		path = "1" // a single-part message's body is part 1 (as in msg.View)
	}
	var body []byte
	if e.bodyFrom < e.bodyTo {
		body = c.raw[c.lines[e.bodyFrom].start:c.lines[e.bodyTo-1].end]
	}
	c.check8bit(e, path)
	switch e.cte {
	case "base64":
		c.checkBase64(e, path)
	case "quoted-printable":
		c.checkQP(e, path)
	}
	disp := e.disposition
	name, _, _ := e.dparams.lookup("filename")
	if name == "" {
		name, _, _ = e.params.lookup("name")
	}
	if strings.HasPrefix(e.contentType, "text/") {
		text := c.checkCharset(e, path, decodeBody(body, e.cte))
		if disp != "attachment" && name == "" {
			switch e.contentType {
			case "text/plain":
				c.hasText = true
			case "text/html":
				c.hasHTML = true
				c.checkHTML(e, path, text)
			}
		}
	}
	// The control and signature parts of PGP/MIME and S/MIME (RFC 1847, RFC
	// 3156, RFC 8551) are for the client, not files for the reader.
	security := e.parent == "multipart/signed" || e.parent == "multipart/encrypted"
	if name == "" && !security && (disp == "attachment" || disp == "" && strings.HasPrefix(e.contentType, "application/")) {
		f, _ := e.get("Content-Type")
		c.add("practical.attachment-no-filename", Where{Header: f.name, Part: path, Line: f.line + 1},
			fmt.Sprintf("a %s attachment without filename or name: clients save it as \"noname\" or \"Part %s\"", e.contentType, path), nil)
	}
}

// check8bit: octets above 127 need Content-Transfer-Encoding 8bit or binary
// (RFC 2045 §2.7, §6.2); base64 and quoted-printable are 7-bit by design.
func (c *checker) check8bit(e *entity, path string) {
	for i := e.bodyFrom; i < e.bodyTo; i++ {
		l := c.lineBytes(i)
		at := firstHigh(l)
		if at < 0 {
			continue
		}
		if c.body8bitLine == 0 {
			c.body8bitLine = i + 1
		}
		if e.cte == "8bit" || e.cte == "binary" {
			return
		}
		c.add("mime.8bit-in-7bit", Where{Part: path, Line: i + 1},
			fmt.Sprintf("8-bit bytes in a part whose Content-Transfer-Encoding is %s", e.cte), l[max(0, at-20):])
		return
	}
}

// checkBase64: the base64 alphabet, lines of at most 76 characters, and
// whole 4-character groups (RFC 2045 §6.8).
func (c *checker) checkBase64(e *entity, path string) {
	var n int
	badChar, longLine := false, false
	for i := e.bodyFrom; i < e.bodyTo; i++ {
		l := bytes.TrimRight(c.lineBytes(i), " \t")
		if len(l) > 76 && !longLine {
			longLine = true
			c.add("mime.base64-line-length", Where{Part: path, Line: i + 1}, fmt.Sprintf("a base64 line of %d characters", len(l)), l)
		}
		for j, ch := range l {
			if isBase64(ch) || ch == '=' {
				n++
				continue
			}
			if !badChar {
				badChar = true
				c.add("mime.base64-alphabet", Where{Part: path, Line: i + 1},
					fmt.Sprintf("%q is not in the base64 alphabet", ch), l[max(0, j-10):min(len(l), j+10)])
			}
		}
	}
	if n%4 != 0 {
		c.add("mime.base64-length", Where{Part: path, Line: e.bodyTo},
			fmt.Sprintf("%d base64 characters: not a whole number of 4-character groups (missing padding?)", n), nil)
	}
}

func isBase64(ch byte) bool {
	return 'A' <= ch && ch <= 'Z' || 'a' <= ch && ch <= 'z' || '0' <= ch && ch <= '9' || ch == '+' || ch == '/'
}

// checkQP: every = starts a two-hex-digit escape or a soft line break, and
// encoded lines are at most 76 characters (RFC 2045 §6.7 rules 1 and 5).
func (c *checker) checkQP(e *entity, path string) {
	badEsc, longLine, over76 := false, false, false
	for i := e.bodyFrom; i < e.bodyTo; i++ {
		l := c.lineBytes(i)
		switch n := len(l); {
		case n > 78 && !longLine:
			longLine = true
			c.add("mime.qp-line-length", Where{Part: path, Line: i + 1}, fmt.Sprintf("a quoted-printable line of %d characters", n), l)
		case n > 76 && n <= 78 && !over76:
			over76 = true
			c.add("mime.qp-line-over-76", Where{Part: path, Line: i + 1}, fmt.Sprintf("a quoted-printable line of %d characters", n), l)
		}
		for j := bytes.IndexByte(l, '='); j >= 0 && !badEsc; j = nextEq(l, j) {
			if len(bytes.Trim(l[j+1:], " \t")) == 0 {
				break // soft line break, maybe with transport padding
			}
			if _, ok := mimesyntax.HexOctet(l, j); ok {
				continue
			}
			badEsc = true
			c.add("mime.qp-escape", Where{Part: path, Line: i + 1},
				"= must be followed by two hexadecimal digits or end the line", l[max(0, j-10):min(len(l), j+10)])
		}
	}
}

func nextEq(l []byte, j int) int {
	k := bytes.IndexByte(l[j+1:], '=')
	if k < 0 {
		return -1
	}
	return j + 1 + k
}

// decodeBody undoes the transfer encoding, leniently, up to maxDecoded bytes.
func decodeBody(body []byte, cte string) []byte {
	var r io.Reader = bytes.NewReader(body)
	switch cte {
	case "base64":
		clean := make([]byte, 0, len(body))
		for _, ch := range body {
			if isBase64(ch) {
				clean = append(clean, ch)
			}
		}
		if len(clean)%4 == 1 { // a lone trailing character holds no whole octet
			clean = clean[:len(clean)-1]
		}
		out, _ := io.ReadAll(io.LimitReader(base64.NewDecoder(base64.RawStdEncoding, bytes.NewReader(clean)), maxDecoded))
		return out
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	}
	out, _ := io.ReadAll(io.LimitReader(r, maxDecoded))
	return out
}

// checkCharset: 8-bit text needs a charset (RFC 2046 §4.1.2: the default is
// US-ASCII), the charset must be known, and the text must decode in it. It
// returns the text in UTF-8 as well as it could be decoded.
func (c *checker) checkCharset(e *entity, path string, text []byte) string {
	cs, _, _ := e.params.lookup("charset")
	cs = strings.ToLower(strings.TrimSpace(cs))
	f, _ := e.get("Content-Type")
	w := Where{Header: "Content-Type", Part: path, Line: f.line + 1}
	out, known, valid := decodeCharset(cs, text)
	var excerpt []byte
	if at := firstHigh(text); at >= 0 && (isASCIILabel(cs) || isUTF8Label(cs)) {
		excerpt = around(text, at) // the first octet that is wrong; in other charsets it need not be
	}
	switch {
	case !known:
		c.add("mime.charset-unknown", w, fmt.Sprintf("charset %q is unknown", cs), []byte(cs))
	case valid:
	case cs == "":
		c.add("mime.charset-missing", w, "8-bit text in a part without a charset for it (US-ASCII is the default)", excerpt)
	default:
		c.add("mime.charset-undecodable", w, fmt.Sprintf("the text has bytes that are not %s", cs), excerpt)
	}
	return out
}

// fffd is U+FFFD in UTF-8, what a charset decoder puts for a byte it cannot map.
var fffd = []byte("\uFFFD")

// decodeCharset converts b from charset cs (lower case; "" means US-ASCII,
// RFC 2046 §4.1.2) to UTF-8, and says whether cs is known and b is valid text
// in it. US-ASCII and UTF-8 are checked octet by octet; any other charset is
// read with go-message's charset.Reader (with the aliases package msg
// registers), a byte it cannot map showing as a U+FFFD that b did not hold.
func decodeCharset(cs string, b []byte) (text string, known, valid bool) {
	switch {
	case isASCIILabel(cs):
		return string(b), true, firstHigh(b) < 0
	case isUTF8Label(cs):
		return string(b), true, utf8.Valid(b)
	}
	r, err := charset.Reader(cs, bytes.NewReader(b))
	if err != nil {
		return string(b), false, false
	}
	out, err := io.ReadAll(r)
	return string(out), true, err == nil && bytes.Count(out, fffd) <= bytes.Count(b, fffd)
}

func isASCIILabel(cs string) bool { return cs == "" || cs == "us-ascii" || cs == "ascii" }
func isUTF8Label(cs string) bool  { return cs == "utf-8" || cs == "utf8" }

// around returns up to 20 bytes either side of text[at], within its line.
func around(text []byte, at int) []byte {
	from, to := max(0, at-20), min(len(text), at+20)
	if i := bytes.LastIndexAny(text[from:at], "\r\n"); i >= 0 {
		from += i + 1
	}
	if i := bytes.IndexAny(text[at:to], "\r\n"); i >= 0 {
		to = at + i
	}
	return text[from:to]
}
