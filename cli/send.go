package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"golang.org/x/term"

	"letterbox/smtpcore"
	"letterbox/smtpcore/msg"
)

// sendOptions are the flags of `letterbox send`.
type sendOptions struct {
	server, from, subject       string
	body, bodyFile, htmlFile    string
	to, cc, bcc, replyTo        multiFlag
	attach, headers             multiFlag
	tlsMode, caFile, trust      string
	insecure, allowInsecureAuth bool
	user, passwordEnv, authMech string
	ehlo                        string
	timeout                     time.Duration
	quiet                       bool
	given                       map[string]bool // flags set on the command line
}

// multiFlag is a repeatable string flag. Address lists keep each value as
// typed: the msg package splits "a@x, b@y" itself, honouring quoted commas
// in display names.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ", ") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// sendIO is the outside world of `letterbox send`, so tests can drive it.
type sendIO struct {
	stdin          *bufio.Reader
	stdout, stderr io.Writer
	stdinTTY       bool // prompting for missing fields is possible
	stdoutTTY      bool // progress may redraw one line
	getenv         func(string) string
	password       func(prompt string) (string, error) // no-echo prompt
}

// Send is `letterbox send`: compose one message from flags (or, on a
// terminal, from answers to prompts), send it with a live transcript, and
// exit with a code that says where it stopped.
func Send(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return sendMain(ctx, args, sendIO{
		stdin:     bufio.NewReader(os.Stdin),
		stdout:    os.Stdout,
		stderr:    os.Stderr,
		stdinTTY:  term.IsTerminal(int(os.Stdin.Fd())),
		stdoutTTY: term.IsTerminal(int(os.Stdout.Fd())),
		getenv:    os.Getenv,
		password:  readPassword,
	})
}

func sendMain(ctx context.Context, args []string, sio sendIO) int {
	o, code := parseSendFlags(args, sio.stdout, sio.stderr)
	if code >= 0 {
		return code
	}
	if err := completeOptions(&o, sio); err != nil {
		fmt.Fprintf(sio.stderr, "letterbox send: %v\n", err)
		return exitUsage
	}
	d, err := o.draft(sio)
	if err != nil {
		fmt.Fprintf(sio.stderr, "letterbox send: %v\n", err)
		return exitUsage
	}
	if err := d.Validate(); err != nil {
		printInvalid(sio.stderr, err)
		return exitUsage
	}
	from, rcpts, err := d.Envelope()
	if err != nil {
		printInvalid(sio.stderr, err)
		return exitUsage
	}
	cfg, err := o.clientConfig(sio)
	if err != nil {
		fmt.Fprintf(sio.stderr, "letterbox send: %v\n", err)
		return exitUsage
	}
	out := &transcript{w: sio.stdout, tty: sio.stdoutTTY, quiet: o.quiet}
	cfg.Events = out.event
	res, err := smtpcore.Send(ctx, cfg, smtpcore.Envelope{From: from, To: rcpts},
		func(allow8bit bool) (smtpcore.Message, error) {
			m, err := d.Build(msg.BuildOptions{Allow8bit: allow8bit})
			if err != nil {
				return nil, err
			}
			return m, nil
		})
	out.endProgress()
	printSummary(sio.stdout, sio.stderr, res, err)
	return exitCode(ctx, res, err)
}

