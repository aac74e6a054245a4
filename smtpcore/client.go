package smtpcore

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"
)

// writeBufferSize is the client's write buffer: big enough that MAIL and a
// hundred pipelined RCPTs go out in one write, and that DATA moves in blocks.
const writeBufferSize = 64 << 10

// Client is one SMTP connection (RFC 5321) after the greeting, EHLO, TLS and
// AUTH. It is not safe for concurrent use: one goroutine sends on it, and
// transcript events are called on that goroutine. Each method's context
// governs that call only; cancelling it closes the connection.
type Client struct {
	cfg    ClientConfig
	tlsCfg *tls.Config
	raw    net.Conn // the TCP connection; closing it interrupts any I/O
	conn   net.Conn // raw, or the TLS connection over it
	r      *bufio.Reader
	w      *bufio.Writer
	ext    map[string]string
	esmtp  bool
	tls    *tls.ConnectionState
	mech   string // the AUTH mechanism used, "" if none

	writeTimeout time.Duration // the deadline set before each write to conn
	broken       error         // set once the connection cannot be used any more
}

// Dial connects to cfg.Addr and runs the opening of the conversation: the
// greeting, EHLO (HELO if EHLO is refused), STARTTLS or implicit TLS with the
// certificate checked, EHLO again under TLS, and AUTH when cfg.Auth is set.
// On success the caller owns the Client and must Quit or Close it. ctx covers
// the dial and the opening only.
func Dial(ctx context.Context, cfg ClientConfig) (*Client, error) {
	c := &Client{cfg: cfg, writeTimeout: cfg.commandTimeout()}
	if err := c.connect(ctx); err != nil {
		return nil, err
	}
	stop := context.AfterFunc(ctx, c.abort)
	defer stop()
	if err := c.open(ctx); err != nil {
		// A refusal leaves the connection in step: say goodbye (RFC 5321
		// §3.1 asks for QUIT even after a 554 greeting). Nothing else is
		// sent, and after an I/O error or a cancel it only closes.
		if c.broken == nil && ctx.Err() == nil {
			c.Quit()
		}
		c.abort()
		return nil, err
	}
	return c, nil
}

// Extensions returns the EHLO keywords (upper case) and their parameters as
// the server advertised them after TLS: "SIZE" → "10240000", "AUTH" →
// "PLAIN LOGIN". It is empty after a HELO fallback.
func (c *Client) Extensions() map[string]string {
	m := make(map[string]string, len(c.ext))
	for k, v := range c.ext {
		m[k] = v
	}
	return m
}

// TLS returns the state of the TLS connection, or nil when there is none.
func (c *Client) TLS() *tls.ConnectionState { return c.tls }

// AuthMechanism returns the SASL mechanism the client logged in with, or "".
func (c *Client) AuthMechanism() string { return c.mech }

// Has8BITMIME reports whether the server accepts BODY=8BITMIME (RFC 6152).
func (c *Client) Has8BITMIME() bool { _, ok := c.ext["8BITMIME"]; return ok }

// Quit sends QUIT, waits for the reply and closes the connection. On a
// connection that is already broken it only closes.
func (c *Client) Quit() error {
	if c.broken != nil {
		c.abort()
		return nil
	}
	c.writeTimeout = c.cfg.commandTimeout()
	r, err := c.cmd("QUIT", "QUIT")
	c.abort()
	if err != nil {
		return &SendError{Phase: PhaseQuit, Err: err}
	}
	if r.Code != 221 {
		return &SendError{Phase: PhaseQuit, Err: r}
	}
	return nil
}

// Close closes the connection without QUIT.
func (c *Client) Close() error {
	c.broken = ErrClientBroken
	err := c.raw.Close()
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}

// abort closes the TCP connection. It is the only method that may run on
// another goroutine (from context.AfterFunc): it touches nothing but c.raw.
func (c *Client) abort() { c.raw.Close() }

func (c *Client) connect(ctx context.Context) error {
	tlsCfg, err := c.buildTLSConfig()
	if err != nil {
		return c.fail(ctx, PhaseTLS, err)
	}
	c.tlsCfg = tlsCfg
	c.emit(DirInfo, "Trying "+c.cfg.Addr+"...", 0)
	dctx, cancel := context.WithTimeout(ctx, c.cfg.dialTimeout())
	defer cancel()
	dial := c.cfg.DialContext
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	start := time.Now()
	conn, err := dial(dctx, "tcp", c.cfg.Addr)
	if err != nil {
		return c.fail(ctx, PhaseConnect, err)
	}
	c.raw, c.conn = conn, conn
	remote := conn.RemoteAddr().String()
	if remote == c.cfg.Addr {
		remote = ""
	} else {
		remote = " (" + remote + ")"
	}
	c.emit(DirInfo, fmt.Sprintf("Connected to %s%s from %s in %s", c.cfg.Addr, remote, conn.LocalAddr(), time.Since(start).Round(10*time.Microsecond)), 0)
	c.setIO(conn)
	if c.cfg.Security == SecurityTLS {
		if err := c.handshake(dctx); err != nil {
			c.abort()
			return c.fail(ctx, PhaseTLS, err)
		}
	}
	return nil
}

