package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	"letterbox/server/store"
	"letterbox/smtpcore"
)

// inboxList runs `letterbox inbox list`: the messages that match, newest
// first, as a table or as a JSON array of Item.
func inboxList(dir string, args []string, env Env) error {
	fs := newFlagSet("letterbox inbox", "letterbox inbox [--store DIR] list [flags]", env.Stderr)
	var f filter
	addFilterFlags(fs, &f)
	asJSON := fs.Bool("json", false, "print a JSON array (see the README for its fields)")
	limit := fs.Int("limit", 0, "print at most `N` messages (0 = all)")
	if err := parseFilterFlags(fs, &f, args); err != nil {
		return err
	}
	st, err := openStore(dir, false)
	if err != nil {
		return err
	}
	defer st.Close()
	sums, err := selectSummaries(st, &f, *limit, time.Now())
	if err != nil {
		return err
	}
	return writeList(env.Stdout, st, sums, *asJSON)
}

// selectSummaries lists the store's messages that pass f, newest first, at
// most limit (0 = all).
func selectSummaries(st *store.Store, f *filter, limit int, now time.Time) ([]store.Summary, error) {
	sums, _, err := st.List(f.query())
	if err != nil {
		return nil, fail(ExitStore, "%v", err)
	}
	out := []store.Summary{}
	for _, s := range sums {
		if limit > 0 && len(out) >= limit {
			break
		}
		if f.match(s, now) {
			out = append(out, s)
		}
	}
	return out, nil
}

// writeList prints the messages of list and wait: a table made from the
// store's index alone, or with --json an array of Item, each message read in
// full (To and Cc apart, attachment sizes and types, the envelope).
func writeList(w io.Writer, st *store.Store, sums []store.Summary, asJSON bool) error {
	if asJSON {
		return writeJSON(w, loadItems(st, sums))
	}
	printTable(w, sums)
	return nil
}

// loadItems reads the messages of sums, leaving out those deleted since.
func loadItems(st *store.Store, sums []store.Summary) []*Item {
	items := []*Item{}
	for _, s := range sums {
		if it, err := loadItem(st, s); err == nil {
			items = append(items, it)
		}
	}
	return items
}

// printTable prints one line per message: id, received, from, subject,
// size, attachments and findings (as counted when the store took it in).
func printTable(w io.Writer, sums []store.Summary) {
	for _, s := range sums {
		flags := " "
		if s.Unread {
			flags = "N"
		}
		extra := ""
		if n := len(s.Attachments); n > 0 {
			extra += fmt.Sprintf("  [%d attachment(s)]", n)
		}
		if c := s.Findings; c.Error+c.Warning > 0 {
			extra += fmt.Sprintf("  [%d error(s), %d warning(s)]", c.Error, c.Warning)
		}
		fmt.Fprintf(w, "%s %s  %s  %-30s  %s  (%s)%s\n", flags, s.ID, s.Received.Local().Format("2006-01-02 15:04:05"),
			truncate(Clean(s.From), 30), Clean(s.Subject), smtpcore.FormatSize(s.Size), extra)
	}
}

// truncate shortens s to n runes with an ellipsis.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
