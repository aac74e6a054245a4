package msg

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"strings"
	"time"

	"github.com/emersion/go-message/textproto"
)

// BuildOptions says what the receiving server allows. The zero value builds
// a 7-bit clean message that any server accepts.
type BuildOptions struct {
	// Allow8bit: the server offered 8BITMIME (RFC 6152), so text parts that
	// are not ASCII may go 8bit when their lines are within 998 octets
	// instead of quoted-printable.
	Allow8bit bool
}

// Message is a built message, ready to be written any number of times with
// identical bytes. Text parts are encoded in memory at Build; attachments stay
// on disk and are streamed by WriteTo. A Message is immutable and safe for
// concurrent use, but writing it concurrently reads each attachment once per
// writer.
type Message struct {
	header     textproto.Header
	root       *node
	size       int64
	eightBit   bool
	utf8Header bool
	from       string
	messageID  string
	date       time.Time
}

// node is one MIME entity of the message being built.
type node struct {
	header   textproto.Header // part header; empty for the root (its fields are in Message.header)
	boundary string           // set for multipart entities
	children []*node
	body     []byte // encoded body of a text part
	file     string // attachment path, streamed as base64
	fileSize int64
}

// Build validates the draft (the same checks as Validate) and builds the
// message: headers encoded and folded, Date and Message-ID fixed, text parts
// encoded, multipart boundaries chosen, attachments stat'ed and typed. Size
// and WriteTo of the result agree byte for byte as long as the attachment
// files do not change; WriteTo fails if one does.
func (d *Draft) Build(opts BuildOptions) (*Message, error) {
	p, err := d.check()
	if err != nil {
		return nil, err
	}
	m := &Message{from: AddrSpec(p.from)}
	m.date = d.Date
	if m.date.IsZero() {
		m.date = time.Now()
	}
	m.date = m.date.Truncate(time.Second)
	if d.MessageID == "" {
		m.messageID = generateMessageID(m.from)
	} else if m.messageID, err = normalizeMessageID(d.MessageID); err != nil {
		return nil, fieldErr("Message-ID", d.MessageID, err)
	}
	if m.root, err = d.bodyTree(opts); err != nil {
		return nil, err
	}
	m.eightBit = m.root.has8bit()
	if err := chooseBoundaries(m.root); err != nil {
		return nil, err
	}
	if err := m.buildHeader(d, p); err != nil {
		return nil, err
	}
	m.size, err = m.measure()
	if err != nil {
		return nil, err
	}
	return m, nil
}

// bodyTree lays out the MIME structure (RFC 2046): text/plain alone;
// multipart/alternative with text/html (RFC 2046 §5.1.4, plainest first);
// and multipart/mixed around that when there are attachments.
func (d *Draft) bodyTree(opts BuildOptions) (*node, error) {
	body := textNode("text/plain", d.Text, opts)
	if d.HTML != "" {
		body = &node{children: []*node{body, textNode("text/html", d.HTML, opts)}}
		body.header = multipartHeader("multipart/alternative")
	}
	if len(d.Attachments) == 0 {
		return body, nil
	}
	root := &node{children: []*node{body}, header: multipartHeader("multipart/mixed")}
	for _, a := range d.Attachments {
		n, err := attachmentNode(a)
		if err != nil {
			return nil, fieldErr("Attachment", a.Path, err)
		}
		root.children = append(root.children, n)
	}
	return root, nil
}

// multipartHeader is a placeholder carrying only the media type until the
// boundary is chosen.
func multipartHeader(mediaType string) textproto.Header {
	var h textproto.Header
	h.Set("Content-Type", mediaType)
	return h
}

func textNode(mediaType, text string, opts BuildOptions) *node {
	body, cte := encodeText(text, opts.Allow8bit)
	n := &node{body: body}
	n.header = rawHeader(
		mustFold("Content-Type", mediaTokens(mediaType, [][2]string{{"charset", "utf-8"}})),
		mustFold("Content-Transfer-Encoding", []string{cte}),
	)
	return n
}

// rawHeader makes a go-message header from folded fields, in order.
// textproto.Header keeps fields in reverse and AddRaw inserts at the top, so
// they are added last first.
func rawHeader(fields ...[]byte) textproto.Header {
	var h textproto.Header
	for i := len(fields) - 1; i >= 0; i-- {
		h.AddRaw(fields[i])
	}
	return h
}

// mustFold folds fields whose tokens are built here and are always short.
func mustFold(name string, tokens []string) []byte {
	b, err := foldField(name, tokens)
	if err != nil {
		panic(fmt.Sprintf("msg: internal header %s too long: %v", name, err))
	}
	return b
}

func (n *node) has8bit() bool {
	if strings.EqualFold(n.header.Get("Content-Transfer-Encoding"), cte8bit) {
		return true
	}
	for _, c := range n.children {
		if c.has8bit() {
			return true
		}
	}
	return false
}

// chooseBoundaries gives every multipart entity a random boundary that
// occurs in none of its text bodies (RFC 2046 §5.1.1). Base64 and
// quoted-printable bodies can never hold "=_", which every boundary has.
func chooseBoundaries(n *node) error {
	if n.children == nil {
		return nil
	}
	mediaType := n.header.Get("Content-Type")
	for tries := 0; ; tries++ {
		b := "=_lb_" + rand.Text()
		if !n.contains([]byte("--" + b)) {
			n.boundary = b
			break
		}
		if tries > 8 {
			return errors.New("could not find a multipart boundary absent from the body")
		}
	}
	n.header = rawHeader(mustFold("Content-Type", mediaTokens(mediaType, [][2]string{{"boundary", n.boundary}})))
	for _, c := range n.children {
		if err := chooseBoundaries(c); err != nil {
			return err
		}
	}
	return nil
}

