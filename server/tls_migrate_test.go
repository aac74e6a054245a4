package server

import (
	"os"
	"path/filepath"
	"testing"

	"letterbox/server/certs"
	"letterbox/server/store"
)

// TestTLSCertificateSurvivesLayoutMigration: a store whose self-signed
// certificate an older Letterbox kept in STORE/.letterbox/tls serves the
// same certificate (same SHA-256 fingerprint) after the store moves it to
// TLSDir, outside the Maildir (issue 11 §1), and the key is no longer inside
// the store.
func TestTLSCertificateSurvivesLayoutMigration(t *testing.T) {
	dir := t.TempDir()
	oldTLS := filepath.Join(dir, ".letterbox", "tls")
	o, err := certs.LoadOrCreateOutcome(oldTLS, []string{"localhost"})
	if err != nil {
		t.Fatal(err)
	}
	want := certs.Fingerprint(o.Cert)
	st, err := store.Open(dir, store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srv, err := New(Config{Hostname: "localhost"}, st)
	if err != nil {
		t.Fatal(err)
	}
	if srv.Fingerprint() != want {
		t.Errorf("fingerprint after migration = %s, want %s", srv.Fingerprint(), want)
	}
	if _, err := os.Stat(filepath.Join(TLSDir(dir), certs.KeyFile)); err != nil {
		t.Errorf("key not in TLSDir: %v", err)
	}
	err = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Name() == certs.KeyFile {
			t.Errorf("a TLS key is inside the Maildir: %s", p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
