package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/sirupsen/logrus"

	"letterbox/server"
	"letterbox/server/store"
)

// shutdownGrace is how long `letterbox serve` lets sessions in flight finish
// after SIGINT or SIGTERM before it closes them with 421.
const shutdownGrace = 30 * time.Second

// serveOptions are the flags of `letterbox serve` that are not server.Config.
type serveOptions struct {
	store     string
	logLevel  string
	logFormat string
	echo      bool // --echo: print each message as it arrives
}

// Serve runs the SMTP server without a window until SIGINT or SIGTERM.
// It returns the process exit status: 0 after a clean shutdown, 1 when the
// server cannot start (the address is taken, the store cannot be opened), 2
// for bad flags and for settings that cannot work (server.Config.Check:
// --require-tls with no TLS at all, a certificate without its key, an
// unreadable credentials file, ...), found before anything listens.
func Serve(args []string) int {
	cfg, opts, err := parseServeFlags(args, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err == nil {
		err = cfg.Check()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "letterbox serve: %v\n", err)
		return 2
	}
	log, err := newLogger(opts.logLevel, opts.logFormat, os.Stderr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "letterbox serve: %v\n", err)
		return 2
	}
	cfg.Logger = log
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var echo io.Writer
	if opts.echo {
		echo = os.Stdout
	}
	if err := serve(ctx, cfg, opts.store, log, echo); err != nil {
		log.WithError(err).Error("letterbox serve failed")
		return 1
	}
	return 0
}

// serve opens the store, runs the server until ctx ends, and shuts down.
// With echo set, each message received is printed there (Echo).
func serve(ctx context.Context, cfg server.Config, storeDir string, log *logrus.Logger, echo io.Writer) error {
	st, err := store.Open(storeDir, store.Options{Logger: log})
	if err != nil {
		return err
	}
	defer st.Close()
	if echo != nil {
		defer EchoStore(echo, st)()
	}
	srv, err := server.New(cfg, st)
	if err != nil {
		return err
	}
	if err := srv.Start(); err != nil {
		return err
	}
	fields := logrus.Fields{"addr": srv.Addr().String(), "store": st.Dir()}
	if a := srv.TLSAddr(); a != nil {
		fields["tls_addr"] = a.String()
	}
	if fp := srv.Fingerprint(); fp != "" {
		fields["sha256"] = fp
	}
	log.WithFields(fields).Info("listening")
	for _, w := range srv.Warnings() {
		log.Warn(w)
	}
	<-ctx.Done()
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.WithError(err).Warn("sessions still open at the end of the grace period were closed")
	}
	return nil
}

