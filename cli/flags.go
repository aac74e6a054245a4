package cli

import (
	"flag"
	"fmt"
	"io"
	"net/mail"
	"regexp"
	"strings"
	"time"

	"letterbox/server/store"
)

// newFlagSet makes a flag set that reports errors instead of exiting and
// prints its usage GNU style ("--name VALUE") after the given synopsis.
func newFlagSet(name, synopsis string, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprintf(out, "usage: %s\n", synopsis)
		printFlags(out, fs)
	}
	return fs
}

// printFlags prints the flags of fs GNU style: "--name VALUE", then its
// usage on the next line, with the default unless it is a zero value.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		n, usage := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if n != "" {
			line += " " + strings.ToUpper(n)
		}
		fmt.Fprintf(w, "%s\n    \t%s", line, usage)
		switch f.DefValue {
		case "", "false", "0", "0s":
		default:
			fmt.Fprintf(w, " (default %s)", f.DefValue)
		}
		fmt.Fprintln(w)
	})
}

// parseFlags parses args with fs, letting flags and operands mix
// ("show ID --json" as well as "show --json ID"). It returns the operands.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var operands []string
	for {
		if err := fs.Parse(args); err != nil {
			if err == flag.ErrHelp {
				return nil, err
			}
			return nil, fail(ExitUsage, "%v", err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return operands, nil
		}
		if args[0] == "--" {
			return append(operands, args[1:]...), nil
		}
		operands = append(operands, args[0])
		args = args[1:]
	}
}

// filter selects messages for list and wait.
type filter struct {
	to, from, subject, search string
	since                     time.Duration
	subjectRe                 *regexp.Regexp
}

// addFilterFlags declares --to, --from, --subject, --since and --search.
func addFilterFlags(fs *flag.FlagSet, f *filter) {
	fs.StringVar(&f.to, "to", "", "only mail to this `address` (an envelope recipient, Bcc included) or to this domain")
	fs.StringVar(&f.from, "from", "", "only mail from this `address` (envelope sender or From field) or from this domain")
	fs.StringVar(&f.subject, "subject", "", "only mail whose decoded Subject contains this `text` (case-insensitive), or matches /REGEX/")
	fs.DurationVar(&f.since, "since", 0, "only mail received within this `duration` (e.g. 10m)")
	fs.StringVar(&f.search, "search", "", "only mail whose From, To, Cc or Subject contains these `words`")
}

// parseFilterFlags parses the arguments of list and wait, which take flags
// only, and checks the filter's values.
func parseFilterFlags(fs *flag.FlagSet, f *filter, args []string) error {
	ops, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(ops) > 0 {
		return fail(ExitUsage, "unexpected argument %q", Clean(ops[0]))
	}
	return f.compile()
}

// compile checks the filter's values; a bad regular expression is a usage error.
func (f *filter) compile() error {
	if len(f.subject) >= 2 && strings.HasPrefix(f.subject, "/") && strings.HasSuffix(f.subject, "/") {
		re, err := regexp.Compile(f.subject[1 : len(f.subject)-1])
		if err != nil {
			return fail(ExitUsage, "--subject %s: %v", f.subject, err)
		}
		f.subjectRe = re
	}
	if f.since < 0 {
		return fail(ExitUsage, "--since must not be negative")
	}
	return nil
}

// query is the part of the filter the store answers from its index.
func (f *filter) query() store.Query {
	q := store.Query{Search: f.search}
	if strings.Contains(f.to, "@") {
		q.Recipient = f.to
	} else {
		q.Domain = strings.TrimPrefix(f.to, "@")
	}
	return q
}

// match applies the filters the store does not: --from, --subject, --since.
func (f *filter) match(s store.Summary, now time.Time) bool {
	if f.since > 0 && s.Received.Before(now.Add(-f.since)) {
		return false
	}
	if f.subjectRe != nil {
		if !f.subjectRe.MatchString(s.Subject) {
			return false
		}
	} else if f.subject != "" && !strings.Contains(strings.ToLower(s.Subject), strings.ToLower(f.subject)) {
		return false
	}
	return f.from == "" || addrMatches(f.from, s.MailFrom) || addrMatches(f.from, headerAddr(s.From))
}

// addrMatches: an argument with @ is one address (compared
// case-insensitively); without, a domain the address is in.
func addrMatches(arg, addr string) bool {
	arg, addr = strings.ToLower(strings.TrimSpace(arg)), strings.ToLower(addr)
	if addr == "" {
		return false
	}
	if strings.Contains(arg, "@") {
		return arg == addr
	}
	_, dom, _ := strings.Cut(addr, "@")
	return dom == strings.TrimPrefix(arg, "@")
}

// headerAddr takes the addr-spec out of "Name <addr>".
func headerAddr(s string) string {
	if a, err := mail.ParseAddress(s); err == nil {
		return a.Address
	}
	if i, j := strings.LastIndexByte(s, '<'), strings.LastIndexByte(s, '>'); i >= 0 && j > i {
		return s[i+1 : j]
	}
	return s
}
