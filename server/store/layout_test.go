package store

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"
	"github.com/sirupsen/logrus/hooks/test"
)

// TestNoDotDirectoryInTheRoot: the Maildir++ layout (Dovecot's default,
// Python's list_folders) takes every dot-directory of the root for a folder,
// so a store must have none (issue 11 F2). Before the fix Open made
// .letterbox/ and this test failed.
func TestNoDotDirectoryInTheRoot(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	deliver(t, s, sampleMsg, Record{MailFrom: "a@b.test"})
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("the store root holds %s, which Maildir++ readers list as a folder", e.Name())
		}
	}
	if MetaDir(dir) != filepath.Join(dir, "letterbox-meta") {
		t.Errorf("MetaDir = %s", MetaDir(dir))
	}
	if p := PrivateDir(dir); strings.HasPrefix(p, dir+string(filepath.Separator)) || filepath.Dir(p) != filepath.Dir(dir) {
		t.Errorf("PrivateDir = %s, want a sibling of %s outside it", p, dir)
	}
}

// TestMigrateLegacyLayout: a store in the layout before issue 11 (records,
// index, lock and the TLS certificate under STORE/.letterbox) opens with the
// same messages and records, its certificate files moved byte for byte to the
// private directory outside the Maildir, the old directory gone, and one
// Info line naming the old and new paths; the next Open says nothing.
func TestMigrateLegacyLayout(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	want := map[string]*Record{}
	for _, from := range []string{"a@b.test", "c@d.test", "e@f.test"} {
		sum := deliver(t, s, sampleMsg, Record{MailFrom: from, Rcpts: []string{"bcc@x.test"}})
		rec, err := s.Record(sum.ID)
		if err != nil {
			t.Fatal(err)
		}
		want[sum.ID] = rec
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Rewind to the old layout, with a certificate as the server kept it.
	old := filepath.Join(dir, legacyMeta)
	if err := os.Rename(MetaDir(dir), old); err != nil {
		t.Fatal(err)
	}
	cert, key := []byte("-----BEGIN CERTIFICATE-----\nMIIB\n"), []byte("-----BEGIN PRIVATE KEY-----\nMIIE\n")
	os.MkdirAll(filepath.Join(old, "tls"), 0o700)
	os.WriteFile(filepath.Join(old, "tls", "cert.pem"), cert, 0o644)
	os.WriteFile(filepath.Join(old, "tls", "key.pem"), key, 0o600)
	text := textIDs(t, filepath.Join(old, "text2"))

	logger, hook := test.NewNullLogger()
	s2, err := Open(dir, Options{Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(old); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("%s still exists after Open: %v", old, err)
	}
	for id, rec := range want {
		got, err := s2.Record(id)
		if err != nil || !reflect.DeepEqual(got.Rcpts, rec.Rcpts) || got.MailFrom != rec.MailFrom {
			t.Errorf("Record(%s) after migration = %+v, %v; want %+v", id, got, err, rec)
		}
	}
	if _, total, _ := s2.List(Query{}); total != len(want) {
		t.Errorf("List total = %d, want %d", total, len(want))
	}
	for name, b := range map[string][]byte{"cert.pem": cert, "key.pem": key} {
		got, err := os.ReadFile(filepath.Join(PrivateDir(dir), "tls", name))
		if err != nil || !bytes.Equal(got, b) {
			t.Errorf("%s in the private dir = %q, %v; want the old bytes", name, got, err)
		}
	}
	if got := textIDs(t, filepath.Join(dir, dirText)); len(got) != len(text) || len(text) != len(want) {
		t.Errorf("search texts after migration = %d, before %d; want %d", len(got), len(text), len(want))
	}
	if _, err := os.Stat(filepath.Join(PrivateDir(dir), "text2")); err == nil {
		t.Error("the search text went to the private directory")
	}
	if n := countMigrationLines(hook, old); n != 1 {
		t.Errorf("%d migration log lines, want 1: %v", n, hook.AllEntries())
	}
	s2.Close()
	hook.Reset()
	s3, err := Open(dir, Options{Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	s3.Close()
	if n := countMigrationLines(hook, old); n != 0 {
		t.Errorf("the second Open logged %d migration lines, want 0", n)
	}
}

func countMigrationLines(hook *test.Hook, old string) int {
	n := 0
	for _, e := range hook.AllEntries() {
		if e.Level == logrus.InfoLevel && e.Data["old"] == old && e.Data["meta"] != nil && e.Data["private"] != nil {
			n++
		}
	}
	return n
}

// TestMigrateResumesAfterACrash: a migration that died after moving part of
// the records finishes on the next Open and keeps what is already in place.
func TestMigrateResumesAfterACrash(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, legacyMeta)
	for _, d := range []string{filepath.Join(old, "records"), filepath.Join(MetaDir(dir), "records")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(old, "records", "A.json"), []byte("old A"), 0o600)
	os.WriteFile(filepath.Join(old, "records", "B.json"), []byte("old B"), 0o600)
	os.WriteFile(filepath.Join(MetaDir(dir), "records", "A.json"), []byte("moved A"), 0o600)
	if err := migrateLegacy(dir, logrus.New()); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"A.json": "moved A", "B.json": "old B"} {
		if got, _ := os.ReadFile(filepath.Join(MetaDir(dir), "records", name)); string(got) != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if _, err := os.Lstat(old); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("%s still exists: %v", old, err)
	}
}
