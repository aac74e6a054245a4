package server

import (
	"crypto/x509"
	"testing"

	"github.com/sirupsen/logrus"
	"github.com/sirupsen/logrus/hooks/test"

	"letterbox/server/certs/certstest"
	"letterbox/server/store"
)

// TestStartReplacesLegacyCACertificate: a store that holds the CA
// certificate an older Letterbox made gets a leaf at start, and a warning
// names the old and the new SHA-256 fingerprints (issue 13 §2). Before the
// fix the CA was kept and nothing was logged, and this test failed.
func TestStartReplacesLegacyCACertificate(t *testing.T) {
	dir := t.TempDir()
	old := certstest.WriteLegacyCA(t, TLSDir(dir))
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
