package lint

import (
	"fmt"
	"mime"
	"net/mail"
	"regexp"
	"strings"

	"github.com/emersion/go-message/charset"
)

// onceFields may appear at most once in a message (RFC 5322 §3.6, the table
// of the origination, destination, identification and informational fields).
var onceFields = []string{"Date", "From", "Sender", "Reply-To", "To", "Cc", "Bcc",
	"Message-ID", "In-Reply-To", "References", "Subject"}

// addressFields hold address lists (RFC 5322 §3.6.2, §3.6.3).
var addressFields = []string{"From", "Sender", "Reply-To", "To", "Cc", "Bcc"}

// checkTopHeader applies the RFC 5322 rules of the message header.
func (c *checker) checkTopHeader(top *entity) {
	count := map[string][]field{}
	for _, f := range top.fields {
		k := strings.ToLower(f.name)
		count[k] = append(count[k], f)
	}
	for _, name := range []string{"Date", "From"} {
		if len(count[strings.ToLower(name)]) == 0 {
			c.add("rfc5322."+strings.ToLower(name)+"-missing", Where{Header: name}, "", nil)
		}
	}
	for _, name := range onceFields {
		if fs := count[strings.ToLower(name)]; len(fs) > 1 {
			c.add("rfc5322.field-repeated", Where{Header: name, Line: fs[1].line + 1},
				fmt.Sprintf("%s appears %d times; it may appear once", name, len(fs)), []byte(fs[1].name+":"+fs[1].value))
		}
	}
	if fs := count["date"]; len(fs) > 0 {
		if _, err := mail.ParseDate(strings.TrimSpace(fs[0].value)); err != nil {
			c.add("rfc5322.date-syntax", Where{Header: fs[0].name, Line: fs[0].line + 1}, "", []byte(strings.TrimSpace(fs[0].value)))
		}
	}
	if fs := count["message-id"]; len(fs) == 0 {
		c.add("rfc5322.message-id-missing", Where{Header: "Message-ID"}, "", nil)
	} else if !msgIDRe.MatchString(strings.TrimSpace(stripComments(fs[0].value))) {
		c.add("rfc5322.message-id-syntax", Where{Header: fs[0].name, Line: fs[0].line + 1}, "", []byte(strings.TrimSpace(fs[0].value)))
	}
	for _, name := range addressFields {
		for _, f := range count[strings.ToLower(name)] {
			c.checkAddresses(f)
		}
	}
	c.checkMIMEVersion(top, count["mime-version"])
}

// msgIDRe is msg-id = "<" id-left "@" id-right ">" with dot-atom-text or
// no-fold-literal on the right (RFC 5322 §3.6.4).
var msgIDRe = regexp.MustCompile(`^<[A-Za-z0-9!#$%&'*+/=?^_` + "`" + `{|}~.\x80-\xff-]+@([A-Za-z0-9!#$%&'*+/=?^_` + "`" + `{|}~.\x80-\xff-]+|\[[^\[\]\\]*\])>$`)

// addrParser decodes RFC 2047 display names in every charset go-message knows.
var addrParser = &mail.AddressParser{WordDecoder: &mime.WordDecoder{CharsetReader: charset.Reader}}

// checkAddresses parses an address list with the RFC 5322 §3.4 grammar
// (groups included). An empty Bcc is allowed (§3.6.3); other fields need at
// least one address.
func (c *checker) checkAddresses(f field) {
	v := strings.TrimSpace(f.value)
	if v == "" && strings.EqualFold(f.name, "Bcc") {
		return
	}
	if _, err := addrParser.ParseList(v); err != nil {
		if isGroupOnly(v) {
			return // "undisclosed-recipients:;" (RFC 5322 §3.4, group with no mailbox)
		}
		c.add("rfc5322.address-syntax", Where{Header: f.name, Line: f.line + 1},
			fmt.Sprintf("%s does not parse as an address list: %v", f.name, err), []byte(strings.TrimSpace(f.value)))
	}
}

var groupOnlyRe = regexp.MustCompile(`^[^:<>@,"]+:\s*;$`)

func isGroupOnly(v string) bool { return groupOnlyRe.MatchString(strings.TrimSpace(stripComments(v))) }

// checkMIMEVersion: a message that uses MIME says so with MIME-Version: 1.0
// (RFC 2045 §4), comments allowed.
func (c *checker) checkMIMEVersion(top *entity, fs []field) {
	if len(fs) == 0 {
		for _, f := range top.fields {
			if strings.HasPrefix(strings.ToLower(f.name), "content-") {
				c.add("mime.version-missing", Where{Header: "MIME-Version"},
					"the message has "+f.name+" but no MIME-Version: 1.0", nil)
				return
			}
		}
		return
	}
	if v := strings.Join(strings.Fields(stripComments(fs[0].value)), ""); v != "1.0" {
		c.add("mime.version-value", Where{Header: fs[0].name, Line: fs[0].line + 1}, "", []byte(fs[0].value))
	}
}
