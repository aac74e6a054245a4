package imapstore

import (
	"mime"
	"net/mail"
	"slices"
	"strconv"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-message/charset"

	"letterbox/server/store"
)

// wordDecoder decodes RFC 2047 words in any charset go-message knows.
var wordDecoder = &mime.WordDecoder{CharsetReader: charset.Reader}

// summaryItems are the items a page of summaries fetches: no body.
var summaryItems = &imap.FetchOptions{
	UID:           true,
	Flags:         true,
	Envelope:      true,
	InternalDate:  true,
	RFC822Size:    true,
	BodyStructure: &imap.FetchItemBodyStructure{Extended: true},
}

// idOf is a message's ID: its UID in decimal.
func idOf(uid imap.UID) string { return strconv.FormatUint(uint64(uid), 10) }

// uidOf parses an ID made by idOf.
func uidOf(id string) (imap.UID, bool) {
	n, err := strconv.ParseUint(id, 10, 32)
	if err != nil || n == 0 {
		return 0, false
	}
	return imap.UID(n), true
}

// summaryOf turns a FETCH response into a store.Summary. MailFrom and Rcpts
// stay empty (IMAP knows no SMTP envelope); Snippet stays empty (bodies are
// fetched on demand only).
func summaryOf(m *imapclient.FetchMessageBuffer) store.Summary {
	s := store.Summary{
		ID:       idOf(m.UID),
		Received: m.InternalDate,
		Size:     m.RFC822Size,
		Unread:   !slices.Contains(m.Flags, imap.FlagSeen),
	}
	if e := m.Envelope; e != nil {
		s.Date = e.Date
		s.Subject = e.Subject
		if len(e.From) > 0 {
			s.From = formatAddress(&e.From[0])
		}
		rcpts := append(slices.Clone(e.To), e.Cc...)
		for i := range rcpts {
			if a := &rcpts[i]; !a.IsGroupStart() && !a.IsGroupEnd() {
				s.To = append(s.To, formatAddress(a))
			}
		}
	}
	if m.BodyStructure != nil {
		s.Attachments = attachments(m.BodyStructure)
		s.HasAttachments = len(s.Attachments) > 0
	}
	return s
}

// formatAddress writes an envelope address as "Name <addr>" (or "addr"),
// as the local store's summaries do.
func formatAddress(a *imap.Address) string {
	addr := a.Addr()
	if a.Name == "" {
		return addr
	}
	return (&mail.Address{Name: a.Name, Address: addr}).String()
}

// attachments names the parts a reader sees as attachments: those with a
// Content-Disposition of attachment (RFC 2183), and non-text leaves with a
// file name that are not inline. An unnamed attachment is "".
func attachments(bs imap.BodyStructure) []string {
	var names []string
	bs.Walk(func(_ []int, part imap.BodyStructure) bool {
		sp, ok := part.(*imap.BodyStructureSinglePart)
		if !ok {
			return true
		}
		disp := ""
		if d := sp.Disposition(); d != nil {
			disp = strings.ToLower(d.Value)
		}
		name := decodeWord(sp.Filename())
		switch {
		case disp == "attachment":
			names = append(names, name)
		case disp == "" && name != "" && !strings.EqualFold(sp.Type, "text"):
			names = append(names, name)
		}
		return true
	})
	return names
}

// decodeWord undoes RFC 2047 encoding in a parameter value, which some
// senders use for file names although RFC 2047 §5 does not allow it there.
func decodeWord(s string) string {
	d, err := wordDecoder.DecodeHeader(s)
	if err != nil {
		return s
	}
	return d
}
