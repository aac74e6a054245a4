package store

import (
	"bytes"
	"encoding/base64"
	"html"
	"io"
	"mime"
	"mime/quotedprintable"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of what the scanner keeps; the message itself is never held.
const (
	maxHeaderBlock = 64 << 10 // top-level header block parsed for the summary
	maxPartHeader  = 16 << 10 // header block of one MIME part
	maxLine        = 2 << 10  // longest line looked at (the rest is skipped)
	maxSnippetRaw  = 2 << 10  // encoded text kept for the snippet
	snippetRunes   = 120
	maxBoundaries  = 16 // nesting depth of multiparts followed
)

type scanState int

const (
	inTopHeader  scanState = iota // the message's own header block
	inBody                        // a body, or the preamble/epilogue of a multipart
	inPartHeader                  // header block of a MIME part (RFC 2046 §5.1.1)
)

// textPart collects the start of one text part for the snippet.
type textPart struct {
	raw      []byte
	cte      string // content-transfer-encoding
	charset  string
	html     bool
	complete bool
}

// scanner watches a message go by line by line as Delivery.Write streams it
// to disk. It keeps the top-level header block (for From, To, Subject, Date),
// notices attachments from MIME part headers (RFC 2045, RFC 2183), and keeps
// the start of the first text part for a snippet. Its memory is bounded by
// the constants above whatever the message.
type scanner struct {
	line     []byte
	longLine bool
	state    scanState
	header   []byte
	part     []byte
	bounds   []string // "--boundary" of every open multipart, outermost first
	attach   bool
	plain    *textPart // first text/plain part
	htmlPart *textPart // first text/html part
	cur      *textPart // the text part being collected, if any
	done     bool      // nothing more to learn from the rest of the message
}

// write feeds p to the scanner.
func (s *scanner) write(p []byte) {
	for len(p) > 0 && !s.done {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			s.appendLine(p)
			return
		}
		s.appendLine(p[:i])
		s.endLine()
		p = p[i+1:]
	}
}

// finish handles a last line without a line ending.
func (s *scanner) finish() {
	if len(s.line) > 0 || s.longLine {
		s.endLine()
	}
	if s.state == inTopHeader { // a message that is all header
		s.state = inBody
		s.beginPart(s.header)
	}
}

func (s *scanner) appendLine(p []byte) {
	if room := maxLine - len(s.line); room < len(p) {
		p = p[:max(room, 0)]
		s.longLine = true
	}
	s.line = append(s.line, p...)
}

func (s *scanner) endLine() {
	line := bytes.TrimSuffix(s.line, []byte("\r"))
	s.line, s.longLine = s.line[:0], false
	switch s.state {
	case inTopHeader:
		if len(line) == 0 {
			s.state = inBody
			s.beginPart(s.header)
			return
		}
		s.header = appendCapped(s.header, line, maxHeaderBlock)
	case inPartHeader:
		if len(line) == 0 {
			s.state = inBody
			s.beginPart(s.part)
			return
		}
		s.part = appendCapped(s.part, line, maxPartHeader)
	case inBody:
		if len(line) >= 2 && line[0] == '-' && line[1] == '-' && s.boundary(line) {
			return
		}
		if s.cur != nil && !s.cur.complete {
			s.cur.raw = append(s.cur.raw, line...)
			s.cur.raw = append(s.cur.raw, '\n')
			if len(s.cur.raw) >= maxSnippetRaw {
				s.cur.complete = true
			}
		}
		s.checkDone()
	}
}

func appendCapped(dst, line []byte, limit int) []byte {
	if len(dst)+len(line)+1 > limit {
		return dst
	}
	dst = append(dst, line...)
	return append(dst, '\n')
}

// boundary handles a delimiter line (RFC 2046 §5.1.1): the start of a part
// or, with a trailing "--", the end of its multipart.
func (s *scanner) boundary(line []byte) bool {
	line = bytes.TrimRight(line, " \t") // transport padding
	for i := len(s.bounds) - 1; i >= 0; i-- {
		b := s.bounds[i]
		if !bytes.HasPrefix(line, []byte(b)) {
			continue
		}
		rest := line[len(b):]
		switch {
		case len(rest) == 0:
			s.bounds = s.bounds[:i+1]
			s.state, s.part, s.cur = inPartHeader, s.part[:0], nil
			return true
		case string(rest) == "--":
			s.bounds = s.bounds[:i]
			s.cur = nil
			s.checkDone()
			return true
		}
	}
	return false
}

