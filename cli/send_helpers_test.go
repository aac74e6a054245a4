package cli

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// requirePeer skips when an interop peer is missing, but fails in CI,
// where every peer must be installed.
func requirePeer(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is required in CI: %v", what, err)
	}
	t.Skipf("%s is not available (%v); make deps installs it", what, err)
}

type runResult struct {
	stdout, stderr string
	code           int
}

// runLetterbox runs the built binary with args, extra environment and stdin.
func runLetterbox(t *testing.T, stdin string, env []string, args ...string) runResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, letterboxBinary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("running %v: %v", args, err)
	}
	return runResult{out.String(), errb.String(), cmd.ProcessState.ExitCode()}
}

// testCertFiles writes a self-signed CA-capable certificate for 127.0.0.1
// and localhost and its key as PEM files; it returns their paths and the
// certificate's SHA-256 fingerprint in LeafFingerprint's form.
func testCertFiles(t *testing.T) (certFile, keyFile, fingerprint string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "letterbox test server"},
		NotBefore:    time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:        true, BasicConstraintsValid: true,
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalECPrivateKey(key)
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	sum := sha256.Sum256(der)
	hexs := make([]string, len(sum))
	for i, b := range sum {
		hexs[i] = fmt.Sprintf("%02X", b)
	}
	return certFile, keyFile, strings.Join(hexs, ":")
}

// startAiosmtpd runs testdata/send/aiosmtpd_sink.py and returns its address
// and the directory where it stores messages.
func startAiosmtpd(t *testing.T, args ...string) (addr, out string) {
	t.Helper()
	if _, err := os.Stat("/usr/bin/python3"); err != nil {
		requirePeer(t, "/usr/bin/python3", err)
	}
	if err := exec.Command("/usr/bin/python3", "-c", "import aiosmtpd").Run(); err != nil {
		requirePeer(t, "python3-aiosmtpd", err)
	}
	out = t.TempDir()
	cmd := exec.Command("/usr/bin/python3", append([]string{"testdata/send/aiosmtpd_sink.py", "--out", out}, args...)...)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	var logs bytes.Buffer // tracebacks of refused handshakes are expected; shown only on failure
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		cmd.Wait()
		if t.Failed() {
			t.Logf("aiosmtpd_sink.py log:\n%s", logs.String())
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	var port int
	if _, serr := fmt.Sscanf(line, "READY %d", &port); err != nil || serr != nil {
		t.Fatalf("aiosmtpd_sink.py did not start: %q, %v", line, err)
	}
	return fmt.Sprintf("127.0.0.1:%d", port), out
}

// readBack parses a stored message with Python's email package.
type readBack struct {
	Subject     string  `json:"subject"`
	From        string  `json:"from"`
	To          string  `json:"to"`
	Cc          *string `json:"cc"`
	HasBcc      bool    `json:"has_bcc"`
	LongestLine int     `json:"longest_line"`
	BareLF      bool    `json:"bare_lf"`
	Defects     []string
	Text        string `json:"text"`
	Attachments []struct {
		Filename    string `json:"filename"`
		ContentType string `json:"content_type"`
		SHA256      string `json:"sha256"`
		Length      int    `json:"length"`
	} `json:"attachments"`
}

func pythonReadBack(t *testing.T, eml string) readBack {
	t.Helper()
	out, err := exec.Command("/usr/bin/python3", "testdata/send/readback.py", eml).Output()
	if err != nil {
		requirePeer(t, "python3 email read-back", err)
	}
	var rb readBack
	if err := json.Unmarshal(out, &rb); err != nil {
		t.Fatalf("readback.py output %q: %v", out, err)
	}
	return rb
}
