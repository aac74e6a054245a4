package app

import (
	"slices"
	"strings"
	"testing"

	"letterbox/server/store"
	"letterbox/smtpcore/msg/lint"
)

// TestMessageViewFindingsTab checks the wiring of the linter into the
// message view: a message without Date and with 8-bit text in a part without
// a charset gets a Findings tab that counts its errors and warnings and
// lists them by rule; a well-formed one gets an empty tab under its plain
// title.
func TestMessageViewFindingsTab(t *testing.T) {
	bad := "From: Mallory <mallory@example.org>\nTo: bob@b.test\nSubject: no date\n" +
		"MIME-Version: 1.0\nContent-Type: text/plain\n\nCaf\xe9\n"
	good := "From: Ann <ann@a.test>\nTo: bob@b.test\nSubject: well formed\n" +
		"Date: Mon, 30 Nov 2026 10:00:00 +0000\nMessage-ID: <good-1@a.test>\n" +
		"MIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\nHello.\n"
	clean := inboxRecord("ann@a.test", "bob@b.test")
	clean.Warnings = nil // the fixture's record warns of a bare LF: a finding of its own
	f := newInboxFixture(t, func(st *store.Store) {
		inboxDeliver(t, st, bad, inboxRecord("mallory@example.org", "bob@b.test"))
		inboxDeliver(t, st, good, clean)
	})
	f.waitTotal(t, 2)
	v := f.in.view

	f.selectSubject(t, "no date")
	rules := map[string]bool{}
	for _, fd := range v.findings.findings {
		rules[fd.Rule] = true
	}
	for _, want := range []string{"rfc5322.date-missing", "mime.8bit-in-7bit"} {
		if !rules[want] {
			t.Errorf("Findings of the broken message = %v, want %s among them", rules, want)
		}
	}
	if title := v.tabs.Items[messageTabFindings].Text; !strings.HasPrefix(title, "Findings (") {
		t.Errorf("Findings tab title = %q, want a count", title)
	}
	v.tabs.SelectIndex(messageTabFindings)
	i := slices.IndexFunc(v.findings.findings, func(fd lint.Finding) bool { return fd.Where.Line > 0 })
	if i < 0 {
		t.Fatalf("no finding of the broken message names a line: %v", v.findings.findings)
	}
	fd := v.findings.findings[i]
	v.findings.list.Select(i)
	if got := v.findings.highlighted(); got != fd.Where.Line-1 {
		t.Errorf("selecting %s highlights source line %d, want %d", fd.Rule, got+1, fd.Where.Line)
	}

	f.selectSubject(t, "well formed")
	if n := len(v.findings.findings); n != 0 {
		t.Errorf("a well-formed message has %d findings: %v", n, v.findings.findings)
	}
	if title := v.tabs.Items[messageTabFindings].Text; title != "Findings" {
		t.Errorf("Findings tab title = %q for a well-formed message, want \"Findings\"", title)
	}
}

// TestMessageViewQuotedLocalPart checks that a recipient with a quoted
// local part is shown quoted, as it went on the wire, and is not marked
// "Bcc/envelope only" when To names it: the view once showed x y@example.test
// and, comparing that with the envelope's "x y"@example.test, called the
// recipient a Bcc.
func TestMessageViewQuotedLocalPart(t *testing.T) {
	raw := "From: Ann <ann@a.test>\nTo: \"x y\"@example.test, bob@b.test\nSubject: quoted\n" +
		"Date: Mon, 30 Nov 2026 10:00:00 +0000\nMessage-ID: <q@a.test>\n\nHello.\n"
	f := newInboxFixture(t, func(st *store.Store) {
		inboxDeliver(t, st, raw, inboxRecord("ann@a.test", `"x y"@example.test`, "bob@b.test", "hidden@c.test"))
	})
	f.waitTotal(t, 1)
	f.selectSubject(t, "quoted")
	summary := strings.Join(inboxLabels(f.in.view.summary), "\n")
	for _, want := range []string{`"x y"@example.test, bob@b.test`, "hidden@c.test (Bcc/envelope only)"} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, summary)
		}
	}
	if strings.Contains(summary, `"x y"@example.test (Bcc`) {
		t.Errorf("summary marks the quoted To recipient as Bcc:\n%s", summary)
	}
}
