package server

import (
	"bufio"
	"crypto/hmac"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"letterbox/server/sasl"
	"letterbox/smtpcore"
)

// credentialsFile writes a credentials file with alice:right (bcrypt at its
// lowest cost, so tests stay fast under -race) and returns its path.
func credentialsFile(t *testing.T) string {
	t.Helper()
	hash, err := bcrypt.GenerateFromPassword([]byte("right"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "users")
	if err := os.WriteFile(path, []byte("alice:"+string(hash)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestAuthEmptyAndCancelledInitialResponse: RFC 4954 §4 — "=" as the
// initial response is an empty response, not a decoding error: PLAIN with no
// credentials fails with 535 5.7.8 (and counts as a failure); "*" cancels
// with 501. Before the fix both got "501 5.5.2 Cannot decode response".
func TestAuthEmptyAndCancelledInitialResponse(t *testing.T) {
	srv, _ := testServer(t, Config{Auth: credentialsFile(t), AllowInsecureAuth: true, MaxAuthFailures: 3})
	c := pipeSession(t, srv)
	c.ehlo("client.test")
	c.cmd("AUTH PLAIN =", 535, "5.7.8")
	c.cmd("AUTH PLAIN", 334, "")
	c.cmd("", 535, "5.7.8") // the empty response after the challenge
	if r := c.cmd("AUTH LOGIN =", 501, "5.5.2"); r.Text == "Cannot decode response" {
		t.Errorf("AUTH LOGIN = -> %q: an empty response is not a decoding error", r.Error())
	}
	c.cmd("AUTH PLAIN *", 501, "5.0.0")
	c.cmd("AUTH LOGIN *", 501, "5.0.0")
	c.cmd("AUTH PLAIN !!!", 501, "5.5.2")
	c.cmd("AUTH PLAIN "+plainResponse("alice", "right"), 235, "2.7.0")
}

// TestAuthNothingBeforeTLSWithCredentialsFile: with a credentials file, EHLO
// offers no AUTH before STARTTLS and AUTH gets 538 5.7.11 (RFC 4954 §6),
// CRAM-MD5 included (a sniffed exchange can be attacked offline); after TLS,
// or with AllowInsecureAuth, every mechanism is offered (issue 13 §8).
// Before the fix CRAM-MD5 was offered and accepted in clear.
func TestAuthNothingBeforeTLSWithCredentialsFile(t *testing.T) {
	line, err := sasl.HashPassword("alice", "right")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "users")
	if err := os.WriteFile(path, []byte(line+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	srv, _ := testServer(t, Config{Auth: path})
	c := pipeSession(t, srv)
	if ext := strings.Join(c.ehlo("client.test"), "|"); strings.Contains(ext, "AUTH") {
		t.Errorf("EHLO before TLS = %q, want no AUTH", ext)
	}
	c.cmd("AUTH CRAM-MD5", 538, "5.7.11")
	c.cmd("AUTH PLAIN "+plainResponse("alice", "right"), 538, "5.7.11")
	c.cmd("AUTH LOGIN", 538, "5.7.11")
	c.cmd("AUTH NTLM", 504, "5.5.4")
	c.cmd("STARTTLS", 220, "")
	c.startTLS()
	if ext := strings.Join(c.ehlo("client.test"), "|"); !strings.Contains(ext, "AUTH PLAIN LOGIN CRAM-MD5") {
		t.Errorf("EHLO after TLS = %q, want AUTH PLAIN LOGIN CRAM-MD5", ext)
	}
	c.cmd("AUTH PLAIN "+plainResponse("alice", "right"), 235, "2.7.0")

	insecure, _ := testServer(t, Config{Auth: path, AllowInsecureAuth: true})
	c = pipeSession(t, insecure)
	if ext := strings.Join(c.ehlo("client.test"), "|"); !strings.Contains(ext, "AUTH PLAIN LOGIN CRAM-MD5") {
		t.Errorf("EHLO with AllowInsecureAuth = %q, want AUTH PLAIN LOGIN CRAM-MD5", ext)
	}
	r := c.cmd("AUTH CRAM-MD5", 334, "")
	challenge, _ := base64.StdEncoding.DecodeString(r.Text)
	mac := hmac.New(md5.New, []byte("right"))
	mac.Write(challenge)
	c.cmd(b64("alice "+hex.EncodeToString(mac.Sum(nil))), 235, "2.7.0")
}

// gateAuth is a verifier that counts the checks running at once and holds
// each until the test releases it.
type gateAuth struct {
	sasl.Authenticator
	active, peak atomic.Int32
	release      chan struct{}
	stop         chan struct{} // closed at the end of the test: every check returns
}

func (g *gateAuth) CheckPassword(user, pass string) bool {
	n := g.active.Add(1)
	for p := g.peak.Load(); n > p && !g.peak.CompareAndSwap(p, n); p = g.peak.Load() {
	}
	select {
	case <-g.release:
	case <-g.stop:
	}
	g.active.Add(-1)
	return false
}

// TestAuthOneCheckAtATimePerAddress: 32 parallel guessers from one address
// get their passwords checked one at a time (issue 13 §8: they kept 1.4
// cores busy with bcrypt). The verifier counts the checks in progress; the
// test lets one finish only when every other guesser is queued, so it sees
// any overlap. Without the per-address slot all 32 ran at once.
func TestAuthOneCheckAtATimePerAddress(t *testing.T) {
	const guessers = 32
	srv, _, addr := listenServer(t, Config{Auth: credentialsFile(t), AllowInsecureAuth: true, MaxConnectionsPerIP: guessers})
	gate := &gateAuth{Authenticator: srv.auth, release: make(chan struct{}), stop: make(chan struct{})}
	srv.auth = gate
	t.Cleanup(func() { close(gate.stop) }) // runs before the server's Shutdown
	replies := make(chan error, guessers)
	for i := range guessers {
		go func() { replies <- guess(addr, fmt.Sprintf("user%d", i)) }()
	}
	for remaining := guessers; remaining > 0; remaining-- {
		deadline := time.Now().Add(ioTimeout)
		for !(gate.active.Load() == 1 && srv.slots.users("127.0.0.1") == remaining) && gate.active.Load() < int32(remaining) {
			if time.Now().After(deadline) {
				t.Fatalf("%d guessers left: %d checks running, %d holding or queued for the slot", remaining, gate.active.Load(), srv.slots.users("127.0.0.1"))
			}
			time.Sleep(time.Millisecond) // poll: the guessers run on their own goroutines
		}
		if p := gate.peak.Load(); p > 1 {
			t.Fatalf("%d password checks ran at once for one address, want at most 1", p)
		}
		gate.release <- struct{}{}
	}
	for range guessers {
		if err := <-replies; err != nil {
			t.Error(err)
		}
	}
}

// guess connects, says EHLO and tries one wrong password; it wants 535.
func guess(addr, user string) error {
	conn, err := net.DialTimeout("tcp", addr, ioTimeout)
	if err != nil {
		return err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(2 * ioTimeout))
	r := bufio.NewReader(conn)
	for _, step := range []struct {
		line string
		want int
	}{{"", 220}, {"EHLO guesser.test", 250}, {"AUTH PLAIN " + plainResponse(user, "guess"), 535}} {
		if step.line != "" {
			if _, err := io.WriteString(conn, step.line+"\r\n"); err != nil {
				return fmt.Errorf("%s: %v", user, err)
			}
		}
		reply, _, err := smtpcore.ReadReply(r)
		if err != nil || reply.Code != step.want {
			return fmt.Errorf("%s: %q -> %v, %v; want %d", user, step.line, reply, err, step.want)
		}
	}
	return nil
}
