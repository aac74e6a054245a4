package msg

import (
	"bytes"
	"errors"
	"io"
	"strings"
)

// PartData is the start of one MIME part's decoded body, as ReadPart
// returns it.
type PartData struct {
	Body      []byte // the transfer-decoded octets (RFC 2045 §6), at most the limit asked for
	Truncated bool   // the part holds more than Body
}

// errPartFull stops ExtractPart once ReadPart has what it asked for.
var errPartFull = errors.New("part limit reached")

// partCap keeps the first limit octets written to it and then fails with
// errPartFull, which ends the walk early.
type partCap struct {
	buf       bytes.Buffer
	limit     int
	truncated bool
}

func (c *partCap) Write(p []byte) (int, error) {
	room := c.limit - c.buf.Len()
	if len(p) <= room {
		return c.buf.Write(p)
	}
	c.buf.Write(p[:max(room, 0)])
	c.truncated = true
	return max(room, 0), errPartFull
}

// ReadPart re-reads the message from r and returns the first limit octets
// of the transfer-decoded body of the part at path ("1", "1.2", as in
// View.Parts), without charset conversion, for showing that part: a preview
// of an image, the text of a text part. Memory is bounded by limit (at
// least 1); reading stops once the limit is passed. Like ExtractPart, a part
// that does not exist or is a multipart container is an error, and damage
// inside the part (bad base64) gives what could be decoded plus a non-nil
// error.
func ReadPart(r io.Reader, path string, limit int) (PartData, error) {
	c := &partCap{limit: max(limit, 1)}
	err := ExtractPart(r, path, c)
	if errors.Is(err, errPartFull) {
		err = nil
	}
	return PartData{Body: c.buf.Bytes(), Truncated: c.truncated}, err
}

// PartText converts the body of a text part in charset cs (the part's
// charset parameter, RFC 2046 §4.1.2; "" when absent) to valid UTF-8 with
// LF line ends, as ReadView does for the message body: unlabelled or
// mislabelled UTF-8 falls back to Windows-1252, an unknown charset gives the
// bytes with invalid sequences replaced. The error is non-fatal and says
// what was done.
func PartText(body []byte, cs string) (string, error) {
	s, err := utf8Text(body, cs)
	return strings.ReplaceAll(s, "\r\n", "\n"), err
}
