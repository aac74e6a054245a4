package smtpcore

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits from RFC 5321 §4.5.3.1.
const (
	MaxLocalPartLength = 64
	MaxDomainLength    = 255
	MaxPathLength      = 256 // including the angle brackets
)

// Path is a mailbox from a MAIL FROM or RCPT TO command (RFC 5321 §4.1.2).
// The zero Path is the null reverse-path "<>". A source route ("@a,@b:") is
// accepted and dropped, as RFC 5321 §4.1.2 and Appendix C ask.
type Path struct {
	Local  string // as on the wire: a dot-string, or a quoted string with its quotes
	Domain string // a domain or an address literal such as "[192.0.2.1]"; "" only for <Postmaster>
}

// IsNull reports whether p is the null reverse-path "<>".
func (p Path) IsNull() bool { return p.Local == "" && p.Domain == "" }

// String returns "local@domain" ("" for the null path; "Postmaster" alone).
func (p Path) String() string {
	if p.Domain == "" {
		return p.Local
	}
	return p.Local + "@" + p.Domain
}

// IsASCII reports whether the path can travel without SMTPUTF8 (RFC 6531).
func (p Path) IsASCII() bool { return isASCII(p.Local) && isASCII(p.Domain) }

// Params are the ESMTP parameters after a path (RFC 5321 §4.1.2), keyed by the
// upper-cased keyword; a keyword without "=value" maps to "".
type Params map[string]string

// ParseMailArg parses the argument of MAIL, "FROM:<path> [params]".
// Syntax errors are *Reply values: 501 5.5.4 for the command's shape or its
// parameters, 501 5.1.7 for the address itself (RFC 3463).
func ParseMailArg(arg string) (Path, Params, error) {
	rest, ok := cutPrefixFold(arg, "FROM:")
	if !ok {
		return Path{}, nil, NewReply(501, "5.5.4", "Syntax: MAIL FROM:<address> [parameters]")
	}
	return parsePathAndParams(rest, true)
}

// ParseRcptArg parses the argument of RCPT, "TO:<path> [params]". <Postmaster>
// without a domain is allowed (RFC 5321 §4.1.1.3). Address errors are 501 5.1.3.
func ParseRcptArg(arg string) (Path, Params, error) {
	rest, ok := cutPrefixFold(arg, "TO:")
	if !ok {
		return Path{}, nil, NewReply(501, "5.5.4", "Syntax: RCPT TO:<address> [parameters]")
	}
	return parsePathAndParams(rest, false)
}

func parsePathAndParams(s string, sender bool) (Path, Params, error) {
	s = strings.TrimLeft(s, " ") // "MAIL FROM: <a@b>" is common in the wild
	end := closingBracket(s)
	if end < 0 {
		return Path{}, nil, addrError(sender, "address must be enclosed in <>")
	}
	p, err := ParsePath(s[:end+1])
	if err != nil {
		return Path{}, nil, addrError(sender, err.Error())
	}
	if p.IsNull() && !sender {
		return Path{}, nil, addrError(false, "the null path <> is not a recipient")
	}
	if p.Domain == "" && !p.IsNull() && (sender || !strings.EqualFold(p.Local, "postmaster")) {
		return Path{}, nil, addrError(sender, "address has no domain")
	}
	rest := s[end+1:]
	if rest != "" && rest[0] != ' ' {
		return Path{}, nil, NewReply(501, "5.5.4", "Expected a space after the address")
	}
	params, err := ParseParams(rest)
	if err != nil {
		return Path{}, nil, err
	}
	return p, params, nil
}

// closingBracket finds the ">" that ends a path starting at s[0] == '<',
// skipping over quoted strings in the local part and over an address literal,
// whose dcontent may hold ">" too (RFC 5321 §4.1.3).
func closingBracket(s string) int {
	if s == "" || s[0] != '<' {
		return -1
	}
	quoted, literal := false, false
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case literal:
			literal = c != ']'
		case quoted && c == '\\':
			i++
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '[' && s[i-1] == '@':
			literal = true
		case c == '>':
			return i
		}
	}
	return -1
}

func addrError(sender bool, why string) *Reply {
	if sender {
		return NewReply(501, "5.1.7", "Bad sender address syntax: %s", why)
	}
	return NewReply(501, "5.1.3", "Bad recipient address syntax: %s", why)
}

// pathError is a plain error so that ParsePath callers choose the reply code.
type pathError string

func (e pathError) Error() string { return string(e) }

// ParsePath parses "<mailbox>", "<@route:mailbox>" or "<>" (RFC 5321 §4.1.2, with
// the UTF-8 extensions of RFC 6531 §3.3). It checks the length limits of §4.5.3.1.
func ParsePath(s string) (Path, error) {
	if len(s) > MaxPathLength {
		return Path{}, pathError("path longer than 256 octets")
	}
	if len(s) < 2 || s[0] != '<' || s[len(s)-1] != '>' {
		return Path{}, pathError("address must be enclosed in <>")
	}
	inner := s[1 : len(s)-1]
	if inner == "" {
		return Path{}, nil
	}
	if !utf8.ValidString(inner) {
		return Path{}, pathError("address is not valid UTF-8")
	}
	if inner[0] == '@' {
		colon := strings.IndexByte(inner, ':')
		if colon < 0 || !validRoute(inner[:colon]) {
			return Path{}, pathError("bad source route")
		}
		inner = inner[colon+1:]
	}
	local, domain, err := splitMailbox(inner)
	if err != nil {
		return Path{}, err
	}
	return Path{Local: local, Domain: domain}, nil
}

