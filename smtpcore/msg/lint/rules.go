package lint

// Rule describes one check: its stable id, its severity and the RFC section
// it enforces.
type Rule struct {
	ID       string
	Severity Severity
	RFC      string
	Summary  string
}

// Rules lists every rule Check applies, in the order of the issue that asked
// for them. The ids are stable; a rule's severity may change between releases.
var Rules = []Rule{
	// RFC 5322: the header and the lines.
	{"rfc5322.date-missing", Error, "RFC 5322 §3.6", "no Date field"},
	{"rfc5322.from-missing", Error, "RFC 5322 §3.6", "no From field"},
	{"rfc5322.field-repeated", Error, "RFC 5322 §3.6", "a field that may appear once appears more often"},
	{"rfc5322.message-id-missing", Warning, "RFC 5322 §3.6.4", "no Message-ID field"},
	{"rfc5322.message-id-syntax", Error, "RFC 5322 §3.6.4", "Message-ID is not <id-left@id-right>"},
	{"rfc5322.date-syntax", Error, "RFC 5322 §3.3", "Date is not an RFC 5322 date-time"},
	{"rfc5322.address-syntax", Error, "RFC 5322 §3.4", "an address field does not parse"},
	{"rfc5322.header-syntax", Error, "RFC 5322 §2.2", "a header line is neither a field nor a continuation"},
	{"rfc5322.line-too-long", Error, "RFC 5322 §2.1.1", "a line is longer than 998 octets"},
	{"rfc5322.line-over-78", Info, "RFC 5322 §2.1.1", "a line is longer than 78 characters"},
	{"rfc5322.bare-cr-lf", Error, "RFC 5322 §2.3", "CR or LF not part of a CRLF"},
	{"rfc6532.8bit-header", Error, "RFC 6532 §3", "8-bit bytes in a header field without SMTPUTF8"},
	{"rfc6532.header-not-utf8", Error, "RFC 6532 §3.2", "8-bit bytes in a header field that are not UTF-8"},
	// MIME.
	{"mime.version-missing", Error, "RFC 2045 §4", "MIME fields without MIME-Version: 1.0"},
	{"mime.version-value", Error, "RFC 2045 §4", "MIME-Version is not 1.0"},
	{"mime.content-type-syntax", Error, "RFC 2045 §5.1", "Content-Type does not parse"},
	{"mime.boundary-missing", Error, "RFC 2046 §5.1.1", "a multipart entity without a boundary parameter"},
	{"mime.boundary-syntax", Error, "RFC 2046 §5.1.1", "the boundary is too long or has characters outside bchars"},
	{"mime.boundary-not-unique", Error, "RFC 2046 §5.1.1", "a nested boundary starts with an enclosing one"},
	{"mime.boundary-not-found", Error, "RFC 2046 §5.1.1", "a multipart body holds no delimiter line"},
	{"mime.boundary-not-closed", Error, "RFC 2046 §5.1.1", "a multipart body ends without its close delimiter"},
	{"mime.cte-unknown", Error, "RFC 2045 §6.1", "an unknown Content-Transfer-Encoding"},
	{"mime.cte-multipart", Error, "RFC 2045 §6.4", "a multipart entity encoded other than 7bit, 8bit or binary"},
	{"mime.8bit-in-7bit", Error, "RFC 2045 §2.7", "8-bit bytes in a part declared 7bit, quoted-printable or base64"},
	{"mime.base64-alphabet", Error, "RFC 2045 §6.8", "a character outside the base64 alphabet"},
	{"mime.base64-length", Error, "RFC 2045 §6.8", "base64 data whose length is not a multiple of 4"},
	{"mime.base64-line-length", Error, "RFC 2045 §6.8", "a base64 line longer than 76 characters"},
	{"mime.qp-escape", Error, "RFC 2045 §6.7", "an = in quoted-printable not followed by two hex digits"},
	{"mime.qp-line-length", Error, "RFC 2045 §6.7", "a quoted-printable line longer than 78 characters"},
	// Python's email package (policy.SMTP, max_line_length 78) writes
	// quoted-printable lines of up to 78 characters; every decoder reads them.
	{"mime.qp-line-over-76", Info, "RFC 2045 §6.7", "a quoted-printable line of 77 or 78 characters (the limit is 76)"},
	{"mime.charset-missing", Error, "RFC 2046 §4.1.2", "8-bit text without a charset parameter"},
	{"mime.charset-unknown", Warning, "RFC 2046 §4.1.2", "a charset no decoder knows"},
	{"mime.charset-undecodable", Error, "RFC 2046 §4.1.2", "text that does not decode in its charset"},
	{"mime.alternative-order", Warning, "RFC 2046 §5.1.4", "multipart/alternative with HTML before plain text"},
	{"mime.rfc2231-continuation", Error, "RFC 2231 §3-4", "a parameter continuation or encoding that is malformed"},
	// RFC 2047.
	{"rfc2047.word-too-long", Error, "RFC 2047 §2", "an encoded word longer than 75 characters"},
	{"rfc2047.in-quoted-string", Error, "RFC 2047 §5", "an encoded word inside a quoted string"},
	{"rfc2047.in-addr-spec", Error, "RFC 2047 §5", "an encoded word inside an addr-spec"},
	// go-message, Gmail and Outlook write non-ASCII file names this way and
	// every common client reads them, so this is worth knowing, no more.
	{"rfc2047.in-parameter", Info, "RFC 2047 §5", "an encoded word as a MIME parameter value (use RFC 2231)"},
	{"rfc2047.charset-unknown", Error, "RFC 2047 §3", "an encoded word in a charset no decoder knows"},
	{"rfc2047.encoding-unknown", Error, "RFC 2047 §4", "an encoded word with an encoding other than B or Q"},
	{"rfc2047.undecodable", Error, "RFC 2047 §4", "an encoded word whose text does not decode"},
	// The envelope against the content.
	{"env.8bit-without-8bitmime", Error, "RFC 6152 §3", "8-bit data sent without BODY=8BITMIME"},
	{"env.utf8-without-smtputf8", Error, "RFC 6531 §3.4", "UTF-8 addresses or header fields sent without SMTPUTF8"},
	{"env.bcc-leak", Warning, "RFC 5322 §3.6.3", "a Bcc field reached the server, so every recipient can read it"},
	{"env.bare-lf-accepted", Warning, "RFC 5321 §2.3.8", "bare LF or CR that the server let in only because of --allow-bare-lf"},
	// Practical.
	{"practical.html-without-text", Warning, "RFC 2046 §5.1.4", "HTML with no plain-text alternative"},
	{"practical.html-remote-content", Info, "RFC 2557", "HTML that loads remote images, styles or frames"},
	{"practical.html-script", Warning, "RFC 2046 §4.1", "HTML that holds script, which no mail client runs"},
	{"practical.attachment-no-filename", Warning, "RFC 2183 §2.3", "an attachment without a file name"},
	{"lint.truncated", Info, "", "the message was longer than the linter reads"},
}

var ruleByID = func() map[string]Rule {
	m := make(map[string]Rule, len(Rules))
	for _, r := range Rules {
		m[r.ID] = r
	}
	return m
}()

// newFinding makes a finding of a listed rule; an unknown id is a bug.
func newFinding(id string, where Where, message, excerpt string) Finding {
	r, ok := ruleByID[id]
	if !ok {
		panic("lint: unknown rule " + id)
	}
	if message == "" {
		message = r.Summary
	}
	return Finding{Rule: id, Severity: r.Severity, RFC: r.RFC, Where: where, Message: message, Excerpt: excerpt}
}
