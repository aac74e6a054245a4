package msg

import (
	"errors"
	"fmt"
	"net/mail"
	"os"
	"strings"
	"time"
	"unicode/utf8"
)

// Attachment is a file to attach. Its content is read from disk when the
// message is written, streamed, never held in memory.
type Attachment struct {
	Path        string // file to attach; must be a readable regular file
	Name        string // file name shown to the recipient; "" = filepath.Base(Path)
	ContentType string // "" = from the extension, then by sniffing the first 512 bytes
}

// Draft is a message as the user composed it. Addresses are strings as typed
// and may carry display names; each entry of To, Cc, Bcc and ReplyTo may also
// be a comma-separated list. The zero Date means "now" and an empty MessageID
// means a generated <random@from-domain>, both fixed by Build.
type Draft struct {
	From                 string
	To, Cc, Bcc, ReplyTo []string
	Subject              string
	Text                 string // text/plain body; line endings become CRLF and a final line break is added
	HTML                 string // "" = no text/html alternative
	Attachments          []Attachment
	Headers              [][2]string // extra header fields, name and value (value RFC 2047-encoded if not ASCII)
	Date                 time.Time   // zero = now
	MessageID            string      // "" = generated; with or without angle brackets
}

// FieldError names the field of a Draft that is wrong: "From", "To", "Cc",
// "Bcc", "Reply-To", "Subject", "Text", "HTML", "Message-ID", "Header X-Foo"
// or "Attachment". Its message reads `To: invalid address "x@": missing domain`.
type FieldError struct {
	Field string
	Value string
	Err   error
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }

func (e *FieldError) Unwrap() error { return e.Err }

func fieldErr(field, value string, err error) *FieldError {
	return &FieldError{Field: field, Value: value, Err: err}
}

// headers that the Draft sets itself; an extra header may not repeat them.
var reservedHeaders = map[string]string{
	"from": "From", "to": "To", "cc": "Cc", "bcc": "Bcc", "reply-to": "ReplyTo", "subject": "Subject",
	"date": "Date", "message-id": "MessageID", "mime-version": "", "content-type": "",
	"content-transfer-encoding": "", "content-disposition": "",
}

// parsed holds the checked parts of a Draft.
type parsed struct {
	from                 *mail.Address
	to, cc, bcc, replyTo []*mail.Address
}

// Validate checks everything that can be checked without writing the
// message: every address (RFC 5322 syntax, RFC 5321 limits), CR or LF in any
// field, at least one recipient, the subject and extra headers, the
// Message-ID, and that each attachment is a readable regular file. It returns
// nil, one *FieldError, or several joined with errors.Join (each found with
// errors.As).
func (d *Draft) Validate() error {
	_, err := d.check()
	return err
}

func (d *Draft) check() (*parsed, error) {
	var errs []error
	p := &parsed{}
	if strings.TrimSpace(d.From) == "" {
		errs = append(errs, fieldErr("From", d.From, errors.New("missing sender address")))
	} else if a, err := ParseAddress(d.From); err != nil {
		errs = append(errs, fieldErr("From", d.From, err))
	} else {
		p.from = a
	}
	lists := []struct {
		field string
		in    []string
		out   *[]*mail.Address
	}{{"To", d.To, &p.to}, {"Cc", d.Cc, &p.cc}, {"Bcc", d.Bcc, &p.bcc}, {"Reply-To", d.ReplyTo, &p.replyTo}}
	for _, l := range lists {
		for _, s := range l.in {
			as, err := ParseAddressList(s)
			if err != nil {
				errs = append(errs, fieldErr(l.field, s, err))
				continue
			}
			*l.out = append(*l.out, as...)
		}
	}
	if len(p.to)+len(p.cc)+len(p.bcc) == 0 && len(errs) == 0 {
		errs = append(errs, fieldErr("To", "", errors.New("no recipient")))
	}
	errs = append(errs, d.checkText()...)
	errs = append(errs, d.checkHeaders()...)
	errs = append(errs, d.checkAttachments()...)
	return p, errors.Join(errs...)
}

