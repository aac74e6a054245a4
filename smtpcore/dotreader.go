package smtpcore

import (
	"bufio"
	"bytes"
	"io"
)

// DotReader reads the text of a DATA command (RFC 5321 §4.1.1.4, §4.5.2). The
// message ends only at <CR><LF>.<CR><LF>; a leading dot is removed from every line
// that has one; CRLF is kept as it is. A bare LF or bare CR is passed through
// unchanged and counted, so the server can refuse or record it: in particular
// <LF>.<LF>, <LF>.<CR><LF> and <CR><LF>.<LF> never end the message, which is
// what keeps a second message from being smuggled inside the first.
//
// It never buffers more than the bufio.Reader it reads from. After the end of
// data Read returns io.EOF; if the stream ends before it, io.ErrUnexpectedEOF.
type DotReader struct {
	r      *bufio.Reader
	state  dotState
	pend   []byte // bytes decided but not yet returned (at most 2)
	bareLF int64
	bareCR int64
	err    error
}

type dotState int

const (
	dotBeginLine dotState = iota // after CRLF, or at the very start
	dotDot                       // a '.' began the line
	dotDotCR                     // ".\r" began the line
	dotCR                        // '\r' inside a line
	dotData                      // inside a line
	dotEOF
)

// NewDotReader returns a reader of the message text that r carries.
func NewDotReader(r *bufio.Reader) *DotReader { return &DotReader{r: r} }

// BareLF reports how many LF bytes were not preceded by CR.
func (d *DotReader) BareLF() int64 { return d.bareLF }

// BareCR reports how many CR bytes were not followed by LF.
func (d *DotReader) BareCR() int64 { return d.bareCR }

// Read implements io.Reader.
func (d *DotReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(d.pend) > 0 {
			m := copy(p[n:], d.pend)
			d.pend = d.pend[m:]
			n += m
			continue
		}
		if d.err != nil {
			break
		}
		if d.state == dotData {
			m, err := d.copyPlain(p[n:])
			n += m
			if err != nil {
				d.err = errUnexpectedEOF(err)
			}
			continue
		}
		c, err := d.r.ReadByte()
		if err != nil {
			d.err = errUnexpectedEOF(err)
			break
		}
		d.step(c)
	}
	if n > 0 {
		return n, nil
	}
	return 0, d.err
}

// copyPlain copies bytes up to the next CR or LF straight from the buffer: the
// fast path that carries almost all of a message.
func (d *DotReader) copyPlain(p []byte) (int, error) {
	if d.r.Buffered() == 0 {
		if _, err := d.r.Peek(1); err != nil {
			return 0, err
		}
	}
	buf, _ := d.r.Peek(d.r.Buffered())
	if len(buf) > len(p) {
		buf = buf[:len(p)]
	}
	i := bytes.IndexAny(buf, "\r\n")
	if i < 0 {
		i = len(buf)
	}
	m := copy(p, buf[:i])
	d.r.Discard(m)
	if i < len(buf) {
		c, _ := d.r.ReadByte()
		d.step(c)
	}
	return m, nil
}

// step advances the state machine by one byte that was not copied by copyPlain.
func (d *DotReader) step(c byte) {
	switch d.state {
	case dotBeginLine:
		if c == '.' {
			d.state = dotDot
			return
		}
		d.data(c)
	case dotDot:
		if c == '\r' {
			d.state = dotDotCR
			return
		}
		d.data(c) // a dot-stuffed line: the leading dot is gone
	case dotDotCR:
		if c == '\n' {
			d.state = dotEOF
			d.err = io.EOF
			return
		}
		d.bareCR++ // ".\r" then something else: the line holds a lone CR
		d.pend = append(d.pend[:0], '\r')
		d.state = dotData
		d.data(c)
	case dotCR:
		if c == '\n' {
			d.pend = append(d.pend, '\r', '\n')
			d.state = dotBeginLine
			return
		}
		d.bareCR++
		d.pend = append(d.pend, '\r')
		d.state = dotData
		d.data(c)
	default:
		d.data(c)
	}
}

// data handles a byte inside a line.
func (d *DotReader) data(c byte) {
	d.state = dotData
	switch c {
	case '\r':
		d.state = dotCR
	case '\n':
		d.bareLF++
		d.pend = append(d.pend, '\n')
	default:
		d.pend = append(d.pend, c)
	}
}
