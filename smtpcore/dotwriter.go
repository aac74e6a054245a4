package smtpcore

import (
	"bytes"
	"io"
)

// DotWriter writes the text of a DATA command (RFC 5321 §4.5.2). It doubles a dot
// that begins a line and turns every line ending (CRLF, bare LF, bare CR) into
// CRLF while it streams. Close ends the text with CRLF (if the last line lacked
// one) and "." CRLF; it does not close the underlying writer. Wrap a bufio.Writer:
// DotWriter writes many small pieces.
type DotWriter struct {
	w         io.Writer
	lineStart bool
	afterCR   bool // the last byte was a CR already written as CRLF
	n         int64
	closed    bool
}

// NewDotWriter returns a writer that dot-stuffs onto w.
func NewDotWriter(w io.Writer) *DotWriter { return &DotWriter{w: w, lineStart: true} }

var crlf = []byte("\r\n")

// Write implements io.Writer. The count returned is of p's bytes consumed.
func (d *DotWriter) Write(p []byte) (int, error) {
	done := 0
	for done < len(p) {
		b := p[done:]
		if d.afterCR && b[0] == '\n' {
			d.afterCR = false
			done++
			continue
		}
		d.afterCR = false
		if d.lineStart && b[0] == '.' {
			if err := d.put([]byte{'.'}); err != nil {
				return done, err
			}
		}
		i := bytes.IndexAny(b, "\r\n")
		if i < 0 {
			d.lineStart = false
			if err := d.put(b); err != nil {
				return done, err
			}
			done += len(b)
			break
		}
		if err := d.put(b[:i]); err != nil {
			return done, err
		}
		if err := d.put(crlf); err != nil {
			return done, err
		}
		d.afterCR = b[i] == '\r'
		d.lineStart = true
		done += i + 1
	}
	return len(p), nil
}

func (d *DotWriter) put(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	m, err := d.w.Write(b)
	d.n += int64(m)
	return err
}

// Written reports the bytes written to the underlying writer so far.
func (d *DotWriter) Written() int64 { return d.n }

// Close writes the end-of-data mark. It is safe to call twice.
func (d *DotWriter) Close() error {
	if d.closed {
		return nil
	}
	d.closed = true
	if !d.lineStart {
		if err := d.put(crlf); err != nil {
			return err
		}
	}
	return d.put([]byte(".\r\n"))
}