func validRoute(r string) bool {
	for _, hop := range strings.Split(r, ",") {
		if len(hop) < 2 || hop[0] != '@' || !validDomain(hop[1:]) {
			return false
		}
	}
	return true
}

func splitMailbox(s string) (local, domain string, err error) {
	var at int
	if strings.HasPrefix(s, `"`) {
		end := quotedEnd(s)
		if end < 0 {
			return "", "", pathError("unterminated quoted local part")
		}
		at = end + 1
		if at < len(s) && s[at] != '@' {
			return "", "", pathError("text after the quoted local part")
		}
	} else {
		at = domainAt(s)
		if at < 0 {
			at = len(s)
		}
		if !validDotString(s[:at]) {
			return "", "", pathError("bad local part " + quote(s[:at]))
		}
	}
	local = s[:at]
	if len(local) > MaxLocalPartLength {
		return "", "", pathError("local part longer than 64 octets")
	}
	if at == len(s) {
		return local, "", nil // <Postmaster>; the caller decides
	}
	domain = s[at+1:]
	if len(domain) > MaxDomainLength {
		return "", "", pathError("domain longer than 255 octets")
	}
	if strings.HasPrefix(domain, "[") {
		if err := CheckAddressLiteral(domain); err != nil {
			return "", "", pathError(err.Error())
		}
	} else if !validDomain(domain) {
		return "", "", pathError("bad domain " + quote(domain))
	}
	return local, domain, nil
}

// domainAt returns the index of the "@" before the domain of an unquoted
// mailbox: the last "@", or the one before a final address literal, whose
// dcontent may hold "@" (RFC 5321 §4.1.3). -1 when there is none.
func domainAt(s string) int {
	if strings.HasSuffix(s, "]") {
		if b := strings.LastIndexByte(s, '['); b > 0 && s[b-1] == '@' {
			return b - 1
		}
	}
	return strings.LastIndexByte(s, '@')
}

// quotedEnd returns the index of the closing quote of a Quoted-string at s[0],
// checking qtextSMTP and quoted-pairSMTP (RFC 5321 §4.1.2).
func quotedEnd(s string) int {
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\':
			if i+1 >= len(s) || s[i+1] < 32 || s[i+1] > 126 {
				return -1
			}
			i++
		case c == '"':
			return i
		case c < 32 || c == 127:
			return -1
		}
	}
	return -1
}

func validDotString(s string) bool {
	if s == "" {
		return false
	}
	for _, atom := range strings.Split(s, ".") {
		if atom == "" {
			return false
		}
		for _, r := range atom {
			if !isAtext(r) {
				return false
			}
		}
	}
	return true
}

// isAtext is RFC 5322 atext plus UTF8-non-ascii (RFC 6531 §3.3).
func isAtext(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return true
	case r >= 0x80:
		return r != utf8.RuneError
	}
	return strings.ContainsRune("!#$%&'*+-/=?^_`{|}~", r)
}

func validDomain(d string) bool {
	if d == "" || len(d) > MaxDomainLength {
		return false
	}
	for _, label := range strings.Split(d, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' ||
				r >= 0x80 && r != utf8.RuneError // U-labels (RFC 6531)
			if !ok {
				return false
			}
		}
	}
	return true
}

// ParseParams parses " KEY=value KEY2" (RFC 5321 §4.1.2 esmtp-param). Keywords are
// upper-cased; a repeated keyword is an error. Errors are 501 5.5.4 replies.
func ParseParams(s string) (Params, error) {
	fields := strings.Fields(s)
	if len(fields) == 0 {
		return nil, nil
	}
	params := make(Params, len(fields))
	for _, f := range fields {
		key, value, hasValue := strings.Cut(f, "=")
		if !validKeyword(key) {
			return nil, NewReply(501, "5.5.4", "Bad parameter keyword %q", key)
		}
		if hasValue && !validParamValue(value) {
			return nil, NewReply(501, "5.5.4", "Bad value for parameter %s", strings.ToUpper(key))
		}
		key = strings.ToUpper(key)
		if _, dup := params[key]; dup {
			return nil, NewReply(501, "5.5.4", "Parameter %s given twice", key)
		}
		params[key] = value
	}
	return params, nil
}

func validKeyword(k string) bool {
	if k == "" || k[0] == '-' {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// validParamValue: 1*(%d33-60 / %d62-126), plus UTF-8 as RFC 6531 allows.
func validParamValue(v string) bool {
	if v == "" || !utf8.ValidString(v) {
		return false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 33 || c == '=' || c == 127 {
			return false
		}
	}
	return true
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return s, false
	}
	return s[len(prefix):], true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func quote(s string) string { return strconv.Quote(s) }
