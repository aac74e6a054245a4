package cli

import "fmt"

// inboxDelete runs `letterbox inbox delete ID... | --all`. Every id given
// is tried; one that is missing makes the exit code ExitNotFound.
func inboxDelete(dir string, args []string, env Env) error {
	fs := newFlagSet("letterbox inbox", "letterbox inbox [--store DIR] delete ID... | --all", env.Stderr)
	all := fs.Bool("all", false, "delete every message")
	ids, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *all == (len(ids) > 0) {
		return fail(ExitUsage, "give message ids or --all, not both or neither")
	}
	st, err := openStore(dir, false)
	if err != nil {
		return err
	}
	defer st.Close()
	if *all {
		n, _ := st.Counts()
		if err := st.DeleteAll(); err != nil {
			return fail(ExitStore, "%v", err)
		}
		fmt.Fprintf(env.Stderr, "deleted %d message(s)\n", n)
		return nil
	}
	var last error
	for _, id := range ids {
		if err := st.Delete(id); err != nil {
			last = notFound(id, err)
			fmt.Fprintf(env.Stderr, "letterbox inbox delete: %v\n", last)
		}
	}
	if last != nil {
		return &exitError{code: last.(*exitError).code}
	}
	return nil
}
