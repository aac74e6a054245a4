package cli

import (
	"fmt"
	"io"
	"os"

	"letterbox/server/store"
	"letterbox/smtpcore/msg/lint"
)

// LintFinding is one line of `inbox lint --json`: a finding and the message
// it belongs to.
type LintFinding struct {
	ID string `json:"id"` // message id, or the file name with --file
	lint.Finding
}

// inboxLint runs `letterbox inbox lint`: the conformance findings of the
// given messages (checked with the envelope from their session records), or
// of a file. The exit code is ExitLint when any finding is an error.
func inboxLint(dir string, args []string, env Env) error {
	fs := newFlagSet("letterbox inbox", "letterbox inbox [--store DIR] lint ID... | --all | --file FILE [--json]", env.Stderr)
	all := fs.Bool("all", false, "check every message in the store")
	file := fs.String("file", "", "check a message `file` (- = standard input) instead of the store; its envelope is unknown")
	asJSON := fs.Bool("json", false, "print a JSON array with one object per finding")
	ids, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	given := 0
	for _, b := range []bool{*all, len(ids) > 0, *file != ""} {
		if b {
			given++
		}
	}
	if given != 1 {
		return fail(ExitUsage, "give message ids, --all or --file")
	}
	var out []LintFinding
	var missing error
	if *file != "" {
		out, err = lintFile(*file)
	} else {
		out, missing, err = lintStore(dir, ids, *all, env)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		if out == nil {
			out = []LintFinding{}
		}
		err = writeJSON(env.Stdout, out)
	} else {
		printFindings(env.Stdout, out)
	}
	switch {
	case err != nil:
		return err
	case missing != nil:
		return missing
	}
	plain := make([]lint.Finding, len(out))
	for i, f := range out {
		plain[i] = f.Finding
	}
	c := lint.Count(plain)
	if !*asJSON && len(out) > 0 { // silent on clean mail
		fmt.Fprintf(env.Stderr, "%d error(s), %d warning(s), %d info\n", c.Error, c.Warning, c.Info)
	}
	if c.Error > 0 {
		return fail(ExitLint, "")
	}
	return nil
}

func lintFile(name string) ([]LintFinding, error) {
	var r io.Reader = os.Stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, fail(ExitUsage, "%v", err)
		}
		defer f.Close()
		r = f
	}
	fs, err := lint.CheckReader(r, maxRead, lint.Envelope{})
	if err != nil {
		return nil, fail(ExitUsage, "%v", err)
	}
	return tag(Clean(name), fs), nil
}

// lintStore checks messages of the store. An id it does not hold is
// reported on stderr, the others are still checked, and missing is set.
func lintStore(dir string, ids []string, all bool, env Env) (out []LintFinding, missing, err error) {
	st, err := openStore(dir, false)
	if err != nil {
		return nil, nil, err
	}
	defer st.Close()
	var sums []store.Summary
	if all {
		if sums, _, err = st.List(store.Query{}); err != nil {
			return nil, nil, fail(ExitStore, "%v", err)
		}
	}
	for _, id := range ids {
		s, err := st.Get(id)
		if err != nil {
			missing = notFound(id, err)
			fmt.Fprintf(env.Stderr, "letterbox inbox lint: %v\n", missing)
			continue
		}
		sums = append(sums, s)
	}
	for _, s := range sums {
		raw, rec, err := readMessage(st, s.ID)
		if err != nil {
			missing = notFound(s.ID, err)
			continue
		}
		out = append(out, tag(s.ID, lint.Check(raw, rec.LintEnvelope()))...)
	}
	if missing != nil {
		missing = &exitError{code: ExitNotFound}
	}
	return out, missing, nil
}

func tag(id string, fs []lint.Finding) []LintFinding {
	out := make([]LintFinding, len(fs))
	for i, f := range fs {
		out[i] = LintFinding{ID: id, Finding: f}
	}
	return out
}

// printFindings prints one finding a line:
// ID  error  rfc5322.date-missing  RFC 5322 §3.6  header Date: no Date field  [excerpt]
func printFindings(w io.Writer, fs []LintFinding) {
	for _, f := range fs {
		where := f.Where.String()
		if where != "" {
			where = " (" + where + ")"
		}
		ex := ""
		if f.Excerpt != "" {
			ex = "  «" + f.Excerpt + "»"
		}
		fmt.Fprintf(w, "%s  %-7s %s  [%s]%s: %s%s\n", f.ID, f.Severity, f.Rule, f.RFC, where, f.Message, ex)
	}
}
