package server

import (
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/sirupsen/logrus/hooks/test"
)

// waitLog polls hook until an entry with message msg has been logged.
func waitLog(t *testing.T, hook *test.Hook, msg string) {
	t.Helper()
	deadline := time.Now().Add(ioTimeout)
	for {
		for _, e := range hook.AllEntries() {
			if e.Message == msg {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %q in the log: %v", msg, entries(hook))
		}
		time.Sleep(time.Millisecond) // poll: the session logs from its own goroutine
	}
}

// TestShutdownEndsAuthFailDelay: a session that sits in the pause before a
// failed AUTH is answered does not hold up Shutdown (issue 13 §9): the pause
// ends at once, the client gets its 535 and then 421, and Shutdown returns
// nil well before its context ends. Before the fix the pause was a
// time.Sleep of AuthFailDelay (an hour here) and Shutdown returned
// context.DeadlineExceeded.
func TestShutdownEndsAuthFailDelay(t *testing.T) {
	logger, hook := test.NewNullLogger()
	srv, _, addr := listenServer(t, Config{Auth: credentialsFile(t), AllowInsecureAuth: true, AuthFailDelay: time.Hour, Logger: logger})
	c := dialSession(t, addr)
	c.ehlo("client.test")
	c.send("AUTH PLAIN " + plainResponse("alice", "wrong") + "\r\n")
	waitLog(t, hook, "authentication failed") // logged as the pause begins
	ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown = %v, want nil: the AUTH-failure pause held it up", err)
	}
	c.expect(535, "5.7.8")
	c.expect(421, "4.3.2")
	c.expectClosed()
}

// TestShutdownEndsWaitForCredentialCheck: a session queued behind another
// one's credential check from the same address ends with 421 as soon as
// Shutdown begins.
func TestShutdownEndsWaitForCredentialCheck(t *testing.T) {
	srv, _, addr := listenServer(t, Config{Auth: credentialsFile(t), AllowInsecureAuth: true})
	gate := &gateAuth{Authenticator: srv.auth, release: make(chan struct{}), stop: make(chan struct{})}
	srv.auth = gate
	holder, waiter := dialSession(t, addr), dialSession(t, addr)
	holder.ehlo("holder.test")
	waiter.ehlo("waiter.test")
	holder.send("AUTH PLAIN " + plainResponse("alice", "wrong") + "\r\n")
	waitFor(t, "the holder's check to start", func() bool { return gate.active.Load() == 1 })
	waiter.send("AUTH PLAIN " + plainResponse("alice", "wrong") + "\r\n")
	waitFor(t, "the waiter to queue", func() bool { return srv.slots.users("127.0.0.1") == 2 })
	result := make(chan error, 1)
	go func() { result <- srv.Shutdown(context.Background()) }()
	waiter.expect(421, "4.3.2")
	waiter.expectClosed()
	close(gate.stop) // the holder's check ends; its session answers and goes
	holder.expect(535, "5.7.8")
	holder.expect(421, "4.3.2")
	if err := <-result; err != nil {
		t.Errorf("Shutdown = %v, want nil", err)
	}
}

// waitFor polls cond until it holds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(ioTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond) // poll: the sessions run on their own goroutines
	}
}

// failingListener is a net.Listener whose Accept fails with EMFILE until
// it is closed; each failure is announced on failed. It counts the calls
// of Close: Shutdown makes one, and the accept loop another as it returns.
type failingListener struct {
	failed    chan struct{}
	closeOnce sync.Once
	closed    chan struct{}
	closes    atomic.Int32
}

func newFailingListener() *failingListener {
	return &failingListener{failed: make(chan struct{}, 100), closed: make(chan struct{})}
}

func (l *failingListener) Accept() (net.Conn, error) {
	select {
	case <-l.closed:
		return nil, net.ErrClosed
	default:
	}
	select {
	case l.failed <- struct{}{}:
	default:
	}
	return nil, &net.OpError{Op: "accept", Net: "tcp", Err: syscall.EMFILE}
}

func (l *failingListener) Close() error {
	l.closes.Add(1)
	l.closeOnce.Do(func() { close(l.closed) })
	return nil
}

func (l *failingListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1} }

// TestShutdownEndsAcceptBackoff: Shutdown returns at once while an accept
// loop backs off after a failed Accept (an hour here), and only after that
// loop has returned (issue 13 §9). Before the fix the back-off was a
// time.Sleep and Shutdown did not wait for the loop: Serve was still
// running when Shutdown returned.
func TestShutdownEndsAcceptBackoff(t *testing.T) {
	logger, _ := test.NewNullLogger()
	logger.SetLevel(logrus.DebugLevel)
	srv, _ := testServer(t, Config{Logger: logger})
	srv.backoffMin, srv.backoffMax = time.Hour, time.Hour
	l := newFailingListener()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	<-l.failed // the loop now backs off for an hour
	ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown = %v, want nil", err)
	}
	// The loop closes its listener on its way out, before it is counted
	// done; Shutdown waits for that count, so the second Close has happened.
	if n := l.closes.Load(); n < 2 {
		t.Errorf("Shutdown returned while its accept loop was still running (%d Close calls, want 2)", n)
	}
	select {
	case err := <-served:
		if !errors.Is(err, ErrServerClosed) {
			t.Errorf("Serve = %v, want ErrServerClosed", err)
		}
	case <-time.After(ioTimeout):
		t.Error("Serve did not return after Shutdown")
	}
}

// TestShutdownReportsAbandonedSessions: a session that does not end even
// after its 421 (here: stuck in a credential check that never returns) is
// counted as abandoned in the *ShutdownError, which still matches
// context.DeadlineExceeded (issue 13 §9).
func TestShutdownReportsAbandonedSessions(t *testing.T) {
	srv, _, addr := listenServer(t, Config{Auth: credentialsFile(t), AllowInsecureAuth: true})
	gate := &gateAuth{Authenticator: srv.auth, release: make(chan struct{}), stop: make(chan struct{})}
	srv.auth = gate
	srv.abandonAfter = 100 * time.Millisecond // the stuck session will not end; no need to wait 4 s
	t.Cleanup(func() { close(gate.stop) })
	stuck, idle := dialSession(t, addr), dialSession(t, addr)
	stuck.ehlo("stuck.test")
	stuck.send("AUTH PLAIN " + plainResponse("alice", "wrong") + "\r\n")
	waitFor(t, "the check to start", func() bool { return gate.active.Load() == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := srv.Shutdown(ctx)
	var se *ShutdownError
	if !errors.As(err, &se) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown = %v, want a *ShutdownError wrapping context.DeadlineExceeded", err)
	}
	if se.Abandoned != 1 {
		t.Errorf("Shutdown = %+v, want 1 session abandoned", se)
	}
	idle.expect(421, "4.3.2")
}