func (n *node) contains(b []byte) bool {
	if bytes.Contains(n.body, b) {
		return true
	}
	for _, c := range n.children {
		if c.contains(b) {
			return true
		}
	}
	return false
}

// generateMessageID makes <random@domain> (RFC 5322 §3.6.4) with the
// sender's domain in ASCII form.
func generateMessageID(from string) string {
	domain := "letterbox.invalid"
	if at := strings.LastIndex(from, "@"); at >= 0 {
		domain = from[at+1:]
		if !strings.HasPrefix(domain, "[") {
			if ascii, err := domainProfile.ToASCII(domain); err == nil {
				domain = ascii
			}
		}
	}
	return "<" + rand.Text() + "@" + domain + ">"
}

// normalizeMessageID accepts "<left@right>" or "left@right" (RFC 5322 §3.6.4
// msg-id, printable ASCII without spaces) and returns the bracketed form.
func normalizeMessageID(id string) (string, error) {
	s := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(id), "<"), ">")
	at := strings.LastIndex(s, "@")
	switch {
	case at <= 0 || at == len(s)-1:
		return "", errors.New(`a Message-ID has the form <left@right>`)
	case len(s) > maxWord:
		return "", errors.New("too long")
	case strings.IndexFunc(s, func(r rune) bool { return r <= ' ' || r > '~' || r == '<' || r == '>' }) >= 0:
		return "", errors.New("only printable ASCII without spaces or angle brackets")
	}
	return "<" + s + ">", nil
}

// buildHeader writes the top-level fields (RFC 5322 §3.6) in the usual
// order. Bcc is never written (RFC 5322 §3.6.3 allows either; we keep blind
// copies blind).
func (m *Message) buildHeader(d *Draft, p *parsed) error {
	var fields [][]byte
	add := func(name string, tokens []string) error {
		b, err := foldField(name, tokens)
		if err != nil {
			return fieldErr(name, "", err)
		}
		fields = append(fields, b)
		return nil
	}
	add("From", addressListTokens([]*mail.Address{p.from}))
	for _, l := range []struct {
		name string
		as   []*mail.Address
	}{{"To", p.to}, {"Cc", p.cc}, {"Reply-To", p.replyTo}} {
		if len(l.as) > 0 {
			if err := add(l.name, addressListTokens(l.as)); err != nil {
				return err
			}
		}
	}
	add("Subject", unstructuredTokens("Subject", d.Subject))
	add("Date", []string{m.date.Format(time.RFC1123Z)})
	add("Message-ID", []string{m.messageID})
	for _, h := range d.Headers {
		if err := add(h[0], unstructuredTokens(h[0], h[1])); err != nil {
			return fieldErr("Header "+h[0], h[1], err)
		}
	}
	add("MIME-Version", []string{"1.0"})
	for f := m.root.header.Fields(); f.Next(); {
		raw, err := f.Raw()
		if err != nil {
			return err
		}
		fields = append(fields, raw)
	}
	for _, f := range fields {
		if bytes.IndexFunc(f, func(r rune) bool { return r >= 0x80 }) >= 0 {
			m.utf8Header = true
		}
	}
	m.header = rawHeader(fields...)
	return nil
}

// measure computes the size by writing everything except attachment bodies
// to a counter; attachment lengths are arithmetic (base64Len), so no file is
// read. The cost is one pass over the headers and the in-memory text parts.
func (m *Message) measure() (int64, error) {
	var c counter
	if err := m.write(&c, &c); err != nil {
		return 0, err
	}
	return c.n, nil
}

type counter struct{ n int64 }

func (c *counter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

// Size is the exact number of octets WriteTo writes, with CRLF line endings
// and before SMTP dot-stuffing. Use it for the SIZE= parameter (RFC 1870).
func (m *Message) Size() int64 { return m.size }

// Is8bit reports whether a text part went 8bit, so MAIL FROM needs
// BODY=8BITMIME (RFC 6152). It is never true unless BuildOptions.Allow8bit.
func (m *Message) Is8bit() bool { return m.eightBit }

// UTF8Header reports whether a header field holds raw UTF-8 (an address
// that is not ASCII), which needs SMTPUTF8 (RFC 6531, RFC 6532).
func (m *Message) UTF8Header() bool { return m.utf8Header }

// Header returns a copy of the top-level header as written (go-message's
// textproto.Header: Get("Message-Id"), Fields(), …).
func (m *Message) Header() textproto.Header { return m.header.Copy() }

// From is the sender's addr-spec in wire form, for MAIL FROM.
func (m *Message) From() string { return m.from }

// MessageID is the Message-ID field with its angle brackets.
func (m *Message) MessageID() string { return m.messageID }

// Date is the Date field's time.
func (m *Message) Date() time.Time { return m.date }

// WriteTo writes the message: CRLF line endings, no line over 998 octets,
// attachments streamed from disk in bounded memory. It writes exactly Size
// octets or returns an error (an attachment missing or changed since Build,
// or w failing). w is not buffered here; wrap it if small writes are costly.
func (m *Message) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: w}
	err := m.write(cw, nil)
	return cw.n, err
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
