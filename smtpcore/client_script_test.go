package smtpcore

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"path"
	"strings"
	"sync"
	"testing"
	"time"
)

// A script is the server's side of a conversation, run over net.Pipe. Each
// step is a string directive or a func(*peer) for anything special:
//
//	"S: 250 OK"          the server sends this line (CRLF added)
//	"C: MAIL FROM:<*>"   the next client line must match (path.Match pattern)
//	"W: A|B|C"           the client's next single write is exactly lines A, B, C
//	"D:"                 read the message up to "." and keep it in peer.data
//	"T:"                 run the TLS server handshake with peer.tls
//	"E:"                 the client closes the connection: nothing more arrives
type script []any

// peer is the scripted server. Its reads come straight from conn, so a
// "W:" step sees exactly what one client write delivered.
type peer struct {
	conn    net.Conn
	pending []byte
	tls     *tls.Config
	data    string
	errs    []string
	mu      sync.Mutex
}

func (p *peer) failf(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.errs = append(p.errs, fmt.Sprintf(format, args...))
}

func (p *peer) send(line string) error {
	_, err := io.WriteString(p.conn, line+"\r\n")
	return err
}

func (p *peer) fill() error {
	buf := make([]byte, 256<<10)
	n, err := p.conn.Read(buf)
	p.pending = append(p.pending, buf[:n]...)
	if n > 0 {
		return nil
	}
	return err
}

func (p *peer) readLine() (string, error) {
	for {
		if i := bytes.Index(p.pending, []byte("\r\n")); i >= 0 {
			l := string(p.pending[:i])
			p.pending = p.pending[i+2:]
			return l, nil
		}
		if err := p.fill(); err != nil {
			return "", err
		}
	}
}

// readData reads the DATA text to its end mark; ok is false if the
// connection ended first.
func (p *peer) readData() (string, bool) {
	var b strings.Builder
	for {
		l, err := p.readLine()
		if err != nil {
			return b.String(), false
		}
		if l == "." {
			return b.String(), true
		}
		b.WriteString(l + "\r\n")
	}
}

// drain reads until EOF and returns everything that arrived.
func (p *peer) drain() string {
	rest, _ := io.ReadAll(p.conn)
	return string(p.pending) + string(rest)
}

func (p *peer) step(s any) error {
	if f, ok := s.(func(*peer) error); ok {
		return f(p)
	}
	d := s.(string)
	op, arg, _ := strings.Cut(d, ": ")
	op = strings.TrimSuffix(op, ":")
	switch op {
	case "S":
		return p.send(arg)
	case "C":
		l, err := p.readLine()
		if err != nil {
			return fmt.Errorf("want client line %q, got error %v", arg, err)
		}
		if ok, _ := path.Match(arg, l); !ok && l != arg {
			return fmt.Errorf("client sent %q, want %q", l, arg)
		}
	case "W":
		if len(p.pending) > 0 {
			return fmt.Errorf("want a fresh write of %q, but %q is pending", arg, p.pending)
		}
		if err := p.fill(); err != nil {
			return err
		}
		want := strings.ReplaceAll(arg, "|", "\r\n") + "\r\n"
		if got := string(p.pending); got != want {
			return fmt.Errorf("one client write = %q, want %q", got, want)
		}
		p.pending = nil
	case "D":
		data, ok := p.readData()
		p.data = data
		if !ok {
			return fmt.Errorf("message ended without the final dot after %d bytes", len(data))
		}
	case "T":
		tc := tls.Server(p.conn, p.tls)
		if err := tc.Handshake(); err != nil {
			return fmt.Errorf("server TLS handshake: %v", err)
		}
		p.conn, p.pending = tc, nil
	case "E":
		if rest := p.drain(); rest != "" {
			return fmt.Errorf("client sent %q, want nothing more", rest)
		}
	default:
		return fmt.Errorf("bad script step %q", d)
	}
	return nil
}

// runScript starts the scripted server and returns a ClientConfig whose
// DialContext connects to it, and a wait function that returns the server's
// complaints once the script is done and the client has closed.
func runScript(t *testing.T, sc script, tlsCfg *tls.Config) (ClientConfig, *peer, func()) {
	t.Helper()
	srv, cli := net.Pipe()
	return runScriptOn(t, sc, tlsCfg, srv, cli)
}

// tcpPair returns both ends of a loopback TCP connection. TLS failure tests
// need its buffering: over the synchronous net.Pipe a server still writing
// its handshake flight and a client writing its alert block each other.
func tcpPair(t *testing.T) (srv, cli net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cli, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	srv, err = ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	return srv, cli
}

// runScriptOn is runScript over a given connection pair.
func runScriptOn(t *testing.T, sc script, tlsCfg *tls.Config, srv, cli net.Conn) (ClientConfig, *peer, func()) {
	t.Helper()
	p := &peer{conn: srv, tls: tlsCfg}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer srv.Close()
		for i, s := range sc {
			if err := p.step(s); err != nil {
				p.failf("step %d (%v): %v", i, s, err)
				return
			}
		}
	}()
	dialed := false
	cfg := ClientConfig{
		Addr:           "mx.test:25",
		Helo:           "client.test",
		CommandTimeout: 30 * time.Second,
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			if dialed {
				return nil, errors.New("dialed twice")
			}
			dialed = true
			return cli, nil
		},
	}
	wait := func() {
		t.Helper()
		cli.Close()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatal("scripted server did not finish")
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		for _, e := range p.errs {
			t.Error("server: " + e)
		}
	}
	t.Cleanup(func() { cli.Close(); srv.Close() })
	return cfg, p, wait
}

// testMessage is a Message held in memory.
type testMessage struct {
	body      string
	eightBit  bool
	utf8Head  bool
	writeHook func(w io.Writer) (int64, error)
	size      int64
}

func (m *testMessage) Size() int64 {
	if m.size > 0 {
		return m.size
	}
	return int64(len(m.body))
}
func (m *testMessage) Is8bit() bool     { return m.eightBit }
func (m *testMessage) UTF8Header() bool { return m.utf8Head }
func (m *testMessage) WriteTo(w io.Writer) (int64, error) {
	if m.writeHook != nil {
		return m.writeHook(w)
	}
	n, err := io.WriteString(w, m.body)
	return int64(n), err
}

// recorder collects transcript events; safe for the client goroutine.
type recorder struct {
	mu  sync.Mutex
	evs []Event
}

func (r *recorder) add(e Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.evs = append(r.evs, e)
}

func (r *recorder) events() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Event(nil), r.evs...)
}

// text returns the transcript as "marker text" lines.
func (r *recorder) text() string {
	var b strings.Builder
	for _, e := range r.events() {
		if e.Dir == DirProgress {
			continue
		}
		fmt.Fprintf(&b, "%s %s\n", e.Dir.Marker(), e.Text)
	}
	return b.String()
}

func static(m Message) func(bool) (Message, error) {
	return func(bool) (Message, error) { return m, nil }
}
