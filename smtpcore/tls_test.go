package smtpcore

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testCert makes a certificate for names, signed by parent (nil =
// self-signed), valid from notBefore to notAfter.
func testCert(t testing.TB, names []string, parent *tls.Certificate, isCA bool, notBefore, notAfter time.Time) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: names[0], Organization: []string{"Letterbox test"}},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         isCA, BasicConstraintsValid: true,
	}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	signer, signKey := tmpl, any(key)
	if parent != nil {
		signer, signKey = parent.Leaf, parent.PrivateKey
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signer, &key.PublicKey, signKey)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
}

func pemFile(t testing.TB, cert tls.Certificate) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "ca.pem")
	b := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]})
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestClientTLS(t *testing.T) {
	now := time.Now()
	year := now.Add(365 * 24 * time.Hour)
	ca := testCert(t, []string{"Letterbox Test CA"}, nil, true, now.Add(-time.Hour), year)
	good := testCert(t, []string{"mx.test", "127.0.0.1"}, &ca, false, now.Add(-time.Hour), year)
	other := testCert(t, []string{"mail.other.test"}, &ca, false, now.Add(-time.Hour), year)
	expired := testCert(t, []string{"mx.test"}, &ca, false, now.Add(-48*time.Hour), time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC))
	self := testCert(t, []string{"mx.test"}, nil, false, now.Add(-time.Hour), year)
	caFile := pemFile(t, ca)

	ok := cat("T:", ehlo("PIPELINING", "AUTH PLAIN"), "C: AUTH PLAIN *", "S: 235 OK", quit)
	tests := []struct {
		name     string
		sec      Security
		cert     tls.Certificate
		cfg      func(*ClientConfig)
		after    script // the steps after the handshake (nil: the handshake fails)
		wantErr  string
		wantShow string
	}{
		{"STARTTLS verified by CA file, EHLO again, PLAIN allowed", SecuritySTARTTLS, good,
			func(c *ClientConfig) { c.CAFile = caFile }, ok, "", "verification: OK, chain to CN=Letterbox Test CA"},
		{"implicit TLS", SecurityTLS, good, func(c *ClientConfig) { c.CAFile = caFile },
			cat("T:", greet, ehlo("AUTH PLAIN"), "C: AUTH PLAIN *", "S: 235 OK", quit), "", "TLS 1.3"},
		{"unknown authority (self-signed)", SecuritySTARTTLS, self, nil, nil,
			"TLS: the certificate is signed by an unknown authority (self-signed); fingerprint " + LeafFingerprint(self.Leaf), "names: mx.test"},
		{"pinned self-signed certificate", SecuritySTARTTLS, self,
			func(c *ClientConfig) { c.PinnedSHA256 = strings.ToLower(LeafFingerprint(self.Leaf)) }, ok, "", "trusted by its pinned fingerprint"},
		{"pin of another certificate does not trust this one", SecuritySTARTTLS, self,
			func(c *ClientConfig) { c.PinnedSHA256 = LeafFingerprint(good.Leaf) }, nil, "unknown authority (self-signed)", ""},
		{"wrong host", SecuritySTARTTLS, other, func(c *ClientConfig) { c.CAFile = caFile }, nil,
			"TLS: the certificate is for mail.other.test, not mx.test", ""},
		{"expired", SecuritySTARTTLS, expired, func(c *ClientConfig) { c.CAFile = caFile }, nil,
			"TLS: the certificate expired on 2026-01-02", "(EXPIRED)"},
		{"insecure says so", SecuritySTARTTLS, expired, func(c *ClientConfig) { c.Insecure = true }, ok, "",
			"NOT VERIFIED (insecure mode); a normal check fails: the certificate expired on 2026-01-02"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srvCfg := &tls.Config{Certificates: []tls.Certificate{tc.cert}}
			var sc script
			if tc.sec == SecuritySTARTTLS {
				sc = cat(greet, ehlo("STARTTLS", "PIPELINING"), "C: STARTTLS", "S: 220 go ahead")
			}
			if tc.after != nil {
				sc = cat(sc, tc.after)
			} else {
				sc = append(sc, func(p *peer) error { tls.Server(p.conn, srvCfg).Handshake(); return nil })
			}
			srv, cli := tcpPair(t)
			cfg, _, wait := runScriptOn(t, sc, srvCfg, srv, cli)
			rec := &recorder{}
			cfg.Events = rec.add
			cfg.Security = tc.sec
			cfg.Auth = &Auth{Username: "u", Password: "p"}
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			c, err := Dial(context.Background(), cfg)
			if err == nil {
				if c.TLS() == nil || c.TLS().Version < tls.VersionTLS12 || c.AuthMechanism() != "PLAIN" {
					t.Errorf("TLS() = %v, AuthMechanism() = %q; want TLS ≥ 1.2 and PLAIN", c.TLS(), c.AuthMechanism())
				}
				err = c.Quit()
			}
			wait()
			if tc.wantErr == "" && err != nil {
				t.Errorf("Dial() = %v, want success\n%s", err, rec.text())
			}
			if tc.wantErr != "" {
				var se *SendError
				if !errors.As(err, &se) || se.Phase != PhaseTLS || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("Dial() = %v, want PhaseTLS error containing %q", err, tc.wantErr)
				}
				if UnverifiedLeaf(err) == nil {
					t.Errorf("UnverifiedLeaf(%v) = nil, want the refused certificate", err)
				}
			}
			if tr := rec.text(); !strings.Contains(tr, tc.wantShow) {
				t.Errorf("transcript lacks %q:\n%s", tc.wantShow, tr)
			}
		})
	}
}

