package server

// Load (issue 5 §7): many idle connections held at once while new clients are
// served, and many sessions delivering many messages with every fsync on.
// Figures (memory per idle connection, messages per second) are logged with
// t.Logf; the benchmarks are where they are measured for the record. Normal
// runs use 20 sessions × 50 messages; LETTERBOX_LONG=1 runs the issue's
// 100 × 100.

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sirupsen/logrus/hooks/test"

	"letterbox/server/store"
)

// idleConnBound is a loose sanity bound on what one idle connection costs
// the process (heap and stacks, server and client side together); the design
// target of 64 KB is for the benchmark to report.
const idleConnBound = 256 << 10

// raiseFileLimit makes room for n more open files, or skips the test.
func raiseFileLimit(t *testing.T, n uint64) {
	t.Helper()
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Skipf("cannot read RLIMIT_NOFILE: %v", err)
	}
	want := n + 256 // the test binary's own files, the store, the race runtime
	if lim.Cur >= want {
		return
	}
	old := lim
	lim.Cur = min(want, lim.Max)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil || lim.Cur < want {
		t.Skipf("need %d open files, RLIMIT_NOFILE is %d (hard %d): %v", want, old.Cur, old.Max, err)
	}
	t.Cleanup(func() { syscall.Setrlimit(syscall.RLIMIT_NOFILE, &old) })
}

// memInUse is the heap and the goroutine stacks in use after a GC.
func memInUse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse + ms.StackInuse
}

// TestLoadIdleConnections holds 1,000 idle sessions open, checks that new
// clients are still served and that the idle ones still answer, and logs
// what each idle connection costs.
func TestLoadIdleConnections(t *testing.T) {
	const idle = 1000
	raiseFileLimit(t, 2*idle+50) // both ends live in this process
	srv, _, addr := listenServer(t, Config{MaxConnections: idle + 10, MaxConnectionsPerIP: idle + 10})
	before := memInUse()
	conns := make([]net.Conn, 0, idle)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	greeting := make([]byte, 256)
	for i := range idle {
		c, err := net.DialTimeout("tcp", addr, ioTimeout)
		if err != nil {
			t.Fatalf("connection %d: %v", i+1, err)
		}
		conns = append(conns, c)
		c.SetReadDeadline(time.Now().Add(ioTimeout))
		n, err := c.Read(greeting) // a greeting fits one read on loopback
		if err != nil || !bytes.HasPrefix(greeting[:n], []byte("220 ")) {
			t.Fatalf("connection %d: greeting %q, %v; want 220", i+1, greeting[:n], err)
		}
	}
	after := memInUse()
	per := (int64(after) - int64(before)) / idle
	t.Logf("%d idle connections: %d bytes each (heap and stacks, server and client side; target under 64 KB)", idle, per)
	if per > idleConnBound {
		t.Errorf("an idle connection costs %d bytes, want under %d", per, idleConnBound)
	}
	for range 3 {
		stillServes(t, addr)
	}
	for i := 0; i < idle; i += 97 { // a sample of the idle ones is still served
		c := &client{t: t, c: conns[i], r: bufio.NewReader(conns[i])}
		c.cmd("NOOP", 250, "2.0.0")
	}
	for _, c := range conns {
		c.Close()
	}
	conns = nil
	sessionsDrain(t, srv)
}

// TestLoadManySessions runs concurrent sessions that each deliver a run of
// distinct messages on a store that fsyncs every message: every one is
// acknowledged, and the store holds exactly those, byte for byte.
func TestLoadManySessions(t *testing.T) {
	sessions, messages := 20, 50
	if longRun() {
		sessions, messages = 100, 100
	}
	st, err := store.Open(t.TempDir(), store.Options{}) // durable: fsync on
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	log, _ := test.NewNullLogger()
	srv, err := New(Config{Listen: "127.0.0.1:0", MaxConnectionsPerIP: sessions, Logger: log}, st)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if err := srv.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { srv.Shutdown(context.Background()) })
	addr := srv.Addr().String()

	start := time.Now()
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		sent = map[string]string{} // id → message text
		errs []error
	)
	for who := range sessions {
		wg.Go(func() {
			got, err := loadSession(addr, who, messages)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
			}
			for id, text := range got {
				sent[id] = text
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	for _, err := range errs {
		t.Error(err)
	}
	total := sessions * messages
	t.Logf("%d sessions × %d messages with fsync: %v, %.0f messages/s",
		sessions, messages, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds())
	if len(sent) != total {
		t.Fatalf("%d distinct messages acknowledged, want %d", len(sent), total)
	}
	if _, n, err := st.List(store.Query{}); err != nil || n != total {
		t.Errorf("store lists %d messages (%v), want %d", n, err, total)
	}
	for id, text := range sent {
		if got := bodyOf(t, stored(t, st, id)); got != text {
			t.Fatalf("message %s = %q, want %q", id, shorten(got), shorten(text))
		}
	}
}

// loadSession delivers n distinct messages on one session and returns what
// was acknowledged, id → text. It runs on its own goroutine, so it returns
// errors rather than failing the test.
func loadSession(addr string, who, n int) (map[string]string, error) {
	c, err := net.DialTimeout("tcp", addr, ioTimeout)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	cl := &client{c: c, r: bufio.NewReader(c)}
	step := func(text string, want ...int) error {
		c.SetDeadline(time.Now().Add(ioTimeout))
		return cl.exchange(text, want...)
	}
	if err := step("", 220); err != nil {
		return nil, fmt.Errorf("session %d: %w", who, err)
	}
	if err := step("EHLO load.test\r\n", 250); err != nil {
		return nil, fmt.Errorf("session %d: %w", who, err)
	}
	acked := map[string]string{}
	for m := range n {
		text := fmt.Sprintf("From: s%d@load.test\r\nSubject: session %d message %d\r\n\r\n%s", who, who, m,
			strings.Repeat(fmt.Sprintf("line of message %d.%d\r\n", who, m), 20+m%7))
		if err := step(fmt.Sprintf("MAIL FROM:<s%d@load.test>\r\nRCPT TO:<r%d@load.test>\r\nDATA\r\n", who, m), 250, 250, 354); err != nil {
			return acked, fmt.Errorf("session %d message %d: %w", who, m, err)
		}
		c.SetDeadline(time.Now().Add(ioTimeout))
		if _, err := c.Write([]byte(text + ".\r\n")); err != nil {
			return acked, fmt.Errorf("session %d message %d: %w", who, m, err)
		}
		r, raw, err := readReply(cl)
		if err != nil || r.Code != 250 {
			return acked, fmt.Errorf("session %d message %d: reply %q, %v; want 250", who, m, raw, err)
		}
		acked[strings.TrimPrefix(r.Text, "OK queued as ")] = text
	}
	return acked, step("QUIT\r\n", 221)
}
