// Package certs provides the server's TLS certificates: loading a
// configured pair, or creating and renewing a self-signed one kept next to
// the store, its SHA-256 fingerprint for users to trust, and the server's
// tls.Config.
//
// TLS for SMTP is STARTTLS (RFC 3207) and implicit TLS (RFC 8314 §3.3);
// TLS 1.2 (RFC 5246) is the minimum, as RFC 8314 §4.1 asks, with only the
// ECDHE AEAD suites RFC 9325 §4.2 recommends, and session tickets live at
// most a day. Certificates are X.509 (RFC 5280) with subjectAltName entries
// (RFC 6125 §6.4) for the names clients connect to; the self-signed one is a
// leaf, not a CA.
package certs

import (
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"strings"
)

// Fingerprint returns the SHA-256 of the leaf certificate's DER encoding as
// upper-case hex pairs joined by colons, the form of
// `openssl x509 -noout -fingerprint -sha256` without its "sha256 Fingerprint="
// label. It returns "" for an empty certificate.
func Fingerprint(cert tls.Certificate) string {
	if len(cert.Certificate) == 0 {
		return ""
	}
	sum := sha256.Sum256(cert.Certificate[0])
	h := strings.ToUpper(hex.EncodeToString(sum[:]))
	var b strings.Builder
	for i := 0; i < len(h); i += 2 {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(h[i : i+2])
	}
	return b.String()
}

// ServerConfig returns a new tls.Config serving cert, for both STARTTLS
// and the implicit-TLS listener:
//
//   - TLS 1.2 is the minimum (RFC 8314 §4.1).
//   - TLS 1.2 offers only ECDHE with AEAD ciphers (AES-GCM,
//     ChaCha20-Poly1305), as RFC 9325 §4.2 recommends: no CBC suite (Lucky13
//     and its kin) and no SHA-1 MAC. TLS 1.3 suites are all AEAD and are not
//     configurable in crypto/tls.
//   - A session ticket is accepted for at most MaxTicketAge after the full
//     handshake that made it; see ticketPolicy.
//
// Callers may adjust the returned value before use; setting its Time field
// moves the ticket clock too.
func ServerConfig(cert tls.Certificate) *tls.Config {
	c := &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   tls.VersionTLS12,
		CipherSuites: AEADSuites(),
	}
	p := ticketPolicy{config: c}
	c.WrapSession, c.UnwrapSession = p.wrap, p.unwrap
	return c
}

// AEADSuites are the TLS 1.2 cipher suites ServerConfig offers, in order of
// preference (crypto/tls reorders them for hardware without AES).
func AEADSuites() []uint16 {
	return []uint16{
		tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
		tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
		tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
		tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
		tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
		tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	}
}

// Describe names a finished handshake's version and cipher suite, e.g.
// "TLS1.3 TLS_AES_128_GCM_SHA256", for session records, Received headers
// and logs. It returns "" when no handshake has completed.
func Describe(state tls.ConnectionState) string {
	if !state.HandshakeComplete {
		return ""
	}
	version := strings.ReplaceAll(tls.VersionName(state.Version), " ", "")
	return version + " " + tls.CipherSuiteName(state.CipherSuite)
}
