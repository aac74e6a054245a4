package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// startServer runs srv on 127.0.0.1:0 until the test ends.
func startServer(t *testing.T, cfg Config) (*Server, string) {
	t.Helper()
	srv, _, addr := listenServer(t, cfg)
	return srv, addr
}

func TestConcurrentClients(t *testing.T) {
	const clients, messages = 50, 20
	cfg := Config{Listen: "127.0.0.1:0", MaxConnectionsPerIP: clients}
	srv, st := testServer(t, cfg)
	if err := srv.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer srv.Shutdown(context.Background())
	addr := srv.Addr().String()
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		ids  = map[string]string{}
		errs []error
	)
	for i := range clients {
		wg.Go(func() {
			got, err := sendMessages(addr, i, messages)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
			}
			for id, subject := range got {
				ids[id] = subject
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		t.Error(err)
	}
	if len(ids) != clients*messages {
		t.Fatalf("%d distinct messages acknowledged, want %d", len(ids), clients*messages)
	}
	if n := countNew(t, st); n != clients*messages {
		t.Errorf("%d messages in new/, want %d", n, clients*messages)
	}
	for id, subject := range ids {
		if msg := stored(t, st, id); !strings.Contains(msg, "Subject: "+subject+"\r\n") {
			t.Fatalf("message %s does not hold %q: %q", id, subject, shorten(msg))
		}
	}
}

// sendMessages is a client goroutine: it may not call t.Fatal, so it returns
// errors. It pipelines MAIL, RCPT and DATA as RFC 2920 allows.
func sendMessages(addr string, who, n int) (map[string]string, error) {
	c, err := net.DialTimeout("tcp", addr, ioTimeout)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(60 * time.Second))
	cl := &client{c: c, r: newReader(c)}
	script := []struct {
		send string
		want int
	}{{"", 220}, {"EHLO c.test\r\n", 250}}
	for _, s := range script {
		if err := cl.exchange(s.send, s.want); err != nil {
			return nil, fmt.Errorf("client %d: %w", who, err)
		}
	}
	ids := map[string]string{}
	for m := range n {
		subject := fmt.Sprintf("client %d message %d", who, m)
		if err := cl.exchange("MAIL FROM:<a@x.test>\r\nRCPT TO:<b@y.test>\r\nDATA\r\n", 250, 250, 354); err != nil {
			return ids, fmt.Errorf("client %d: %w", who, err)
		}
		if _, err := c.Write([]byte("Subject: " + subject + "\r\n\r\n" + strings.Repeat("body line\r\n", 50) + ".\r\n")); err != nil {
			return ids, err
		}
		r, _, err := readReply(cl)
		if err != nil || r.Code != 250 {
			return ids, fmt.Errorf("client %d message %d: %v %v", who, m, r, err)
		}
		ids[strings.TrimPrefix(r.Text, "OK queued as ")] = subject
	}
	return ids, cl.exchange("QUIT\r\n", 221)
}

// exchange sends text and checks one reply per wanted code.
func (c *client) exchange(text string, want ...int) error {
	if text != "" {
		if _, err := c.c.Write([]byte(text)); err != nil {
			return err
		}
	}
	for _, code := range want {
		r, raw, err := readReply(c)
		if err != nil {
			return fmt.Errorf("after %q: %w (%q)", text, err, raw)
		}
		if r.Code != code {
			return fmt.Errorf("after %q: got %q, want %d", text, r.Error(), code)
		}
	}
	return nil
}

func TestMaxConnections(t *testing.T) {
	t.Run("overall", func(t *testing.T) {
		_, addr := startServer(t, Config{MaxConnections: 2})
		a, b := dialSession(t, addr), dialSession(t, addr)
		third, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		c := &client{t: t, c: third, r: newReader(third)}
		defer third.Close()
		c.expect(421, "4.3.2")
		c.expectClosed()
		a.cmd("QUIT", 221, "")
		a.expectClosed()
		// The slot is free again once the server has seen a's session end.
		deadline := time.Now().Add(ioTimeout)
		for {
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			d := &client{t: t, c: conn, r: newReader(conn)}
			r := d.read()
			conn.Close()
			if r.Code == 220 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("no slot after a session ended: %q", r.Error())
			}
		}
		b.cmd("NOOP", 250, "")
	})
	t.Run("per address", func(t *testing.T) {
		_, addr := startServer(t, Config{MaxConnectionsPerIP: 1, LimitLoopback: true})
		dialSession(t, addr)
		second, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer second.Close()
		c := &client{t: t, c: second, r: newReader(second)}
		r := c.expect(421, "4.3.2")
		if !strings.Contains(r.Text, "your address") {
			t.Errorf("reply %q does not say the limit is per address", r.Error())
		}
	})
}