func parseSendFlags(args []string, stdout, stderr io.Writer) (sendOptions, int) {
	var o sendOptions
	fs := flag.NewFlagSet("letterbox send", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.server, "server", "127.0.0.1:2525", "`HOST:PORT` of the SMTP server (port defaults by --tls: 25, 587, 465)")
	fs.StringVar(&o.from, "from", "", "sender `ADDR` (may carry a display name: \"Ann <ann@x.test>\")")
	fs.Var(&o.to, "to", "recipient `ADDR`s, comma-separated; repeatable")
	fs.Var(&o.cc, "cc", "copy recipient `ADDR`s; repeatable")
	fs.Var(&o.bcc, "bcc", "blind copy `ADDR`s: envelope only, never in a header; repeatable")
	fs.Var(&o.replyTo, "reply-to", "Reply-To `ADDR`s; repeatable")
	fs.StringVar(&o.subject, "subject", "", "the subject `TEXT` (any UTF-8)")
	fs.StringVar(&o.body, "body", "", "the text body `TEXT`")
	fs.StringVar(&o.bodyFile, "body-file", "", "read the text body from `FILE` (- for stdin)")
	fs.StringVar(&o.htmlFile, "html-file", "", "an HTML alternative from `FILE`")
	fs.Var(&o.attach, "attach", "attach `FILE`; repeatable")
	fs.Var(&o.headers, "header", "an extra header `\"Name: value\"`; repeatable")
	fs.StringVar(&o.tlsMode, "tls", "none", "`MODE`: none, starttls (required, never falls back) or tls (implicit, port 465)")
	fs.StringVar(&o.caFile, "ca-file", "", "trust the CA certificates in this PEM `FILE` instead of the system's")
	fs.StringVar(&o.trust, "trust", "", "trust the server certificate with this SHA-256 `FINGERPRINT` (shown when it is refused)")
	fs.BoolVar(&o.insecure, "insecure", false, "do not verify the server certificate at all (the transcript says so)")
	fs.StringVar(&o.user, "user", "", "log in with AUTH as `NAME`")
	fs.StringVar(&o.passwordEnv, "password-env", "", "read the password from environment `VAR` (else a no-echo prompt)")
	fs.StringVar(&o.authMech, "auth", "", "AUTH `MECHANISM`: PLAIN, LOGIN or CRAM-MD5 (default: the best offered)")
	fs.BoolVar(&o.allowInsecureAuth, "allow-insecure-auth", false, "allow PLAIN and LOGIN without TLS")
	fs.StringVar(&o.ehlo, "ehlo", "", "the `NAME` to send in EHLO (default: this host's name)")
	fs.DurationVar(&o.timeout, "timeout", 0, "give up on any single network wait after `DURATION` (default 30s connect, 5m per reply, 10m for the data)")
	fs.BoolVar(&o.quiet, "quiet", false, "print only the summary")
	fs.Usage = func() { sendUsage(fs) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			sendUsage(fs)
			return o, exitOK
		}
		return o, exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "letterbox send: unexpected argument %q (flags only; see letterbox send -h)\n", fs.Arg(0))
		return o, exitUsage
	}
	o.given = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { o.given[f.Name] = true })
	return o, -1
}

func sendUsage(fs *flag.FlagSet) {
	w := fs.Output()
	fmt.Fprint(w, `usage: letterbox send --server HOST:PORT --from ADDR --to ADDR[,ADDR] [--cc ...] [--bcc ...]
                      --subject TEXT (--body TEXT | --body-file FILE|-) [--html-file FILE]
                      [--attach FILE]... [--header "Name: value"]... [--tls none|starttls|tls]
                      [--user NAME [--password-env VAR]] [--quiet]

Sends one message and prints the SMTP conversation as it happens
("->" client, "<-" server, "~~" TLS, "===" info, "!!!" error), then one line per
recipient. On a terminal, missing fields are asked for; the password is never
a flag: it comes from --password-env or a prompt that does not echo.

flags:
`)
	printFlags(w, fs)
	fmt.Fprint(w, "\nexit codes:\n")
	for _, e := range exitCodes {
		fmt.Fprintf(w, "  %3d  %s\n", e.code, e.meaning)
	}
}

// draft turns the options into a message draft, reading the body files.
func (o *sendOptions) draft(sio sendIO) (*msg.Draft, error) {
	d := &msg.Draft{From: o.from, To: o.to, Cc: o.cc, Bcc: o.bcc, ReplyTo: o.replyTo, Subject: o.subject, Text: o.body}
	if o.bodyFile != "" {
		var b []byte
		var err error
		if o.bodyFile == "-" {
			b, err = io.ReadAll(sio.stdin)
		} else {
			b, err = os.ReadFile(o.bodyFile)
		}
		if err != nil {
			return nil, fmt.Errorf("--body-file: %w", err)
		}
		d.Text = string(b)
	}
	if o.htmlFile != "" {
		b, err := os.ReadFile(o.htmlFile)
		if err != nil {
			return nil, fmt.Errorf("--html-file: %w", err)
		}
		d.HTML = string(b)
	}
	for _, a := range o.attach {
		d.Attachments = append(d.Attachments, msg.Attachment{Path: a})
	}
	for _, h := range o.headers {
		name, value, ok := strings.Cut(h, ":")
		if !ok {
			return nil, fmt.Errorf("--header %q: want \"Name: value\"", h)
		}
		d.Headers = append(d.Headers, [2]string{strings.TrimSpace(name), strings.TrimLeft(value, " \t")})
	}
	return d, nil
}

