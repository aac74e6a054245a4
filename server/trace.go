package server

import (
	"crypto/tls"
	"net"
	"strings"
	"time"

	"letterbox/server/certs"
	"letterbox/server/store"
)

// traceHeaders returns the Return-Path and Received fields a final delivery
// prepends (RFC 5321 §4.4), folded with CRLF TAB:
//
//	Return-Path: <sender>
//	Received: from HELO ([ip])
//		by HOST (Letterbox) with ESMTPS (TLS1.3 TLS_AES_128_GCM_SHA256)
//		id ID for <rcpt>; Mon, 2 Jan 2006 15:04:05 -0700
//
// "for" appears only when the message has exactly one recipient, so that the
// other envelope recipients (Bcc) do not leak into the message. No reverse
// DNS lookup is made: the client is named by its address literal.
func (s *session) traceHeaders(id string, now time.Time) []byte {
	tx := s.tx
	var b strings.Builder
	b.WriteString("Return-Path: <" + tx.from.String() + ">\r\n")
	b.WriteString("Received: from " + heloToken(s.helo) + " (" + addressLiteral(s.remote) + ")\r\n")
	b.WriteString("\tby " + heloToken(s.cfg.Hostname) + " (Letterbox) with " + s.protocol(tx))
	if s.tlsState != nil {
		b.WriteString(" (" + certs.Describe(*s.tlsState) + ")")
	}
	b.WriteString("\r\n\tid " + id)
	if len(tx.rcpts) == 1 {
		b.WriteString(" for <" + tx.rcpts[0].String() + ">")
	}
	b.WriteString(";\r\n\t" + now.Format(time.RFC1123Z) + "\r\n")
	return []byte(b.String())
}

// protocol is the "with" keyword of the Received field (RFC 3848, RFC 6531
// §3.7.3): ESMTP, plus S for TLS and A for AUTH; UTF8SMTP... for an SMTPUTF8
// message; plain SMTP after HELO.
func (s *session) protocol(tx *transaction) string {
	p := "SMTP"
	switch {
	case tx != nil && tx.utf8:
		p = "UTF8SMTP"
	case s.ehlo || s.tlsState != nil || s.authUser != "":
		p = "ESMTP"
	}
	if s.tlsState != nil {
		p += "S"
	}
	if s.authUser != "" {
		p += "A"
	}
	return p
}

// tlsInfo describes the session's TLS layer for its record, nil when plain.
func (s *session) tlsInfo() *store.TLSInfo {
	if s.tlsState == nil {
		return nil
	}
	return &store.TLSInfo{
		Version:    tls.VersionName(s.tlsState.Version),
		Cipher:     tls.CipherSuiteName(s.tlsState.CipherSuite),
		ServerName: s.tlsState.ServerName,
	}
}

// heloToken makes a HELO argument safe for a header: printable ASCII without
// spaces, parentheses or quotes (those would open a comment), at most 255
// octets. Anything else becomes '?'.
func heloToken(h string) string {
	if len(h) > 255 {
		h = h[:255]
	}
	return strings.Map(func(r rune) rune {
		if r <= ' ' || r >= 0x7f || strings.ContainsRune(`()\"`, r) {
			return '?'
		}
		return r
	}, h)
}

// addressLiteral writes a client address as RFC 5321 §4.1.3 does: "[192.0.2.1]"
// or "[IPv6:2001:db8::1]".
func addressLiteral(a net.Addr) string {
	host := hostOf(a)
	ip := net.ParseIP(host)
	switch {
	case ip == nil:
		return heloToken(host) // e.g. "pipe" in tests
	case ip.To4() != nil:
		return "[" + ip.String() + "]"
	}
	return "[IPv6:" + ip.String() + "]"
}
