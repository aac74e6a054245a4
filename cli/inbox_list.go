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
	items, err := selectItems(st, &f, *limit, time.Now())
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(env.Stdout, items)
	}
	printTable(env.Stdout, items)
	return nil
}

// selectItems lists the store's messages that pass f, newest first, at most
// limit (0 = all), each read in full (attachments and findings).
func selectItems(st *store.Store, f *filter, limit int, now time.Time) ([]*Item, error) {
	sums, _, err := st.List(f.query())
	if err != nil {
		return nil, fail(ExitStore, "%v", err)
	}
	items := []*Item{}
	for _, s := range sums {
		if limit > 0 && len(items) >= limit {
			break
		}
		if !f.match(s, now) {
			continue
		}
		it, err := loadItem(st, s)
		if err != nil {
			continue // deleted or moved away between List and Open
		}
		items = append(items, it)
	}
	return items, nil
}

// printTable prints one line per message: id, received, from, subject,
// size, attachments and findings.
func printTable(w io.Writer, items []*Item) {
	for _, it := range items {
		flags := " "
		if !it.Seen {
			flags = "N"
		}
		extra := ""
		if n := len(it.Attachments); n > 0 {
			extra += fmt.Sprintf("  [%d attachment(s)]", n)
		}
		if c := it.Findings; c.Error+c.Warning > 0 {
			extra += fmt.Sprintf("  [%d error(s), %d warning(s)]", c.Error, c.Warning)
		}
		fmt.Fprintf(w, "%s %s  %s  %-30s  %s  (%s)%s\n", flags, it.ID, it.Received.Local().Format("2006-01-02 15:04:05"),
			truncate(Clean(it.From), 30), Clean(it.Subject), smtpcore.FormatSize(it.Size), extra)
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
