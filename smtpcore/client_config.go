package smtpcore

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"
)

// Security is how a client protects the connection.
type Security int

const (
	SecurityNone     Security = iota // plain text; only for servers on loopback or in tests
	SecuritySTARTTLS                 // plain connect, then STARTTLS (RFC 3207), required: never falls back
	SecurityTLS                      // implicit TLS from the first byte (RFC 8314, port 465)
)

var securityNames = [...]string{"none", "starttls", "tls"}

// String returns "none", "starttls" or "tls".
func (s Security) String() string {
	if s < 0 || int(s) >= len(securityNames) {
		return fmt.Sprintf("security(%d)", int(s))
	}
	return securityNames[s]
}

// ParseSecurity is the inverse of String; case is ignored and "ssl" is
// accepted as a synonym of "tls".
func ParseSecurity(s string) (Security, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "none", "plain", "":
		return SecurityNone, nil
	case "starttls":
		return SecuritySTARTTLS, nil
	case "tls", "ssl", "implicit":
		return SecurityTLS, nil
	}
	return SecurityNone, fmt.Errorf("smtpcore: unknown TLS mode %q (want none, starttls or tls)", s)
}

// Auth holds the credentials for AUTH (RFC 4954).
type Auth struct {
	Username, Password string
	// Mechanism is "PLAIN", "LOGIN" or "CRAM-MD5"; "" picks the best the
	// server offers, in the order CRAM-MD5, PLAIN, LOGIN.
	Mechanism string
}

// ClientConfig says how to reach a server and what to show of the
// conversation. The zero value of every field means its documented default.
type ClientConfig struct {
	Addr     string // host:port
	Security Security
	// TLSConfig overrides the TLS settings built by NewTLSConfig from CAFile,
	// Insecure and PinnedSHA256. It is cloned; an empty ServerName becomes the
	// host of Addr and MinVersion is raised to TLS 1.2.
	TLSConfig *tls.Config
	CAFile    string // PEM file of CA certificates that replace the system roots
	// Insecure skips certificate verification. Only ever set on explicit
	// request; the transcript says loudly that the peer was not verified.
	Insecure bool
	// PinnedSHA256 trusts one more certificate: the leaf whose SHA-256
	// fingerprint this is ("AB:CD:…", as LeafFingerprint prints it), even if
	// it is self-signed or names another host. Other certificates are still
	// verified normally.
	PinnedSHA256 string
	Helo         string // name sent in EHLO/HELO; "" = os.Hostname(), else "localhost"
	Auth         *Auth  // nil = no AUTH
	// AllowInsecureAuth permits PLAIN and LOGIN, which send the password
	// readable by anyone on the path, on a connection without TLS.
	AllowInsecureAuth bool
	DialTimeout       time.Duration // TCP connect and implicit TLS handshake; 0 = 30 s
	CommandTimeout    time.Duration // each reply, the greeting and STARTTLS; 0 = 5 min (RFC 5321 §4.5.3.2)
	DataTimeout       time.Duration // each block of the message and the reply after it; 0 = 10 min
	Events            EventFunc     // transcript sink; nil = none; called on the goroutine that sends
	Session           string        // copied into every Event
	// DialContext opens the connection; nil = a net.Dialer. Tests pass one
	// end of a net.Pipe, an app may pass a proxy dialer.
	DialContext func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Default timeouts (RFC 5321 §4.5.3.2 suggests 5 minutes per command and 10
// for the end of the data).
const (
	DefaultDialTimeout    = 30 * time.Second
	DefaultCommandTimeout = 5 * time.Minute
	DefaultDataTimeout    = 10 * time.Minute
)

func (cfg *ClientConfig) dialTimeout() time.Duration {
	return orDefault(cfg.DialTimeout, DefaultDialTimeout)
}

func (cfg *ClientConfig) commandTimeout() time.Duration {
	return orDefault(cfg.CommandTimeout, DefaultCommandTimeout)
}

func (cfg *ClientConfig) dataTimeout() time.Duration {
	return orDefault(cfg.DataTimeout, DefaultDataTimeout)
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// heloName returns the name for EHLO/HELO. A configured name with spaces or
// control characters is refused rather than sent (it would inject a command).
func (cfg *ClientConfig) heloName() (string, error) {
	if cfg.Helo != "" {
		if strings.IndexFunc(cfg.Helo, func(r rune) bool { return r <= ' ' || r == 0x7f }) >= 0 {
			return "", fmt.Errorf("EHLO name %q contains a space or control character", cfg.Helo)
		}
		return cfg.Helo, nil
	}
	if h, err := os.Hostname(); err == nil && h != "" && strings.IndexFunc(h, func(r rune) bool { return r <= ' ' || r >= 0x7f }) < 0 {
		return h, nil
	}
	return "localhost", nil
}

// host returns the host part of Addr, for SNI and certificate checks.
func (cfg *ClientConfig) host() string {
	h, _, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return cfg.Addr
	}
	return h
}

// Message is what the client sends: its exact size in octets (before
// dot-stuffing, for SIZE=), whether it has 8-bit content (BODY=8BITMIME), and
// its bytes with CRLF line endings. WriteTo is called once per transaction and
// should stream. A Message that also has a method UTF8Header() bool (as
// smtpcore/msg's does) gets SMTPUTF8 when it reports true.
type Message interface {
	Size() int64
	Is8bit() bool
	WriteTo(w io.Writer) (int64, error)
}

// Envelope is the SMTP envelope (RFC 5321 §3.3): bare addr-specs without angle
// brackets. From "" is the null sender "<>".
type Envelope struct {
	From string
	To   []string
}
