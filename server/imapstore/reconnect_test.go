package imapstore

import (
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"letterbox/server/store"
)

// cutProxy forwards TCP connections to a server and can cut them all, as a
// network failure or a server restart would.
type cutProxy struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln}
	t.Cleanup(func() { ln.Close(); p.cut() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { io.Copy(s, c); s.Close() }()
			go func() { io.Copy(c, s); c.Close() }()
		}
	}()
	return p
}

func (p *cutProxy) cut() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := len(p.conns) / 2
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
	return n
}

// TestRemoteReconnects: after every connection is cut, the store makes its
// IDLE connection again (back-off from MinBackoff), catches up with mail
// delivered meanwhile, and the next command redials.
func TestRemoteReconnects(t *testing.T) {
	st, direct, dv := served(t, 2)
	direct.Close()
	proxy := newCutProxy(t, dv.Addr)
	rs, err := Dial(Config{Addr: proxy.ln.Addr().String(), Security: StartTLS, TLS: dv.TLSConfig(),
		Username: dv.User, Password: dv.Password, MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	events, cancel := rs.Subscribe(16)
	defer cancel()
	// Wait until both connections (commands and IDLE) are up.
	deadline := time.Now().Add(5 * time.Second)
	for {
		proxy.mu.Lock()
		n := len(proxy.conns)
		proxy.mu.Unlock()
		if n == 4 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d connections through the proxy, want 2", n/2)
		}
		time.Sleep(10 * time.Millisecond) // polling with a deadline
	}
	if n := proxy.cut(); n != 2 {
		t.Fatalf("cut %d connections", n)
	}
	deliver(t, st, message(500))
	if e := nextEvent(t, events, store.Added); e.Summary.Subject != "message 500" {
		t.Errorf("Added %+v", e.Summary)
	}
	if _, total, err := rs.List(store.Query{}); err != nil || total != 3 {
		t.Errorf("List after the cut = %d, %v", total, err)
	}
}
