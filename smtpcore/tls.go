package smtpcore

import (
	"bytes"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"
)

// NewTLSConfig returns the client TLS settings for a server named host:
// TLS 1.2 at least, SNI set to host, and the certificate verified against the
// system roots, or against the PEM certificates in caFile when it is not "".
// insecure skips verification altogether (only on explicit request).
// pinnedSHA256, when not "", additionally trusts the one leaf certificate with
// that SHA-256 fingerprint, whatever its issuer or names: the per-profile
// "trust this certificate" that replaces a global insecure switch. Any other
// certificate is still verified normally.
func NewTLSConfig(host, caFile string, insecure bool, pinnedSHA256 string) (*tls.Config, error) {
	cfg := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	if caFile != "" {
		pool, err := loadCAFile(caFile)
		if err != nil {
			return nil, err
		}
		cfg.RootCAs = pool
	}
	if insecure {
		cfg.InsecureSkipVerify = true
		return cfg, nil
	}
	if pinnedSHA256 != "" {
		pin, err := NormalizeFingerprint(pinnedSHA256)
		if err != nil {
			return nil, err
		}
		roots := cfg.RootCAs
		// Verification moves into VerifyConnection so that the pinned
		// certificate can pass where the chain check would fail; every other
		// certificate goes through the same check crypto/tls would make.
		cfg.InsecureSkipVerify = true
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) > 0 && LeafFingerprint(cs.PeerCertificates[0]) == pin {
				return nil
			}
			return verifyChain(cs, roots)
		}
	}
	return cfg, nil
}

func loadCAFile(path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("CA file: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("CA file %s holds no PEM certificate", path)
	}
	return pool, nil
}

// verifyChain does what crypto/tls does when InsecureSkipVerify is false:
// the chain up to roots (nil = the system's) and the server name. The error
// is a *tls.CertificateVerificationError, as crypto/tls returns.
func verifyChain(cs tls.ConnectionState, roots *x509.CertPool) error {
	if len(cs.PeerCertificates) == 0 {
		return errors.New("the server sent no certificate")
	}
	inter := x509.NewCertPool()
	for _, c := range cs.PeerCertificates[1:] {
		inter.AddCert(c)
	}
	_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{
		DNSName:       cs.ServerName,
		Roots:         roots,
		Intermediates: inter,
	})
	if err != nil {
		return &tls.CertificateVerificationError{UnverifiedCertificates: cs.PeerCertificates, Err: err}
	}
	return nil
}

// LeafFingerprint returns the SHA-256 fingerprint of cert's DER bytes as
// upper-case hex pairs joined by colons ("AB:CD:…"), the form openssl prints
// and ClientConfig.PinnedSHA256 takes.
func LeafFingerprint(cert *x509.Certificate) string {
	sum := sha256.Sum256(cert.Raw)
	return formatFingerprint(sum[:])
}

func formatFingerprint(b []byte) string {
	var s strings.Builder
	for i, c := range b {
		if i > 0 {
			s.WriteByte(':')
		}
		fmt.Fprintf(&s, "%02X", c)
	}
	return s.String()
}

// NormalizeFingerprint accepts a SHA-256 fingerprint with or without colons
// or spaces, in either case, optionally prefixed "SHA256:" or "sha256/", and
// returns it in LeafFingerprint's form.
func NormalizeFingerprint(s string) (string, error) {
	t := strings.TrimSpace(s)
	for _, p := range []string{"SHA256:", "sha256:", "SHA256/", "sha256/", "SHA-256:"} {
		t = strings.TrimPrefix(t, p)
	}
	t = strings.NewReplacer(":", "", " ", "", "-", "").Replace(t)
	b, err := hex.DecodeString(t)
	if err != nil || len(b) != sha256.Size {
		return "", fmt.Errorf("pinned fingerprint %q is not a SHA-256 fingerprint (64 hex digits)", s)
	}
	return formatFingerprint(b), nil
}

// UnverifiedLeaf returns the server certificate that failed verification, from
// an error returned by the client (a *tls.CertificateVerificationError
// inside), so an app can show it and offer to pin it. Nil if there is none.
func UnverifiedLeaf(err error) *x509.Certificate {
	var cve *tls.CertificateVerificationError
	if errors.As(err, &cve) && len(cve.UnverifiedCertificates) > 0 {
		return cve.UnverifiedCertificates[0]
	}
	return nil
}

