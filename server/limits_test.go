package server

import (
	"net"
	"testing"
)

// TestLoopbackExemptFromPerAddressLimit: by default 100 sessions at once
// from 127.0.0.1 are all greeted (a test suite on the same machine, issue 12
// §4); with LimitLoopback the 33rd gets 421 4.3.2, as any other address
// does. Before the fix the 33rd default session got 421 and this test failed.
func TestLoopbackExemptFromPerAddressLimit(t *testing.T) {
	for _, tt := range []struct {
		name     string
		cfg      Config
		admitted int // then one more is refused; 0 = all 100 admitted
	}{
		{"default", Config{}, 0},
		{"LimitLoopback", Config{LimitLoopback: true}, DefaultMaxConnsPerIP},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, addr := listenServer(t, tt.cfg)
			n := 100
			if tt.admitted > 0 {
				n = tt.admitted
			}
			for range n {
				dialSession(t, addr) // reads and checks the 220
			}
			if tt.admitted == 0 {
				return
			}
			conn, err := net.DialTimeout("tcp", addr, ioTimeout)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			c := &client{t: t, c: conn, r: newReader(conn)}
			c.expect(421, "4.3.2")
		})
	}
}

// TestPerAddressLimitStillAppliesToOthers: the exemption is for loopback
// only; any other address keeps MaxConnectionsPerIP.
func TestPerAddressLimitStillAppliesToOthers(t *testing.T) {
	srv, _ := testServer(t, Config{MaxConnectionsPerIP: 2})
	remote := &net.TCPAddr{IP: net.ParseIP("192.0.2.7"), Port: 40000}
	for i := range 3 {
		cc, sc := net.Pipe()
		done := make(chan struct{})
		go func() {
			defer close(done)
			srv.ServeConn(remoteConn{sc, remote})
		}()
		t.Cleanup(func() { cc.Close(); <-done })
		c := &client{t: t, c: cc, r: newReader(cc)}
		if i < 2 {
			c.expect(220, "")
		} else {
			c.expect(421, "4.3.2")
		}
	}
	for _, tt := range []struct {
		ip   string
		want bool
	}{
		{"127.0.0.1", false}, {"127.0.0.2", false}, {"::1", false},
		{"192.0.2.7", true}, {"2001:db8::1", true}, {"unknown", true},
	} {
		if got := srv.limitsAddress(tt.ip); got != tt.want {
			t.Errorf("limitsAddress(%q) = %v, want %v", tt.ip, got, tt.want)
		}
	}
	srv.cfg.LimitLoopback = true
	if !srv.limitsAddress("127.0.0.1") {
		t.Error("limitsAddress(127.0.0.1) with LimitLoopback = false, want true")
	}
}

// remoteConn is a connection that claims to come from addr.
type remoteConn struct {
	net.Conn
	addr net.Addr
}

func (c remoteConn) RemoteAddr() net.Addr { return c.addr }
