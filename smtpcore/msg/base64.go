package msg

import (
	"encoding/base64"
	"fmt"
	"io"
)

// base64 bodies are written in lines of 76 characters (RFC 2045 §6.8), i.e.
// 57 input octets per line, lines separated by CRLF and no CRLF after the
// last (the multipart delimiter brings its own, RFC 2046 §5.1.1).
const (
	b64LineIn  = 57
	b64LineOut = 76
	b64Batch   = 1024 // lines per read
)

// base64Len is the exact number of octets writeBase64 produces for n input
// octets, so Message.Size needs no second read of an attachment.
func base64Len(n int64) int64 {
	if n <= 0 {
		return 0
	}
	enc := (n + 2) / 3 * 4
	lines := (enc + b64LineOut - 1) / b64LineOut
	return enc + 2*(lines-1)
}

// writeBase64 streams exactly size octets from r to w as base64 lines, with
// memory bounded by one batch (~58 KB in, ~78 KB out). It fails if r holds
// fewer or more than size octets (the file changed since Build).
func writeBase64(w io.Writer, r io.Reader, size int64) (int64, error) {
	in := make([]byte, b64LineIn*b64Batch)
	out := make([]byte, 0, (b64LineOut+2)*b64Batch)
	var written, left int64 = 0, size
	first := true
	for left > 0 {
		chunk := in[:min(int64(len(in)), left)]
		if _, err := io.ReadFull(r, chunk); err != nil {
			return written, fmt.Errorf("reading attachment: %w (it is shorter than when the message was built)", err)
		}
		left -= int64(len(chunk))
		out = out[:0]
		for len(chunk) > 0 {
			line := chunk[:min(b64LineIn, len(chunk))]
			chunk = chunk[len(line):]
			if !first {
				out = append(out, '\r', '\n')
			}
			first = false
			out = base64.StdEncoding.AppendEncode(out, line)
		}
		n, err := w.Write(out)
		written += int64(n)
		if err != nil {
			return written, err
		}
	}
	var one [1]byte
	if n, _ := io.ReadFull(r, one[:]); n > 0 {
		return written, fmt.Errorf("attachment is longer than when the message was built")
	}
	return written, nil
}
