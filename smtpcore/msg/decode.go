package msg

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime/quotedprintable"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message/textproto"
)

// readHeaderLimited reads a header section (RFC 5322 §2.2) of at most max
// octets; the fields past the limit are skipped (read, not kept) and
// reported. Lines may end in CRLF or bare LF.
func readHeaderLimited(br *bufio.Reader, max int) (textproto.Header, error) {
	var buf []byte
	fresh, over := true, false
	for {
		line, err := br.ReadSlice('\n')
		if fresh && (bytes.Equal(line, []byte("\r\n")) || bytes.Equal(line, []byte("\n"))) {
			break
		}
		if !over && len(buf)+len(line) > max {
			over = true
		}
		if !over {
			buf = append(buf, line...)
		}
		fresh = err == nil
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			break
		}
	}
	if over {
		// Cut at the last complete field so the parser sees whole lines.
		if i := bytes.LastIndexByte(buf, '\n'); i >= 0 {
			buf = buf[:i+1]
		}
	}
	h, err := textproto.ReadHeader(bufio.NewReader(io.MultiReader(bytes.NewReader(buf), strings.NewReader("\r\n"))))
	if over {
		err = errors.Join(err, fmt.Errorf("header section larger than %d octets: the rest was skipped", max))
	}
	return h, err
}

// transferDecoder undoes the Content-Transfer-Encoding (RFC 2045 §6)
// tolerantly: unknown encodings are passed through raw and reported.
func transferDecoder(cte string, r io.Reader) (io.Reader, *base64Filter, error) {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "", cte7bit, cte8bit, "binary":
		return r, nil, nil
	case cteQP:
		return quotedprintable.NewReader(r), nil, nil
	case cteBase64:
		f := &base64Filter{r: r}
		return base64.NewDecoder(base64.StdEncoding, f), f, nil
	default:
		return r, nil, fmt.Errorf("unknown Content-Transfer-Encoding %q, shown undecoded", cte)
	}
}

// base64Filter keeps only base64 alphabet characters and padding (RFC 2045
// §6.8: "all line breaks or other characters not found in Table 1 must be
// ignored"), counting the garbage it drops. After padding it stops, so
// trailing junk cannot corrupt the decoded data.
type base64Filter struct {
	r       io.Reader
	garbage int
	padded  bool
}

func (f *base64Filter) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for range 100 {
		if f.padded {
			// Drain the rest so a multipart reader can move on.
			_, err := io.Copy(io.Discard, f.r)
			if err == nil {
				err = io.EOF
			}
			return 0, err
		}
		n, err := f.r.Read(p)
		out := 0
		for _, c := range p[:n] {
			switch {
			case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '+', c == '/':
				if f.padded {
					f.garbage++
					continue
				}
				p[out] = c
				out++
			case c == '=':
				p[out] = c
				out++
				f.padded = true
			case c == ' ', c == '\t', c == '\r', c == '\n':
			default:
				f.garbage++
			}
		}
		if out > 0 || err != nil {
			return out, err
		}
	}
	return 0, nil // only whitespace and garbage so far; the caller reads again
}

// utf8Text converts text in the named charset to valid UTF-8. Text labelled
// UTF-8 or US-ASCII (or not labelled) that is not valid UTF-8 is taken as
// Windows-1252, the usual mislabel; bytes that still do not decode become
// U+FFFD. The error is non-fatal and says what was done.
func utf8Text(b []byte, cs string) (string, error) {
	if isUTF8Label(cs) {
		if utf8.Valid(b) {
			return string(b), nil
		}
		return legacyText(string(b), ""), fmt.Errorf("text labelled %q is not valid UTF-8; shown as Windows-1252", cs)
	}
	s, err := convertCharset(b, cs)
	if err != nil {
		return legacyText(string(b), ""), fmt.Errorf("unknown charset %q: %w", cs, err)
	}
	return strings.ToValidUTF8(s, "\uFFFD"), nil
}
