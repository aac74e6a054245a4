package store

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"letterbox/smtpcore/msg/lint"
)

// TestFindingsCountedAtIngestAndRebuild checks that the linter runs once at
// ingest (the counts are in the Summary that Commit returns and in the
// index), that a rebuilt index counts the same, and that a message another
// program put in the Maildir, which has no record, is checked without an
// envelope.
func TestFindingsCountedAtIngestAndRebuild(t *testing.T) {
	dir := t.TempDir()
	broken := "From: Mallory <mallory@example.org>\r\nTo: bob@example.net\r\nSubject: no date\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nCaf\xe9\r\n"
	rec := Record{MailFrom: "mallory@example.org", Rcpts: []string{"bob@example.net"}}
	want := lint.Count(lint.Check([]byte(broken), rec.LintEnvelope()))
	if want.Error == 0 {
		t.Fatalf("the broken message has no error-level finding; the test needs one")
	}

	s := openStore(t, dir)
	sum := deliver(t, s, broken, rec)
	if sum.Findings != want {
		t.Errorf("Commit's Summary.Findings = %+v, want %+v", sum.Findings, want)
	}
	if got, _ := s.Get(sum.ID); got.Findings != want {
		t.Errorf("Get(%s).Findings = %+v, want %+v", sum.ID, got.Findings, want)
	}
	if r, err := s.Record(sum.ID); err != nil || !r.Linted || lint.Count(r.Findings) != want {
		t.Errorf("the record keeps findings %v (linted %v, err %v), want %+v", r.Findings, r.Linted, err, want)
	}
	foreign := "Date: Mon, 30 Nov 2026 10:00:00 +0000\r\nFrom: a@example.org\r\nTo: b@example.net\r\n" +
		"Subject: dropped in\r\nMessage-ID: <x@example.org>\r\n\r\nHello.\r\n"
	if err := os.WriteFile(filepath.Join(dir, "cur", "1700000000.foreign.host:2,S"), []byte(foreign), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, indexFile)); err != nil {
		t.Fatalf("remove the index cache: %v", err)
	}

	s = openStore(t, dir)
	if got, err := s.Get(sum.ID); err != nil || got.Findings != want {
		t.Errorf("after a rebuild Get(%s).Findings = %+v (err %v), want %+v", sum.ID, got.Findings, err, want)
	}
	items, _, err := s.List(Query{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, it := range items {
		if it.Subject == "dropped in" {
			found = true
			if it.Findings != (lint.Counts{}) {
				t.Errorf("a well-formed message with no record has findings %+v, want none", it.Findings)
			}
		}
	}
	if !found {
		t.Errorf("the message another program put in cur/ is not listed")
	}
}

// TestRebuildReadsKeptFindings checks that a rebuilt index takes the counts
// from a record that was checked at commit, without checking the message
// again, and checks a message whose record was never checked (an older
// version's). The record is edited so that the two ways disagree.
func TestRebuildReadsKeptFindings(t *testing.T) {
	broken := "From: Mallory <mallory@example.org>\r\nTo: bob@example.net\r\nSubject: no date\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nCaf\xe9\r\n"
	rec := Record{MailFrom: "mallory@example.org", Rcpts: []string{"bob@example.net"}}
	checked := lint.Count(lint.Check([]byte(broken), rec.LintEnvelope()))
	if checked == (lint.Counts{}) {
		t.Fatalf("the broken message has no findings; the test needs some")
	}
	for _, tc := range []struct {
		name   string
		linted bool
		want   lint.Counts
	}{
		{"kept findings are read", true, lint.Counts{}},
		{"an unchecked record is checked", false, checked},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s := openStore(t, dir)
			id := deliver(t, s, broken, rec).ID
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			r, err := s.readRecord(id)
			if err != nil {
				t.Fatal(err)
			}
			r.Findings, r.Linted = nil, tc.linted
			b, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(s.recordPath(id), b, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Remove(filepath.Join(dir, indexFile)); err != nil {
				t.Fatalf("remove the index cache: %v", err)
			}
			s = openStore(t, dir)
			if got, err := s.Get(id); err != nil || got.Findings != tc.want {
				t.Errorf("after a rebuild Get(%s).Findings = %+v (err %v), want %+v", id, got.Findings, err, tc.want)
			}
		})
	}
}
