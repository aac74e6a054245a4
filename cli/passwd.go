package cli

import (
	"flag"
	"fmt"
	"io"
	"os"

	"letterbox/server/sasl"
)

// Passwd prints a credentials-file line for `letterbox serve --auth FILE`:
// a bcrypt hash for PLAIN and LOGIN and a CRAM-MD5 context, never the password.
func Passwd(args []string) int {
	return passwdMain(args, os.Getenv, readPassword, os.Stdout, os.Stderr)
}

func passwdMain(args []string, getenv func(string) string, ask func(string) (string, error), stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("letterbox passwd", flag.ContinueOnError)
	fs.SetOutput(stderr)
	env := fs.String("password-env", "", "read the password from this environment variable instead of asking")
	fs.Usage = func() {
		fmt.Fprint(stderr, `usage: letterbox passwd [--password-env VAR] USER >> credentials

Prints one line for the credentials file of 'letterbox serve --auth FILE':
USER:BCRYPT-HASH:{CRAM-MD5}CONTEXT. Keep the file readable by you only (0600).

`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 1
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 1
	}
	user := fs.Arg(0)
	var pass string
	if *env != "" {
		if pass = getenv(*env); pass == "" {
			fmt.Fprintf(stderr, "letterbox passwd: --password-env %s: the variable is not set or empty\n", *env)
			return 1
		}
	} else {
		var err error
		if pass, err = ask(fmt.Sprintf("Password for %s: ", user)); err != nil {
			fmt.Fprintf(stderr, "letterbox passwd: %v (use --password-env VAR)\n", err)
			return 1
		}
		again, err := ask("Again: ")
		if err != nil || again != pass {
			fmt.Fprintln(stderr, "letterbox passwd: the passwords differ")
			return 1
		}
	}
	line, err := sasl.HashPassword(user, pass)
	if err != nil {
		fmt.Fprintf(stderr, "letterbox passwd: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, line)
	return 0
}
