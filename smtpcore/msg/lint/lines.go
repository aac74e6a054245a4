package lint

import (
	"bytes"
	"fmt"
	"unicode/utf8"
)

// line is one line of the raw message: raw[start:end] is its text without
// the line ending, term is how it ended.
type line struct {
	start, end int
	term       byte // 'n' CRLF, 'l' bare LF, 'r' bare CR, 0 end of input
}

// splitLines cuts raw at CRLF, bare LF and bare CR. Each of them ends a line,
// as a receiver that tolerates them would read it.
func splitLines(raw []byte) []line {
	ls := make([]line, 0, bytes.Count(raw, []byte{'\n'})+1)
	start := 0
	for start < len(raw) {
		i := bytes.IndexAny(raw[start:], "\r\n")
		if i < 0 {
			ls = append(ls, line{start, len(raw), 0})
			break
		}
		end := start + i
		switch {
		case raw[end] == '\n':
			ls = append(ls, line{start, end, 'l'})
			start = end + 1
		case end+1 < len(raw) && raw[end+1] == '\n':
			ls = append(ls, line{start, end, 'n'})
			start = end + 2
		default:
			ls = append(ls, line{start, end, 'r'})
			start = end + 1
		}
	}
	return ls
}

// checkLines applies the octet rules that hold for every line: CRLF only
// (RFC 5322 §2.3), at most 998 octets (error) and 78 characters (info) per
// line (RFC 5322 §2.1.1). Each rule reports its first line and a count.
func (c *checker) checkLines() {
	var bare, long, over78 int
	var firstBare, firstLong, firstOver = -1, -1, -1
	for i, l := range c.lines {
		if l.term == 'l' || l.term == 'r' {
			bare++
			if firstBare < 0 {
				firstBare = i
			}
		}
		n := l.end - l.start
		if n > 998 {
			long++
			if firstLong < 0 {
				firstLong = i
			}
		} else if n > 78 && utf8.RuneCount(c.raw[l.start:l.end]) > 78 { // characters; an invalid octet counts as one
			over78++
			if firstOver < 0 {
				firstOver = i
			}
		}
	}
	c.bareLine = firstBare + 1
	if bare > 0 {
		l := c.lines[firstBare]
		c.add("rfc5322.bare-cr-lf", Where{Line: firstBare + 1},
			fmt.Sprintf("%d line(s) end with a bare LF or CR instead of CRLF", bare),
			c.raw[max(l.start, l.end-40):l.end+1])
	}
	if long > 0 {
		c.add("rfc5322.line-too-long", Where{Line: firstLong + 1},
			fmt.Sprintf("%d line(s) longer than 998 octets (the first has %d)", long, c.lines[firstLong].end-c.lines[firstLong].start),
			c.lineBytes(firstLong))
	}
	if over78 > 0 {
		c.add("rfc5322.line-over-78", Where{Line: firstOver + 1},
			fmt.Sprintf("%d line(s) longer than 78 characters", over78), c.lineBytes(firstOver))
	}
}

// lineBytes returns the text of line i (0-based), without its ending.
func (c *checker) lineBytes(i int) []byte {
	l := c.lines[i]
	return c.raw[l.start:l.end]
}
