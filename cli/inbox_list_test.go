package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// TestListTable: the table, made from the store's index, shows what
// list --json reads from each message: the unread mark, the attachments and
// the findings.
func TestListTable(t *testing.T) {
	st := newStore(t)
	good := deliver(t, st, goodMsg, record("zoe@example.org", "bob@example.net"))
	bad := deliver(t, st, badMsg, record("mallory@example.org", "bob@example.net"))
	js, errs, code := run(t, st.Dir(), "list", "--json")
	if code != ExitOK {
		t.Fatalf("list --json = %d, %s", code, errs)
	}
	var items []Item
	if err := json.Unmarshal([]byte(js), &items); err != nil || len(items) != 2 {
		t.Fatalf("list --json printed %q: %v", js, err)
	}
	want := map[string][]string{good: {"N " + good, "Grüße", "[1 attachment(s)]"}, bad: {"N " + bad, "no date"}}
	for _, it := range items {
		if c := it.Findings; c.Error+c.Warning > 0 {
			want[it.ID] = append(want[it.ID], fmt.Sprintf("[%d error(s), %d warning(s)]", c.Error, c.Warning))
		}
	}
	if len(want[bad]) != 3 {
		t.Fatalf("list --json: no findings for badMsg (%+v); the test needs some", items)
	}
	out, errs, code := run(t, st.Dir(), "list")
	if code != ExitOK {
		t.Fatalf("list = %d, %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("list printed %q, want two lines", out)
	}
	for _, line := range lines {
		id := strings.Fields(line)[1]
		for _, w := range want[id] {
			if !strings.Contains(line, w) {
				t.Errorf("list line %q lacks %q", line, w)
			}
		}
	}
	if strings.Count(out, "attachment(s)") != 1 {
		t.Errorf("list printed %q: one message has an attachment", out)
	}
}