func TestNewTLSConfig(t *testing.T) {
	cfg, err := NewTLSConfig("mx.test", "", false, "")
	if err != nil || cfg.MinVersion != tls.VersionTLS12 || cfg.ServerName != "mx.test" || cfg.InsecureSkipVerify {
		t.Errorf("NewTLSConfig(mx.test) = %+v, %v; want TLS 1.2 minimum, SNI mx.test, verification on", cfg, err)
	}
	if _, err := NewTLSConfig("mx.test", "/nonexistent/ca.pem", false, ""); err == nil {
		t.Error("NewTLSConfig with a missing CA file succeeded")
	}
	empty := filepath.Join(t.TempDir(), "empty.pem")
	os.WriteFile(empty, []byte("not pem"), 0o600)
	if _, err := NewTLSConfig("mx.test", empty, false, ""); err == nil || !strings.Contains(err.Error(), "no PEM certificate") {
		t.Errorf("NewTLSConfig with a non-PEM CA file = %v, want an error saying so", err)
	}
	if _, err := NewTLSConfig("mx.test", "", false, "AB:CD"); err == nil {
		t.Error("NewTLSConfig accepted a short fingerprint")
	}
}

func TestNormalizeFingerprint(t *testing.T) {
	want := strings.TrimSuffix(strings.Repeat("AB:", 32), ":")
	for _, in := range []string{want, strings.ToLower(want), strings.Repeat("ab", 32), "SHA256:" + want, "sha256/" + strings.Repeat("AB", 32)} {
		if got, err := NormalizeFingerprint(in); err != nil || got != want {
			t.Errorf("NormalizeFingerprint(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "zz", strings.Repeat("AB", 31), strings.Repeat("AB", 33)} {
		if _, err := NormalizeFingerprint(in); err == nil {
			t.Errorf("NormalizeFingerprint(%q) succeeded, want an error", in)
		}
	}
}

func TestExplainCertErrorNotACertificateError(t *testing.T) {
	if s := ExplainCertError(errors.New("connection reset")); s != "" {
		t.Errorf("ExplainCertError(connection reset) = %q, want \"\"", s)
	}
}
