package app

import (
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"letterbox/server/store"
	"letterbox/smtpcore/msg"
	"letterbox/smtpcore/msg/lint"
)

const (
	// messageRawMax is how much of the raw source the Raw tab shows.
	messageRawMax = 512 << 10
	// messageReadText is how much text and HTML ReadView keeps.
	messageReadText = 1 << 20
	// messageShowText is how much of a body a tab lays out; more makes
	// wrapping slow and nobody reads it there (Save as .eml has it all).
	messageShowText = 256 << 10
)

// messageData is everything the view shows of one message, read off the UI
// goroutine by loadMessage.
type messageData struct {
	id      string
	sum     store.Summary
	rec     *store.Record // nil when the message has no session record
	view    *msg.View
	damage  error  // non-fatal: what ReadView found broken
	raw     string // the first messageRawMax bytes, as valid UTF-8 with LF line ends
	rawSize int64  // bytes read in all
	// rawBytes is the first messageRawMax bytes as stored (the Findings tab
	// numbers lines as the linter does); findings are the conformance
	// findings of the whole message (smtpcore/msg/lint).
	rawBytes []byte
	findings []lint.Finding
}

// loadMessage reads message id for display: its summary, its session record
// and, in one pass over the file, the MIME view and the start of the raw
// source. An error means the message cannot be shown at all; a damaged
// message is shown with data.damage set.
func loadMessage(st InboxStore, id string) (*messageData, error) {
	sum, err := st.Get(id)
	if err != nil {
		return nil, err
	}
	d := &messageData{id: id, sum: sum}
	if rec, err := st.Record(id); err == nil {
		d.rec = rec
	} else if !errors.Is(err, os.ErrNotExist) {
		d.damage = fmt.Errorf("session record: %w", err)
	}
	rc, err := st.Open(id)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	raw := &messageCapped{limit: messageRawMax}
	counted := &messageCounter{r: io.TeeReader(rc, raw)}
	v, verr := msg.ReadView(counted, msg.ReadLimits{MaxTextBytes: messageReadText})
	if _, err := io.Copy(io.Discard, counted); err != nil { // ReadView may stop early
		return nil, fmt.Errorf("read message %s: %w", id, err)
	}
	d.view, d.rawSize = v, counted.n
	d.damage = errors.Join(d.damage, verr)
	d.raw = strings.ReplaceAll(strings.ToValidUTF8(string(raw.buf), "\uFFFD"), "\r\n", "\n")
	d.rawBytes = raw.buf
	if err := d.lint(st); err != nil {
		d.damage = errors.Join(d.damage, err)
	}
	return d, nil
}

// lint finds the conformance findings of the whole stored message (RFC 5322,
// MIME, RFC 2047 and its envelope; smtpcore/msg/lint). The store checked it
// once at commit and kept the findings with the record; those are used unless
// the store's check stopped short of the end (its lint.truncated finding) or
// never ran (older records, mail another program delivered). Only then is
// the message read a second time (the first pass kept only the start of it)
// and checked up to lint.DefaultMaxBytes.
func (d *messageData) lint(st InboxStore) error {
	if d.rec != nil && d.rec.Linted && !slices.ContainsFunc(d.rec.Findings, lintTruncated) {
		d.findings = d.rec.Findings
		return nil
	}
	rc, err := st.Open(d.id)
	if err != nil {
		return fmt.Errorf("findings: %w", err)
	}
	defer rc.Close()
	d.findings, err = lint.CheckReader(rc, 0, d.rec.LintEnvelope())
	if err != nil {
		return fmt.Errorf("findings: %w", err)
	}
	return nil
}

// lintTruncated reports whether f says the linter did not read the whole
// message.
func lintTruncated(f lint.Finding) bool { return f.Rule == "lint.truncated" }

// messageCapped keeps the first limit bytes written to it and drops the rest.
type messageCapped struct {
	buf   []byte
	limit int
}

func (c *messageCapped) Write(p []byte) (int, error) {
	if room := c.limit - len(c.buf); room > 0 {
		c.buf = append(c.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

// messageCounter counts the bytes read through it.
type messageCounter struct {
	r io.Reader
	n int64
}

func (c *messageCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// messageAddrRe finds addr-specs in a display list; it is the fallback for
// mailboxes that do not parse (decoded display names with commas, say).
var messageAddrRe = regexp.MustCompile(`[^\s<>,;:"()\[\]]+@[^\s<>,;:"()\[\]]+`)

// messageAddrs returns the lower-case addr-specs of mailboxes shown one by
// one ("Name <addr>", msg.View's ToList and CcList), in their wire form, so
// that they compare with envelope addresses: a quoted local part such as
// "x y"@example.test is found too, which the fallback pattern cannot do.
func messageAddrs(lists ...[]string) map[string]bool {
	out := map[string]bool{}
	for _, l := range lists {
		for _, m := range l {
			if a, err := msg.ParseAddress(m); err == nil {
				out[strings.ToLower(msg.AddrSpec(a))] = true
				continue
			}
			for _, a := range messageAddrRe.FindAllString(m, -1) {
				out[strings.ToLower(a)] = true
			}
		}
	}
	return out
}

// envelopeRcpts lists the envelope recipients, marking those that neither To
// nor Cc names: Bcc, or an envelope that differs from the header.
func (d *messageData) envelopeRcpts() []string {
	if d.rec == nil {
		return nil
	}
	shown := messageAddrs(d.view.ToList, d.view.CcList)
	out := make([]string, len(d.rec.Rcpts))
	for i, r := range d.rec.Rcpts {
		out[i] = r
		if !shown[strings.ToLower(r)] {
			out[i] += " (Bcc/envelope only)"
		}
	}
	return out
}

// headerValue returns the first value of the named field, or "".
func (d *messageData) headerValue(name string) string {
	for _, f := range d.view.Header {
		if strings.EqualFold(f[0], name) {
			return f[1]
		}
	}
	return ""
}

// messageShown returns s cut to messageShowText bytes on a rune boundary and
// whether it was cut.
func messageShown(s string) (string, bool) {
	if len(s) <= messageShowText {
		return s, false
	}
	cut := messageShowText
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut], true
}

// messageTrimBlank drops leading blank lines and trailing space, for display.
func messageTrimBlank(s string) string {
	s = strings.TrimRight(s, " \t\r\n")
	for {
		line, rest, ok := strings.Cut(s, "\n")
		if !ok || strings.TrimSpace(line) != "" {
			return s
		}
		s = rest
	}
}
