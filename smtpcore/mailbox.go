package smtpcore

import "strings"

// ParseMailbox parses an RFC 5321 Mailbox given without angle brackets
// (§4.1.2): Local-part "@" ( Domain / address-literal ), where Local-part is
// a Dot-string or a Quoted-string, with the UTF-8 forms of RFC 6531 §3.3 and
// the limits of §4.5.3.1. It is the grammar the server applies to MAIL and
// RCPT, so an address the client accepts is one the server can take. A
// source route or a mailbox without a domain is refused. The Path holds the
// local part in its wire form (quotes kept). Errors are plain errors whose
// text says what is wrong.
func ParseMailbox(s string) (Path, error) {
	switch {
	case s == "":
		return Path{}, pathError("empty address")
	case s[0] == '@':
		return Path{}, pathError("missing local part")
	}
	p, err := ParsePath("<" + s + ">")
	if err != nil {
		return Path{}, err
	}
	if p.Domain == "" {
		return Path{}, pathError("address has no domain")
	}
	return p, nil
}

// SplitAddress splits "local@domain" at the "@" before the domain; an
// address literal may itself hold "@" (RFC 5321 §4.1.3), and a decoded local
// part may too. ok is false when there is no "@".
func SplitAddress(addr string) (local, domain string, ok bool) {
	at := domainAt(addr)
	if at < 0 {
		return addr, "", false
	}
	return addr[:at], addr[at+1:], true
}

// QuoteLocalPart returns the wire form of a decoded local part: the text as
// it is when it is a Dot-string, else a Quoted-string with "\" and `"`
// escaped (RFC 5321 §4.1.2: a Quoted-string is used only where a Dot-string
// cannot be). The empty local part becomes `""`. local must hold no control
// characters; ParseMailbox never yields one that does.
func QuoteLocalPart(local string) string {
	if validDotString(local) {
		return local
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(local); i++ {
		if c := local[i]; c == '"' || c == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(local[i])
	}
	b.WriteByte('"')
	return b.String()
}

// UnquoteLocalPart is the inverse of QuoteLocalPart: a Quoted-string loses
// its quotes and the backslash of each quoted-pair; a Dot-string is returned
// as it is.
func UnquoteLocalPart(wire string) string {
	if len(wire) < 2 || wire[0] != '"' || wire[len(wire)-1] != '"' {
		return wire
	}
	inner := wire[1 : len(wire)-1]
	var b strings.Builder
	for i := 0; i < len(inner); i++ {
		if inner[i] == '\\' && i+1 < len(inner) {
			i++
		}
		b.WriteByte(inner[i])
	}
	return b.String()
}
