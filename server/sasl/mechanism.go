package sasl

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Mechanism names as they appear in EHLO and AUTH (RFC 4954 §3).
const (
	Plain   = "PLAIN"
	Login   = "LOGIN"
	CRAMMD5 = "CRAM-MD5"
)

// MaxResponse bounds one decoded client response. RFC 4616 §2 asks servers
// to accept identities and passwords of 255 octets; 4 KB leaves room for
// that and for nothing a session needs to buffer.
const MaxResponse = 4096

// maxIdentity bounds the identity kept in session records and headers.
const maxIdentity = 512

// Mechanism runs the server side of one SASL exchange. A session creates one
// per AUTH command with NewMechanism and uses it from its own goroutine.
//
// The session calls Start once with the initial response of the AUTH
// command: nil when there was none, empty (not nil) when it was "=". While
// done is false it sends the challenge (raw; the session base64-encodes it,
// RFC 4954 §4) in a 334 reply and passes the decoded answer to Next. When
// done is true the exchange is over: a nil error means the client is
// authenticated as Identity(); otherwise the error wraps ErrMalformed or
// ErrAuthFailed. A "*" answer (cancel) is the session's to handle.
type Mechanism interface {
	Start(initial []byte) (challenge []byte, done bool, err error)
	Next(response []byte) (challenge []byte, done bool, err error)
	// Identity is the authenticated user after success, "" before. It is
	// valid UTF-8, at most 512 bytes, with no spaces or control characters,
	// so it can go into a session record or a Received header as it is.
	Identity() string
}

// NewMechanism returns a fresh exchange of mechanism name (case-insensitive)
// checked by a. hostname names the server in the CRAM-MD5 challenge. It
// returns ErrUnsupported for an unknown name or a nil a; whether the name is
// allowed on this connection is Permit's question.
func NewMechanism(name string, a Authenticator, hostname string) (Mechanism, error) {
	if a == nil {
		return nil, fmt.Errorf("%w: AUTH is off", ErrUnsupported)
	}
	switch strings.ToUpper(name) {
	case Plain:
		return &plain{auth: a}, nil
	case Login:
		return &login{auth: a}, nil
	case CRAMMD5:
		return &cramMD5{auth: a, challenge: newChallenge(hostname)}, nil
	}
	return nil, fmt.Errorf("%w: %.40q", ErrUnsupported, name)
}

// Mechanisms returns what EHLO advertises after "AUTH", in order of
// preference, or nil when a is nil (AUTH off). Before TLS, unless
// allowInsecure, nothing is offered against real secrets (any a but Any;
// issue 13 §8): PLAIN and LOGIN would show the password, and a CRAM-MD5
// exchange seen in clear can be attacked offline (RFC 4954 §4 lets a server
// refuse mechanisms open to passive attack without a security layer). Any
// guards no secret, so it offers CRAM-MD5 then, and PLAIN and LOGIN on TLS
// or when allowInsecure. CRAM-MD5 is offered only when a can check it.
func Mechanisms(a Authenticator, tls, allowInsecure bool) []string {
	if a == nil || needsTLS(a, tls, allowInsecure) {
		return nil
	}
	var m []string
	if tls || allowInsecure {
		m = append(m, Plain, Login)
	}
	if a.OffersCRAMMD5() {
		m = append(m, CRAMMD5)
	}
	return m
}

// Permit says whether the session may start mechanism name: nil, or an error
// wrapping ErrUnsupported (504 5.5.4) or ErrEncryptionRequired (538 5.7.11,
// RFC 4954 §6) for a mechanism that may not run before TLS. It agrees with
// Mechanisms.
func Permit(name string, a Authenticator, tls, allowInsecure bool) error {
	if a == nil {
		return fmt.Errorf("%w: AUTH is off", ErrUnsupported)
	}
	switch upper := strings.ToUpper(name); upper {
	case Plain, Login:
		if !tls && !allowInsecure {
			return fmt.Errorf("%w: %s before STARTTLS", ErrEncryptionRequired, upper)
		}
		return nil
	case CRAMMD5:
		if !a.OffersCRAMMD5() {
			return fmt.Errorf("%w: no user has a CRAM-MD5 secret", ErrUnsupported)
		}
		if needsTLS(a, tls, allowInsecure) {
			return fmt.Errorf("%w: %s before STARTTLS", ErrEncryptionRequired, upper)
		}
		return nil
	}
	return fmt.Errorf("%w: %.40q", ErrUnsupported, name)
}

// needsTLS reports whether no mechanism may run yet: a guards real secrets
// (it is not Any), the connection is not encrypted and allowInsecure is off.
func needsTLS(a Authenticator, tls, allowInsecure bool) bool {
	_, isAny := a.(anyAuth)
	return !tls && !allowInsecure && !isAny
}

// errFinished is returned when a session calls on after done.
var errFinished = fmt.Errorf("%w: exchange already finished", ErrMalformed)

// checkResponse bounds a client response.
func checkResponse(b []byte) error {
	if len(b) > MaxResponse {
		return fmt.Errorf("%w: response of %d bytes exceeds %d", ErrMalformed, len(b), MaxResponse)
	}
	return nil
}

// checkIdentity accepts an authentication identity that is safe to record:
// a CR or LF in it could otherwise inject a header line.
func checkIdentity(id []byte) error {
	switch {
	case len(id) == 0:
		return fmt.Errorf("%w: empty user name", ErrMalformed)
	case len(id) > maxIdentity:
		return fmt.Errorf("%w: user name of %d bytes exceeds %d", ErrMalformed, len(id), maxIdentity)
	case !utf8.Valid(id):
		return fmt.Errorf("%w: user name is not UTF-8", ErrMalformed)
	}
	for _, r := range string(id) {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return fmt.Errorf("%w: user name has a space or control character", ErrMalformed)
		}
	}
	return nil
}