// clientConfig builds the SMTP client settings, asking for the password
// when there is a user and no --password-env.
func (o *sendOptions) clientConfig(sio sendIO) (smtpcore.ClientConfig, error) {
	sec, err := smtpcore.ParseSecurity(o.tlsMode)
	if err != nil {
		return smtpcore.ClientConfig{}, fmt.Errorf("--tls: %w", err)
	}
	if o.insecure && o.trust != "" {
		return smtpcore.ClientConfig{}, errors.New("--insecure and --trust contradict each other: pick one")
	}
	if (o.insecure || o.trust != "" || o.caFile != "") && sec == smtpcore.SecurityNone {
		return smtpcore.ClientConfig{}, errors.New("--ca-file, --trust and --insecure need --tls starttls or --tls tls")
	}
	cfg := smtpcore.ClientConfig{
		Addr: serverAddr(o.server, sec), Security: sec, CAFile: o.caFile, Insecure: o.insecure,
		PinnedSHA256: o.trust, Helo: o.ehlo, AllowInsecureAuth: o.allowInsecureAuth,
		DialTimeout: o.timeout, CommandTimeout: o.timeout, DataTimeout: o.timeout,
	}
	if o.trust != "" {
		if _, err := smtpcore.NormalizeFingerprint(o.trust); err != nil {
			return cfg, fmt.Errorf("--trust: %w", err)
		}
	}
	if o.user == "" {
		if o.passwordEnv != "" || o.authMech != "" {
			return cfg, errors.New("--password-env and --auth need --user")
		}
		return cfg, nil
	}
	pw, err := o.password(sio)
	if err != nil {
		return cfg, err
	}
	cfg.Auth = &smtpcore.Auth{Username: o.user, Password: pw, Mechanism: o.authMech}
	return cfg, nil
}

func (o *sendOptions) password(sio sendIO) (string, error) {
	if o.passwordEnv != "" {
		pw := sio.getenv(o.passwordEnv)
		if pw == "" {
			return "", fmt.Errorf("--password-env %s: the variable is not set or empty", o.passwordEnv)
		}
		return pw, nil
	}
	pw, err := sio.password(fmt.Sprintf("Password for %s: ", o.user))
	if err != nil {
		return "", fmt.Errorf("a password is needed for --user %s: set --password-env VAR or run on a terminal (%w)", o.user, err)
	}
	return pw, nil
}

// readPassword prompts on the terminal without echo: on stdin when it is a
// terminal, else on /dev/tty.
func readPassword(prompt string) (string, error) {
	in, out := os.Stdin, os.Stderr
	if !term.IsTerminal(int(in.Fd())) {
		tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
		if err != nil {
			return "", errors.New("no terminal to ask on")
		}
		defer tty.Close()
		in, out = tty, tty
	}
	fmt.Fprint(out, prompt)
	b, err := term.ReadPassword(int(in.Fd()))
	fmt.Fprintln(out)
	return string(b), err
}

// serverAddr adds the usual port when the address has none: 465 for implicit
// TLS, 587 (submission) for STARTTLS, 25 otherwise.
func serverAddr(s string, sec smtpcore.Security) string {
	if _, _, err := net.SplitHostPort(s); err == nil {
		return s
	}
	port := map[smtpcore.Security]string{smtpcore.SecurityTLS: "465", smtpcore.SecuritySTARTTLS: "587"}[sec]
	if port == "" {
		port = "25"
	}
	return net.JoinHostPort(strings.Trim(s, "[]"), port)
}

// printInvalid lists every problem the draft has, each naming its field.
func printInvalid(w io.Writer, err error) {
	fmt.Fprintln(w, "letterbox send: nothing was sent; the message is not valid:")
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	for _, e := range errs {
		fmt.Fprintf(w, "  %s\n", smtpcore.Printable(e.Error()))
	}
}
