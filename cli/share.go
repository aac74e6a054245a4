package cli

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/crypto/bcrypt"

	"letterbox/server"
	"letterbox/server/certs"
	"letterbox/server/store"
)

// ShareOptions describes the Dovecot instance `letterbox share` sets up.
type ShareOptions struct {
	Store  string // the Maildir Letterbox receives into
	Listen string // host:port of the IMAP listener (STARTTLS required)
	User   string // the IMAP login name
	Out    string // where dovecot.conf and users go; "" = DefaultShareDir(Store)
}

// ShareResult is what WriteShare made.
type ShareResult struct {
	Conf        string // path of dovecot.conf
	Users       string // path of the passwd-file (0600)
	Password    string // the generated password, in clear: shown once
	Fingerprint string // SHA-256 of the certificate Dovecot serves
	Command     string // the command line that starts Dovecot
}

// DefaultShareDir is where share writes by default: in the store's private
// directory, beside the TLS key and outside the Maildir.
func DefaultShareDir(storeDir string) string {
	return filepath.Join(store.PrivateDir(storeDir), "dovecot")
}

// Share runs `letterbox share` with args (without "share").
func Share(args []string, env Env) int {
	opts := ShareOptions{}
	fs := newFlagSet("letterbox share", "letterbox share [flags]\n\n"+
		"Writes a Dovecot configuration that serves the store over IMAP to a team,\n"+
		"while Letterbox keeps receiving into it, and prints the password once.\n", env.Stderr)
	fs.StringVar(&opts.Store, "store", server.DefaultStoreDir(), "Maildir `directory` of the store")
	fs.StringVar(&opts.Listen, "listen", "127.0.0.1:1143", "`address` of Dovecot's IMAP listener (STARTTLS required)")
	fs.StringVar(&opts.User, "user", "team", "IMAP login `name`")
	fs.StringVar(&opts.Out, "out", "", "`directory` for dovecot.conf and users (default STORE.letterbox/dovecot, beside the TLS key)")
	operands, err := parseFlags(fs, args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return ExitOK
	case err != nil:
		fmt.Fprintf(env.Stderr, "letterbox share: %v\n", err)
		return ExitUsage
	case len(operands) > 0:
		fmt.Fprintf(env.Stderr, "letterbox share: unexpected argument %q\n", Clean(operands[0]))
		return ExitUsage
	}
	res, err := WriteShare(opts)
	if err != nil {
		fmt.Fprintf(env.Stderr, "letterbox share: %v\n", err)
		return ExitStore
	}
	fmt.Fprintf(env.Stdout, "Wrote %s and %s (0600).\n\n", res.Conf, res.Users)
	fmt.Fprintf(env.Stdout, "IMAP on %s, STARTTLS required, serving %s\n", opts.Listen, opts.Store)
	fmt.Fprintf(env.Stdout, "  user:        %s\n  password:    %s   (shown once; run share again for a new one)\n", opts.User, res.Password)
	fmt.Fprintf(env.Stdout, "  certificate: SHA-256 %s (Letterbox's own; pin it in the mail client)\n\n", res.Fingerprint)
	fmt.Fprintf(env.Stdout, "Start Dovecot (in the foreground, logging to this terminal):\n  %s\n", res.Command)
	return ExitOK
}

// userName is what share accepts as an IMAP login: no ':' (the passwd-file
// separator), no space, nothing Dovecot would expand.
var userName = regexp.MustCompile(`^[A-Za-z0-9._@+-]{1,64}$`)

