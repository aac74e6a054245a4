package server

// Limits under attack (issue 5 §4). Each test drives a real listener on
// 127.0.0.1:0 the way a hostile or broken client would, and checks three
// things: the attacker gets the documented answer, memory stays bounded while
// it pushes far more than any buffer could hold, and the server still answers
// a new client afterwards.
//
// Sizes are reduced in normal runs so that `make test` (with -race) stays
// quick; LETTERBOX_LONG=1 runs the full sizes of the issue: a 2 GiB DATA
// stream with no line break and a million RCPT commands.

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"letterbox/smtpcore"
)

// longRun reports whether the full-size attacks were asked for.
func longRun() bool { return os.Getenv("LETTERBOX_LONG") == "1" }

// heapBound is what an attack may add to the heap of the test process (server
// and client together) while it pushes hundreds of megabytes.
const heapBound = 64 << 20

// heapWatch samples the heap in use until stop, keeping the peak.
type heapWatch struct {
	base uint64
	peak atomic.Uint64
	quit chan struct{}
	done chan struct{}
}

// watchHeap takes a baseline after a GC and samples every few milliseconds.
func watchHeap() *heapWatch {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	w := &heapWatch{base: ms.HeapInuse, quit: make(chan struct{}), done: make(chan struct{})}
	w.peak.Store(ms.HeapInuse)
	go func() {
		defer close(w.done)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-w.quit:
				return
			case <-tick.C:
			}
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > w.peak.Load() {
				w.peak.Store(ms.HeapInuse)
			}
		}
	}()
	return w
}

// stop ends the sampling and returns the peak growth over the baseline.
func (w *heapWatch) stop() uint64 {
	close(w.quit)
	<-w.done
	if p := w.peak.Load(); p > w.base {
		return p - w.base
	}
	return 0
}

// checkHeap fails t when the peak growth passed heapBound while pushed bytes went in.
func (w *heapWatch) check(t *testing.T, what string, pushed int64) {
	t.Helper()
	g := w.stop()
	t.Logf("%s: pushed %s, heap grew by at most %s", what, smtpcore.FormatSize(pushed), smtpcore.FormatSize(int64(g)))
	if g > heapBound {
		t.Errorf("%s: heap grew by %s while %s were pushed, want under %s",
			what, smtpcore.FormatSize(int64(g)), smtpcore.FormatSize(pushed), smtpcore.FormatSize(heapBound))
	}
}

// stillServes checks that a new client is greeted and can run a whole
// transaction on the attacked server.
func stillServes(t *testing.T, addr string) {
	t.Helper()
	c := dialSession(t, addr)
	c.ehlo("after.test")
	c.deliver("a@after.test", []string{"b@after.test"}, "Subject: still here\r\n\r\nyes\r\n")
	c.cmd("QUIT", 221, "2.0.0")
}