// open reads the greeting and runs EHLO, STARTTLS and AUTH.
func (c *Client) open(ctx context.Context) error {
	start := time.Now()
	r, err := c.reply(start, c.cfg.commandTimeout(), nil)
	if err != nil {
		return c.fail(ctx, PhaseGreeting, err)
	}
	if r.Code != 220 {
		return c.fail(ctx, PhaseGreeting, r)
	}
	if err := c.hello(); err != nil {
		return c.fail(ctx, PhaseEHLO, err)
	}
	if c.cfg.Security == SecuritySTARTTLS {
		if err := c.startTLS(ctx); err != nil {
			return c.fail(ctx, PhaseTLS, err)
		}
		if err := c.hello(); err != nil {
			return c.fail(ctx, PhaseEHLO, err)
		}
	}
	if c.cfg.Auth != nil {
		if err := c.auth(); err != nil {
			return c.fail(ctx, PhaseAuth, err)
		}
	}
	return nil
}

// hello sends EHLO and falls back to HELO when EHLO is refused as unknown
// (RFC 5321 §3.2). Any other failure, a 421 included, is returned.
func (c *Client) hello() error {
	name, err := c.cfg.heloName()
	if err != nil {
		return err
	}
	r, err := c.cmd("EHLO "+name, "EHLO "+name)
	if err != nil {
		return err
	}
	if r.Code == 250 {
		c.esmtp = true
		c.ext = parseEHLO(r.Text)
		return nil
	}
	if r.Code != 500 && r.Code != 502 && r.Code != 504 && r.Code != 550 {
		return r
	}
	c.emit(DirInfo, "EHLO refused; falling back to HELO (no extensions)", 0)
	r, err = c.cmd("HELO "+name, "HELO "+name)
	if err != nil {
		return err
	}
	if r.Code != 250 {
		return r
	}
	c.esmtp = false
	c.ext = map[string]string{}
	return nil
}

// parseEHLO reads the keywords of an EHLO reply: the first line is the
// greeting, each later line "KEYWORD [params]" (RFC 5321 §4.1.1.1). The old
// "AUTH=LOGIN PLAIN" form is merged into AUTH.
func parseEHLO(text string) map[string]string {
	ext := map[string]string{}
	lines := strings.Split(text, "\n")
	for _, l := range lines[1:] {
		k, v, _ := strings.Cut(strings.TrimSpace(l), " ")
		k = strings.ToUpper(k)
		if rest, ok := strings.CutPrefix(k, "AUTH="); ok {
			k, v = "AUTH", strings.TrimSpace(rest+" "+v)
		}
		if old, ok := ext["AUTH"]; ok && k == "AUTH" {
			v = mergeFields(old, v)
		}
		if k != "" {
			ext[k] = v
		}
	}
	return ext
}

// mergeFields joins two space-separated lists without repeating a word.
func mergeFields(a, b string) string {
	out := strings.Fields(a)
	for _, w := range strings.Fields(b) {
		if !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}

// startTLS runs STARTTLS (RFC 3207). It never falls back to plain text: a
// server that does not offer it, refuses it or fails the handshake ends the
// conversation.
func (c *Client) startTLS(ctx context.Context) error {
	if _, ok := c.ext["STARTTLS"]; !ok {
		return ErrSTARTTLSNotOffered
	}
	r, err := c.cmd("STARTTLS", "STARTTLS")
	if err != nil {
		return err
	}
	if r.Code != 220 {
		return r
	}
	// RFC 3207 §4.2 and the 2011 "STARTTLS command injection" class of bugs:
	// anything the server sent after its 220 arrived in plain text and must
	// not be read as if it came over TLS.
	if c.r.Buffered() > 0 {
		c.abort()
		return fmt.Errorf("the server sent %d bytes in plain text after its 220 to STARTTLS (possible injection); closing", c.r.Buffered())
	}
	hctx, cancel := context.WithTimeout(ctx, c.cfg.commandTimeout())
	defer cancel()
	return c.handshake(hctx)
}

// setIO puts buffered reader and writer over conn; every write refreshes the
// write deadline, so a stalled peer cannot hold the client past its timeout.
func (c *Client) setIO(conn net.Conn) {
	c.conn = conn
	c.r = bufio.NewReader(conn)
	c.w = bufio.NewWriterSize(deadlineWriter{c}, writeBufferSize)
}

type deadlineWriter struct{ c *Client }

func (d deadlineWriter) Write(p []byte) (int, error) {
	d.c.conn.SetWriteDeadline(time.Now().Add(d.c.writeTimeout))
	return d.c.conn.Write(p)
}
