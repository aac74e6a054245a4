package smtpcore

import (
	"bufio"
	"errors"
)

// ErrLineTooLong is returned by ReadLine when a line exceeds its limit. The rest of
// that line has been read and thrown away, so the stream is still in step.
var ErrLineTooLong = errors.New("smtpcore: line too long")

// ErrBareLF is returned by ReadCRLFLine for a line that holds an LF without a
// CR before it. The line has been read to its CRLF and thrown away, so the
// stream is still in step.
var ErrBareLF = errors.New("smtpcore: bare LF in a line")

// ReadLine reads one line ended by CRLF or a bare LF and returns it without the
// ending, appended to buf (pass buf[:0] to reuse storage). A line longer than max
// bytes (ending excluded) is consumed to its end and reported as ErrLineTooLong,
// so memory stays bounded whatever the peer sends. io.EOF is returned only when
// nothing was read; a final line without an ending is io.ErrUnexpectedEOF.
func ReadLine(r *bufio.Reader, max int, buf []byte) ([]byte, error) {
	return readLine(r, max, buf, false)
}

// ReadCRLFLine is ReadLine for a peer whose lines end with CRLF and nothing
// else (RFC 5321 §2.3.8: "the sequence CRLF is the line terminator"). A bare
// LF does not end the line: it is read as part of it, the line goes on to
// its CRLF, and the whole line is reported as ErrBareLF, never returned. So
// "MAIL FROM:<a@b>\nRCPT TO:<c@d>\r\n" is one bad line, not two commands, as
// the DATA reader ends a message on <CRLF>.<CRLF> alone. A line too long is
// ErrLineTooLong whatever it holds.
func ReadCRLFLine(r *bufio.Reader, max int, buf []byte) ([]byte, error) {
	return readLine(r, max, buf, true)
}

func readLine(r *bufio.Reader, max int, buf []byte, crlfOnly bool) ([]byte, error) {
	line := buf
	size := 0     // octets of this line read so far, endings included
	var prev byte // the octet before the current chunk
	tooLong, bareLF := false, false
	for {
		chunk, err := r.ReadSlice('\n')
		size += len(chunk)
		if !tooLong && size > max+2 {
			tooLong = true
		}
		if !tooLong {
			line = append(line, chunk...)
		}
		switch {
		case err == nil:
		case errors.Is(err, bufio.ErrBufferFull):
			prev = chunk[len(chunk)-1]
			continue
		case size == 0:
			return buf, err
		default:
			return buf, errUnexpectedEOF(err)
		}
		before := prev
		if len(chunk) >= 2 {
			before = chunk[len(chunk)-2]
		}
		prev = '\n'
		if before != '\r' && crlfOnly {
			bareLF = true
			continue
		}
		switch {
		case tooLong:
			return buf, ErrLineTooLong
		case bareLF:
			return buf, ErrBareLF
		}
		line = line[:len(line)-1] // LF
		if before == '\r' {
			line = line[:len(line)-1]
		}
		if len(line)-len(buf) > max {
			return buf, ErrLineTooLong
		}
		return line, nil
	}
}
