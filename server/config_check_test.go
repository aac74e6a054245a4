package server

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"letterbox/server/certs"
	"letterbox/server/sasl"
)

// TestConfigCheck: each setting that cannot work is refused with words that
// say why and name the flags involved (issue 13 §3). Before the fix the
// messages named no flag, and a certificate whose key did not belong to it
// (or could not be read) passed Check.
func TestConfigCheck(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "users")
	line, err := sasl.HashPassword("alice", "s3cret")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(good, []byte(line+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad")
	if err := os.WriteFile(bad, []byte("no colon here\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A directory cannot be read as a file, even by root (CI runs as root,
	// so a mode of 000 would not do).
	unreadable := filepath.Join(dir, "a-directory")
	if err := os.Mkdir(unreadable, 0o700); err != nil {
		t.Fatal(err)
	}
	pairA, pairB := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	for _, d := range []string{pairA, pairB} {
		if _, _, err := certs.LoadOrCreate(d, nil); err != nil {
			t.Fatal(err)
		}
	}
	certA, keyA, keyB := filepath.Join(pairA, certs.CertFile), filepath.Join(pairA, certs.KeyFile), filepath.Join(pairB, certs.KeyFile)
	tests := []struct {
		name string
		cfg  Config
		want []string // nil = no error; else parts of the message
	}{
		{"zero value", Config{}, nil},
		{"require TLS with STARTTLS", Config{RequireTLS: true}, nil},
		{"require TLS with implicit TLS only", Config{RequireTLS: true, DisableSTARTTLS: true, TLSListen: "127.0.0.1:4650"}, nil},
		{"require TLS without TLS", Config{RequireTLS: true, DisableSTARTTLS: true},
			[]string{"require TLS needs STARTTLS or an implicit-TLS port", "--require-tls", "--no-starttls", "--tls-listen"}},
		{"negative size", Config{MaxMessageBytes: -1}, []string{"positive", "--max-message-size"}},
		{"same port twice", Config{Listen: "127.0.0.1:2525", TLSListen: "127.0.0.1:2525"}, []string{"also the plain SMTP address", "--tls-listen"}},
		{"default port twice", Config{TLSListen: DefaultListen}, []string{"also the plain SMTP address"}},
		{"certificate without key", Config{TLSCert: certA}, []string{"needs both", certA, "--tls-cert without --tls-key"}},
		{"key without certificate", Config{TLSKey: keyA}, []string{"needs both", keyA, "--tls-key without --tls-cert"}},
		{"certificate and its key", Config{TLSCert: certA, TLSKey: keyA}, nil},
		{"certificate and another key", Config{TLSCert: certA, TLSKey: keyB}, []string{"cannot be used", "--tls-cert, --tls-key", "private key does not match"}},
		{"missing certificate file", Config{TLSCert: filepath.Join(dir, "none.pem"), TLSKey: keyA}, []string{"cannot be used", "no such file"}},
		{"require AUTH with AUTH off", Config{RequireAuth: true}, []string{"require AUTH needs AUTH", "--require-auth", "--auth off"}},
		{"AUTH any", Config{Auth: "any", RequireAuth: true}, nil},
		{"credentials file", Config{Auth: good}, nil},
		{"missing credentials file", Config{Auth: filepath.Join(dir, "missing")}, []string{"credentials file cannot be used", "--auth " + filepath.Join(dir, "missing"), "no such file"}},
		{"unreadable credentials file", Config{Auth: unreadable}, []string{"credentials file cannot be used", "--auth " + unreadable}},
		{"bad credentials file", Config{Auth: bad}, []string{"bad:1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Check()
			if tt.want == nil {
				if err != nil {
					t.Errorf("Check() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Check() = nil, want an error containing %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Check() = %v, want it to contain %q", err, w)
				}
			}
		})
	}
}
