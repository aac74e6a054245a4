package cli

import (
	"bytes"
	"io"
	"slices"
	"time"

	"letterbox/server/store"
	"letterbox/smtpcore/msg"
	"letterbox/smtpcore/msg/lint"
)

// Item is one message as `inbox list --json` prints it. The field names are
// a stable interface, documented in the README.
type Item struct {
	ID           string        `json:"id"`
	From         string        `json:"from"`
	To           []string      `json:"to"`
	Cc           []string      `json:"cc"`
	Subject      string        `json:"subject"`
	Date         *time.Time    `json:"date"` // null when the Date field is missing or unreadable
	Received     time.Time     `json:"received"`
	Size         int64         `json:"size"`
	EnvelopeFrom string        `json:"envelope_from"`
	EnvelopeTo   []string      `json:"envelope_to"`
	Attachments  []Attachment  `json:"attachments"`
	Seen         bool          `json:"seen"`
	Findings     lint.Counts   `json:"findings"`
	view         *msg.View     // for show and echo
	raw          []byte        // the bytes as stored, for show --raw and --part
	record       *store.Record // nil for mail another tool dropped in
}

// Attachment is one attachment of an Item.
type Attachment struct {
	Name string `json:"name"`
	Size int64  `json:"size"` // octets after transfer decoding
	Type string `json:"type"`
}

// maxRead bounds the bytes of one message that list, show and lint read.
const maxRead = 64 << 20

// loadItem reads one message: the store's summary (decoded From, Subject,
// Date, as the Inbox shows them), the message through smtpcore/msg (To and
// Cc apart, attachments), its session record and its findings.
func loadItem(st *store.Store, s store.Summary) (*Item, error) {
	raw, rec, err := readMessage(st, s.ID)
	if err != nil {
		return nil, err
	}
	return newItem(s, raw, rec), nil
}

// readMessage reads up to maxRead bytes of message id and its session
// record, nil when there is none (another tool's mail) or it is unreadable:
// the envelope is then unknown.
func readMessage(st *store.Store, id string) (raw []byte, rec *store.Record, err error) {
	rc, err := st.Open(id)
	if err != nil {
		return nil, nil, err
	}
	raw, err = io.ReadAll(io.LimitReader(rc, maxRead))
	rc.Close()
	if err != nil {
		return nil, nil, err
	}
	if rec, err = st.Record(id); err != nil {
		rec = nil
	}
	return raw, rec, nil
}

// newItem builds an Item from its parts; rec may be nil.
func newItem(s store.Summary, raw []byte, rec *store.Record) *Item {
	v, _ := msg.ReadView(bytes.NewReader(raw), msg.ReadLimits{}) // tolerant: a damaged message still gives a View
	it := &Item{
		ID: s.ID, From: s.From, Subject: s.Subject, Received: s.Received, Size: s.Size,
		EnvelopeFrom: s.MailFrom, EnvelopeTo: nonNil(s.Rcpts), Seen: !s.Unread,
		To: nonNil(v.ToList), Cc: nonNil(v.CcList), Attachments: []Attachment{},
		view: v, raw: raw, record: rec,
	}
	if !s.Date.IsZero() {
		d := s.Date
		it.Date = &d
	}
	for _, p := range v.Attachments {
		it.Attachments = append(it.Attachments, Attachment{Name: p.Filename, Size: p.Size, Type: p.ContentType})
	}
	it.Findings = lint.Count(findings(raw, rec))
	return it
}

// findings returns the message's conformance findings: those the store kept
// with its record at commit (server/store/findings.go) when they cover the
// whole message, else a fresh check. The store checks at most 8 MiB at
// ingest and then adds lint.truncated; a fresh check reads up to
// lint.DefaultMaxBytes. `inbox lint` always checks afresh.
func findings(raw []byte, rec *store.Record) []lint.Finding {
	if rec != nil && rec.Linted && !slices.ContainsFunc(rec.Findings, isTruncated) {
		return rec.Findings
	}
	return lint.Check(raw, rec.LintEnvelope())
}

func isTruncated(f lint.Finding) bool { return f.Rule == "lint.truncated" }

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
