package server

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/sirupsen/logrus/hooks/test"

	"letterbox/server/certs"
	"letterbox/server/store"
)

// TestStartReplacesLegacyCACertificate: a store that holds the CA
// certificate an older Letterbox made gets a leaf at start, and a warning
// names the old and the new SHA-256 fingerprints (issue 13 §2). Before the
// fix the CA was kept and nothing was logged, and this test failed.
func TestStartReplacesLegacyCACertificate(t *testing.T) {
	dir := t.TempDir()
	old := writeLegacyCA(t, TLSDir(dir))
	st, err := store.Open(dir, store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	logger, hook := test.NewNullLogger()
	srv, err := New(Config{Hostname: "localhost", Logger: logger}, st)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if srv.Fingerprint() == old {
		t.Fatalf("the server still serves the CA certificate %s", old)
	}
	leaf := srv.tlsConfig.Certificates[0].Leaf
	if leaf.IsCA || leaf.KeyUsage&x509.KeyUsageCertSign != 0 {
		t.Errorf("new certificate IsCA %v, KeyUsage %b; want a leaf", leaf.IsCA, leaf.KeyUsage)
	}
	var warned bool
	for _, e := range hook.AllEntries() {
		if e.Level == logrus.WarnLevel && e.Data["old_sha256"] == old && e.Data["sha256"] == srv.Fingerprint() {
			warned = true
		}
	}
	if !warned {
		t.Errorf("no warning naming old_sha256=%s and sha256=%s; log: %v", old, srv.Fingerprint(), entries(hook))
	}
	// The next start keeps the leaf, quietly.
	hook.Reset()
	again, err := New(Config{Hostname: "localhost", Logger: logger}, st)
	if err != nil || again.Fingerprint() != srv.Fingerprint() || len(hook.AllEntries()) != 0 {
		t.Errorf("second New = %s, %v, log %v; want %s kept without a word", again.Fingerprint(), err, entries(hook), srv.Fingerprint())
	}
}

func entries(hook *test.Hook) []string {
	var out []string
	for _, e := range hook.AllEntries() {
		s, _ := e.String()
		out = append(out, s)
	}
	return out
}

// writeLegacyCA writes into dir a certificate as Letterbox made them before
// issue 13 (CA:TRUE, pathlen:0, keyCertSign) and returns its fingerprint.
func writeLegacyCA(t *testing.T, dir string) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "Letterbox self-signed localhost"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(365 * 24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLenZero:        true,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	certPath, keyPath := filepath.Join(dir, certs.CertFile), filepath.Join(dir, certs.KeyFile)
	if err := os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := certs.Load(certPath, keyPath)
	if err != nil {
		t.Fatal(err)
	}
	return certs.Fingerprint(c)
}
