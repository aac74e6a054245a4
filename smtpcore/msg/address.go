package msg

import (
	"errors"
	"fmt"
	"mime"
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message/charset"
	"golang.org/x/net/idna"

	"letterbox/smtpcore"
)

// RFC 5321 §4.5.3.1 size limits, in octets.
const (
	maxLocalPart = 64  // §4.5.3.1.1
	maxDomain    = 255 // §4.5.3.1.2
	maxPath      = 256 // §4.5.3.1.3, counting the angle brackets
)

// AddressError reports an address that cannot be used. Its message names the
// input: `invalid address "foo@": missing domain`.
type AddressError struct {
	Input  string // the text as given
	Reason string // what is wrong, in words
	Err    error  // the underlying parser error, if any
}

func (e *AddressError) Error() string {
	return fmt.Sprintf("invalid address %q: %s", e.Input, e.Reason)
}

func (e *AddressError) Unwrap() error { return e.Err }

func addrErr(input, reason string, err error) error {
	return &AddressError{Input: input, Reason: reason, Err: err}
}

// domainProfile validates domain names the way a resolver would (IDNA 2008
// lookup rules, label and name lengths).
var domainProfile = idna.New(idna.MapForLookup(), idna.VerifyDNSLength(true), idna.BidiRule(), idna.StrictDomainName(true))

func addressParser() *mail.AddressParser {
	return &mail.AddressParser{WordDecoder: &mime.WordDecoder{CharsetReader: charset.Reader}}
}

// ParseAddress parses one mailbox: a bare addr-spec or `Display Name
// <addr-spec>`, with RFC 2047 encoded display names and UTF-8 (RFC 6532). The
// addr-spec must be an RFC 5321 Mailbox (§4.1.2), the grammar the server
// applies to MAIL and RCPT (smtpcore.ParseMailbox), so every address SMTP can
// carry is taken and no other: a Dot-string or Quoted-string local part
// (`"x>y"@y.test`, `""@y.test`), a domain or an address literal of §4.1.3
// (`[192.0.2.1]`, `[IPv6:2001:db8::1]`, `[tag:text]`), the UTF-8 forms of
// RFC 6531, and the limits of §4.5.3.1 (local part ≤64, domain ≤255, path
// ≤256 octets). A domain name must also pass IDNA 2008 lookup rules. The
// result's Address holds the local part unquoted, as net/mail's does;
// AddrSpec gives the wire form back. CR or LF anywhere is refused. Errors are
// *AddressError naming the input. Safe for concurrent use.
func ParseAddress(s string) (*mail.Address, error) {
	if strings.ContainsAny(s, "\r\n") {
		return nil, addrErr(s, "contains a line break (CR or LF)", nil)
	}
	t := strings.TrimSpace(s)
	switch {
	case t == "":
		return nil, addrErr(s, "empty", nil)
	case !utf8.ValidString(t):
		return nil, addrErr(s, "not valid UTF-8", nil)
	case !strings.Contains(t, "@"):
		return nil, addrErr(s, "missing @", nil)
	}
	before, spec, after, angle, err := splitMailboxText(t)
	if err != nil {
		return nil, addrErr(s, err.Error(), err)
	}
	p, err := checkAddrSpec(spec)
	if err != nil {
		return nil, addrErr(s, err.Error(), err)
	}
	name, err := displayName(before, after, angle)
	if err != nil {
		return nil, addrErr(s, strings.TrimPrefix(err.Error(), "mail: "), err)
	}
	return &mail.Address{Name: name, Address: smtpcore.UnquoteLocalPart(p.Local) + "@" + p.Domain}, nil
}

// splitMailboxText finds the addr-spec in t: inside the first "<" … ">" that
// stands outside quoted strings, comments and address literals, else t up to
// a trailing comment ("john@example.org (John)"). before and after are what
// surrounds it, for the display name.
func splitMailboxText(t string) (before, spec, after string, angle bool, err error) {
	lt := topLevelIndex(t, '<')
	if lt < 0 {
		if c := topLevelIndex(t, '('); c >= 0 {
			return "", strings.TrimSpace(t[:c]), t[c:], false, nil
		}
		return "", t, "", false, nil
	}
	gt := topLevelIndex(t[lt+1:], '>')
	if gt < 0 {
		return "", "", "", true, errors.New("missing > after <")
	}
	return t[:lt], t[lt+1 : lt+1+gt], t[lt+2+gt:], true, nil
}

