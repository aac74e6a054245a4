package msg

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// CorpusExpectation is what a reader must see of one corpus message
// (testdata/corpus/NAME.json beside NAME.eml, written by
// scripts/gen_corpus.py with Python's codecs).
type corpusExpectation struct {
	From, To, Cc []string
	Subject      string
	Attachments  []string
	Body         string // a piece of the text a reader sees
}

// corpusFiles lists the corpus messages with their expectations.
func corpusFiles(t *testing.T) map[string]corpusExpectation {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "corpus", "*.json"))
	if err != nil || len(paths) < 40 {
		t.Fatalf("corpus: %d expectations (%v), want at least 40", len(paths), err)
	}
	out := map[string]corpusExpectation{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var e corpusExpectation
		if err := json.Unmarshal(b, &e); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		out[strings.TrimSuffix(p, ".json")+".eml"] = e
	}
	return out
}

func TestCorpus(t *testing.T) {
	for path, want := range corpusFiles(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			sum, _ := Summarize(f, ReadLimits{}) // damaged messages are in the corpus on purpose
			checkCorpus(t, path, sum, want)
		})
	}
}

func checkCorpus(t *testing.T, path string, got Summary, want corpusExpectation) {
	t.Helper()
	eq := func(field string, g, w []string) {
		if len(g) != len(w) || !slices.Equal(g, w) {
			t.Errorf("%s: %s = %q, want %q", path, field, g, w)
		}
	}
	eq("From", got.From, want.From)
	eq("To", got.To, want.To)
	eq("Cc", got.Cc, want.Cc)
	if got.Subject != want.Subject {
		t.Errorf("%s: Subject = %q, want %q", path, got.Subject, want.Subject)
	}
	var names []string
	for _, a := range got.Attachments {
		names = append(names, a.Name)
	}
	eq("attachment names", names, want.Attachments)
	if !strings.Contains(got.Text, want.Body) {
		t.Errorf("%s: Text = %q, want it to hold %q", path, got.Text, want.Body)
	}
}
