package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// corpusWant is a reading-corpus expectation (smtpcore/msg/testdata/corpus,
// made by scripts/gen_corpus.py): what the Inbox row, the message view and
// the command line must all show.
type corpusWant struct {
	From, To, Cc []string
	Subject      string
	Attachments  []string
}

// TestInboxListAgreesWithCorpus stores every message of the reading corpus
// (each charset of issue 10 in subjects, names and file names; damaged and
// unusual MIME) and checks that `letterbox inbox list --json` shows the
// decoded From, To, Cc, Subject and attachment names the corpus expects:
// the same values app.TestReadingAgreesWithCorpus checks in the window, so
// the command line and the window cannot disagree.
func TestInboxListAgreesWithCorpus(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("..", "smtpcore", "msg", "testdata", "corpus", "*.eml"))
	if len(paths) < 40 {
		t.Fatalf("corpus: %d messages, want at least 40", len(paths))
	}
	st := newStore(t)
	want := map[string]corpusWant{}
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var w corpusWant
		b, err := os.ReadFile(strings.TrimSuffix(p, ".eml") + ".json")
		if err == nil {
			err = json.Unmarshal(b, &w)
		}
		if err != nil {
			t.Fatalf("%s: expectation: %v", p, err)
		}
		d, err := st.Create() // stored as it is: the corpus has CRLF ends
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Write(raw); err != nil {
			t.Fatal(err)
		}
		sum, err := d.Commit(record("sender@example.org", "rcpt@example.net"))
		if err != nil {
			t.Fatal(err)
		}
		want[sum.ID] = w
	}
	out, errs, code := run(t, st.Dir(), "list", "--json", "--limit", "0")
	if code != ExitOK {
		t.Fatalf("list --json = %d, %s", code, errs)
	}
	var items []Item
	if err := json.Unmarshal([]byte(out), &items); err != nil {
		t.Fatalf("list --json printed unreadable JSON: %v", err)
	}
	if len(items) != len(paths) {
		t.Fatalf("list --json gave %d messages, want %d", len(items), len(paths))
	}
	for _, it := range items {
		w, ok := want[it.ID]
		if !ok {
			t.Errorf("list --json has an unknown id %q", it.ID)
			continue
		}
		if exp := strings.Join(w.From, ", "); it.From != exp {
			t.Errorf("%s: from %q, want %q", it.ID, it.From, exp)
		}
		if it.Subject != w.Subject {
			t.Errorf("%s: subject %q, want %q", it.ID, it.Subject, w.Subject)
		}
		if !slices.Equal(it.To, w.To) && !(len(it.To) == 0 && len(w.To) == 0) {
			t.Errorf("%s (%s): to %q, want %q", it.ID, w.Subject, it.To, w.To)
		}
		if !slices.Equal(it.Cc, w.Cc) && !(len(it.Cc) == 0 && len(w.Cc) == 0) {
			t.Errorf("%s (%s): cc %q, want %q", it.ID, w.Subject, it.Cc, w.Cc)
		}
		var names []string
		for _, a := range it.Attachments {
			names = append(names, a.Name)
		}
		for _, n := range w.Attachments {
			if n != "" && !slices.Contains(names, n) {
				t.Errorf("%s (%s): attachments %q lack %q", it.ID, w.Subject, names, n)
			}
		}
	}
}
