package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"letterbox/server"
	"letterbox/server/store"
)

const inboxUsage = `usage: letterbox inbox [--store DIR] COMMAND ...

Reads the store that 'letterbox serve' or the app delivers into, while they
run. Commands:
  list    [--json] [--limit N] [--to ADDR] [--from ADDR] [--subject TEXT|/REGEX/] [--since DURATION] [--search WORDS]
  show    ID [--json | --raw | --text | --html | --part PATH --output FILE]
  wait    [--to ADDR] [--from ADDR] [--subject TEXT|/REGEX/] [--since DURATION] [--search WORDS] [--count N] [--timeout 30s] [--json]
  delete  ID... | --all
  lint    ID... | --all | --file FILE [--json]

Exit codes: 0 success, 1 bad usage or input, 2 store unreadable,
3 not found or timed out, 4 lint found errors.
'letterbox inbox COMMAND -h' lists a command's flags.
`

// Env is what a subcommand writes to. Tests give it buffers.
type Env struct {
	Stdout, Stderr io.Writer
}

// Inbox runs `letterbox inbox` with args (without "inbox") and returns the
// exit code (see exit.go).
func Inbox(args []string, env Env) int {
	fs := flag.NewFlagSet("letterbox inbox", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	dir := fs.String("store", server.DefaultStoreDir(), "Maildir `directory` of the store")
	fs.Usage = func() { fmt.Fprint(env.Stderr, inboxUsage) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	if fs.NArg() == 0 {
		fmt.Fprint(env.Stderr, inboxUsage)
		return ExitUsage
	}
	cmds := map[string]func(string, []string, Env) error{
		"list": inboxList, "show": inboxShow, "wait": inboxWait, "delete": inboxDelete, "lint": inboxLint,
	}
	run, ok := cmds[fs.Arg(0)]
	if !ok {
		fmt.Fprintf(env.Stderr, "letterbox inbox: unknown command %q\n\n%s", Clean(fs.Arg(0)), inboxUsage)
		return ExitUsage
	}
	err := run(*dir, fs.Args()[1:], env)
	var ee *exitError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return ExitOK
	case errors.As(err, &ee):
		if ee.msg != "" {
			fmt.Fprintf(env.Stderr, "letterbox inbox %s: %s\n", fs.Arg(0), ee.msg)
		}
		return ee.code
	}
	fmt.Fprintf(env.Stderr, "letterbox inbox %s: %v\n", fs.Arg(0), err)
	return ExitStore
}

// openStore opens an existing store for reading alongside a running server
// or app. It never creates one: a directory without new/ and cur/ is
// ExitStore. It opens as a reader (store.Options.Reader), never as the
// store's owner: it does not clean tmp/ or records, so a Maildir delivery in
// flight from another program is safe, and a server that starts while a
// `wait` runs still becomes the owner. It sees the server's deliveries after
// Refresh. watch turns on the store's watcher (server/store/watch.go), which
// only a command that waits for new mail needs.
func openStore(dir string, watch bool) (*store.Store, error) {
	for _, d := range []string{"new", "cur"} {
		if st, err := os.Stat(filepath.Join(dir, d)); err != nil || !st.IsDir() {
			return nil, fail(ExitStore, "no store in %s (no %s/ folder)", Clean(dir), d)
		}
	}
	st, err := store.Open(dir, store.Options{NoWatch: !watch, Reader: true})
	if err != nil {
		return nil, fail(ExitStore, "%v", err)
	}
	return st, nil
}

// notFound turns store.ErrNotFound into ExitNotFound, anything else into ExitStore.
func notFound(id string, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return fail(ExitNotFound, "no message %s", Clean(id))
	}
	return fail(ExitStore, "%s: %v", Clean(id), err)
}
