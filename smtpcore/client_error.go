package smtpcore

import (
	"errors"
	"fmt"
)

// Phase is the step of a client conversation where something went wrong.
type Phase int

const (
	PhaseConnect  Phase = iota // TCP connect (and the handshake of implicit TLS)
	PhaseGreeting              // the server's 220 greeting
	PhaseEHLO                  // EHLO, or HELO after EHLO was refused
	PhaseTLS                   // STARTTLS or the TLS handshake, certificate checks
	PhaseAuth                  // AUTH
	PhaseMail                  // MAIL FROM, and the checks before it (SIZE, 8BITMIME, SMTPUTF8, addresses)
	PhaseRcpt                  // RCPT TO: no recipient was accepted
	PhaseData                  // the DATA command, or sending the message text
	PhaseMessage               // the server refused the message after the final "."
	PhaseQuit                  // QUIT
	PhaseBuild                 // building the message after EHLO (Send's build callback)
)

var phaseNames = [...]string{"connect", "greeting", "EHLO", "TLS", "AUTH", "MAIL", "RCPT", "DATA", "message", "QUIT", "build"}

// String names the phase as the transcript and error messages show it.
func (p Phase) String() string {
	if p < 0 || int(p) >= len(phaseNames) {
		return fmt.Sprintf("phase(%d)", int(p))
	}
	return phaseNames[p]
}

// SendError is every error the client returns: the phase where it stopped and
// why. A refusal by the server is a *Reply inside, found with errors.As; a
// cancelled context is found with errors.Is(err, context.Canceled); a refused
// certificate with errors.As(err, new(*tls.CertificateVerificationError)).
type SendError struct {
	Phase Phase
	Err   error
}

// Error reads "TLS: the certificate expired on 2026-01-02" or
// "MAIL: 552 5.3.4 Message size exceeds fixed limit".
func (e *SendError) Error() string {
	if e.Phase == PhaseTLS {
		if s := ExplainCertError(e.Err); s != "" {
			return e.Phase.String() + ": " + s
		}
	}
	return e.Phase.String() + ": " + e.Err.Error()
}

func (e *SendError) Unwrap() error { return e.Err }

// ReplyOf returns the server's reply inside err, or nil when the failure was
// local (I/O, timeout, certificate, cancel).
func ReplyOf(err error) *Reply {
	var r *Reply
	if errors.As(err, &r) {
		return r
	}
	return nil
}

// Errors the client returns inside a SendError, for errors.Is.
var (
	// ErrSTARTTLSNotOffered: TLS was required but the server's EHLO lacks
	// STARTTLS. It may be a server without TLS, or someone on the path removing
	// the keyword (STARTTLS stripping); either way nothing more is sent in
	// plain text.
	ErrSTARTTLSNotOffered = errors.New("the server does not offer STARTTLS (a server without TLS, or the keyword stripped on the way); refusing to continue without TLS")
	// ErrInsecureAuth: only PLAIN or LOGIN is possible and the connection is
	// not encrypted.
	ErrInsecureAuth = errors.New("refusing to send the password in clear text: the connection is not encrypted (use TLS, CRAM-MD5, or allow insecure auth explicitly)")
	// ErrAuthNotOffered: credentials were given but the server offers no
	// mechanism the client supports.
	ErrAuthNotOffered = errors.New("the server offers no AUTH mechanism this client supports")
	// ErrTooBig: the server's SIZE limit (RFC 1870) is smaller than the message.
	ErrTooBig = errors.New("message larger than the server accepts")
	// ErrNeedsSMTPUTF8: an address is not ASCII and the server lacks SMTPUTF8 (RFC 6531).
	ErrNeedsSMTPUTF8 = errors.New("needs SMTPUTF8, which the server does not offer")
	// ErrNeeds8BITMIME: the message has 8-bit content and the server lacks 8BITMIME (RFC 6152).
	ErrNeeds8BITMIME = errors.New("the message has 8-bit content and the server does not offer 8BITMIME")
	// ErrNoRecipients: every RCPT was refused, so no DATA was sent.
	ErrNoRecipients = errors.New("no recipient accepted")
	// ErrUnknownOutcome: the whole message and its final "." went out, and
	// then no reply came (a timeout, a dropped connection, a cancel). The
	// server may have taken responsibility for the message before the reply
	// was lost (RFC 5321 §4.1.1.4, §6.1), so it may or may not be delivered:
	// neither "sent" nor "refused" is true, and sending again may duplicate it.
	ErrUnknownOutcome = errors.New("no answer after the message: it may or may not have been delivered")
	// ErrInvalidAddress: an envelope address is not an RFC 5321 path; found
	// before connecting, so nothing was sent.
	ErrInvalidAddress = errors.New("invalid address")
	// ErrClientBroken: an earlier error left the connection unusable.
	ErrClientBroken = errors.New("the connection is no longer usable")
)

// AddressError is an envelope address that is not an RFC 5321 path, found
// before anything was sent. errors.Is(err, ErrInvalidAddress) matches it.
type AddressError struct {
	Role   string // "sender" or "recipient"; "" when there is no recipient at all
	Addr   string // as given
	Reason string
}

// Error reads `invalid recipient address "a@@b": <reason>`.
func (e *AddressError) Error() string {
	if e.Role == "" {
		return e.Reason
	}
	return fmt.Sprintf("invalid %s address %q: %s", e.Role, e.Addr, e.Reason)
}

func (e *AddressError) Unwrap() error { return ErrInvalidAddress }
