package lint

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Bounds on the work one message may cause.
const (
	maxDepth = 32
	maxParts = 1000
)

// checker holds one run of Check.
type checker struct {
	raw   []byte
	env   Envelope
	lines []line
	out   []Finding
	seen  map[string]bool // rule+part already reported, for rules reported once per part
	parts int

	// The first line (1-based; 0 = none) where checkLines found a bare CR
	// or LF, checkHeaderBytes an octet > 127 in any entity's header, and
	// check8bit one in any part's body.
	bareLine, header8bitLine, body8bitLine int

	hasText bool // a text/plain part that is a body (not an attachment)
	hasHTML bool
}

func newChecker(raw []byte, env Envelope) *checker {
	return &checker{raw: raw, env: env, lines: splitLines(raw), seen: map[string]bool{}}
}

func (c *checker) add(rule string, w Where, message string, excerpt []byte) {
	ex := ""
	if excerpt != nil {
		ex = Excerpt(excerpt)
	}
	w.Header = Escape([]byte(w.Header), -1)
	c.out = append(c.out, newFinding(rule, w, Escape([]byte(message), -1), ex))
}

// once reports whether rule has not yet been reported for part, and marks it.
func (c *checker) once(rule, part string) bool {
	k := rule + "\x00" + part
	if c.seen[k] {
		return false
	}
	c.seen[k] = true
	return true
}

func (c *checker) run() {
	c.checkLines()
	top := c.parseEntity(0, len(c.lines), "")
	c.checkTopHeader(top)
	c.walk(top, 0, nil)
	c.checkEnvelope(top)
	c.checkPractical()
}

// field is one header field: its name as written, its value unfolded (the
// CRLF of each fold removed, RFC 5322 §2.2.3), and its first line (0-based).
type field struct {
	name, value string
	line, last  int // first and last line index of the field
}

// entity is a MIME entity: its header and the lines of its body.
type entity struct {
	path        string
	parent      string // media type of the enclosing multipart, "" at the top
	fields      []field
	bodyFrom    int // first body line index
	bodyTo      int // one past the last body line
	contentType string
	params      params
	disposition string // Content-Disposition type, lower case; "" when absent
	dparams     params // Content-Disposition parameters
	cte         string
	multipart   bool
}

// get returns the value of the first field called name (case-insensitive).
func (e *entity) get(name string) (field, bool) {
	for _, f := range e.fields {
		if strings.EqualFold(f.name, name) {
			return f, true
		}
	}
	return field{}, false
}

// parseEntity reads the header of the entity on lines [from, to), checking
// the header syntax (RFC 5322 §2.2) and 8-bit bytes in it on the way.
func (c *checker) parseEntity(from, to int, path string) *entity {
	e := &entity{path: path, bodyFrom: to, bodyTo: to}
	for i := from; i < to; i++ {
		b := c.lineBytes(i)
		if len(b) == 0 {
			e.bodyFrom = i + 1
			break
		}
		c.checkHeaderBytes(b, i, path)
		if b[0] == ' ' || b[0] == '\t' {
			if len(e.fields) == 0 {
				c.add("rfc5322.header-syntax", Where{Part: path, Line: i + 1}, "a continuation line before the first field", b)
				continue
			}
			f := &e.fields[len(e.fields)-1]
			f.value += string(b)
			f.last = i
			continue
		}
		colon := bytes.IndexByte(b, ':')
		name := ""
		if colon > 0 {
			name = string(bytes.TrimRight(b[:colon], " \t")) // obs-optional WSP before the colon (RFC 5322 §4.5)
		}
		if !validFieldName(name) {
			if from == 0 && i == 0 && bytes.HasPrefix(b, []byte("From ")) {
				continue // an mbox "From " separator, not part of the message
			}
			c.add("rfc5322.header-syntax", Where{Part: path, Line: i + 1}, "a header line without a valid field name and colon", b)
			continue
		}
		e.fields = append(e.fields, field{name: name, value: string(b[colon+1:]), line: i, last: i})
	}
	c.parseContentType(e)
	c.checkEncodedWords(e)
	return e
}

// validFieldName: 1*ftext, ftext = %d33-57 / %d59-126 (RFC 5322 §3.6.8).
func validFieldName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 33 || s[i] > 126 || s[i] == ':' {
			return false
		}
	}
	return true
}

// checkHeaderBytes flags 8-bit octets in a header line: not UTF-8 is always
// an error; UTF-8 needs SMTPUTF8 (RFC 6532 §3), reported once per message by
// checkEnvelope when the envelope is known, here when it is not.
func (c *checker) checkHeaderBytes(b []byte, i int, path string) {
	at := firstHigh(b)
	if at < 0 {
		return
	}
	if c.header8bitLine == 0 {
		c.header8bitLine = i + 1
	}
	if !utf8.Valid(b) && c.once("rfc6532.header-not-utf8", path) {
		c.add("rfc6532.header-not-utf8", Where{Part: path, Line: i + 1, Header: headerName(b)}, "", b[max(0, at-20):])
		return
	}
	if !c.env.Known && c.once("rfc6532.8bit-header", path) {
		c.add("rfc6532.8bit-header", Where{Part: path, Line: i + 1, Header: headerName(b)},
			"8-bit bytes in a header field; only allowed when the message travels with SMTPUTF8", b[max(0, at-20):])
	}
}

// headerName is the field name of a header line, "" for a continuation.
func headerName(b []byte) string {
	if i := bytes.IndexByte(b, ':'); i > 0 && b[0] != ' ' && b[0] != '\t' {
		return string(b[:i])
	}
	return ""
}

// firstHigh returns the index of the first octet > 127 in b, or -1.
func firstHigh(b []byte) int {
	for i, x := range b {
		if x >= 0x80 {
			return i
		}
	}
	return -1
}

// childPath is the IMAP-style path of the n-th (1-based) child of path.
func childPath(path string, n int) string {
	if path == "" {
		return strconv.Itoa(n)
	}
	return path + "." + strconv.Itoa(n)
}