func (d *Draft) checkText() []error {
	var errs []error
	if strings.ContainsAny(d.Subject, "\r\n") {
		errs = append(errs, fieldErr("Subject", d.Subject, errors.New("contains a line break (CR or LF)")))
	} else if !utf8.ValidString(d.Subject) {
		errs = append(errs, fieldErr("Subject", d.Subject, errors.New("not valid UTF-8")))
	}
	if !utf8.ValidString(d.Text) {
		errs = append(errs, fieldErr("Text", "", errors.New("not valid UTF-8")))
	}
	if !utf8.ValidString(d.HTML) {
		errs = append(errs, fieldErr("HTML", "", errors.New("not valid UTF-8")))
	}
	if d.MessageID != "" {
		if _, err := normalizeMessageID(d.MessageID); err != nil {
			errs = append(errs, fieldErr("Message-ID", d.MessageID, err))
		}
	}
	return errs
}

func (d *Draft) checkHeaders() []error {
	var errs []error
	for _, h := range d.Headers {
		name, value := h[0], h[1]
		field := "Header " + name
		switch {
		case name == "" || strings.IndexFunc(name, func(r rune) bool { return r <= ' ' || r > '~' || r == ':' }) >= 0:
			errs = append(errs, fieldErr(field, name, errors.New("invalid field name (RFC 5322 §2.2: printable ASCII, no colon)")))
		case strings.ContainsAny(value, "\r\n"):
			errs = append(errs, fieldErr(field, value, errors.New("contains a line break (CR or LF)")))
		case !utf8.ValidString(value):
			errs = append(errs, fieldErr(field, value, errors.New("not valid UTF-8")))
		default:
			if use, ok := reservedHeaders[strings.ToLower(name)]; ok {
				why := "set by the message builder"
				if use != "" {
					why = "use the Draft's " + use + " field"
				}
				errs = append(errs, fieldErr(field, value, fmt.Errorf("cannot be an extra header: %s", why)))
			} else if _, err := foldField(name, unstructuredTokens(name, value)); err != nil {
				errs = append(errs, fieldErr(field, value, err))
			}
		}
	}
	return errs
}

func (d *Draft) checkAttachments() []error {
	var errs []error
	for _, a := range d.Attachments {
		if err := checkAttachment(a); err != nil {
			errs = append(errs, fieldErr("Attachment", a.Path, err))
		}
	}
	return errs
}

func checkAttachment(a Attachment) error {
	if a.Path == "" {
		return errors.New("no file path")
	}
	if strings.ContainsAny(a.Name, "\r\n") || strings.ContainsAny(a.ContentType, "\r\n") {
		return errors.New("name or content type contains a line break (CR or LF)")
	}
	if a.ContentType != "" {
		if _, _, err := parseContentType(a.ContentType); err != nil {
			return err
		}
	}
	f, err := os.Open(a.Path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", a.Path)
	}
	return nil
}

// Envelope returns the SMTP envelope (RFC 5321 §3.3): the sender and the
// recipients as bare addr-specs in wire form (AddrSpec), To then Cc then
// Bcc, each address once (compared case-insensitively in the domain).
func (d *Draft) Envelope() (from string, rcpts []string, err error) {
	p, err := d.check()
	if err != nil {
		return "", nil, err
	}
	return p.envelope()
}

func (p *parsed) envelope() (string, []string, error) {
	seen := map[string]bool{}
	var rcpts []string
	for _, l := range [][]*mail.Address{p.to, p.cc, p.bcc} {
		for _, a := range l {
			spec := AddrSpec(a)
			key := spec
			if at := strings.LastIndex(spec, "@"); at >= 0 {
				key = spec[:at] + strings.ToLower(spec[at:])
			}
			if !seen[key] {
				seen[key] = true
				rcpts = append(rcpts, spec)
			}
		}
	}
	return AddrSpec(p.from), rcpts, nil
}
