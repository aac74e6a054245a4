package cli

import (
	"slices"
	"testing"

	"letterbox/server/store"
	"letterbox/smtpcore/msg/lint"
)

// TestFindingsUsesStoredWhenWhole: list, show and wait take the findings the
// store kept with the record, and check afresh only when the store has none
// or checked only part of the message.
func TestFindingsUsesStoredWhenWhole(t *testing.T) {
	raw := []byte("From: a@example.com\r\nSubject: hi\r\n\r\nbody\r\n") // no Date, no Message-ID
	fresh := lint.Count(lint.Check(raw, lint.Envelope{}))
	if fresh.Error+fresh.Warning == 0 {
		t.Fatalf("lint.Check(%q) found nothing; the test needs a message with findings", raw)
	}
	kept := []lint.Finding{{Rule: "kept.marker", Severity: lint.Info}}
	truncated := []lint.Finding{{Rule: "lint.truncated", Severity: lint.Info}}
	tests := []struct {
		name string
		rec  *store.Record
		want lint.Counts
	}{
		{"no record", nil, fresh},
		{"not linted", &store.Record{Findings: kept}, fresh},
		{"linted", &store.Record{Linted: true, Findings: kept}, lint.Counts{Info: 1}},
		{"linted, none", &store.Record{Linted: true}, lint.Counts{}},
		{"linted in part", &store.Record{Linted: true, Findings: truncated}, fresh},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := lint.Count(findings(raw, tc.rec)); got != tc.want {
				t.Errorf("findings(raw, %+v) counts %+v, want %+v", tc.rec, got, tc.want)
			}
		})
	}
}

// TestNewItemAddresses: To and Cc are msg.View's lists, the ones the Inbox
// shows, including every To field of a message that has two (the command
// line's own parser once read only the first).
func TestNewItemAddresses(t *testing.T) {
	raw := []byte("From: a@example.com\r\nTo: \"Bob, B.\" <bob@example.net>\r\nTo: carol@example.net\r\nCc: =?utf-8?q?Dav=C3=AF?= <dave@example.org>\r\n\r\nbody\r\n")
	it := newItem(store.Summary{ID: "x"}, raw, nil)
	wantTo := []string{"Bob, B. <bob@example.net>", "carol@example.net"}
	wantCc := []string{"Davï <dave@example.org>"}
	if !slices.Equal(it.To, wantTo) || !slices.Equal(it.Cc, wantCc) {
		t.Errorf("newItem(%q): To %q, Cc %q; want %q, %q", raw, it.To, it.Cc, wantTo, wantCc)
	}
}
