package sasl

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// cramMD5 is CRAM-MD5 (RFC 2195): the server sends a unique challenge in
// msg-id form, the client answers "user SP hex(HMAC-MD5(password, challenge))".
type cramMD5 struct {
	auth      Authenticator
	challenge []byte
	state     int // 0 new, 1 challenge sent, 2 done
	identity  string
}

// newChallenge makes "<random.unixtime@hostname>" (RFC 2195 §2, the
// msg-id form of RFC 822), unpredictable so a recorded answer cannot be
// replayed.
func newChallenge(hostname string) []byte {
	if hostname == "" || strings.ContainsFunc(hostname, func(r rune) bool { return r <= ' ' || r >= 0x7f || r == '<' || r == '>' }) {
		hostname = "localhost"
	}
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return fmt.Appendf(nil, "<%d.%d@%s>", binary.BigEndian.Uint64(b[:])>>1, time.Now().Unix(), hostname)
}

// Start sends the challenge. The server speaks first in CRAM-MD5, so an
// initial response is refused (RFC 4954 §4: 501).
func (m *cramMD5) Start(initial []byte) ([]byte, bool, error) {
	if m.state != 0 {
		return nil, true, errFinished
	}
	if initial != nil {
		m.state = 2
		return nil, true, fmt.Errorf("%w: CRAM-MD5 takes no initial response", ErrMalformed)
	}
	m.state = 1
	return m.challenge, false, nil
}

func (m *cramMD5) Next(resp []byte) ([]byte, bool, error) {
	if m.state != 1 {
		return nil, true, errFinished
	}
	m.state = 2
	if err := checkResponse(resp); err != nil {
		return nil, true, err
	}
	i := bytes.LastIndexByte(resp, ' ')
	if i < 0 {
		return nil, true, fmt.Errorf("%w: CRAM-MD5 answer has no space", ErrMalformed)
	}
	user, hexDigest := resp[:i], resp[i+1:]
	if err := checkIdentity(user); err != nil {
		return nil, true, err
	}
	digest := make([]byte, 16)
	if len(hexDigest) != 32 {
		return nil, true, fmt.Errorf("%w: CRAM-MD5 digest has %d characters, want 32", ErrMalformed, len(hexDigest))
	}
	if _, err := hex.Decode(digest, hexDigest); err != nil {
		return nil, true, fmt.Errorf("%w: CRAM-MD5 digest: %v", ErrMalformed, err)
	}
	if !m.auth.CheckCRAMMD5(string(user), m.challenge, digest) {
		return nil, true, fmt.Errorf("%w: CRAM-MD5 for %q", ErrAuthFailed, user)
	}
	m.identity = string(user)
	return nil, true, nil
}

func (m *cramMD5) Identity() string { return m.identity }