// sessionsDrain waits until the server holds no session, so an attacker's
// slot is known to be free.
func sessionsDrain(t *testing.T, srv *Server) {
	t.Helper()
	deadline := time.Now().Add(ioTimeout)
	for {
		srv.mu.Lock()
		n := len(srv.sessions)
		srv.mu.Unlock()
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d sessions still held %v after their clients went", n, ioTimeout)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// pushFill writes n copies of fill to w in 64 KiB writes, generating nothing
// ahead of the write, and gives up at the first error.
func pushFill(w io.Writer, fill byte, n int64) (int64, error) {
	buf := bytes.Repeat([]byte{fill}, 64<<10)
	var sent int64
	for sent < n {
		chunk := buf[:min(int64(len(buf)), n-sent)]
		m, err := w.Write(chunk)
		sent += int64(m)
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// deadlineWriter renews the write deadline of c before each write, so a
// long stream fails only when the peer stops taking it.
type deadlineWriter struct{ c net.Conn }

func (d deadlineWriter) Write(p []byte) (int, error) {
	d.c.SetWriteDeadline(time.Now().Add(ioTimeout))
	return d.c.Write(p)
}

// tmpEmpty checks that no aborted message was left in STORE/tmp.
func tmpEmpty(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join(dir, "tmp"))
	if err != nil {
		t.Fatalf("reading tmp/: %v", err)
	}
	if len(ents) != 0 {
		t.Errorf("tmp/ holds %d files after refused messages, want 0", len(ents))
	}
}

// TestAttackEndlessData streams a message text with no line break far past
// the size limit, through DATA and through one huge BDAT chunk: the text is
// read and thrown away as it comes, the client gets 552 5.3.4, the session
// stays in step, nothing is kept, and memory does not follow the stream.
func TestAttackEndlessData(t *testing.T) {
	size := int64(256 << 20)
	if longRun() {
		size = 2 << 30
	}
	tests := []struct {
		name  string
		start func(c *client) // from after RCPT to the point where the text may flow
		end   string          // what follows the text
	}{
		{"DATA", func(c *client) { c.cmd("DATA", 354, "") }, "\r\n.\r\n"},
		{"BDAT", func(c *client) { c.send(fmt.Sprintf("BDAT %d LAST\r\n", size+2)) }, "\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _, addr := listenServer(t, Config{
				MaxMessageBytes: 1 << 20,
				CommandTimeout:  5 * time.Second,
				DataTimeout:     2 * time.Minute, // the whole text; the stream must not hit it
			})
			c := dialSession(t, addr)
			c.ehlo("attacker.test")
			c.cmd("MAIL FROM:<a@attacker.test>", 250, "2.1.0")
			c.cmd("RCPT TO:<b@victim.test>", 250, "2.1.5")
			tt.start(c)
			w := watchHeap()
			start := time.Now()
			sent, err := pushFill(deadlineWriter{c.c}, 'x', size)
			if err != nil {
				t.Fatalf("streaming the text: %v after %s", err, smtpcore.FormatSize(sent))
			}
			c.send(tt.end)
			c.expect(552, "5.3.4")
			w.check(t, tt.name+" without line breaks", sent)
			t.Logf("%s in %v", smtpcore.FormatSize(sent), time.Since(start).Round(time.Millisecond))
			c.cmd("NOOP", 250, "2.0.0") // still in step
			c.deliver("a@attacker.test", []string{"b@victim.test"}, "Subject: small\r\n\r\nok\r\n")
			stillServes(t, addr)
			tmpEmpty(t, srv.storeDir)
		})
	}
}

// TestAttackDataLineWithinLimit sends a message of one 64 MiB line that is
// within the size limit: it is streamed to disk and kept whole, and neither
// the session nor the store's summary of it holds the line in memory.
func TestAttackDataLineWithinLimit(t *testing.T) {
	const size = 64 << 20
	srv, _, addr := listenServer(t, Config{MaxMessageBytes: 2 * size, DataTimeout: time.Minute})
	c := dialSession(t, addr)
	c.ehlo("attacker.test")
	c.cmd("MAIL FROM:<a@attacker.test>", 250, "2.1.0")
	c.cmd("RCPT TO:<b@victim.test>", 250, "2.1.5")
	c.cmd("DATA", 354, "")
	w := watchHeap()
	c.send("Subject: ")
	if _, err := pushFill(deadlineWriter{c.c}, 'y', size); err != nil {
		t.Fatalf("streaming the line: %v", err)
	}
	c.send("\r\n.\r\n")
	id := queuedID(t, c.expect(250, "2.0.0"))
	w.check(t, "one long line kept", size)
	fi, err := os.Stat(filepath.Join(srv.storeDir, "new", id))
	if err != nil {
		t.Fatalf("stat of the stored message: %v", err)
	}
	if fi.Size() < size {
		t.Errorf("stored message is %d bytes, want at least %d", fi.Size(), size)
	}
	stillServes(t, addr)
}