// ExplainCertError turns a certificate verification failure into a sentence
// for people: "the certificate expired on 2026-01-02", "the certificate is for
// mail.a.test, not mail.b.test", "the certificate is signed by an unknown
// authority (self-signed); fingerprint AB:CD:…; trust that fingerprint, or
// add the issuing CA's certificate". The advice names no flag or button: the
// CLI and the app each say how. It returns "" when err is not about a certificate.
func ExplainCertError(err error) string {
	if err == nil {
		return ""
	}
	leaf := UnverifiedLeaf(err)
	var (
		host    x509.HostnameError
		invalid x509.CertificateInvalidError
		unknown x509.UnknownAuthorityError
		system  x509.SystemRootsError
		cve     *tls.CertificateVerificationError
	)
	switch {
	case errors.As(err, &host):
		return fmt.Sprintf("the certificate is for %s, not %s", certNames(host.Certificate), host.Host)
	case errors.As(err, &invalid):
		return explainInvalid(invalid)
	case errors.As(err, &unknown):
		cert := leaf
		if cert == nil {
			cert = unknown.Cert
		}
		return explainUnknown(cert)
	case errors.As(err, &system):
		return "the system has no root certificates to check against; add the issuing CA's certificate"
	case errors.As(err, &cve):
		return "the certificate was refused: " + cve.Err.Error()
	}
	return ""
}

func explainInvalid(e x509.CertificateInvalidError) string {
	switch e.Reason {
	case x509.Expired:
		if e.Cert != nil && time.Now().Before(e.Cert.NotBefore) {
			return "the certificate is not valid before " + e.Cert.NotBefore.UTC().Format(time.DateOnly)
		}
		if e.Cert != nil {
			return "the certificate expired on " + e.Cert.NotAfter.UTC().Format(time.DateOnly)
		}
		return "the certificate has expired or is not yet valid"
	case x509.IncompatibleUsage:
		return "the certificate is not meant for a server (extended key usage)"
	case x509.NotAuthorizedToSign:
		return "the certificate chain holds a certificate that may not sign others"
	case x509.CANotAuthorizedForThisName:
		return "the issuing CA may not issue certificates for this name"
	}
	return "the certificate is invalid: " + e.Error()
}

func explainUnknown(cert *x509.Certificate) string {
	if cert == nil {
		return "the certificate is signed by an unknown authority; add the issuing CA's certificate"
	}
	who := "issuer " + cert.Issuer.String()
	if bytes.Equal(cert.RawIssuer, cert.RawSubject) && cert.CheckSignature(cert.SignatureAlgorithm, cert.RawTBSCertificate, cert.Signature) == nil {
		who = "self-signed"
	}
	return fmt.Sprintf("the certificate is signed by an unknown authority (%s); fingerprint %s; trust that fingerprint, or add the issuing CA's certificate",
		who, LeafFingerprint(cert))
}

// certNames lists the names a certificate is valid for: DNS names and IP
// addresses from its SANs, or its common name when it has none.
func certNames(cert *x509.Certificate) string {
	var names []string
	names = append(names, cert.DNSNames...)
	for _, ip := range cert.IPAddresses {
		names = append(names, ip.String())
	}
	if len(names) == 0 && cert.Subject.CommonName != "" {
		names = append(names, cert.Subject.CommonName)
	}
	if len(names) == 0 {
		return "no name"
	}
	return strings.Join(names, ", ")
}

// DescribeCertificate returns lines about a certificate for a transcript:
// subject, names, issuer, validity and fingerprint.
func DescribeCertificate(cert *x509.Certificate) []string {
	left := time.Until(cert.NotAfter)
	validity := fmt.Sprintf("valid %s to %s", cert.NotBefore.UTC().Format(time.DateOnly), cert.NotAfter.UTC().Format(time.DateOnly))
	switch {
	case left < 0:
		validity += " (EXPIRED)"
	case left < 30*24*time.Hour:
		validity += fmt.Sprintf(" (expires in %d days)", int(left.Hours()/24))
	}
	return []string{
		"peer certificate: " + cert.Subject.String(),
		"names: " + certNames(cert),
		"issuer: " + cert.Issuer.String(),
		validity,
		"SHA-256 fingerprint: " + LeafFingerprint(cert),
	}
}

// isIP reports whether host is an IP address literal (no SNI is sent for one).
func isIP(host string) bool { return net.ParseIP(host) != nil }
