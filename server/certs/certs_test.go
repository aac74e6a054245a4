package certs

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func newCert(t *testing.T) (tls.Certificate, string) {
	t.Helper()
	dir := t.TempDir()
	cert, _, err := LoadOrCreate(dir, nil)
	if err != nil {
		t.Fatalf("LoadOrCreate: %v", err)
	}
	return cert, dir
}

func TestFingerprintFormat(t *testing.T) {
	cert, _ := newCert(t)
	fp := Fingerprint(cert)
	if !regexp.MustCompile(`^([0-9A-F]{2}:){31}[0-9A-F]{2}$`).MatchString(fp) {
		t.Errorf("Fingerprint = %q, want 32 upper-case hex pairs joined by colons", fp)
	}
	if got := Fingerprint(tls.Certificate{}); got != "" {
		t.Errorf("Fingerprint(empty) = %q, want \"\"", got)
	}
}

// The fingerprint a user compares must be the one openssl shows.
func TestFingerprintMatchesOpenSSL(t *testing.T) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl not installed; the fingerprint cannot be compared with it")
	}
	cert, dir := newCert(t)
	out, err := exec.Command(openssl, "x509", "-noout", "-fingerprint", "-sha256", "-in", filepath.Join(dir, CertFile)).Output()
	if err != nil {
		t.Fatalf("openssl x509: %v", err)
	}
	_, want, ok := strings.Cut(strings.TrimSpace(string(out)), "=")
	if !ok || Fingerprint(cert) != want {
		t.Errorf("Fingerprint = %s, openssl says %q", Fingerprint(cert), out)
	}
}

// serve accepts one TLS connection with ServerConfig(cert), completes the
// handshake and writes Describe of the server's view of it.
func serve(t *testing.T, cert tls.Certificate) string {
	t.Helper()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", ServerConfig(cert))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		tc := c.(*tls.Conn)
		if tc.Handshake() == nil {
			io.WriteString(tc, Describe(tc.ConnectionState())+"\n")
		}
	}()
	return ln.Addr().String()
}

func pool(cert tls.Certificate) *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(cert.Leaf)
	return p
}

func TestServerConfigDial(t *testing.T) {
	cert, _ := newCert(t)
	tests := []struct {
		name       string
		serverName string
		maxVersion uint16
		wantErr    bool
		wantPrefix string
	}{
		{"TLS 1.3 localhost", "localhost", 0, false, "TLS1.3 TLS_"},
		{"TLS 1.2", "localhost", tls.VersionTLS12, false, "TLS1.2 TLS_ECDHE_ECDSA_WITH_"},
		{"IP name", "127.0.0.1", 0, false, "TLS1.3 "},
		{"TLS 1.1 refused", "localhost", tls.VersionTLS11, true, ""},
		{"wrong name", "mail.example", 0, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := serve(t, cert)
			c, err := tls.Dial("tcp", addr, &tls.Config{
				RootCAs: pool(cert), ServerName: tt.serverName,
				MinVersion: tls.VersionTLS10, MaxVersion: tt.maxVersion,
			})
			if tt.wantErr {
				if err == nil {
					c.Close()
					t.Fatalf("tls.Dial(ServerName %q, max %x) succeeded, want an error", tt.serverName, tt.maxVersion)
				}
				return
			}
			if err != nil {
				t.Fatalf("tls.Dial(ServerName %q) error %v", tt.serverName, err)
			}
			defer c.Close()
			client := Describe(c.ConnectionState())
			server, err := io.ReadAll(c)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(client, tt.wantPrefix) || strings.TrimSpace(string(server)) != client {
				t.Errorf("Describe: client %q, server %q; want both equal, starting %q", client, server, tt.wantPrefix)
			}
		})
	}
}

func TestDescribe(t *testing.T) {
	tests := []struct {
		state tls.ConnectionState
		want  string
	}{
		{tls.ConnectionState{}, ""},
		{tls.ConnectionState{HandshakeComplete: true, Version: tls.VersionTLS13, CipherSuite: tls.TLS_AES_128_GCM_SHA256}, "TLS1.3 TLS_AES_128_GCM_SHA256"},
		{tls.ConnectionState{HandshakeComplete: true, Version: tls.VersionTLS12, CipherSuite: tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384}, "TLS1.2 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"},
	}
	for _, tt := range tests {
		if got := Describe(tt.state); got != tt.want {
			t.Errorf("Describe(%+v) = %q, want %q", tt.state, got, tt.want)
		}
	}
}

// Python's ssl module (OpenSSL) must accept the self-signed certificate as
// its own trust anchor, as swaks and Python apps do when told to trust it.
func TestPythonTrustsCertificate(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("python3 is required in CI")
		}
		t.Skip("python3 not installed")
	}
	cert, dir := newCert(t)
	_, port, _ := net.SplitHostPort(serve(t, cert))
	script := `
import socket, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[1])
with socket.create_connection(("127.0.0.1", int(sys.argv[2])), timeout=10) as s:
    with ctx.wrap_socket(s, server_hostname="localhost") as t:
        print(t.recv(200).decode().strip())
`
	out, err := exec.Command(python, "-c", script, filepath.Join(dir, CertFile), port).CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "TLS1.") {
		t.Errorf("python3 ssl with cafile=cert.pem: %v\n%s", err, out)
	}
}
