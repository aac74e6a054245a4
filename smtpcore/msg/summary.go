package msg

import (
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// SnippetRunes is the length of Summary.Snippet, in characters.
const SnippetRunes = 120

// Summary is the short form of a received message that lists show: the
// store's index (the Inbox list) and `letterbox inbox list/show` take it
// from Summarize, and the message view's View gives the same through
// View.Summary, so the three never disagree. Every string is valid UTF-8;
// the header fields are on one line.
type Summary struct {
	From, To, Cc []string // mailboxes, decoded, "Name <addr>" or "addr"
	Subject      string   // decoded (DecodeHeader)
	Date         time.Time
	MessageID    string
	Attachments  []AttachmentInfo // View.Attachments, in tree order
	// Text is the text a reader sees (View.Text: the text/plain body, else
	// the HTML body as text), LF line ends, at most ReadLimits.MaxTextBytes
	// of body read. It is what a body search looks in.
	Text          string
	TextTruncated bool   // the text or HTML body was longer than MaxTextBytes
	Snippet       string // the start of Text on one line, at most SnippetRunes characters and "…"
}

// AttachmentInfo is one attachment as a list shows it.
type AttachmentInfo struct {
	Name        string // Part.Filename: cleaned; "" when the part has no name
	ContentType string // lower-case media type
	Size        int64  // octets after transfer decoding
	Path        string // MIME part path for ExtractPart ("2", "1.3")
	// Inline is a part that belongs to the HTML body (it has a Content-ID
	// and is not marked attachment, RFC 2387, RFC 2392): a list does not
	// count it as an attachment.
	Inline bool
}

// HasAttachments reports an attachment that is not Inline: what a list
// marks with a paperclip.
func (s Summary) HasAttachments() bool {
	for _, a := range s.Attachments {
		if !a.Inline {
			return true
		}
	}
	return false
}

// Summarize reads a message from r and returns its Summary. It is
// ReadView(r, limits).Summary() (same code, same limits, same tolerance: a
// usable Summary plus a non-fatal error for a damaged message), minus the
// decoding of every header field for a Headers view. It reads r once and
// keeps at most what ReadLimits allow. Safe for concurrent use.
func Summarize(r io.Reader, limits ReadLimits) (Summary, error) {
	v, err := readView(r, limits, false)
	return v.Summary(), err
}

// Summary returns the Summary of the message the View shows.
func (v *View) Summary() Summary {
	s := Summary{
		From: v.FromList, To: v.ToList, Cc: v.CcList,
		Subject: v.Subject, Date: v.Date, MessageID: v.MessageID,
		Text: v.Text, TextTruncated: v.TextTruncated || v.HTMLTruncated,
		Snippet: Snippet(v.Text, SnippetRunes),
	}
	for _, p := range v.Attachments {
		s.Attachments = append(s.Attachments, AttachmentInfo{
			Name: p.Filename, ContentType: p.ContentType, Size: p.Size, Path: p.Path,
			Inline: p.ContentID != "" && p.Disposition != "attachment",
		})
	}
	return s
}

// Snippet returns the start of text on one line: white space and control
// characters collapsed to single spaces, at most n characters, with "…"
// added when it was cut.
func Snippet(text string, n int) string {
	var b strings.Builder
	count, gap := 0, false
	for _, r := range text {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == utf8.RuneError {
			gap = count > 0
			continue
		}
		need := 1
		if gap {
			need = 2
		}
		if count+need > n {
			b.WriteString("…")
			break
		}
		if gap {
			b.WriteByte(' ')
			count++
			gap = false
		}
		b.WriteRune(r)
		count++
	}
	return b.String()
}