// TestAttackManyRcpt pipelines a flood of RCPT commands into one transaction:
// the first MaxRecipients are taken, every other gets 452 4.5.3 (not an
// error that counts towards closing), memory stays flat, and the message that
// follows is delivered to exactly MaxRecipients recipients.
func TestAttackManyRcpt(t *testing.T) {
	n := 100_000
	if longRun() {
		n = 1_000_000
	}
	_, st, addr := listenServer(t, Config{CommandTimeout: 20 * time.Second})
	c := dialSession(t, addr)
	c.ehlo("attacker.test")
	c.cmd("MAIL FROM:<a@attacker.test>", 250, "2.1.0")
	w := watchHeap()
	writeErr := make(chan error, 1)
	go func() {
		bw := bufio.NewWriterSize(deadlineWriter{c.c}, 64<<10)
		for i := range n {
			fmt.Fprintf(bw, "RCPT TO:<r%d@victim.test>\r\n", i)
		}
		writeErr <- bw.Flush()
	}()
	counts := map[int]int{}
	for range n {
		c.c.SetReadDeadline(time.Now().Add(ioTimeout))
		r, raw, err := smtpcore.ReadReply(c.r)
		if err != nil {
			t.Fatalf("reply %d of %d: %v (%q)", counts[250]+counts[452]+1, n, err, raw)
		}
		counts[r.Code]++
		if r.Code == 452 && r.Enhanced != "4.5.3" {
			t.Fatalf("reply %q, want 452 4.5.3", r.Error())
		}
	}
	if err := <-writeErr; err != nil {
		t.Fatalf("writing %d RCPT commands: %v", n, err)
	}
	w.check(t, fmt.Sprintf("%d RCPT", n), int64(n)*int64(len("RCPT TO:<r100000@victim.test>\r\n")))
	if counts[250] != DefaultMaxRecipients || counts[452] != n-DefaultMaxRecipients {
		t.Errorf("replies = %v, want 250×%d and 452×%d", counts, DefaultMaxRecipients, n-DefaultMaxRecipients)
	}
	c.cmd("DATA", 354, "")
	c.send("Subject: many\r\n\r\nto many\r\n.\r\n")
	id := queuedID(t, c.expect(250, "2.0.0"))
	rec, err := st.Record(id)
	if err != nil {
		t.Fatalf("Record(%s): %v", id, err)
	}
	if len(rec.Rcpts) != DefaultMaxRecipients {
		t.Errorf("message kept %d recipients, want %d", len(rec.Rcpts), DefaultMaxRecipients)
	}
	stillServes(t, addr)
}

// TestAttackLongCommandLine sends command lines far past MaxLineLength: a
// 1 MiB line is read to its end and answered 500 5.5.2 with the session still
// usable, and a line that never ends is cut at CommandTimeout even while its
// bytes keep coming, because the deadline is per command, not per byte.
func TestAttackLongCommandLine(t *testing.T) {
	t.Run("1 MiB line", func(t *testing.T) {
		_, _, addr := listenServer(t, Config{})
		c := dialSession(t, addr)
		c.ehlo("attacker.test")
		w := watchHeap()
		line := "NOOP " + strings.Repeat("a", 1<<20)
		c.cmd(line, 500, "5.5.2")
		c.cmd("MAIL FROM:<"+strings.Repeat("b", 1<<20)+"@x.test>", 500, "5.5.2")
		w.check(t, "two 1 MiB lines", 2<<20)
		c.cmd("NOOP", 250, "2.0.0")
		c.deliver("a@attacker.test", []string{"b@victim.test"}, "Subject: after\r\n\r\nok\r\n")
		stillServes(t, addr)
	})
	t.Run("endless line", func(t *testing.T) {
		const timeout = time.Second
		srv, _, addr := listenServer(t, Config{CommandTimeout: timeout, MaxConnections: 1})
		c := dialSession(t, addr)
		start := time.Now()
		w := watchHeap()
		pushed := make(chan int64, 1)
		go func() { // until the server hangs up
			n, _ := pushFill(deadlineWriter{c.c}, 'z', 1<<40)
			pushed <- n
		}()
		c.expect(421, "4.4.2")
		if d := time.Since(start); d > timeout+2*time.Second {
			t.Errorf("a line that never ends held the session %v, want about %v", d, timeout)
		}
		c.c.Close()
		w.check(t, "endless line", <-pushed)
		sessionsDrain(t, srv)
		stillServes(t, addr)
	})
}

