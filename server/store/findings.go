package store

import (
	"io"
	"os"
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

// lintCounts checks the stored message r against RFC 5322, MIME, RFC 2047
// and its envelope (smtpcore/msg/lint), once at ingest and again when the
// index is rebuilt, and returns how many findings of each severity it has.
// The findings are kept with the message's record (lintPath, at commit) and
// their counts in the index (the Inbox row's badge, `inbox list`), so a
// rebuild reads them; lintCounts checks again only messages without them
// (older records, mail another program delivered). A message that cannot be
// read has no counts.
//
// At ingest only the first lintIngestMax bytes are checked, so that a huge
// message does not cost its size again in memory on the way to the 250 (the
// linter holds what it checks); such a message gets the linter's
// lint.truncated finding, and the Findings tab and `inbox lint`, which
// check up to lint.DefaultMaxBytes, give the whole story.
func lintCounts(r io.Reader, rec *Record) lint.Counts {
	findings, err := lint.CheckReader(r, lintIngestMax, rec.LintEnvelope())
	if err != nil {
		return lint.Counts{}
	}
	return lint.Count(findings)
}

// lintIngestMax bounds what the linter reads of one message at ingest.
const lintIngestMax = 8 << 20

// lintPath checks the file at path as lintCounts does and returns the
// findings, and whether the check ran (false when the file cannot be read).
func lintPath(path string, rec *Record) ([]lint.Finding, bool) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	findings, err := lint.CheckReader(f, lintIngestMax, rec.LintEnvelope())
	if err != nil {
		return nil, false
	}
	return findings, true
}
