package msg

import (
	"errors"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message/charset"
	"golang.org/x/net/idna"
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

// ParseAddress parses one RFC 5322 mailbox: a bare addr-spec or
// `Display Name <addr-spec>`, with quoted local parts, RFC 2047 encoded
// display names and UTF-8 (RFC 6532). The addr-spec must obey the RFC 5321
// limits (local part ≤64, domain ≤255, path ≤256 octets) and have a valid
// domain name or address literal. CR or LF anywhere is refused. Errors are
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
	a, err := addressParser().Parse(t)
	if err != nil {
		return nil, addrErr(s, syntaxReason(t, err), err)
	}
	if err := checkAddrSpec(AddrSpec(a)); err != nil {
		return nil, addrErr(s, err.Error(), err)
	}
	return a, nil
}

// syntaxReason turns net/mail's terse errors into words for the common cases.
func syntaxReason(t string, err error) string {
	bare := strings.TrimSuffix(strings.TrimPrefix(t, "<"), ">")
	if i := strings.LastIndex(bare, "<"); i >= 0 {
		bare = bare[i+1:]
	}
	switch {
	case strings.HasSuffix(bare, "@"):
		return "missing domain"
	case strings.HasPrefix(bare, "@"):
		return "missing local part"
	}
	return strings.TrimPrefix(err.Error(), "mail: ")
}

// checkAddrSpec applies the RFC 5321 limits and domain rules to an addr-spec
// in its wire form (local part quoted where needed).
func checkAddrSpec(spec string) error {
	at := strings.LastIndex(spec, "@")
	if at < 0 {
		return errors.New("missing @")
	}
	local, domain := spec[:at], spec[at+1:]
	switch {
	case local == "":
		return errors.New("missing local part")
	case domain == "":
		return errors.New("missing domain")
	case len(local) > maxLocalPart:
		return fmt.Errorf("local part is %d octets, the limit is %d (RFC 5321 §4.5.3.1.1)", len(local), maxLocalPart)
	case len(domain) > maxDomain:
		return fmt.Errorf("domain is %d octets, the limit is %d (RFC 5321 §4.5.3.1.2)", len(domain), maxDomain)
	case len(spec)+2 > maxPath:
		return fmt.Errorf("address is %d octets, the limit is %d with brackets (RFC 5321 §4.5.3.1.3)", len(spec), maxPath-2)
	}
	for _, r := range local {
		if r < 0x20 || r == 0x7f {
			return errors.New("control character in local part")
		}
	}
	return checkDomain(domain)
}

func checkDomain(domain string) error {
	if strings.HasPrefix(domain, "[") {
		// RFC 5321 §4.1.3 address literals.
		if !strings.HasSuffix(domain, "]") {
			return fmt.Errorf("bad address literal %q", domain)
		}
		lit := domain[1 : len(domain)-1]
		if v6, ok := strings.CutPrefix(lit, "IPv6:"); ok {
			if ip := net.ParseIP(v6); ip != nil && strings.Contains(v6, ":") {
				return nil
			}
		} else if ip := net.ParseIP(lit); ip != nil && ip.To4() != nil && !strings.Contains(lit, ":") {
			return nil
		}
		return fmt.Errorf("bad address literal %q", domain)
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

// splitList splits at commas outside quoted strings, comments and angle
// brackets, so `"Doe, John" <j@x>, k@y` gives two entries.
func splitList(s string) []string {
	var out []string
	depth, quoted, escaped, start := 0, false, false, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case escaped:
			escaped = false
		case c == '\\' && (quoted || depth > 0):
			escaped = true
		case c == '"' && depth == 0:
			quoted = !quoted
		case quoted:
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
