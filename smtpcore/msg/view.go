package msg

import (
	"errors"
	"fmt"
	"io"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-message/textproto"
	htmlcharset "golang.org/x/net/html/charset"
)

// View is a received message made ready to show: header fields decoded,
// the text body in UTF-8, the HTML body raw (show it only through
// HTMLToText or SanitizeHTML), and the MIME structure.
type View struct {
	Header                         [][2]string // every top-level field in order, RFC 2047 decoded, unfolded
	From, To, Cc, ReplyTo, Subject string      // decoded for display ("Name <addr>, …")
	FromList, ToList, CcList       []string    // the same mailboxes one by one ("Name <addr>")
	MessageID                      string      // as written, with angle brackets
	Date                           time.Time   // zero when absent or unparsable
	Text                           string      // text/plain body in UTF-8; if only HTML, HTMLToText of it
	HTML                           string      // the first text/html body part, in UTF-8, unsanitised
	Parts                          []Part      // every entity in tree order (multipart entities included)
	Attachments                    []Part      // the parts that are not the displayed text or HTML
	TextTruncated, HTMLTruncated   bool        // the body was longer than ReadLimits.MaxTextBytes
}

// ReadView reads a message (RFC 5322 with MIME) for display. It is
// tolerant: whatever the input, it returns a usable *View (never nil) and, if
// the message was damaged or a limit was hit, a non-fatal error joining
// every problem found. It never panics, reads r to the end at most once, and
// keeps at most MaxTextBytes of text and of HTML plus MaxHeaderBytes per
// header in memory; attachment bodies are only counted.
func ReadView(r io.Reader, limits ReadLimits) (*View, error) {
	return readView(r, limits, true)
}

// readView is ReadView; without headers it leaves out the field lists
// (View.Header, Part.Header) that only a view of the headers needs.
func readView(r io.Reader, limits ReadLimits, headers bool) (*View, error) {
	lim := limits.withDefaults()
	v := &View{}
	b := &viewBuilder{v: v, lim: lim}
	w := &walker{lim: lim, visit: b.visit, capture: &capped{limit: lim.MaxTextBytes}, noHeaders: !headers}
	h, err := w.walkMessage(r)
	w.note("", err)
	b.header(h, w)
	if !b.sawText && !b.sawHTML && len(w.capture.buf) > 0 && !w.capture.stop {
		// A multipart whose boundary never appears: show its raw text.
		text, err := utf8Text(w.capture.buf, "")
		w.note("", err)
		v.Text = text
	}
	if v.Text == "" && v.HTML != "" {
		v.Text = HTMLToText(v.HTML)
	}
	return v, errors.Join(w.errs...)
}

type viewBuilder struct {
	v                *View
	lim              ReadLimits
	sawText, sawHTML bool
}

func (b *viewBuilder) visit(p *Part, body io.Reader) error {
	if body == nil {
		b.v.Parts = append(b.v.Parts, *p)
		return nil
	}
	inline := p.Disposition != "attachment" && p.Filename == ""
	var err error
	switch {
	case inline && p.ContentType == "text/plain" && !b.sawText:
		b.sawText = true
		b.v.Text, b.v.TextTruncated, p.Size, err = b.readText(p, body)
	case inline && p.ContentType == "text/html" && !b.sawHTML:
		b.sawHTML = true
		b.v.HTML, b.v.HTMLTruncated, p.Size, err = b.readText(p, body)
	default:
		p.Size, err = io.Copy(io.Discard, body)
		b.v.Attachments = append(b.v.Attachments, *p)
	}
	b.v.Parts = append(b.v.Parts, *p)
	return err
}

// readText keeps up to MaxTextBytes of a text body, converted to UTF-8, and
// counts the rest.
func (b *viewBuilder) readText(p *Part, body io.Reader) (string, bool, int64, error) {
	buf, err := io.ReadAll(io.LimitReader(body, int64(b.lim.MaxTextBytes)))
	if err != nil {
		return "", false, int64(len(buf)), err
	}
	rest, err := io.Copy(io.Discard, body)
	if err != nil {
		return "", false, int64(len(buf)) + rest, err
	}
	cs := p.Charset
	if cs == "" && p.ContentType == "text/html" && !utf8.Valid(buf) {
		// No MIME charset and not UTF-8: the document's own <meta charset>
		// (WHATWG HTML §13.2.3.2 prescan), else Windows-1252 as for text.
		_, cs, _ = htmlcharset.DetermineEncoding(buf, "text/html")
	}
	text, cerr := utf8Text(buf, cs)
	text = strings.ReplaceAll(text, "\r\n", "\n")
	return text, rest > 0, int64(len(buf)) + rest, cerr
}

// header fills the summary fields from the top-level header, reading raw
// 8-bit text in the charset of the message's text (w.hint).
func (b *viewBuilder) header(h textproto.Header, w *walker) {
	v := b.v
	if !w.noHeaders {
		v.Header = displayHeader(h, w.hint)
	}
	v.FromList = addressList(h.Get("From"), w.hint)
	v.ToList = addressList(strings.Join(h.Values("To"), ", "), w.hint)
	v.CcList = addressList(strings.Join(h.Values("Cc"), ", "), w.hint)
	v.From = strings.Join(v.FromList, ", ")
	v.To = strings.Join(v.ToList, ", ")
	v.Cc = strings.Join(v.CcList, ", ")
	v.ReplyTo = strings.Join(addressList(h.Get("Reply-To"), w.hint), ", ")
	v.Subject = decodeHeaderHint(h.Get("Subject"), w.hint)
	v.MessageID = strings.TrimSpace(h.Get("Message-Id"))
	if d := h.Get("Date"); d != "" {
		t, err := mail.ParseDate(d)
		if err != nil {
			w.note("", fmt.Errorf("Date %q: %w", d, err))
		} else {
			v.Date = t
		}
	}
}

// ExtractPart re-reads the message from r and writes the transfer-decoded
// bytes of the part at path ("1", "1.2", as in View.Parts) to w, without
// charset conversion, so a saved attachment is byte for byte what was sent.
// It streams: memory does not grow with the part's size. A part that does
// not exist or is a multipart entity is an error; damage inside the part
// (bad base64) gives what could be decoded and a non-nil error.
func ExtractPart(r io.Reader, path string, w io.Writer) error {
	found := false
	var werr error
	walk := &walker{lim: ReadLimits{}.withDefaults(), noHeaders: true} // Part.Header is not needed here
	walk.lim.MaxParts = 1 << 20
	walk.visit = func(p *Part, body io.Reader) error {
		if p.Path != path {
			if body != nil {
				_, err := io.Copy(io.Discard, body)
				return err
			}
			return nil
		}
		if body == nil {
			return fmt.Errorf("part %s is a %s container, not a leaf", path, p.ContentType)
		}
		found = true
		_, werr = io.Copy(w, body)
		if werr != nil {
			return werr
		}
		return errStop
	}
	_, err := walk.walkMessage(r)
	if err != nil {
		return err
	}
	if werr != nil {
		return werr
	}
	if !found {
		return fmt.Errorf("no MIME part %q in the message", path)
	}
	// Only damage inside the extracted part matters here.
	for _, e := range walk.errs {
		if strings.HasPrefix(e.Error(), "part "+path+":") {
			return e
		}
	}
	return nil
}
