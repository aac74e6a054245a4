package server

import (
	"bufio"
	"context"
	"crypto/tls"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/sirupsen/logrus/hooks/test"

	"letterbox/server/store"
	"letterbox/smtpcore"
)

// ioTimeout bounds every wait of a test client; a hung server fails the test
// instead of hanging it.
const ioTimeout = 10 * time.Second

// testServer builds a server on a fresh store. Config fields left zero get the
// test defaults: no AUTH delay, a discarding logger.
func testServer(t *testing.T, cfg Config) (*Server, *store.Store) {
	t.Helper()
	st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	if cfg.Logger == nil {
		l, _ := test.NewNullLogger()
		l.SetLevel(logrus.DebugLevel)
		cfg.Logger = l
	}
	if cfg.AuthFailDelay == 0 {
		cfg.AuthFailDelay = -1
	}
	srv, err := New(cfg, st)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return srv, st
}

// client is the peer side of a scripted session.
type client struct {
	t    *testing.T
	c    net.Conn
	r    *bufio.Reader
	done chan struct{} // closed when the server's session has ended (pipe sessions)
}

// pipeSession starts a session over net.Pipe and reads the greeting.
func pipeSession(t *testing.T, srv *Server) *client {
	t.Helper()
	cl, _ := pipePair(t, srv)
	return cl
}

// pipePair is pipeSession that also returns the server's end, which counts
// the server's writes.
func pipePair(t *testing.T, srv *Server) (*client, *countingConn) {
	t.Helper()
	cc, raw := net.Pipe()
	sc := &countingConn{Conn: raw}
	cl := &client{t: t, c: cc, r: bufio.NewReader(cc), done: make(chan struct{})}
	go func() {
		srv.ServeConn(sc)
		close(cl.done)
	}()
	t.Cleanup(func() {
		cc.Close()
		<-cl.done
	})
	cl.expect(220, "")
	return cl, sc
}

// dialSession connects to a listening server and reads the greeting.
func dialSession(t *testing.T, addr string) *client {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, ioTimeout)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	cl := &client{t: t, c: c, r: bufio.NewReader(c)}
	cl.expect(220, "")
	return cl
}

// send writes text in one write; "\n" is sent as it is, so tests spell CRLF.
func (c *client) send(text string) {
	c.t.Helper()
	c.c.SetWriteDeadline(time.Now().Add(ioTimeout))
	if _, err := io.WriteString(c.c, text); err != nil {
		c.t.Fatalf("send %q: %v", shorten(text), err)
	}
}

// read reads one reply.
func (c *client) read() *smtpcore.Reply {
	c.t.Helper()
	c.c.SetReadDeadline(time.Now().Add(ioTimeout))
	r, raw, err := smtpcore.ReadReply(c.r)
	if err != nil {
		c.t.Fatalf("reading a reply: %v (got %q)", err, raw)
	}
	return r
}

// expect reads one reply and checks its code and, when given, enhanced code.
func (c *client) expect(code int, enhanced string) *smtpcore.Reply {
	c.t.Helper()
	r := c.read()
	if r.Code != code || enhanced != "" && r.Enhanced != enhanced {
		c.t.Fatalf("reply = %q, want %d %s", r.Error(), code, enhanced)
	}
	return r
}

// cmd sends one command line and checks the reply.
func (c *client) cmd(line string, code int, enhanced string) *smtpcore.Reply {
	c.t.Helper()
	c.send(line + "\r\n")
	r := c.read()
	if r.Code != code || enhanced != "" && r.Enhanced != enhanced {
		c.t.Fatalf("%s -> %q, want %d %s", shorten(line), r.Error(), code, enhanced)
	}
	return r
}

// expectClosed checks that the server closed the connection.
func (c *client) expectClosed() {
	c.t.Helper()
	c.c.SetReadDeadline(time.Now().Add(ioTimeout))
	b, err := c.r.ReadByte()
	if err == nil {
		rest, _ := c.r.Peek(c.r.Buffered())
		c.t.Fatalf("connection still open: read %q", string(b)+string(rest))
	}
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		c.t.Fatal("connection still open after the deadline")
	}
}

// ehlo greets and returns the advertised extensions.
func (c *client) ehlo(name string) []string {
	c.t.Helper()
	r := c.cmd("EHLO "+name, 250, "")
	return strings.Split(r.Text, "\n")[1:]
}

