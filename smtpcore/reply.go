package smtpcore

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Reply is an SMTP reply (RFC 5321 §4.2) with its enhanced status code (RFC 3463).
// It is also an error, so a session can return exactly what the client should see,
// and a client caller can recover it with errors.As.
type Reply struct {
	Code     int    // 250, 354, 451, 550, ...
	Enhanced string // "2.0.0"; empty when the peer did not send one
	Text     string // may hold several lines, joined by "\n"
}

// NewReply builds a reply; text is formatted with fmt.Sprintf when args are given.
func NewReply(code int, enhanced, text string, args ...any) *Reply {
	if len(args) > 0 {
		text = fmt.Sprintf(text, args...)
	}
	return &Reply{Code: code, Enhanced: enhanced, Text: text}
}

func (r *Reply) Error() string {
	if r.Enhanced == "" {
		return fmt.Sprintf("%d %s", r.Code, strings.ReplaceAll(r.Text, "\n", " "))
	}
	return fmt.Sprintf("%d %s %s", r.Code, r.Enhanced, strings.ReplaceAll(r.Text, "\n", " "))
}

// Temporary reports a transient failure (4yz): the same command may succeed later.
func (r *Reply) Temporary() bool { return r.Code/100 == 4 }

// Permanent reports a permanent failure (5yz).
func (r *Reply) Permanent() bool { return r.Code/100 == 5 }

// Positive reports a 2yz or 3yz reply.
func (r *Reply) Positive() bool { return r.Code/100 == 2 || r.Code/100 == 3 }

// Lines returns the reply as wire lines without CRLF: every line but the last
// carries "-" after the code (RFC 5321 §4.2.1), and each repeats the enhanced code.
// CR and LF inside Text only ever split lines; they never reach the wire raw.
func (r *Reply) Lines() []string {
	texts := strings.Split(strings.ReplaceAll(r.Text, "\r", ""), "\n")
	lines := make([]string, len(texts))
	for i, t := range texts {
		sep := "-"
		if i == len(texts)-1 {
			sep = " "
		}
		var b strings.Builder
		b.WriteString(strconv.Itoa(r.Code))
		b.WriteString(sep)
		if r.Enhanced != "" {
			b.WriteString(r.Enhanced)
			if t != "" {
				b.WriteByte(' ')
			}
		}
		b.WriteString(t)
		lines[i] = b.String()
	}
	return lines
}

// WriteTo writes the reply with CRLF line endings. It does not flush.
func (r *Reply) WriteTo(w io.Writer) (int64, error) {
	var n int64
	for _, l := range r.Lines() {
		m, err := io.WriteString(w, l+"\r\n")
		n += int64(m)
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// ErrMalformedReply is wrapped by ReadReply when the peer's reply breaks RFC 5321 §4.2.
var ErrMalformedReply = errors.New("smtpcore: malformed reply")

// MaxReplyLines bounds how many continuation lines ReadReply accepts, so a hostile
// server cannot grow a client's memory without limit.
const MaxReplyLines = 1000

// ReadReply reads one possibly multi-line reply. It returns the parsed reply and
// the raw lines as received (without CRLF) for the transcript. A 4yz or 5yz reply
// is returned as a value, not as an error: the error is only for I/O and syntax.
func ReadReply(r *bufio.Reader) (*Reply, []string, error) {
	var (
		reply Reply
		raw   []string
		texts []string
		buf   []byte
	)
	for {
		line, err := ReadLine(r, 4096, buf[:0])
		if err != nil {
			if errors.Is(err, ErrLineTooLong) {
				return nil, raw, fmt.Errorf("%w: line longer than 4096 bytes", ErrMalformedReply)
			}
			if err == io.EOF && len(raw) > 0 {
				err = io.ErrUnexpectedEOF
			}
			return nil, raw, err
		}
		buf = line
		s := string(line)
		raw = append(raw, s)
		code, more, text, err := parseReplyLine(s)
		if err != nil {
			return nil, raw, err
		}
		if len(raw) == 1 {
			reply.Code = code
		} else if code != reply.Code {
			return nil, raw, fmt.Errorf("%w: code %d changed to %d within one reply", ErrMalformedReply, reply.Code, code)
		}
		texts = append(texts, text)
		if !more {
			break
		}
		if len(raw) >= MaxReplyLines {
			return nil, raw, fmt.Errorf("%w: more than %d lines", ErrMalformedReply, MaxReplyLines)
		}
	}
	reply.Enhanced = enhancedOf(texts[0], reply.Code)
	if reply.Enhanced != "" {
		for i, t := range texts {
			if enhancedOf(t, reply.Code) == reply.Enhanced {
				texts[i] = strings.TrimPrefix(strings.TrimPrefix(t, reply.Enhanced), " ")
			}
		}
	}
	reply.Text = strings.Join(texts, "\n")
	return &reply, raw, nil
}

// parseReplyLine splits "250-text" into its parts (RFC 5321 §4.2: Reply-code [SP text] CRLF;
// servers in the wild also send a bare code).
func parseReplyLine(s string) (code int, more bool, text string, err error) {
	if len(s) < 3 {
		return 0, false, "", fmt.Errorf("%w: %q", ErrMalformedReply, s)
	}
	code, convErr := strconv.Atoi(s[:3])
	if convErr != nil || s[0] < '2' || s[0] > '5' || s[1] > '5' {
		return 0, false, "", fmt.Errorf("%w: bad code in %q", ErrMalformedReply, s)
	}
	if len(s) == 3 {
		return code, false, "", nil
	}
	switch s[3] {
	case '-':
		return code, true, s[4:], nil
	case ' ':
		return code, false, s[4:], nil
	}
	return 0, false, "", fmt.Errorf("%w: %q", ErrMalformedReply, s)
}

// enhancedOf returns the RFC 3463 status code that starts text, if its class
// agrees with the reply code's first digit; otherwise "".
func enhancedOf(text string, code int) string {
	word, _, _ := strings.Cut(text, " ")
	parts := strings.Split(word, ".")
	if len(parts) != 3 || word[0] != byte('0'+code/100) {
		return ""
	}
	for i, p := range parts {
		max := 3
		if i == 0 {
			max = 1
		}
		if p == "" || len(p) > max {
			return ""
		}
		for _, c := range p {
			if c < '0' || c > '9' {
				return ""
			}
		}
	}
	return word
}
