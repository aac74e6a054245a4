package sasl

import (
	"bufio"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// blfPrefix is Dovecot's scheme prefix for bcrypt, accepted and dropped.
const blfPrefix = "{BLF-CRYPT}"

// maxPassword is bcrypt's input limit: longer passwords would be silently
// truncated by bcrypt, so they are refused instead.
const maxPassword = 72

// maxLine bounds one line of a credentials file.
const maxLine = 4096

// FileError reports a bad line in a credentials file.
type FileError struct {
	Path string // as given to LoadFile
	Line int    // 1-based
	Err  error
}

func (e *FileError) Error() string { return fmt.Sprintf("%s:%d: %v", e.Path, e.Line, e.Err) }
func (e *FileError) Unwrap() error { return e.Err }

type credential struct {
	bcrypt []byte       // nil: no PLAIN/LOGIN
	cram   *cramContext // nil: no CRAM-MD5
}

// fileAuth is the Authenticator of a credentials file. It is not changed
// after loading, so concurrent use is safe.
type fileAuth struct {
	users map[string]credential
	cram  bool // some user has a CRAM-MD5 context
	// dummy is compared against when the user is unknown or has no bcrypt
	// hash, so a miss costs the same time as a wrong password: it has the
	// highest cost found in the file and matches no password.
	dummy []byte
}

// LoadFile reads the credentials file at path (format in the package
// comment). A bad line gives a *FileError naming the line. The file is read
// once; load it again to pick up changes.
func LoadFile(path string) (Authenticator, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("sasl: credentials: %w", err)
	}
	defer f.Close()
	a, err := parseFile(f, path)
	if err != nil {
		return nil, err
	}
	return a, nil
}

func parseFile(r io.Reader, path string) (*fileAuth, error) {
	a := &fileAuth{users: make(map[string]credential)}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 512), maxLine)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		user, cred, err := parseLine(line)
		if err == nil {
			if _, dup := a.users[user]; dup {
				err = fmt.Errorf("user %q appears again", user)
			}
		}
		if err != nil {
			return nil, &FileError{Path: path, Line: n, Err: err}
		}
		a.users[user] = cred
		a.cram = a.cram || cred.cram != nil
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			err = fmt.Errorf("line longer than %d bytes", maxLine)
		}
		return nil, &FileError{Path: path, Line: n + 1, Err: err}
	}
	return a, a.makeDummy()
}

// makeDummy hashes a random password at the file's highest bcrypt cost.
func (a *fileAuth) makeDummy() error {
	cost := bcrypt.MinCost
	for _, c := range a.users {
		if n, err := bcrypt.Cost(c.bcrypt); err == nil && n > cost {
			cost = n
		}
	}
	h, err := bcrypt.GenerateFromPassword([]byte(rand.Text()), cost)
	if err != nil {
		return fmt.Errorf("sasl: bcrypt: %w", err)
	}
	a.dummy = h
	return nil
}

// parseLine reads "user:field[:field]".
func parseLine(line string) (string, credential, error) {
	var c credential
	fields := strings.Split(line, ":")
	user := fields[0]
	if err := checkUser(user); err != nil {
		return "", c, err
	}
	if len(fields) < 2 || len(fields) > 3 {
		return "", c, fmt.Errorf("want user:hash or user:hash:{CRAM-MD5}context, got %d fields", len(fields))
	}
	for _, f := range fields[1:] {
		switch {
		case strings.HasPrefix(f, cramPrefix):
			if c.cram != nil {
				return "", c, errors.New("two CRAM-MD5 fields")
			}
			ctx, err := parseCRAMContext(f)
			if err != nil {
				return "", c, err
			}
			c.cram = &ctx
		case strings.HasPrefix(f, "$2") || strings.HasPrefix(f, blfPrefix):
			if c.bcrypt != nil {
				return "", c, errors.New("two bcrypt hashes")
			}
			h := []byte(strings.TrimPrefix(f, blfPrefix))
			if _, err := bcrypt.Cost(h); err != nil {
				return "", c, fmt.Errorf("bad bcrypt hash: %w", err)
			}
			c.bcrypt = h
		default:
			return "", c, fmt.Errorf("field %q is neither a bcrypt hash ($2…) nor {CRAM-MD5}", abbreviate(f))
		}
	}
	return user, c, nil
}

// checkUser accepts a user name that is safe to keep in records and headers.
func checkUser(user string) error {
	if user == "" {
		return errors.New("empty user name")
	}
	if !utf8.ValidString(user) {
		return errors.New("user name is not UTF-8")
	}
	for _, r := range user {
		if r == ':' || unicode.IsSpace(r) || unicode.IsControl(r) {
			return fmt.Errorf("user name %q has a space, control character or ':'", user)
		}
	}
	return nil
}

// abbreviate keeps a hash out of error messages beyond its first characters.
func abbreviate(s string) string {
	if len(s) > 8 {
		return s[:8] + "…"
	}
	return s
}

func (a *fileAuth) CheckPassword(user, pass string) bool {
	c, ok := a.users[user]
	if !ok || c.bcrypt == nil || len(pass) > maxPassword {
		_ = bcrypt.CompareHashAndPassword(a.dummy, []byte(pass))
		return false
	}
	// bcrypt compares the derived hashes in constant time.
	return bcrypt.CompareHashAndPassword(c.bcrypt, []byte(pass)) == nil
}

func (a *fileAuth) CheckCRAMMD5(user string, challenge, digest []byte) bool {
	c, ok := a.users[user]
	if !ok || c.cram == nil {
		var zero cramContext
		zero.verify(challenge, digest)
		return false
	}
	return c.cram.verify(challenge, digest)
}

func (a *fileAuth) OffersCRAMMD5() bool { return a.cram }

// HashPassword returns a credentials-file line for user and pass, without a
// newline: "user:BCRYPT:{CRAM-MD5}HEX", bcrypt at bcrypt.DefaultCost and
// the CRAM-MD5 context. It is what a `letterbox passwd` command prints. The
// password must be 1 to 72 bytes (bcrypt's limit) and contain no NUL (PLAIN
// could not carry it).
func HashPassword(user, pass string) (string, error) {
	if err := checkUser(user); err != nil {
		return "", fmt.Errorf("sasl: %w", err)
	}
	switch {
	case pass == "":
		return "", errors.New("sasl: empty password")
	case len(pass) > maxPassword:
		return "", fmt.Errorf("sasl: password longer than %d bytes (bcrypt's limit)", maxPassword)
	case strings.ContainsRune(pass, 0):
		return "", errors.New("sasl: password contains NUL")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pass), bcrypt.DefaultCost)
	if err != nil {
		return "", fmt.Errorf("sasl: bcrypt: %w", err)
	}
	return user + ":" + string(h) + ":" + newCRAMContext([]byte(pass)).String(), nil
}
