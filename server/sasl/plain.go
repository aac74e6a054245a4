package sasl

import (
	"bytes"
	"crypto/subtle"
	"fmt"
	"unicode/utf8"
)

// plain is PLAIN (RFC 4616): one message "authzid NUL authcid NUL passwd".
type plain struct {
	auth     Authenticator
	started  bool
	done     bool
	identity string
}

// Start answers with an empty challenge when the client gave no initial
// response (RFC 4954 §4).
func (m *plain) Start(initial []byte) ([]byte, bool, error) {
	if m.started {
		return nil, true, errFinished
	}
	m.started = true
	if initial == nil {
		return []byte{}, false, nil
	}
	return m.Next(initial)
}

func (m *plain) Next(resp []byte) ([]byte, bool, error) {
	if m.done || !m.started {
		return nil, true, errFinished
	}
	m.done = true
	if err := checkResponse(resp); err != nil {
		return nil, true, err
	}
	if len(resp) == 0 {
		// "AUTH PLAIN =" or an empty line after the 334: a well-formed
		// empty response (RFC 4954 §4) that carries no credentials, so the
		// attempt fails like any other wrong login (535), and counts.
		return nil, true, fmt.Errorf("%w: empty PLAIN message", ErrAuthFailed)
	}
	parts := bytes.Split(resp, []byte{0})
	if len(parts) != 3 {
		return nil, true, fmt.Errorf("%w: PLAIN message has %d fields, want 3", ErrMalformed, len(parts))
	}
	authzid, authcid, passwd := parts[0], parts[1], parts[2]
	if err := checkIdentity(authcid); err != nil {
		return nil, true, err
	}
	// RFC 4616 §2: passwd is 1*SAFE, all three UTF-8.
	if len(passwd) == 0 || !utf8.Valid(passwd) || !utf8.Valid(authzid) {
		return nil, true, fmt.Errorf("%w: PLAIN password empty or not UTF-8", ErrMalformed)
	}
	// RFC 4616 §2: acting as another identity needs authorization; nobody has it.
	if len(authzid) > 0 && subtle.ConstantTimeCompare(authzid, authcid) != 1 {
		return nil, true, fmt.Errorf("%w: %q may not act as another identity", ErrAuthFailed, authcid)
	}
	if !m.auth.CheckPassword(string(authcid), string(passwd)) {
		return nil, true, fmt.Errorf("%w: PLAIN for %q", ErrAuthFailed, authcid)
	}
	m.identity = string(authcid)
	return nil, true, nil
}

func (m *plain) Identity() string { return m.identity }
