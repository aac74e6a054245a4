package server

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"letterbox/server/sasl"
)

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
	tests := []struct {
		name string
		cfg  Config
		want string // "" = no error; else a part of the message
	}{
		{"zero value", Config{}, ""},
		{"require TLS with STARTTLS", Config{RequireTLS: true}, ""},
		{"require TLS with implicit TLS only", Config{RequireTLS: true, DisableSTARTTLS: true, TLSListen: "127.0.0.1:4650"}, ""},
		{"require TLS without TLS", Config{RequireTLS: true, DisableSTARTTLS: true}, "require TLS needs STARTTLS"},
		{"negative size", Config{MaxMessageBytes: -1}, "positive"},
		{"same port twice", Config{Listen: "127.0.0.1:2525", TLSListen: "127.0.0.1:2525"}, "also the plain SMTP address"},
		{"default port twice", Config{TLSListen: DefaultListen}, "also the plain SMTP address"},
		{"certificate without key", Config{TLSCert: "cert.pem"}, "both"},
		{"require AUTH with AUTH off", Config{RequireAuth: true}, "require AUTH needs AUTH"},
		{"AUTH any", Config{Auth: "any", RequireAuth: true}, ""},
		{"credentials file", Config{Auth: good}, ""},
		{"missing credentials file", Config{Auth: filepath.Join(dir, "missing")}, "credentials file cannot be used"},
		{"bad credentials file", Config{Auth: bad}, "bad:1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Check()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Check() = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Check() = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
