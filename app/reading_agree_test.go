package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"letterbox/server/store"
)

// readingWant is a corpus expectation (smtpcore/msg/testdata/corpus, made
// by scripts/gen_corpus.py).
type readingWant struct {
	From, To, Cc []string
	Subject      string
	Attachments  []string
}

// TestReadingAgreesWithCorpus seeds a real store with the reading corpus
// (every charset of issue 10 in subjects, names and file names; damaged
// and unusual MIME) and checks, message by message, that the Inbox row and
// the message view's header labels and attachment list show the decoded
// values the corpus expects: the list and the view read through the same
// layer and cannot disagree.
func TestReadingAgreesWithCorpus(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("..", "smtpcore", "msg", "testdata", "corpus", "*.eml"))
	if len(paths) < 40 {
		t.Fatalf("corpus: %d messages, want at least 40", len(paths))
	}
	want := map[string]readingWant{}
	f := newInboxFixture(t, func(st *store.Store) {
		for _, p := range paths {
			raw, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			var w readingWant
			b, err := os.ReadFile(strings.TrimSuffix(p, ".eml") + ".json")
			if err == nil {
				err = json.Unmarshal(b, &w)
			}
			if err != nil {
				t.Fatalf("%s: expectation: %v", p, err)
			}
			want[readingDeliver(t, st, raw)] = w
		}
	})
	f.waitTotal(t, len(paths))
	for i := 0; i < f.in.list.total; i++ {
		f.pump.waitFor(t, "the list page to load", func() bool { _, ok := f.in.list.summaryAt(i); return ok })
		s, _ := f.in.list.summaryAt(i)
		w := want[s.ID]
		row := newInboxRow()
		row.set(s, false)
		if got, exp := row.from.Text, strings.Join(w.From, ", "); got != exp {
			t.Errorf("%s: Inbox row sender %q, want %q", s.ID, got, exp)
		}
		if got := row.subject.Text; got != w.Subject {
			t.Errorf("%s: Inbox row subject %q, want %q", s.ID, got, w.Subject)
		}
		f.in.list.widget.Select(i)
		f.pump.waitFor(t, "the view to show "+s.ID, func() bool {
			return f.in.view.data != nil && f.in.view.data.id == s.ID
		})
		labels := inboxLabels(f.in.view.summary)
		for _, c := range []struct{ key, exp string }{
			{"Subject", w.Subject}, {"From", strings.Join(w.From, ", ")},
			{"To", strings.Join(w.To, ", ")}, {"Cc", strings.Join(w.Cc, ", ")},
		} {
			if got := readingLabel(labels, c.key); got != c.exp {
				t.Errorf("%s: message view %s %q, want %q (Inbox row: %q)", s.ID, c.key, got, c.exp, row.subject.Text)
			}
		}
		atts := strings.Join(inboxLabels(f.in.view.attach.grid), "|")
		for _, name := range w.Attachments {
			if name != "" && !strings.Contains(atts, name+" (") {
				t.Errorf("%s (%s): message view attachments %q lack %q", s.ID, w.Subject, atts, name)
			}
		}
	}
}

// readingLabel returns the value shown beside the bold key label, "" when
// the view shows no such row.
func readingLabel(labels []string, key string) string {
	for i := 0; i+1 < len(labels); i++ {
		if labels[i] == key {
			return labels[i+1]
		}
	}
	return ""
}

// readingDeliver stores raw exactly as it is (the corpus has CRLF ends).
func readingDeliver(t *testing.T, st *store.Store, raw []byte) string {
	t.Helper()
	d, err := st.Create()
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if _, err := d.Write(raw); err != nil {
		t.Fatalf("Write: %v", err)
	}
	sum, err := d.Commit(store.Record{MailFrom: "corpus@example.test", Rcpts: []string{"rcpt@example.test"}})
	if err != nil {
		t.Fatalf("Commit: %v", err)
	}
	return sum.ID
}