func TestStartAddressInUse(t *testing.T) {
	_, addr := startServer(t, Config{})
	srv, _ := testServer(t, Config{Listen: addr})
	err := srv.Start()
	if err == nil || !strings.Contains(err.Error(), addr) {
		t.Fatalf("Start on a busy address = %v, want an error naming %s", err, addr)
	}
}

func TestWarnings(t *testing.T) {
	srv, _ := startServer(t, Config{})
	if w := srv.Warnings(); len(w) != 0 {
		t.Errorf("Warnings() on loopback = %q, want none", w)
	}
	if got := exposureWarnings(&net.TCPAddr{IP: net.IPv4zero, Port: 2525}, Config{Auth: "any"}); len(got) != 2 ||
		!strings.Contains(got[0], "non-loopback address 0.0.0.0:2525") {
		t.Errorf("exposureWarnings(0.0.0.0:2525) = %q, want the address warning and the AUTH any warning", got)
	}
}

func TestShutdownLetsDataFinish(t *testing.T) {
	srv, st := testServer(t, Config{Listen: "127.0.0.1:0"})
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	addr := srv.Addr().String()
	busy, idle := dialSession(t, addr), dialSession(t, addr)
	busy.ehlo("client.test")
	busy.cmd("MAIL FROM:<a@x.test>", 250, "")
	busy.cmd("RCPT TO:<b@y.test>", 250, "")
	busy.cmd("DATA", 354, "")
	busy.send("Subject: in flight\r\n\r\nfirst half\r\n")

	result := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
		defer cancel()
		result <- srv.Shutdown(ctx)
	}()
	idle.expect(421, "4.3.2") // proves Shutdown has begun
	idle.expectClosed()
	if _, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		t.Error("server still accepts connections after Shutdown began")
	}
	busy.send("second half\r\n.\r\n")
	id := queuedID(t, busy.expect(250, "2.0.0"))
	busy.send("NOOP\r\n")
	busy.expect(421, "4.3.2")
	if err := <-result; err != nil {
		t.Errorf("Shutdown = %v, want nil", err)
	}
	if msg := stored(t, st, id); !strings.HasSuffix(msg, "first half\r\nsecond half\r\n") {
		t.Errorf("stored %q, want the whole message", shorten(msg))
	}
}

func TestShutdownDeadline(t *testing.T) {
	srv, st := testServer(t, Config{Listen: "127.0.0.1:0"})
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	busy := dialSession(t, srv.Addr().String())
	busy.ehlo("client.test")
	busy.cmd("MAIL FROM:<a@x.test>", 250, "")
	busy.cmd("RCPT TO:<b@y.test>", 250, "")
	busy.cmd("DATA", 354, "")
	busy.send("Subject: never finished\r\n\r\n")
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := srv.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown = %v, want context.DeadlineExceeded", err)
	}
	busy.expect(421, "4.3.2")
	busy.expectClosed()
	if n := countNew(t, st); n != 0 {
		t.Errorf("%d messages stored, want 0", n)
	}
}

// A client that says QUIT, reads 221 and connects again at once takes the
// slot its last session held: the slot is free before the 221 goes out.
func TestQuitFreesTheSlotBeforeGoodbye(t *testing.T) {
	_, addr := startServer(t, Config{MaxConnectionsPerIP: 1, LimitLoopback: true})
	for i := range 200 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatalf("dial #%d: %v", i, err)
		}
		buf := make([]byte, 512)
		c.SetDeadline(time.Now().Add(ioTimeout))
		n, _ := c.Read(buf)
		if !strings.HasPrefix(string(buf[:n]), "220 ") {
			c.Close()
			t.Fatalf("connection #%d right after a QUIT got %q, want 220", i, buf[:n])
		}
		fmt.Fprintf(c, "QUIT\r\n")
		n, _ = c.Read(buf)
		c.Close()
		if !strings.HasPrefix(string(buf[:n]), "221 ") {
			t.Fatalf("QUIT #%d got %q, want 221", i, buf[:n])
		}
	}
}
