package store

import (
	"io"
	"strings"

	"letterbox/smtpcore"
	"letterbox/smtpcore/msg"
	"letterbox/smtpcore/msg/lint"
)

// LintEnvelope turns the session record into the linter's Envelope: sender and
// recipients, and the MAIL FROM parameters BODY=8BITMIME and SMTPUTF8 as the
// transcript shows them (RFC 6152, RFC 6531); bare LF or CR as the record's
// warnings say the server let it in. A nil record (mail another program
// put in the Maildir) gives an unknown envelope, which the linter skips.
func (rec *Record) LintEnvelope() lint.Envelope {
	if rec == nil {
		return lint.Envelope{}
	}
	env := lint.Envelope{Known: true, MailFrom: rec.MailFrom, Rcpts: rec.Rcpts}
	sawMail := false
	for _, e := range rec.Transcript {
		if e.Dir != smtpcore.DirClient || !strings.HasPrefix(strings.ToUpper(e.Text), "MAIL FROM:") {
			continue
		}
		sawMail = true // the last MAIL of the session is this message's
		env.Body8BitMIME, env.SMTPUTF8 = false, false
		for _, p := range strings.Fields(e.Text)[1:] {
			switch strings.ToUpper(p) {
			case "BODY=8BITMIME", "BODY=BINARYMIME":
				env.Body8BitMIME = true
			case "SMTPUTF8":
				env.SMTPUTF8 = true
			}
		}
	}
	for _, w := range rec.Warnings {
		if strings.Contains(w, "bare LF") || strings.Contains(w, "bare CR") {
			env.BareLF = true
		}
	}
	if !sawMail { // no transcript: trust the server, which warns about undeclared 8-bit data
		env.Body8BitMIME = true
		for _, a := range append([]string{rec.MailFrom}, rec.Rcpts...) {
			if !msg.IsASCIIAddress(a) {
				env.SMTPUTF8 = true // the server refuses such an address without SMTPUTF8
			}
		}
		for _, w := range rec.Warnings {
			if strings.Contains(w, "without BODY=8BITMIME") {
				env.Body8BitMIME = false
			}
		}
	}
	return env
}

// lintMessage checks the stored message r against RFC 5322, MIME, RFC 2047
// and its envelope (smtpcore/msg/lint) and returns the findings, and whether
// the check ran (false when r cannot be read). It runs once per message, at
// commit on the file just written; the findings are kept with the record
// and their counts in the index (the Inbox row's badge, `inbox list`), so a
// rebuild of the index reads them and checks again only messages without
// them (older records, mail another program delivered).
//
// Only the first lintIngestMax bytes are checked, so that a huge message
// does not cost its size again in memory on the way to the 250 (the linter
// holds what it checks); such a message gets the linter's lint.truncated
// finding, and the Findings tab and `inbox lint`, which check up to
// lint.DefaultMaxBytes, give the whole story.
func lintMessage(r io.Reader, rec *Record) ([]lint.Finding, bool) {
	findings, err := lint.CheckReader(r, lintIngestMax, rec.LintEnvelope())
	if err != nil {
		return nil, false
	}
	return findings, true
}

// lintIngestMax bounds what the linter reads of one message.
const lintIngestMax = 8 << 20