// WriteShare writes dovecot.conf and the passwd-file for opts, with a new
// random password, making the store's self-signed certificate if it has none.
// The store is opened once first, so an old layout is migrated and the
// certificate read from its current place.
func WriteShare(opts ShareOptions) (ShareResult, error) {
	var res ShareResult
	if !userName.MatchString(opts.User) {
		return res, fmt.Errorf("--user %q: use 1 to 64 of A-Z a-z 0-9 . _ @ + -", Clean(opts.User))
	}
	host, port, err := net.SplitHostPort(opts.Listen)
	if n, perr := strconv.Atoi(port); err != nil || perr != nil || n <= 0 || n > 65535 || net.ParseIP(host) == nil {
		return res, fmt.Errorf("--listen %q: want IP:PORT", Clean(opts.Listen))
	}
	storeDir, err := filepath.Abs(opts.Store)
	if err != nil {
		return res, err
	}
	out := opts.Out
	if out == "" {
		out = DefaultShareDir(storeDir)
	}
	if out, err = filepath.Abs(out); err != nil {
		return res, err
	}
	for _, p := range []string{storeDir, out, server.TLSDir(storeDir)} {
		if err := dovecotSafePath(p); err != nil {
			return res, err
		}
	}
	// Unprivileged, Dovecot can only be this user; as root it takes the
	// store's owner (never root: Dovecot refuses that), checked before Open
	// could create a store root would own.
	uid, gid := os.Getuid(), os.Getgid()
	if os.Geteuid() == 0 {
		if uid, gid, err = mailOwner(storeDir); err != nil {
			return res, err
		}
	}
	st, err := store.Open(storeDir, store.Options{NoWatch: true})
	if err != nil {
		return res, err
	}
	st.Close()
	fp, err := shareCert(storeDir, host)
	if err != nil {
		return res, err
	}
	c := dovecotConf{Store: storeDir, Dir: out, Host: host, Port: port, UID: uid, GID: gid,
		Cert: filepath.Join(server.TLSDir(storeDir), certs.CertFile),
		Key:  filepath.Join(server.TLSDir(storeDir), certs.KeyFile)}
	if os.Geteuid() != 0 {
		if c.RunUser, c.RunGroup, err = currentNames(); err != nil {
			return res, err
		}
	}
	pass, line, err := newPasswdLine(opts.User)
	if err != nil {
		return res, err
	}
	for _, d := range []string{out, filepath.Join(out, "state"), filepath.Join(out, "home")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return res, err
		}
	}
	// Dovecot wants its base_dir world-readable (its login processes find
	// their sockets there); it holds only sockets.
	if err := os.MkdirAll(filepath.Join(out, "run"), 0o755); err != nil {
		return res, err
	}
	res = ShareResult{Conf: filepath.Join(out, "dovecot.conf"), Users: filepath.Join(out, "users"),
		Password: pass, Fingerprint: fp}
	res.Command = "dovecot -F -c " + res.Conf
	if err := writeFileAtomic(res.Users, []byte(line), 0o600); err != nil {
		return res, err
	}
	if err := writeFileAtomic(res.Conf, []byte(c.render()), 0o600); err != nil {
		return res, err
	}
	return res, nil
}

// newPasswdLine returns a random password and its passwd-file line. The hash
// is bcrypt as Dovecot's BLF-CRYPT scheme reads it (doveadm pw -s BLF-CRYPT
// makes the same form, with $2y$).
func newPasswdLine(user string) (pass, line string, err error) {
	var b [18]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", "", err
	}
	pass = base64.RawURLEncoding.EncodeToString(b[:])
	h, err := bcrypt.GenerateFromPassword([]byte(pass), bcrypt.DefaultCost)
	if err != nil {
		return "", "", err
	}
	return pass, user + ":{BLF-CRYPT}" + string(h) + "\n", nil
}

// shareCert returns the fingerprint of the store's self-signed certificate,
// making one (naming host too) only when there is none: an existing one is
// kept as it is, so every client that pinned it keeps working.
func shareCert(storeDir, host string) (string, error) {
	dir := server.TLSDir(storeDir)
	var hosts []string
	if _, err := os.Stat(filepath.Join(dir, certs.CertFile)); err != nil {
		h, _ := os.Hostname()
		hosts = []string{h, host}
	}
	o, err := certs.LoadOrCreateOutcome(dir, hosts)
	if err != nil {
		return "", err
	}
	return certs.Fingerprint(o.Cert), nil
}

// dovecotSafePath refuses paths the configuration could not hold verbatim:
// ':' separates mail_location's fields, white space ends a passdb argument,
// and '%' '$' '<' '{' '"' '#' '\' are Dovecot's expansion, quoting and comment
// characters.
func dovecotSafePath(p string) error {
	if i := strings.IndexAny(p, ":%$<{}\"#\\ \t\r\n"); i >= 0 {
		return fmt.Errorf("%s: Dovecot's configuration cannot name a path with %q in it", Clean(p), p[i])
	}
	return nil
}

// writeFileAtomic writes b to a temporary file beside path and renames it
// over path, so a reader never sees half a file.
func writeFileAtomic(path string, b []byte, perm os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Chmod(perm)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		_ = os.Remove(f.Name())
	}
	return err
}
