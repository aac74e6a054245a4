package server

import (
	"os"
	"path/filepath"
	"time"

	"github.com/sirupsen/logrus"
)

// Config holds every setting of a Server. The zero value is a working server on
// 127.0.0.1:2525 with the defaults documented on each field.
type Config struct {
	Listen    string // plain SMTP listener; "" = 127.0.0.1:2525
	TLSListen string // implicit-TLS listener (RFC 8314 §3); "" = none
	Hostname  string // name in the greeting and the Received header; "" = os.Hostname()

	MaxMessageBytes     int64 // message size limit, advertised with SIZE (RFC 1870); 0 = 25 MiB
	MaxRecipients       int   // RCPT commands per message (RFC 5321 §4.5.3.1.8); 0 = 100
	MaxConnections      int   // sessions at once; more get 421 4.3.2 at greeting; 0 = 256
	MaxConnectionsPerIP int   // sessions at once from one client address (not loopback, see LimitLoopback); 0 = 32
	// LimitLoopback applies MaxConnectionsPerIP to loopback clients
	// (127.0.0.0/8, ::1) too. By default they are exempt, as Postfix exempts
	// its own networks: a test suite on the same machine opens many
	// sessions at once (issue 12 §4). MaxConnections still applies.
	LimitLoopback bool
	// MaxLineLength bounds a command line, CRLF included; 0 = 2048. RFC 5321
	// §4.5.3.1.4 gives 512 and lets extensions grow it; AUTH PLAIN lines need more.
	MaxLineLength int
	// CommandTimeout bounds the wait for each command line; DataTimeout bounds a
	// whole DATA text or BDAT chunk (RFC 5321 §4.5.3.2). 0 = 5 min, 10 min.
	CommandTimeout, DataTimeout time.Duration
	MaxBadCommands              int // unknown, malformed or out-of-order commands before 421 4.7.0; 0 = 20
	MaxAuthFailures             int // failed AUTH attempts before 421 4.7.0; 0 = 3
	// AuthFailDelay is the pause before each 535 reply; 0 = 1 s, negative = none.
	AuthFailDelay time.Duration

	// AllowBareLF accepts a bare CR or LF in the message text and records a
	// warning, and lets a bare LF end a command line; by default such a message
	// is refused with 550 5.6.0 and such a line with 500 5.5.2 (RFC 5321 §2.3.8).
	AllowBareLF bool

	DisablePipelining          bool // RFC 2920
	DisableSize                bool // RFC 1870
	Disable8BitMIME            bool // RFC 6152
	DisableSMTPUTF8            bool // RFC 6531
	DisableEnhancedStatusCodes bool // RFC 2034: also strips the codes from replies
	DisableChunking            bool // RFC 3030 BDAT
	DisableSTARTTLS            bool // RFC 3207

	// TLSCert and TLSKey are PEM files; both "" = a self-signed certificate
	// generated on first use and kept in TLSDir (STORE.letterbox/tls/, beside
	// the Maildir so that sharing the Maildir never shares the key).
	TLSCert, TLSKey string
	RequireTLS      bool // MAIL before STARTTLS gets 530 5.7.0
	// Auth is "off" or "" (AUTH not offered), "any" (every name and password
	// accepted) or the path of a credentials file (see package sasl).
	Auth string
	// AllowInsecureAuth offers AUTH before TLS: PLAIN and LOGIN, and with a
	// credentials file any mechanism at all (by default a credentials file
	// gets nothing before TLS, not even CRAM-MD5; issue 13 §8).
	AllowInsecureAuth bool
	RequireAuth       bool // MAIL before a successful AUTH gets 530 5.7.0

	Logger         logrus.FieldLogger // nil = logrus.StandardLogger()
	FullTranscript bool               // keep the DATA text in transcripts; default is a one-line summary
}

// Defaults applied by New to zero fields.
const (
	DefaultListen          = "127.0.0.1:2525"
	DefaultMaxMessageBytes = 25 << 20
	DefaultMaxRecipients   = 100
	DefaultMaxConnections  = 256
	DefaultMaxConnsPerIP   = 32
	DefaultMaxLineLength   = 2048
	DefaultCommandTimeout  = 5 * time.Minute
	DefaultDataTimeout     = 10 * time.Minute
	DefaultMaxBadCommands  = 20
	DefaultMaxAuthFailures = 3
	DefaultAuthFailDelay   = time.Second
)

// minLineLength is RFC 5321 §4.5.3.1.4's command line, which no setting may undercut.
const minLineLength = 512

// withDefaults returns c with every zero field set to its documented default.
func (c Config) withDefaults() Config {
	setStr(&c.Listen, DefaultListen)
	if c.Hostname == "" {
		c.Hostname, _ = os.Hostname()
		setStr(&c.Hostname, "localhost")
	}
	setNum(&c.MaxMessageBytes, DefaultMaxMessageBytes)
	setNum(&c.MaxRecipients, DefaultMaxRecipients)
	setNum(&c.MaxConnections, DefaultMaxConnections)
	setNum(&c.MaxConnectionsPerIP, DefaultMaxConnsPerIP)
	setNum(&c.MaxLineLength, DefaultMaxLineLength)
	c.MaxLineLength = max(c.MaxLineLength, minLineLength)
	setNum(&c.CommandTimeout, DefaultCommandTimeout)
	setNum(&c.DataTimeout, DefaultDataTimeout)
	setNum(&c.MaxBadCommands, DefaultMaxBadCommands)
	setNum(&c.MaxAuthFailures, DefaultMaxAuthFailures)
	switch {
	case c.AuthFailDelay == 0:
		c.AuthFailDelay = DefaultAuthFailDelay
	case c.AuthFailDelay < 0:
		c.AuthFailDelay = 0
	}
	if c.Auth == "" {
		c.Auth = "off"
	}
	if c.Logger == nil {
		c.Logger = logrus.StandardLogger()
	}
	return c
}

func setStr(p *string, def string) {
	if *p == "" {
		*p = def
	}
}

func setNum[T int | int64 | time.Duration](p *T, def T) {
	if *p <= 0 {
		*p = def
	}
}

// DefaultStoreDir is where the mail store lives when none is given:
// $XDG_DATA_HOME/letterbox/mail, else ~/.local/share/letterbox/mail (the XDG
// Base Directory default), else a directory under os.TempDir().
func DefaultStoreDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "letterbox", "mail")
	}
	if home, err := os.UserHomeDir(); err == nil && home != "" {
		return filepath.Join(home, ".local", "share", "letterbox", "mail")
	}
	return filepath.Join(os.TempDir(), "letterbox", "mail")
}
