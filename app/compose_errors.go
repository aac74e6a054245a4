package app

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"unicode"
	"unicode/utf8"

	"letterbox/smtpcore"
	"letterbox/smtpcore/msg"
)

// explainSendError says in words what went wrong with a send and what to
// try, for the result panel and the status line. The error's own text stays
// one click away (the panel's Details). cfg is the configuration the message
// was sent with: its address and timeouts appear in the sentence.
func explainSendError(err error, cfg smtpcore.ClientConfig) string {
	var fe *msg.FieldError
	if errors.As(err, &fe) {
		return capitalise(err.Error()) // "To: ..." is already said for people
	}
	phase := smtpcore.PhaseConnect
	var se *smtpcore.SendError
	if errors.As(err, &se) {
		phase = se.Phase
		if phase == smtpcore.PhaseTLS {
			if s := smtpcore.ExplainCertError(se.Err); s != "" {
				return "The server's certificate was refused: " + s
			}
		}
	}
	if s := explainNetError(err, phase, cfg); s != "" {
		return s
	}
	if se != nil {
		if s := explainPhase(se); s != "" {
			return s
		}
		return fmt.Sprintf("Stopped at %s: %s", se.Phase, se.Err)
	}
	return capitalise(err.Error())
}

// explainNetError covers what the network says, in any phase: an unknown
// name, nothing listening, no route, a timeout, a dropped connection.
func explainNetError(err error, phase smtpcore.Phase, cfg smtpcore.ClientConfig) string {
	addr := cfg.Addr
	var op *net.OpError
	if addr == "" && errors.As(err, &op) && op.Addr != nil {
		addr = op.Addr.String()
	}
	var dns *net.DNSError
	switch {
	case errors.As(err, &dns):
		switch {
		case dns.IsNotFound:
			return fmt.Sprintf("The name %s could not be found — check the server's host name", dns.Name)
		case dns.IsTimeout:
			return fmt.Sprintf("Looking up the name %s took too long — check the network connection", dns.Name)
		}
		return fmt.Sprintf("The name %s could not be looked up — check the network connection", dns.Name)
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, wsaeconnrefused):
		return fmt.Sprintf("Nothing is listening on %s — is the server running?", addr)
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH):
		return fmt.Sprintf("%s cannot be reached from this computer — check the network connection and the address", addr)
	case isTimeout(err):
		if phase == smtpcore.PhaseConnect {
			d := cfg.DialTimeout
			if d <= 0 {
				d = smtpcore.DefaultDialTimeout
			}
			return fmt.Sprintf("The server did not answer within %s — check the host name and port, and that no firewall is in the way", d)
		}
		return fmt.Sprintf("The server stopped answering (at %s) — try again later; the transcript shows the last thing it said", phase)
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		if phase == smtpcore.PhaseTLS || (phase == smtpcore.PhaseConnect && cfg.Security == smtpcore.SecurityTLS) {
			return "The server closed the connection during the TLS handshake — check that the port and the security setting (STARTTLS or TLS) match the server"
		}
		return fmt.Sprintf("The server closed the connection (at %s) — try again; the transcript shows the last thing it said", phase)
	}
	return ""
}

// wsaeconnrefused is Windows' "connection refused" (WSAECONNREFUSED), which
// its syscall package does not map to ECONNREFUSED. No Unix errno has this
// number, so matching it everywhere is harmless.
const wsaeconnrefused = syscall.Errno(10061)

// isTimeout reports a deadline that passed: the dial's context, or a read or
// write deadline on the connection.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) ||
		(errors.As(err, &ne) && ne.Timeout())
}

// explainPhase covers what the client or the server refused, phase by phase.
func explainPhase(se *smtpcore.SendError) string {
	err := se.Err
	var (
		header tls.RecordHeaderError
		alert  tls.AlertError
	)
	switch {
	case errors.Is(err, smtpcore.ErrSTARTTLSNotOffered):
		return "The server does not offer STARTTLS, so nothing was sent unencrypted — if it expects TLS from the start (often port 465), or no TLS at all, change the server's security setting"
	case errors.As(err, &header):
		return "The server did not answer in TLS — the port may expect STARTTLS rather than TLS from the start, or no TLS: check the server's security setting and port"
	case errors.As(err, &alert):
		return fmt.Sprintf("The TLS handshake failed: the server ended it (%s) — it may not accept this TLS version or name", alert)
	case errors.Is(err, smtpcore.ErrInsecureAuth):
		return "The password would have gone over the network unencrypted, so it was not sent — use STARTTLS or TLS for this server"
	case errors.Is(err, smtpcore.ErrAuthNotOffered):
		return "The server offers no way to log in that Letterbox supports — some servers offer it only after STARTTLS: check the security setting"
	case errors.Is(err, smtpcore.ErrNoRecipients):
		return "The server refused every recipient, so nothing was sent — each one's reply is below"
	case errors.Is(err, smtpcore.ErrTooBig), errors.Is(err, smtpcore.ErrNeeds8BITMIME), errors.Is(err, smtpcore.ErrNeedsSMTPUTF8):
		return capitalise(err.Error())
	}
	if r := smtpcore.ReplyOf(err); r != nil {
		return explainReply(se.Phase, r)
	}
	switch se.Phase {
	case smtpcore.PhaseTLS:
		return "The TLS handshake failed: " + err.Error() + " — check the server's security setting and port"
	case smtpcore.PhaseBuild:
		return "The message could not be built: " + err.Error()
	}
	return ""
}

// explainReply says what the server refused, and whether trying later may help.
func explainReply(phase smtpcore.Phase, r *smtpcore.Reply) string {
	if refusedLogin(phase, r) {
		return "The server refused the user name or password (" + r.Error() + ") — check them; you will be asked for the password at the next send"
	}
	what := map[smtpcore.Phase]string{
		smtpcore.PhaseGreeting: "the connection",
		smtpcore.PhaseEHLO:     "the greeting (EHLO)",
		smtpcore.PhaseTLS:      "STARTTLS",
		smtpcore.PhaseAuth:     "the login",
		smtpcore.PhaseMail:     "the sender",
		smtpcore.PhaseRcpt:     "the recipients",
		smtpcore.PhaseData:     "the message",
		smtpcore.PhaseMessage:  "the message",
	}[phase]
	if what == "" {
		what = "the " + phase.String() + " command"
	}
	s := "The server refused " + what + ": " + r.Error()
	if r.Temporary() {
		s += " — a temporary refusal: try again later"
	}
	return s
}

// refusedLogin reports a 535 to AUTH (RFC 4954 §6: authentication
// credentials invalid): the password must not be used again.
func refusedLogin(phase smtpcore.Phase, r *smtpcore.Reply) bool {
	return phase == smtpcore.PhaseAuth && r != nil && r.Code == 535
}

// loginRefused reports whether err is the server refusing the credentials.
func loginRefused(err error) bool {
	var se *smtpcore.SendError
	return errors.As(err, &se) && refusedLogin(se.Phase, smtpcore.ReplyOf(err))
}

// capitalise upper-cases the first letter, for an error text shown as a sentence.
func capitalise(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// decapitalise lower-cases the first letter of a sentence to follow "Not
// sent: ", unless it starts an acronym (TLS, EHLO).
func decapitalise(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	next, _ := utf8.DecodeRuneInString(s[n:])
	if unicode.IsUpper(next) {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}
