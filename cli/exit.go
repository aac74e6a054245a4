// Package cli holds Letterbox's command-line subcommands, one file (or one
// file per verb) each: serve.go (letterbox serve), send.go with
// send_output.go and send_prompt.go (letterbox send), inbox*.go (letterbox
// inbox), passwd.go (letterbox passwd); and the helpers they share: flags
// (flags.go), output and escaping (output.go) and exit codes (exit.go). The
// root package's main only dispatches to them.
//
// Text from a peer (header fields, file names, message text) never reaches a
// terminal unescaped: control characters and bidi formatting are shown as
// \xNN or \uNNNN (see Clean). JSON output escapes them as JSON does.
package cli

import "fmt"

// Exit codes of `letterbox inbox`, documented in the README ("Ask the inbox
// from a script"). They are distinct so that a script can tell a missing
// message from a broken store.
const (
	ExitOK       = 0 // success; for lint: no error-level finding
	ExitUsage    = 1 // bad usage or bad input (unknown flag, bad regex, unreadable file)
	ExitStore    = 2 // the store cannot be opened or read
	ExitNotFound = 3 // an id is not in the store, or wait timed out
	ExitLint     = 4 // lint found at least one error-level finding
)

// exitError carries an exit code with its message, so that subcommands can
// return one value and Inbox prints and exits in one place.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

func fail(code int, format string, args ...any) error {
	return &exitError{code: code, msg: fmt.Sprintf(format, args...)}
}