// TestAttackPipelinedFlood writes 10,000 commands in one write and reads the
// replies slowly: every reply comes, in order, and the server neither drops
// the session nor buffers without bound.
func TestAttackPipelinedFlood(t *testing.T) {
	const n = 10_000
	_, _, addr := listenServer(t, Config{})
	c := dialSession(t, addr)
	c.ehlo("attacker.test")
	var flood strings.Builder
	for i := range n {
		if i%3 == 2 {
			flood.WriteString("RSET\r\n")
		} else {
			flood.WriteString("NOOP\r\n")
		}
	}
	w := watchHeap()
	// The flood is written from its own goroutine (the server's replies must
	// be read meanwhile); it reports to the test instead of failing it, since
	// t.Fatal may only be called from the test's goroutine.
	written := make(chan error, 1)
	go func() {
		c.c.SetWriteDeadline(time.Now().Add(ioTimeout))
		_, err := io.WriteString(c.c, flood.String()+"QUIT\r\n")
		written <- err
	}()
	// A slow reader: 512 bytes at a time with a pause every 64 KiB.
	slow := bufio.NewReader(&throttled{r: c.c, every: 64 << 10, pause: 5 * time.Millisecond})
	for i := range n {
		c.c.SetReadDeadline(time.Now().Add(ioTimeout))
		r, raw, err := smtpcore.ReadReply(slow)
		if err != nil {
			t.Fatalf("reply %d of %d: %v (%q)", i+1, n, err, raw)
		}
		if r.Code != 250 {
			t.Fatalf("reply %d of %d = %q, want 250", i+1, n, r.Error())
		}
	}
	r, _, err := smtpcore.ReadReply(slow)
	if err != nil || r.Code != 221 {
		t.Fatalf("reply to QUIT = %v, %v; want 221", r, err)
	}
	if err := <-written; err != nil {
		t.Errorf("writing %d pipelined commands: %v", n, err)
	}
	w.check(t, fmt.Sprintf("%d pipelined commands", n), int64(flood.Len()))
	stillServes(t, addr)
}

// throttled reads at most 512 bytes per call and pauses after every `every` bytes.
type throttled struct {
	r     io.Reader
	every int
	pause time.Duration
	since int
}

func (t *throttled) Read(p []byte) (int, error) {
	if t.since >= t.every {
		time.Sleep(t.pause) // simulating a slow peer, not waiting for an event
		t.since = 0
	}
	n, err := t.r.Read(p[:min(len(p), 512)])
	t.since += n
	return n, err
}

// TestAttackNeverReads is a client that pipelines commands forever and never
// reads a reply. Once the socket buffers are full the server's writes block;
// its write deadline ends the session, the slot is released, and others are
// served meanwhile and afterwards.
func TestAttackNeverReads(t *testing.T) {
	const timeout = time.Second
	srv, _, addr := listenServer(t, Config{CommandTimeout: timeout})
	d := net.Dialer{Control: smallBuffers}
	conn, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer conn.Close()
	start := time.Now()
	w := watchHeap()
	done := make(chan error, 1)
	var written atomic.Int64
	go func() {
		line := bytes.Repeat([]byte("NOOP\r\n"), 1000)
		for {
			conn.SetWriteDeadline(time.Now().Add(ioTimeout))
			n, err := conn.Write(line)
			written.Add(int64(n))
			if err != nil {
				done <- err
				return
			}
		}
	}()
	stillServes(t, addr) // while the flood is under way
	select {
	case err := <-done:
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatalf("the server kept a client that never reads for over %v", ioTimeout)
		}
		t.Logf("after %v and %s written, the client's writes fail: %v",
			time.Since(start).Round(time.Millisecond), smtpcore.FormatSize(written.Load()), err)
	case <-time.After(2 * ioTimeout):
		t.Fatal("the client's writes never failed: the server did not drop it")
	}
	w.check(t, "a client that never reads", written.Load())
	sessionsDrain(t, srv)
	stillServes(t, addr)
}

