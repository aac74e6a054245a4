package smtpcore

import (
	"bufio"
	"errors"
)

// ErrLineTooLong is returned by ReadLine when a line exceeds its limit. The rest of
// that line has been read and thrown away, so the stream is still in step.
var ErrLineTooLong = errors.New("smtpcore: line too long")

// ReadLine reads one line ended by CRLF or a bare LF and returns it without the
// ending, appended to buf (pass buf[:0] to reuse storage). A line longer than max
// bytes (ending excluded) is consumed to its end and reported as ErrLineTooLong,
// so memory stays bounded whatever the peer sends. io.EOF is returned only when
// nothing was read; a final line without an ending is io.ErrUnexpectedEOF.
func ReadLine(r *bufio.Reader, max int, buf []byte) ([]byte, error) {
	line := buf
	tooLong := false
	for {
		chunk, err := r.ReadSlice('\n')
		if !tooLong {
			if len(line)-len(buf)+len(chunk) > max+2 {
				tooLong = true
			} else {
				line = append(line, chunk...)
			}
		}
		switch {
		case err == nil:
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case len(line) == len(buf) && len(chunk) == 0 && !tooLong:
			return buf, err
		default:
			return buf, errUnexpectedEOF(err)
		}
		if tooLong {
			return buf, ErrLineTooLong
		}
		line = line[:len(line)-1] // LF
		if n := len(line); n > len(buf) && line[n-1] == '\r' {
			line = line[:n-1]
		}
		if len(line)-len(buf) > max {
			return buf, ErrLineTooLong
		}
		return line, nil
	}
}
