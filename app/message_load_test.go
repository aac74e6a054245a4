package app

import (
	"io"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"letterbox/server/store"
	"letterbox/smtpcore/msg/lint"
)

// recordStore counts the Opens of the store under it and lets a test change
// the session record it returns.
type recordStore struct {
	*store.Store
	opens  atomic.Int32
	record func(*store.Record)
}

func (s *recordStore) Open(id string) (io.ReadCloser, error) {
	s.opens.Add(1)
	return s.Store.Open(id)
}

func (s *recordStore) Record(id string) (*store.Record, error) {
	rec, err := s.Store.Record(id)
	if err == nil && s.record != nil {
		s.record(rec)
	}
	return rec, err
}

// TestLoadMessageFindingsFromRecord checks that opening a message reads it
// once when the store kept its findings with the record, and reads and
// checks it again only when the record has none or the store's check stopped
// short (lint.truncated). Before the record's findings were used, every case
// opened the message twice.
func TestLoadMessageFindingsFromRecord(t *testing.T) {
	raw := "From: a@a.test\nTo: b@b.test\nSubject: no date\n\nHello.\n"
	kept := lint.Finding{Rule: "kept.by-store", Severity: lint.Warning, Message: "from the record"}
	tests := []struct {
		name      string
		record    func(*store.Record)
		wantOpens int32
		wantRule  string // a rule the findings must hold
	}{
		{"as delivered", nil, 1, "rfc5322.date-missing"},
		{"kept findings are used", func(r *store.Record) { r.Findings = []lint.Finding{kept} }, 1, "kept.by-store"},
		{"never checked", func(r *store.Record) { r.Findings, r.Linted = nil, false }, 2, "rfc5322.date-missing"},
		{"checked in part", func(r *store.Record) {
			r.Findings = []lint.Finding{kept, {Rule: "lint.truncated", Severity: lint.Info}}
		}, 2, "rfc5322.date-missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			id := inboxDeliver(t, st, raw, inboxRecord("a@a.test", "b@b.test"))
			rs := &recordStore{Store: st, record: tt.record}
			d, err := loadMessage(rs, id)
			if err != nil {
				t.Fatalf("loadMessage: %v", err)
			}
			if n := rs.opens.Load(); n != tt.wantOpens {
				t.Errorf("loadMessage opened the message %d times, want %d", n, tt.wantOpens)
			}
			rules := make([]string, len(d.findings))
			for i, f := range d.findings {
				rules[i] = f.Rule
			}
			if !slices.Contains(rules, tt.wantRule) {
				t.Errorf("findings = %s, want %s among them", strings.Join(rules, ", "), tt.wantRule)
			}
			if slices.Contains(rules, "lint.truncated") {
				t.Errorf("findings = %s: the store's partial check was shown", strings.Join(rules, ", "))
			}
		})
	}
}