// smallBuffers shrinks the socket buffers so that a client that does not
// read fills them quickly.
func smallBuffers(network, address string, rc syscall.RawConn) error {
	var serr error
	err := rc.Control(func(fd uintptr) {
		serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096)
	})
	if err != nil {
		return err
	}
	return serr
}

// TestAttackTrickle holds the only connection slot by sending one byte every
// 50 ms, never finishing a command, or never finishing a message text: the
// slot is refused to others (421 4.3.2) only until the timeout ends the
// trickler with 421 4.4.2, and then a new client is served.
func TestAttackTrickle(t *testing.T) {
	tests := []struct {
		name    string
		prelude func(c *client)
		limit   time.Duration
	}{
		{"command", func(c *client) {}, time.Second},
		{"DATA text", func(c *client) {
			c.ehlo("trickler.test")
			c.cmd("MAIL FROM:<a@trickler.test>", 250, "2.1.0")
			c.cmd("RCPT TO:<b@victim.test>", 250, "2.1.5")
			c.cmd("DATA", 354, "")
		}, 1500 * time.Millisecond},
		{"BDAT chunk", func(c *client) {
			c.ehlo("trickler.test")
			c.cmd("MAIL FROM:<a@trickler.test>", 250, "2.1.0")
			c.cmd("RCPT TO:<b@victim.test>", 250, "2.1.5")
			c.send("BDAT 1000000 LAST\r\n")
		}, 1500 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _, addr := listenServer(t, Config{
				MaxConnections: 1,
				CommandTimeout: time.Second,
				DataTimeout:    1500 * time.Millisecond,
			})
			c := dialSession(t, addr)
			tt.prelude(c)
			start := time.Now()
			defer c.trickle(50 * time.Millisecond)()
			refused, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatalf("dial: %v", err)
			}
			(&client{t: t, c: refused, r: bufio.NewReader(refused)}).expect(421, "4.3.2")
			refused.Close()
			c.expect(421, "4.4.2")
			if d := time.Since(start); d > tt.limit+2*time.Second {
				t.Errorf("the trickler held the slot %v, want about %v", d, tt.limit)
			}
			sessionsDrain(t, srv)
			stillServes(t, addr)
		})
	}
}