// topLevelIndex returns the index of the first c in s that is outside quoted
// strings, comments and address literals (where "<", ">" and "(" may all
// stand), or -1.
func topLevelIndex(s string, c byte) int {
	quoted, literal, depth := false, false, 0
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case literal:
			literal = b != ']'
		case b == '\\' && (quoted || depth > 0):
			i++
		case quoted:
			quoted = b != '"'
		case depth > 0 && b == '(':
			depth++
		case depth > 0:
			if b == ')' {
				depth--
			}
		case b == c:
			return i
		case b == '"':
			quoted = true
		case b == '(':
			depth++
		case b == '[':
			literal = true
		}
	}
	return -1
}

// displayName decodes the display name around an addr-spec with net/mail
// (quoted strings, RFC 2047 words, a comment after a bare addr-spec), in
// place of an addr-spec it does not need to understand.
func displayName(before, after string, angle bool) (string, error) {
	if strings.TrimSpace(before+after) == "" {
		return "", nil
	}
	probe := "x@example.invalid " + after
	if angle {
		probe = before + "<x@example.invalid>" + after
	}
	a, err := addressParser().Parse(probe)
	if err != nil {
		return "", err
	}
	return legacyText(a.Name, ""), nil // net/mail keeps a UTF-8 word's octets even when they are not UTF-8
}

// checkAddrSpec checks an addr-spec in its wire form (local part quoted
// where needed) against RFC 5321: the limits of §4.5.3.1, then the Mailbox
// grammar of §4.1.2 and §4.1.3, then IDNA rules for a domain name.
func checkAddrSpec(spec string) (smtpcore.Path, error) {
	local, domain, ok := smtpcore.SplitAddress(spec)
	switch {
	case !ok:
		return smtpcore.Path{}, errors.New("missing @")
	case local == "":
		return smtpcore.Path{}, errors.New("missing local part")
	case domain == "":
		return smtpcore.Path{}, errors.New("missing domain")
	case len(local) > maxLocalPart:
		return smtpcore.Path{}, fmt.Errorf("local part is %d octets, the limit is %d (RFC 5321 §4.5.3.1.1)", len(local), maxLocalPart)
	case len(domain) > maxDomain:
		return smtpcore.Path{}, fmt.Errorf("domain is %d octets, the limit is %d (RFC 5321 §4.5.3.1.2)", len(domain), maxDomain)
	case len(spec)+2 > maxPath:
		return smtpcore.Path{}, fmt.Errorf("address is %d octets, the limit is %d with brackets (RFC 5321 §4.5.3.1.3)", len(spec), maxPath-2)
	}
	p, err := smtpcore.ParseMailbox(spec)
	if err != nil {
		return smtpcore.Path{}, err
	}
	return p, checkDomain(p.Domain)
}

// checkDomain applies IDNA 2008 lookup rules to a domain name; an address
// literal has been checked by smtpcore.ParseMailbox (RFC 5321 §4.1.3).
func checkDomain(domain string) error {
	if strings.HasPrefix(domain, "[") {
		return smtpcore.CheckAddressLiteral(domain)
	}
	ascii, err := domainProfile.ToASCII(domain)
	if err != nil {
		return fmt.Errorf("bad domain %q: %w", domain, err)
	}
	if len(ascii) > maxDomain {
		return fmt.Errorf("domain is %d octets in ASCII form, the limit is %d", len(ascii), maxDomain)
	}
	return nil
}

// ParseAddressList parses a comma-separated list of mailboxes with the rules
// of ParseAddress. An empty or all-blank string gives nil, nil. The error
// names the first bad entry.
func ParseAddressList(s string) ([]*mail.Address, error) {
	if strings.ContainsAny(s, "\r\n") {
		return nil, addrErr(s, "contains a line break (CR or LF)", nil)
	}
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []*mail.Address
	for _, entry := range splitList(s) {
		if strings.TrimSpace(entry) == "" {
			continue
		}
		a, err := ParseAddress(entry)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// splitList splits at commas outside quoted strings, comments, angle
// brackets and address literals, so `"Doe, John" <j@x>, k@y` gives two
// entries and so does `a@[tag:b,c], d@e` (RFC 5321 §4.1.3 dcontent holds ",").
func splitList(s string) []string {
	var out []string
	depth, quoted, escaped, literal, start := 0, false, false, false, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case literal:
			literal = c != ']'
		case escaped:
			escaped = false
		case c == '\\' && (quoted || depth > 0):
			escaped = true
		case c == '"' && depth == 0:
			quoted = !quoted
		case quoted:
		case c == '[' && depth == 0:
			literal = true
		case c == '(' || c == '<':
			depth++
		case (c == ')' || c == '>') && depth > 0:
			depth--
		case c == ',' && depth == 0:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// IsASCIIAddress reports whether addr is pure ASCII. When it is not, the
// SMTP transaction needs the SMTPUTF8 extension (RFC 6531).
func IsASCIIAddress(addr string) bool {
	for i := 0; i < len(addr); i++ {
		if addr[i] >= 0x80 {
			return false
		}
	}
	return true
}
