package certs_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"

	"letterbox/server/certs"
	"letterbox/server/certs/certstest"
)

// TestCreatedCertificateIsLeaf: the self-signed certificate is a leaf (issue
// 13 §2): not a CA, no certificate signing, serverAuth only. Before the fix
// it was CA:TRUE, pathlen:0 with keyCertSign, and this test failed.
func TestCreatedCertificateIsLeaf(t *testing.T) {
	cert, _, err := certs.LoadOrCreate(t.TempDir(), []string{"mail.test"})
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		t.Fatalf("x509.ParseCertificate: %v", err)
	}
	if leaf.IsCA || !leaf.BasicConstraintsValid {
		t.Errorf("IsCA = %v, BasicConstraintsValid = %v; want a leaf (false, true)", leaf.IsCA, leaf.BasicConstraintsValid)
	}
	if leaf.KeyUsage&x509.KeyUsageCertSign != 0 || leaf.KeyUsage&x509.KeyUsageCRLSign != 0 {
		t.Errorf("KeyUsage = %b, want no certSign or cRLSign", leaf.KeyUsage)
	}
	if leaf.KeyUsage != x509.KeyUsageDigitalSignature {
		t.Errorf("KeyUsage = %b, want digitalSignature only (ECDSA key)", leaf.KeyUsage)
	}
	if len(leaf.ExtKeyUsage) != 1 || leaf.ExtKeyUsage[0] != x509.ExtKeyUsageServerAuth {
		t.Errorf("ExtKeyUsage = %v, want [serverAuth]", leaf.ExtKeyUsage)
	}
	if err := leaf.VerifyHostname("mail.test"); err != nil {
		t.Errorf("SANs lost: %v", err)
	}
}

// TestTrustedLeafSignsNothing is issue 13 §2 end to end: a client that
// trusts the self-signed certificate as a root (Go's x509.CertPool, as
// `letterbox send --ca-file` does) accepts it, but not another certificate
// for another host signed with the same key. With the CA certificate made
// before the fix, the forged one verified and this test failed.
func TestTrustedLeafSignsNothing(t *testing.T) {
	cert, _, err := certs.LoadOrCreate(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(cert.Leaf)
	opts := x509.VerifyOptions{Roots: roots, DNSName: "localhost", KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	if _, err := cert.Leaf.Verify(opts); err != nil {
		t.Fatalf("the trusted certificate itself does not verify: %v", err)
	}
	forged := signWith(t, cert.Leaf, cert.PrivateKey.(*ecdsa.PrivateKey), "bank.example")
	opts.DNSName = "bank.example"
	if chains, err := forged.Verify(opts); err == nil {
		t.Errorf("a certificate for bank.example signed by the trusted key verified (chain of %d): the self-signed certificate acts as a CA", len(chains[0]))
	}
}

// signWith issues a leaf for host with parent as issuer, signed by key.
func signWith(t *testing.T, parent *x509.Certificate, key *ecdsa.PrivateKey, host string) *x509.Certificate {
	t.Helper()
	other, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: host},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{host},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &other.PublicKey, key)
	if err != nil {
		t.Fatalf("CreateCertificate: %v", err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestLoadOrCreateReplacesCA: a store that holds a CA certificate made by
// an older Letterbox gets a leaf, and the outcome names both fingerprints.
func TestLoadOrCreateReplacesCA(t *testing.T) {
	dir := t.TempDir()
	old := certstest.WriteLegacyCA(t, dir)
	o, err := certs.LoadOrCreateOutcome(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !o.Created || !o.WasCA || o.Replaced != old || o.Reason == "" {
		t.Errorf("outcome = created %v, wasCA %v, replaced %q (%q); want created, wasCA, replaced %q", o.Created, o.WasCA, o.Replaced, o.Reason, old)
	}
	if o.Cert.Leaf.IsCA || certs.Fingerprint(o.Cert) == old {
		t.Errorf("new certificate IsCA %v, fingerprint %s; want a new leaf", o.Cert.Leaf.IsCA, certs.Fingerprint(o.Cert))
	}
	again, err := certs.LoadOrCreateOutcome(dir, nil)
	if err != nil || again.Created || again.Replaced != "" || certs.Fingerprint(again.Cert) != certs.Fingerprint(o.Cert) {
		t.Errorf("second start = created %v, replaced %q, %v; want the new leaf kept", again.Created, again.Replaced, err)
	}
}