// TestAttackConnectionLimits opens connections from three loopback addresses
// against MaxConnections 4 and MaxConnectionsPerIP 2, then a burst of 100:
// each one over a limit gets 421 4.3.2 naming the limit and is closed, the
// admitted ones keep working, and a freed slot is reused.
func TestAttackConnectionLimits(t *testing.T) {
	srv, _, addr := listenServer(t, Config{MaxConnections: 4, MaxConnectionsPerIP: 2, LimitLoopback: true})
	from := func(ip string) (net.Conn, *client) {
		t.Helper()
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: ioTimeout}
		conn, err := d.Dial("tcp", addr)
		if err != nil {
			t.Skipf("cannot dial from %s (loopback aliases needed): %v", ip, err)
		}
		t.Cleanup(func() { conn.Close() })
		return conn, &client{t: t, c: conn, r: bufio.NewReader(conn)}
	}
	admitted := map[string][]*client{}
	for _, ip := range []string{"127.0.0.1", "127.0.0.2"} {
		for range 2 {
			_, c := from(ip)
			c.expect(220, "")
			admitted[ip] = append(admitted[ip], c)
		}
		_, c := from(ip)
		r := c.expect(421, "4.3.2")
		c.expectClosed()
		if ip == "127.0.0.1" && !strings.Contains(r.Text, "your address") {
			t.Errorf("per-address refusal %q does not say so", r.Error())
		}
	}
	_, c := from("127.0.0.3")
	if r := c.expect(421, "4.3.2"); strings.Contains(r.Text, "your address") {
		t.Errorf("overall refusal %q blames the client's address", r.Error())
	}
	burst := make(chan error, 100)
	for range cap(burst) {
		go func() {
			conn, err := net.DialTimeout("tcp", addr, ioTimeout)
			if err != nil {
				burst <- err
				return
			}
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(ioTimeout))
			r, _, err := smtpcore.ReadReply(bufio.NewReader(conn))
			if err == nil && (r.Code != 421 || r.Enhanced != "4.3.2") {
				err = fmt.Errorf("burst connection got %q, want 421 4.3.2", r.Error())
			}
			burst <- err
		}()
	}
	for range cap(burst) {
		if err := <-burst; err != nil {
			t.Error(err)
		}
	}
	for _, cs := range admitted {
		for _, c := range cs {
			c.cmd("NOOP", 250, "2.0.0")
		}
	}
	admitted["127.0.0.2"][0].cmd("QUIT", 221, "2.0.0")
	deadline := time.Now().Add(ioTimeout)
	for { // the freed slot goes to the next client once the server has seen the QUIT through
		_, c := from("127.0.0.3")
		r := c.read()
		if r.Code == 220 {
			c.cmd("NOOP", 250, "2.0.0")
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no slot after a session ended: %q", r.Error())
		}
		time.Sleep(10 * time.Millisecond)
	}
	srv.mu.Lock()
	n := len(srv.sessions)
	srv.mu.Unlock()
	if n != 4 {
		t.Errorf("server holds %d sessions, want 4", n)
	}
}