// beginPart looks at the header block of a part (or of the message itself).
func (s *scanner) beginPart(block []byte) {
	defer s.checkDone()
	fs := parseFields(block)
	mt, params := mediaType(fs.get("content-type"))
	if mt == "" {
		mt = "text/plain" // RFC 2045 §5.2
	}
	if strings.HasPrefix(mt, "multipart/") {
		if b := params["boundary"]; b != "" && len(s.bounds) < maxBoundaries {
			s.bounds = append(s.bounds, "--"+b)
		}
		return
	}
	disp, dparams := mediaType(fs.get("content-disposition"))
	text := strings.HasPrefix(mt, "text/")
	// RFC 2183: an attachment says so, or carries a file name. A non-text
	// leaf (PDF, image, attached message) not marked inline is one too.
	if disp == "attachment" || dparams["filename"] != "" || !text && (params["name"] != "" || disp != "inline") {
		s.attach = true
		return
	}
	if !text {
		return
	}
	tp := &textPart{
		cte:     strings.ToLower(fs.get("content-transfer-encoding")),
		charset: params["charset"],
		html:    mt == "text/html",
	}
	switch {
	case !tp.html && s.plain == nil:
		s.plain, s.cur = tp, tp
	case tp.html && s.htmlPart == nil:
		s.htmlPart, s.cur = tp, tp
	}
}

// checkDone stops the scan of a single-part message once the snippet is full:
// nothing after that can change the summary.
func (s *scanner) checkDone() {
	if s.state == inBody && len(s.bounds) == 0 && (s.cur == nil || s.cur.complete) {
		s.done = true
	}
}

// mediaType parses a Content-Type or Content-Disposition value tolerantly:
// the lower-case type and whatever parameters could be read. An empty value
// gives "" (the caller decides the default).
func mediaType(v string) (string, map[string]string) {
	if v == "" {
		return "", nil
	}
	mt, params, err := mime.ParseMediaType(v)
	if err != nil && mt == "" {
		mt, _, _ = strings.Cut(v, ";")
		mt = strings.ToLower(strings.TrimSpace(mt))
	}
	if params == nil {
		params = map[string]string{}
	}
	return mt, params
}

// snippet returns the start of the message's text, on one line, at most
// snippetRunes runes; "" when the message has no text part.
func (s *scanner) snippet() string {
	tp := s.plain
	if tp == nil {
		tp = s.htmlPart
	}
	if tp == nil {
		return ""
	}
	text := toUTF8(decodeTransfer(tp.raw, tp.cte), tp.charset)
	if tp.html {
		text = stripTags(text)
	}
	return squeeze(text, snippetRunes)
}

// decodeTransfer undoes a Content-Transfer-Encoding (RFC 2045 §6) as far as
// the kept bytes allow.
func decodeTransfer(raw []byte, cte string) []byte {
	switch cte {
	case "base64":
		clean := bytes.Map(func(r rune) rune {
			if r == '\r' || r == '\n' || r == ' ' || r == '\t' {
				return -1
			}
			return r
		}, raw)
		clean = clean[:len(clean)/4*4]
		out := make([]byte, base64.StdEncoding.DecodedLen(len(clean)))
		n, _ := base64.StdEncoding.Decode(out, clean)
		return out[:n]
	case "quoted-printable":
		out, _ := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(raw)))
		return out
	}
	return raw
}

// stripTags turns the start of an HTML body into its visible text, roughly:
// tags, comments, style and script contents go; entities are decoded.
func stripTags(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		b.WriteByte(' ')
		s = s[i:]
		lower := strings.ToLower(s[:min(len(s), 8)])
		end := ">"
		switch {
		case strings.HasPrefix(lower, "<!--"):
			end = "-->"
		case strings.HasPrefix(lower, "<style"):
			end = "</style>"
		case strings.HasPrefix(lower, "<script"):
			end = "</script>"
		}
		j := strings.Index(strings.ToLower(s), end)
		if j < 0 {
			break
		}
		s = s[j+len(end):]
	}
	return html.UnescapeString(b.String())
}

// squeeze collapses white space and cuts s to n runes, adding "…" when cut.
func squeeze(s string, n int) string {
	var b strings.Builder
	count, gap := 0, false
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == utf8.RuneError {
			gap = count > 0
			continue
		}
		if count == n {
			b.WriteString("…")
			break
		}
		if gap {
			b.WriteByte(' ')
			gap = false
			if count++; count == n {
				continue
			}
		}
		b.WriteRune(r)
		count++
	}
	return strings.TrimRight(b.String(), " ")
}

// summary returns what the scan learned, as the header part of a Summary.
func (s *scanner) summary(id string, size int64) Summary {
	sum := Summary{ID: id, Size: size, HasAttachments: s.attach, Snippet: s.snippet()}
	headerSummary(parseFields(s.header), &sum)
	return sum
}
