package store

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"letterbox/smtpcore/msg"
)

// corpusDir is the team's reading corpus (scripts/gen_corpus.py).
var corpusDir = filepath.Join("..", "..", "smtpcore", "msg", "testdata", "corpus")

type corpusWant struct {
	From, To, Cc []string
	Subject      string
	Attachments  []string
	Body         string
}

// TestCorpusAgreement checks, for every corpus message, that the store's
// index row (what the Inbox list shows, both when the message streams in
// and when the index is rebuilt from the file) and smtpcore/msg's view of
// the message (what the message view shows) agree on From, To, Cc,
// Subject and attachment names, that both equal the corpus expectation,
// and that a body search for its text finds it.
func TestCorpusAgreement(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join(corpusDir, "*.eml"))
	if len(paths) < 40 {
		t.Fatalf("corpus in %s: %d messages, want at least 40", corpusDir, len(paths))
	}
	dir := t.TempDir()
	s := openStore(t, dir)
	ids := map[string]string{}
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		ids[p] = deliver(t, s, string(raw), Record{Rcpts: []string{"r@x.test"}}).ID
	}
	check := func(s *Store, how string) {
		for _, p := range paths {
			row, err := s.Get(ids[p])
			if err != nil {
				t.Fatalf("%s: Get(%s): %v", how, ids[p], err)
			}
			agree(t, how, p, row, s)
		}
	}
	check(s, "delivery")
	s.Close()
	os.Remove(filepath.Join(dir, indexFile))
	os.RemoveAll(filepath.Join(dir, dirText))
	check(openStore(t, dir), "rebuild")
}

func agree(t *testing.T, how, path string, row Summary, s *Store) {
	t.Helper()
	name := how + " " + filepath.Base(path)
	var want corpusWant
	b, err := os.ReadFile(strings.TrimSuffix(path, ".eml") + ".json")
	if err == nil {
		err = json.Unmarshal(b, &want)
	}
	if err != nil {
		t.Fatalf("%s: expectation: %v", name, err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := msg.ReadView(f, msg.ReadLimits{})
	f.Close()
	var viewNames []string
	for _, a := range v.Attachments {
		viewNames = append(viewNames, a.Filename)
	}
	for _, c := range []struct {
		field           string
		list, view, exp string
	}{
		{"From", row.From, v.From, strings.Join(want.From, ", ")},
		{"To and Cc", strings.Join(row.To, "; "), strings.Join(append(slices.Clone(v.ToList), v.CcList...), "; "), strings.Join(append(want.To, want.Cc...), "; ")},
		{"Subject", row.Subject, v.Subject, want.Subject},
		{"attachments", strings.Join(row.Attachments, "; "), strings.Join(viewNames, "; "), strings.Join(want.Attachments, "; ")},
	} {
		if c.list != c.view || c.list != c.exp {
			t.Errorf("%s: %s: Inbox row %q, message view %q, expected %q", name, c.field, c.list, c.view, c.exp)
		}
	}
	if row.HasAttachments != v.Summary().HasAttachments() {
		t.Errorf("%s: paperclip %v, message view's attachments say %v", name, row.HasAttachments, v.Summary().HasAttachments())
	}
	items, _, err := s.List(Query{Search: want.Body, SearchBody: true})
	if err != nil {
		t.Fatalf("%s: List(body %q): %v", name, want.Body, err)
	}
	if !slices.ContainsFunc(items, func(it Summary) bool { return it.ID == row.ID }) {
		t.Errorf("%s: a body search for %q does not find it", name, want.Body)
	}
}