// deliver runs one whole transaction with DATA and returns the queue id.
func (c *client) deliver(from string, rcpts []string, text string) string {
	c.t.Helper()
	c.cmd("MAIL FROM:<"+from+">", 250, "2.1.0")
	for _, r := range rcpts {
		c.cmd("RCPT TO:<"+r+">", 250, "2.1.5")
	}
	c.cmd("DATA", 354, "")
	c.send(text + ".\r\n")
	return queuedID(c.t, c.expect(250, "2.0.0"))
}

// startTLS upgrades the client side after a 220 to STARTTLS.
func (c *client) startTLS() tls.ConnectionState {
	c.t.Helper()
	tc := tls.Client(c.c, &tls.Config{InsecureSkipVerify: true, ServerName: "mx.test"})
	tc.SetDeadline(time.Now().Add(ioTimeout))
	if err := tc.Handshake(); err != nil {
		c.t.Fatalf("TLS handshake: %v", err)
	}
	c.c, c.r = tc, bufio.NewReader(tc)
	return tc.ConnectionState()
}

// queuedID takes the id out of "250 2.0.0 OK queued as ID".
func queuedID(t *testing.T, r *smtpcore.Reply) string {
	t.Helper()
	id, ok := strings.CutPrefix(r.Text, "OK queued as ")
	if !ok || id == "" {
		t.Fatalf("reply %q has no queue id", r.Error())
	}
	return id
}

// stored reads the bytes of message id.
func stored(t *testing.T, st *store.Store, id string) string {
	t.Helper()
	rc, err := st.Open(id)
	if err != nil {
		t.Fatalf("store.Open(%q): %v", id, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("reading message %s: %v", id, err)
	}
	return string(b)
}

// countNew counts the files in STORE/new.
func countNew(t *testing.T, st *store.Store) int {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join(st.Dir(), "new"))
	if err != nil {
		t.Fatalf("reading new/: %v", err)
	}
	return len(ents)
}

// bodyOf returns what follows the trace headers the server prepended.
func bodyOf(t *testing.T, msg string) string {
	t.Helper()
	if !strings.HasPrefix(msg, "Return-Path: <") {
		t.Fatalf("message does not start with Return-Path: %q", shorten(msg))
	}
	i := strings.Index(msg, "\r\nReceived: ")
	if i < 0 {
		t.Fatalf("no Received field: %q", shorten(msg))
	}
	// The Received field ends at the first line that does not start with a tab.
	rest := msg[i+2:]
	for {
		j := strings.Index(rest, "\r\n")
		if j < 0 {
			t.Fatalf("unterminated Received field: %q", shorten(msg))
		}
		rest = rest[j+2:]
		if !strings.HasPrefix(rest, "\t") {
			return rest
		}
	}
}

func shorten(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

// countingConn counts the writes made on a connection.
type countingConn struct {
	net.Conn
	writes atomic.Int64
}

func (c *countingConn) Write(p []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(p)
}

func newReader(c net.Conn) *bufio.Reader { return bufio.NewReader(c) }

// readReply reads one reply without failing the test, for client goroutines.
func readReply(c *client) (*smtpcore.Reply, []string, error) { return smtpcore.ReadReply(c.r) }

// listenServer runs a server on 127.0.0.1:0 until the test ends and returns
// it with its store and address.
func listenServer(t *testing.T, cfg Config) (*Server, *store.Store, string) {
	t.Helper()
	cfg.Listen = "127.0.0.1:0"
	srv, st := testServer(t, cfg)
	if err := srv.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
		defer cancel()
		srv.Shutdown(ctx)
	})
	return srv, st, srv.Addr().String()
}

// trickle writes one byte ("N") to the server every interval, never a whole
// line, until the connection refuses a byte or stop is called. stop waits
// for the writer to end and returns how many bytes went out.
func (c *client) trickle(every time.Duration) (stop func() int) {
	done := make(chan struct{})
	sent := make(chan int, 1)
	go func() {
		n := 0
		defer func() { sent <- n }()
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			c.c.SetWriteDeadline(time.Now().Add(ioTimeout))
			if _, err := c.c.Write([]byte("N")); err != nil {
				return
			}
			n++
		}
	}()
	return func() int { close(done); return <-sent }
}