// TestAttackAuthGuessing guesses passwords over STARTTLS: every failure is
// answered only after AuthFailDelay, the MaxAuthFailures-th closes the
// session with 421 4.7.0, and other clients are served meanwhile.
func TestAttackAuthGuessing(t *testing.T) {
	const delay = 200 * time.Millisecond
	// bcrypt at its lowest cost: the race detector makes the default cost take seconds.
	hash, err := bcrypt.GenerateFromPassword([]byte("right"), bcrypt.MinCost)
	if err != nil {
		t.Fatalf("bcrypt: %v", err)
	}
	users := filepath.Join(t.TempDir(), "users")
	if err := os.WriteFile(users, []byte("alice:"+string(hash)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, addr := listenServer(t, Config{Auth: users, AuthFailDelay: delay, MaxAuthFailures: 3})
	c := dialSession(t, addr)
	c.ehlo("guesser.test")
	c.cmd("STARTTLS", 220, "2.0.0")
	c.startTLS()
	c.ehlo("guesser.test")
	for i, guess := range []string{"123456", "password", "letmein"} {
		start := time.Now()
		c.cmd("AUTH PLAIN "+plainResponse("alice", guess), 535, "5.7.8")
		if d := time.Since(start); d < delay {
			t.Errorf("failure %d answered after %v, want at least %v", i+1, d, delay)
		}
		if i == 0 {
			stillServes(t, addr) // a guesser does not hold up anyone else
		}
	}
	c.expect(421, "4.7.0")
	c.expectClosed()
	stillServes(t, addr)
}

// TestServerNeverDialsOut backs "the server never relays": no file of the
// server and its subpackages opens an outgoing connection or imports an SMTP
// client. A message for any domain is only ever stored.
func TestServerNeverDialsOut(t *testing.T) {
	forbiddenImports := map[string]bool{"net/smtp": true, "net/http": true, "github.com/emersion/go-smtp": true}
	for _, dir := range []string{".", "store", "sasl", "certs"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
			if err != nil {
				t.Fatalf("parsing %s: %v", path, err)
			}
			for _, imp := range f.Imports {
				if p := strings.Trim(imp.Path.Value, `"`); forbiddenImports[p] {
					t.Errorf("%s imports %s", path, p)
				}
			}
			ast.Inspect(f, func(n ast.Node) bool {
				sel, ok := n.(*ast.SelectorExpr)
				if ok && (strings.HasPrefix(sel.Sel.Name, "Dial") || sel.Sel.Name == "Dialer") {
					if x, ok := sel.X.(*ast.Ident); ok {
						t.Errorf("%s uses %s.%s: the server must not connect anywhere", path, x.Name, sel.Sel.Name)
					}
				}
				return true
			})
		}
	}
}

// TestDefaultsExposeNothing backs the defaults SECURITY.md lists: the zero
// Config listens on loopback only, offers no AUTH, sends no password in the
// clear, and has every limit on.
func TestDefaultsExposeNothing(t *testing.T) {
	c := Config{}.withDefaults()
	host, _, err := net.SplitHostPort(c.Listen)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		t.Errorf("default Listen = %q, want a loopback address", c.Listen)
	}
	if c.Auth != "off" || c.AllowInsecureAuth || c.TLSListen != "" || c.AllowBareLF {
		t.Errorf("defaults Auth %q, AllowInsecureAuth %v, TLSListen %q, AllowBareLF %v; want off, false, none, false",
			c.Auth, c.AllowInsecureAuth, c.TLSListen, c.AllowBareLF)
	}
	limits := []struct {
		name      string
		got, want int64
	}{
		{"MaxMessageBytes", c.MaxMessageBytes, 25 << 20},
		{"MaxRecipients", int64(c.MaxRecipients), 100},
		{"MaxConnections", int64(c.MaxConnections), 256},
		{"MaxConnectionsPerIP", int64(c.MaxConnectionsPerIP), 32},
		{"MaxLineLength", int64(c.MaxLineLength), 2048},
		{"CommandTimeout", int64(c.CommandTimeout), int64(5 * time.Minute)},
		{"DataTimeout", int64(c.DataTimeout), int64(10 * time.Minute)},
		{"MaxBadCommands", int64(c.MaxBadCommands), 20},
		{"MaxAuthFailures", int64(c.MaxAuthFailures), 3},
		{"AuthFailDelay", int64(c.AuthFailDelay), int64(time.Second)},
	}
	for _, l := range limits {
		if l.got != l.want {
			t.Errorf("default %s = %d, want %d (as SECURITY.md says)", l.name, l.got, l.want)
		}
	}
}

// TestAttackTraceInjection tries to forge header fields through the EHLO
// name and the envelope: a CR or LF in a command is refused, and whatever
// else the name holds reaches the Received field as one harmless token.
func TestAttackTraceInjection(t *testing.T) {
	srv, st := testServer(t, Config{Hostname: "mx.test"})
	c := pipeSession(t, srv)
	c.cmd("EHLO evil.test\rX-Injected: 1", 500, "5.5.2")
	c.ehlo("evil.test\tX-Evil: 1 (é) \")\\ (")
	c.cmd("MAIL FROM:<a@x.test\r>", 500, "5.5.2")
	id := c.deliver(`"q\"uote"@x.test`, []string{"b@y.test"}, "Subject: trace\r\n\r\nx\r\n")
	msg := stored(t, st, id)
	head, _, _ := strings.Cut(msg, "\r\nSubject: trace\r\n")
	for i, line := range strings.Split(head, "\r\n") {
		if i > 1 && !strings.HasPrefix(line, "\t") {
			t.Errorf("trace line %d %q is not a continuation: a field was injected\n%s", i, line, head)
		}
		for _, b := range []byte(line) {
			if b >= 0x7f || b < ' ' && b != '\t' {
				t.Errorf("trace line %q holds byte %#x", line, b)
			}
		}
	}
	if !strings.HasPrefix(head, "Return-Path: <\"q\\\"uote\"@x.test>\r\nReceived: from evil.test?X-Evil:?1?") {
		t.Errorf("trace = %q, want the EHLO name as one cleaned token", head)
	}
}
