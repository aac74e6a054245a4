package certs

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestLoadOrCreateKeepsCertificate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tls")
	first, created, err := LoadOrCreate(dir, nil)
	if err != nil || !created {
		t.Fatalf("LoadOrCreate(%q) first run = created %v, %v; want created", dir, created, err)
	}
	again, created, err := LoadOrCreate(dir, nil)
	if err != nil || created {
		t.Fatalf("LoadOrCreate(%q) second run = created %v, %v; want loaded", dir, created, err)
	}
	if Fingerprint(first) != Fingerprint(again) {
		t.Errorf("fingerprint changed across runs: %s then %s", Fingerprint(first), Fingerprint(again))
	}
	leaf := again.Leaf
	if pub, ok := leaf.PublicKey.(*ecdsa.PublicKey); !ok || pub.Curve != elliptic.P256() {
		t.Errorf("key is %T, want ECDSA P-256", leaf.PublicKey)
	}
	if d := leaf.NotAfter.Sub(leaf.NotBefore); d < 365*24*time.Hour || d > 366*24*time.Hour {
		t.Errorf("validity %v, want one year", d)
	}
	for _, h := range []string{"localhost", "127.0.0.1", "::1"} {
		if err := leaf.VerifyHostname(h); err != nil {
			t.Errorf("certificate does not name %s: %v", h, err)
		}
	}
	if h, err := os.Hostname(); err == nil && validDNSName(h) {
		if err := leaf.VerifyHostname(h); err != nil {
			t.Errorf("certificate does not name os.Hostname() %s: %v", h, err)
		}
	}
	for name, want := range map[string]os.FileMode{KeyFile: 0o600, CertFile: 0o644, ".": 0o700} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || fi.Mode().Perm() != want {
			t.Errorf("mode of %s = %v, %v; want %v", name, fi.Mode().Perm(), err, want)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("dir holds %d entries, want cert.pem and key.pem only", len(entries))
	}
}

func TestLoadOrCreateRenews(t *testing.T) {
	now := time.Now()
	tests := []struct {
		name      string
		createdAt time.Time
		wantNew   bool
	}{
		{"fresh", now.Add(-24 * time.Hour), false},
		{"65 days left", now.Add(-300 * 24 * time.Hour), false},
		{"25 days left", now.Add(-340 * 24 * time.Hour), true},
		{"expired", now.Add(-400 * 24 * time.Hour), true},
		{"not yet valid", now.Add(48 * time.Hour), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			made, err := loadOrCreate(dir, nil, tt.createdAt)
			if err != nil {
				t.Fatal(err)
			}
			old := made.Cert
			got, created, err := LoadOrCreate(dir, nil)
			if err != nil {
				t.Fatalf("LoadOrCreate error %v", err)
			}
			if created != tt.wantNew || (Fingerprint(got) != Fingerprint(old)) != tt.wantNew {
				t.Errorf("cert made at %v: created %v, fingerprint changed %v; want %v", tt.createdAt, created, Fingerprint(got) != Fingerprint(old), tt.wantNew)
			}
			if tt.wantNew && !got.Leaf.NotAfter.After(now.Add(360*24*time.Hour)) {
				t.Errorf("renewed certificate expires %v, want a year from now", got.Leaf.NotAfter)
			}
		})
	}
}

func TestLoadOrCreateHosts(t *testing.T) {
	dir := t.TempDir()
	first, _, err := LoadOrCreate(dir, []string{"Mail.Test", "192.0.2.7", "[2001:db8::1]", " "})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"mail.test", "192.0.2.7", "2001:db8::1", "localhost"} {
		if err := first.Leaf.VerifyHostname(h); err != nil {
			t.Errorf("certificate does not name %s: %v", h, err)
		}
	}
	if _, created, _ := LoadOrCreate(dir, []string{"mail.test"}); created {
		t.Error("LoadOrCreate with a host already named created a new certificate")
	}
	other, created, err := LoadOrCreate(dir, []string{"other.test"})
	if err != nil || !created || other.Leaf.VerifyHostname("other.test") != nil {
		t.Errorf("LoadOrCreate with a new host = created %v, %v; want a new certificate naming other.test", created, err)
	}
	if _, _, err := LoadOrCreate(t.TempDir(), []string{"bad host"}); err == nil {
		t.Error(`LoadOrCreate(hosts=["bad host"]) = nil error, want one`)
	}
}

func TestLoadOrCreateFiles(t *testing.T) {
	t.Run("loose key tightened", func(t *testing.T) {
		dir := t.TempDir()
		if _, _, err := LoadOrCreate(dir, nil); err != nil {
			t.Fatal(err)
		}
		key := filepath.Join(dir, KeyFile)
		os.Chmod(key, 0o644)
		if _, created, err := LoadOrCreate(dir, nil); err != nil || created {
			t.Fatalf("LoadOrCreate = created %v, %v", created, err)
		}
		if fi, _ := os.Stat(key); fi.Mode().Perm() != 0o600 {
			t.Errorf("key mode %v after load, want 0600", fi.Mode().Perm())
		}
	})
	t.Run("mismatched pair replaced", func(t *testing.T) {
		a, b := t.TempDir(), t.TempDir()
		certA, _, _ := LoadOrCreate(a, nil)
		LoadOrCreate(b, nil)
		keyB, _ := os.ReadFile(filepath.Join(b, KeyFile))
		os.WriteFile(filepath.Join(a, KeyFile), keyB, 0o600)
		got, created, err := LoadOrCreate(a, nil)
		if err != nil || !created || Fingerprint(got) == Fingerprint(certA) {
			t.Errorf("LoadOrCreate with a foreign key = created %v, %v; want a new certificate", created, err)
		}
	})
	t.Run("corrupt file kept", func(t *testing.T) {
		dir := t.TempDir()
		LoadOrCreate(dir, nil)
		certPath := filepath.Join(dir, CertFile)
		os.WriteFile(certPath, []byte("not a certificate"), 0o644)
		if _, _, err := LoadOrCreate(dir, nil); err == nil || errors.Is(err, os.ErrNotExist) {
			t.Errorf("LoadOrCreate with a corrupt cert.pem error = %v, want a load error", err)
		}
		if b, _ := os.ReadFile(certPath); string(b) != "not a certificate" {
			t.Error("corrupt cert.pem was overwritten")
		}
	})
	t.Run("missing key recreated", func(t *testing.T) {
		dir := t.TempDir()
		LoadOrCreate(dir, nil)
		os.Remove(filepath.Join(dir, KeyFile))
		if _, created, err := LoadOrCreate(dir, nil); err != nil || !created {
			t.Errorf("LoadOrCreate without key.pem = created %v, %v; want created", created, err)
		}
	})
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	made, _, err := LoadOrCreate(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Load(filepath.Join(dir, CertFile), filepath.Join(dir, KeyFile))
	if err != nil || got.Leaf == nil || Fingerprint(got) != Fingerprint(made) {
		t.Errorf("Load = %s, %v; want %s with Leaf", Fingerprint(got), err, Fingerprint(made))
	}
	if _, err := Load(filepath.Join(dir, "none.pem"), filepath.Join(dir, KeyFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load(missing) error = %v, want os.ErrNotExist", err)
	}
}