// parseServeFlags turns the command line into a server.Config. Help goes to out.
func parseServeFlags(args []string, out io.Writer) (server.Config, serveOptions, error) {
	var (
		cfg  server.Config
		opts serveOptions
		size = sizeFlag(server.DefaultMaxMessageBytes)
	)
	fs := flag.NewFlagSet("letterbox serve", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&cfg.Listen, "listen", server.DefaultListen, "`address` for SMTP (host:port); a non-loopback address is logged as a warning")
	fs.StringVar(&cfg.TLSListen, "tls-listen", "", "`address` for SMTP over implicit TLS (RFC 8314), e.g. 127.0.0.1:4650; off when empty")
	fs.StringVar(&opts.store, "store", server.DefaultStoreDir(), "Maildir `directory` that keeps the mail")
	fs.StringVar(&cfg.Hostname, "hostname", "", "`name` in the greeting and the Received header (default: the machine's host name)")
	fs.Var(&size, "max-message-size", "largest message accepted, in bytes or with K, M, G (binary: 25MB = 26214400)")
	fs.IntVar(&cfg.MaxRecipients, "max-recipients", server.DefaultMaxRecipients, "recipients per message")
	fs.IntVar(&cfg.MaxConnections, "max-connections", server.DefaultMaxConnections, "sessions at once; more get 421")
	fs.IntVar(&cfg.MaxConnectionsPerIP, "max-connections-per-ip", server.DefaultMaxConnsPerIP, "sessions at once from one client address (loopback exempt unless --limit-loopback)")
	fs.BoolVar(&cfg.LimitLoopback, "limit-loopback", false, "apply --max-connections-per-ip to loopback clients too (exempt by default)")
	fs.DurationVar(&cfg.CommandTimeout, "timeout", server.DefaultCommandTimeout, "how long to wait for each command")
	fs.DurationVar(&cfg.DataTimeout, "data-timeout", server.DefaultDataTimeout, "how long a message's text may take to arrive")
	fs.BoolVar(&cfg.AllowBareLF, "allow-bare-lf", false, "keep messages with bare LF or CR line endings (with a warning) and take LF-ended commands, instead of refusing them")
	fs.StringVar(&cfg.TLSCert, "tls-cert", "", "PEM certificate `file` (default: a self-signed certificate kept outside the Maildir, in STORE.letterbox/tls/)")
	fs.StringVar(&cfg.TLSKey, "tls-key", "", "PEM private key `file` for --tls-cert")
	fs.BoolVar(&cfg.RequireTLS, "require-tls", false, "refuse MAIL before STARTTLS (530 5.7.0)")
	fs.StringVar(&cfg.Auth, "auth", "off", "AUTH `mode`: off, any (every name and password accepted) or the path of a credentials file")
	fs.BoolVar(&cfg.RequireAuth, "require-auth", false, "refuse MAIL before a successful AUTH (530 5.7.0)")
	fs.BoolVar(&cfg.AllowInsecureAuth, "allow-insecure-auth", false, "offer AUTH without TLS (otherwise, with a credentials file, nothing is offered before TLS)")
	fs.BoolVar(&cfg.DisablePipelining, "no-pipelining", false, "do not offer PIPELINING")
	fs.BoolVar(&cfg.DisableSize, "no-size", false, "do not offer SIZE")
	fs.BoolVar(&cfg.Disable8BitMIME, "no-8bitmime", false, "do not offer 8BITMIME")
	fs.BoolVar(&cfg.DisableSMTPUTF8, "no-smtputf8", false, "do not offer SMTPUTF8")
	fs.BoolVar(&cfg.DisableEnhancedStatusCodes, "no-enhanced-status-codes", false, "do not offer ENHANCEDSTATUSCODES (and send none)")
	fs.BoolVar(&cfg.DisableChunking, "no-chunking", false, "do not offer CHUNKING (BDAT)")
	fs.BoolVar(&cfg.DisableSTARTTLS, "no-starttls", false, "do not offer STARTTLS")
	fs.BoolVar(&cfg.FullTranscript, "full-transcript", false, "keep each message's text in its session transcript")
	fs.StringVar(&opts.logLevel, "log-level", "info", "`level`: debug, info, warn or error")
	fs.StringVar(&opts.logFormat, "log-format", "text", "`format`: text or json")
	fs.BoolVar(&opts.echo, "echo", false, "print each message as it arrives: From, To, envelope, Subject, Date, attachments, findings, its first 20 lines")
	fs.Usage = func() { serveUsage(fs) }
	if err := fs.Parse(args); err != nil {
		return cfg, opts, err
	}
	if fs.NArg() > 0 {
		return cfg, opts, fmt.Errorf("unexpected argument %q (see letterbox serve -h)", fs.Arg(0))
	}
	cfg.MaxMessageBytes = int64(size)
	return cfg, opts, nil
}

// serveUsage prints the flags GNU style, "--name VALUE", with their defaults.
func serveUsage(fs *flag.FlagSet) {
	w := fs.Output()
	fmt.Fprint(w, "usage: letterbox serve [flags]\n\n"+
		"Runs the SMTP server without a window. Every message it receives is kept in\n"+
		"the store (a Maildir); nothing is relayed. SIGINT or SIGTERM stops it: sessions\n"+
		"in flight get 30 s to finish.\n\nflags:\n")
	printFlags(w, fs)
}

// sizeFlag is a byte count given as 26214400, 25M, 25MB or 25MiB (K, M and G
// are binary multiples, as mail size limits usually are).
type sizeFlag int64

func (s *sizeFlag) String() string { return server.FormatSize(int64(*s)) }

func (s *sizeFlag) Set(v string) error {
	n, err := server.ParseSize(v)
	if err != nil {
		return err
	}
	*s = sizeFlag(n)
	return nil
}

// newLogger makes the logger of `letterbox serve`. What it writes is
// escaped with smtpcore.Printable (printableFormatter).
func newLogger(level, format string, out io.Writer) (*logrus.Logger, error) {
	l := logrus.New()
	l.SetOutput(out)
	lv, err := logrus.ParseLevel(level)
	if err != nil {
		return nil, fmt.Errorf("bad --log-level %q: want debug, info, warn or error", level)
	}
	l.SetLevel(lv)
	switch format {
	case "text":
		l.SetFormatter(printableFormatter{&logrus.TextFormatter{FullTimestamp: true}})
	case "json":
		l.SetFormatter(printableFormatter{&logrus.JSONFormatter{}})
	default:
		return nil, fmt.Errorf("bad --log-format %q: want text or json", format)
	}
	return l, nil
}
