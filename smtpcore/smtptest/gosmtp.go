// Package smtptest runs a real SMTP peer for tests: an in-process go-smtp
// server (github.com/emersion/go-smtp, RFC 5321 with PIPELINING, 8BITMIME,
// SMTPUTF8, SIZE, STARTTLS and AUTH PLAIN) that keeps what it receives, so a
// test can send with Letterbox's client and compare what arrived.
//
// Only tests import it: go-smtp stays out of the shipped binary.
package smtptest

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	gosmtp "github.com/emersion/go-smtp"
)

// Message is one message the server accepted.
type Message struct {
	From  string
	Opts  gosmtp.MailOptions
	Rcpts []string
	Data  []byte
	Auth  string // the user that logged in, "" without AUTH
}

// Options configure StartGoSMTP. The zero value is a plain server with
// go-smtp's default size limit.
type Options struct {
	Cert     *tls.Certificate // offer STARTTLS with this certificate
	MaxBytes int64            // SIZE limit; 0 = go-smtp's default
	// AllowInsecureAuth offers AUTH before TLS.
	AllowInsecureAuth bool
}

// User and Password are the one login the server accepts (AUTH PLAIN).
const (
	User     = "ann"
	Password = "pw"
)

// GoSMTP is a running go-smtp server. Recipients that start with "reject"
// are refused with 550 5.1.1.
type GoSMTP struct {
	Addr string // host:port on 127.0.0.1

	mu   sync.Mutex
	msgs []Message
}

// StartGoSMTP runs a go-smtp server on 127.0.0.1 until the test ends.
func StartGoSMTP(t testing.TB, o Options) *GoSMTP {
	t.Helper()
	g := &GoSMTP{}
	s := gosmtp.NewServer(g)
	s.Domain = "gosmtp.test"
	s.EnableSMTPUTF8 = true
	s.AllowInsecureAuth = o.AllowInsecureAuth
	if o.MaxBytes != 0 {
		s.MaxMessageBytes = o.MaxBytes
	}
	if o.Cert != nil {
		s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*o.Cert}}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g.Addr = ln.Addr().String()
	go s.Serve(ln)
	t.Cleanup(func() { s.Close() })
	return g
}

// Messages returns what the server has accepted so far, oldest first.
func (g *GoSMTP) Messages() []Message {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]Message(nil), g.msgs...)
}

// NewSession implements gosmtp.Backend.
func (g *GoSMTP) NewSession(*gosmtp.Conn) (gosmtp.Session, error) {
	return &session{g: g}, nil
}

type session struct {
	g    *GoSMTP
	cur  Message
	user string
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != User || pass != Password {
			return errors.New("bad credentials")
		}
		s.user = user
		return nil
	}), nil
}

func (s *session) Mail(from string, opts *gosmtp.MailOptions) error {
	s.cur = Message{From: from, Auth: s.user}
	if opts != nil {
		s.cur.Opts = *opts
	}
	return nil
}

func (s *session) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	if strings.HasPrefix(to, "reject") {
		return &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	}
	s.cur.Rcpts = append(s.cur.Rcpts, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.Data = data
	s.g.mu.Lock()
	s.g.msgs = append(s.g.msgs, s.cur)
	s.g.mu.Unlock()
	return nil
}

func (s *session) Reset()        { s.cur = Message{} }
func (s *session) Logout() error { return nil }
