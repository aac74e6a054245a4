package server

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func TestSTARTTLS(t *testing.T) {
	srv, st := testServer(t, Config{Hostname: "mx.test"})
	if srv.Fingerprint() == "" {
		t.Fatal("Fingerprint() is empty although STARTTLS is on")
	}
	c := pipeSession(t, srv)
	c.ehlo("client.test")
	c.cmd("MAIL FROM:<a@x.test>", 250, "")
	c.cmd("STARTTLS", 220, "2.0.0")
	state := c.startTLS()
	// RFC 3207 §4.2: everything from before TLS is forgotten.
	c.cmd("MAIL FROM:<a@x.test>", 503, "5.5.1")
	ext := c.ehlo("client.test")
	if strings.Contains(strings.Join(ext, " "), "STARTTLS") {
		t.Errorf("EHLO after TLS still offers STARTTLS: %q", ext)
	}
	c.cmd("STARTTLS", 503, "5.5.1")
	id := c.deliver("a@x.test", []string{"b@y.test"}, simpleMessage)
	msg := stored(t, st, id)
	wantTLS := strings.ReplaceAll(tls.VersionName(state.Version), " ", "") + " " + tls.CipherSuiteName(state.CipherSuite)
	if !strings.Contains(msg, "with ESMTPS ("+wantTLS+")\r\n") {
		t.Errorf("Received = %q, want ESMTPS (%s)", shorten(msg), wantTLS)
	}
	rec, _ := st.Record(id)
	if rec.TLS == nil || rec.TLS.ServerName != "mx.test" || rec.Protocol != "ESMTPS" {
		t.Errorf("record TLS %+v protocol %q, want SNI mx.test and ESMTPS", rec.TLS, rec.Protocol)
	}
}

// TestSTARTTLSInjection sends a command in the same packet as STARTTLS, the
// attack of CVE-2011-0411: the server must not run it inside the TLS session.
func TestSTARTTLSInjection(t *testing.T) {
	srv, st := testServer(t, Config{})
	c := pipeSession(t, srv)
	c.ehlo("client.test")
	c.send("STARTTLS\r\nEHLO evil.test\r\nMAIL FROM:<evil@x.test>\r\nRCPT TO:<victim@y.test>\r\n")
	c.expect(220, "2.0.0")
	c.startTLS()
	c.cmd("RCPT TO:<b@y.test>", 503, "5.5.1") // no EHLO and no MAIL survived
	c.ehlo("client.test")
	c.cmd("RCPT TO:<b@y.test>", 503, "5.5.1")
	c.cmd("QUIT", 221, "2.0.0")
	c.expectClosed() // reads TLS close_notify, which the server's Close waits to write over net.Pipe
	<-c.done
	if n := countNew(t, st); n != 0 {
		t.Errorf("%d messages stored, want 0", n)
	}
}

func TestImplicitTLSListener(t *testing.T) {
	srv, st := testServer(t, Config{Listen: "127.0.0.1:0", TLSListen: "127.0.0.1:0"})
	if err := srv.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { srv.Shutdown(t.Context()) })
	conn, err := tls.Dial("tcp", srv.TLSAddr().String(), &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatalf("tls.Dial: %v", err)
	}
	defer conn.Close()
	c := &client{t: t, c: conn}
	c.r = newReader(conn)
	c.expect(220, "")
	ext := c.ehlo("client.test")
	if strings.Contains(strings.Join(ext, " "), "STARTTLS") {
		t.Errorf("implicit TLS session offers STARTTLS: %q", ext)
	}
	id := c.deliver("a@x.test", []string{"b@y.test"}, simpleMessage)
	if !strings.Contains(stored(t, st, id), " with ESMTPS (TLS") {
		t.Errorf("message over implicit TLS not marked ESMTPS: %q", shorten(stored(t, st, id)))
	}
}

func plainResponse(user, pass string) string {
	return base64.StdEncoding.EncodeToString([]byte("\x00" + user + "\x00" + pass))
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestAuthPlainNeedsTLS(t *testing.T) {
	srv, _ := testServer(t, Config{Auth: "any"})
	c := pipeSession(t, srv)
	c.ehlo("client.test")
	c.cmd("AUTH PLAIN "+plainResponse("u", "p"), 538, "5.7.11")
	c.cmd("AUTH LOGIN", 538, "5.7.11")
	c.cmd("AUTH NTLM", 504, "5.5.4")
	c.cmd("STARTTLS", 220, "")
	c.startTLS()
	ext := strings.Join(c.ehlo("client.test"), "|")
	if !strings.Contains(ext, "AUTH PLAIN LOGIN CRAM-MD5") {
		t.Errorf("EHLO over TLS = %q, want AUTH PLAIN LOGIN CRAM-MD5", ext)
	}
	c.cmd("AUTH PLAIN "+plainResponse("alice", "secret"), 235, "2.7.0")
	c.cmd("AUTH PLAIN "+plainResponse("alice", "secret"), 503, "5.5.1")
}

func TestAuthExchanges(t *testing.T) {
	srv, st := testServer(t, Config{Auth: "any", AllowInsecureAuth: true})
	t.Run("PLAIN with 334", func(t *testing.T) {
		c := pipeSession(t, srv)
		c.ehlo("client.test")
		if r := c.cmd("AUTH PLAIN", 334, ""); r.Text != "" {
			t.Errorf("PLAIN challenge = %q, want empty", r.Text)
		}
		c.cmd(plainResponse("bob", "hunter2"), 235, "2.7.0")
		id := c.deliver("a@x.test", []string{"b@y.test"}, simpleMessage)
		rec, _ := st.Record(id)
		if rec.AuthUser != "bob" || rec.Protocol != "ESMTPA" {
			t.Errorf("record auth %q protocol %q, want bob and ESMTPA", rec.AuthUser, rec.Protocol)
		}
		for _, e := range rec.Transcript {
			if strings.Contains(e.Text, plainResponse("bob", "hunter2")) || strings.Contains(e.Text, "hunter2") {
				t.Errorf("transcript leaks the AUTH payload: %q", e.Text)
			}
		}
		if msg := stored(t, st, id); !strings.Contains(msg, " with ESMTPA\r\n") {
			t.Errorf("Received lacks ESMTPA: %q", shorten(msg))
		}
	})
	t.Run("LOGIN", func(t *testing.T) {
		c := pipeSession(t, srv)
		c.ehlo("client.test")
		if r := c.cmd("AUTH LOGIN", 334, ""); r.Text != b64("Username:") {
			t.Errorf("LOGIN challenge = %q, want %q", r.Text, b64("Username:"))
		}
		c.cmd(b64("carol"), 334, "")
		c.cmd(b64("pw"), 235, "2.7.0")
	})
	t.Run("cancel", func(t *testing.T) {
		c := pipeSession(t, srv)
		c.ehlo("client.test")
		c.cmd("AUTH LOGIN", 334, "")
		c.cmd("*", 501, "5.0.0")
		c.cmd("AUTH PLAIN !!!notbase64", 501, "5.5.2")
		c.cmd("NOOP", 250, "2.0.0")
	})
	t.Run("CRAM-MD5", func(t *testing.T) {
		c := pipeSession(t, srv)
		c.ehlo("client.test")
		r := c.cmd("AUTH CRAM-MD5", 334, "")
		challenge, err := base64.StdEncoding.DecodeString(r.Text)
		if err != nil {
			t.Fatalf("challenge %q: %v", r.Text, err)
		}
		mac := hmac.New(md5.New, []byte("pw"))
		mac.Write(challenge)
		c.cmd(b64("dave "+hex.EncodeToString(mac.Sum(nil))), 235, "2.7.0")
	})
	t.Run("during a transaction", func(t *testing.T) {
		c := pipeSession(t, srv)
		c.ehlo("client.test")
		c.cmd("MAIL FROM:<a@x.test> AUTH=<>", 250, "")
		c.cmd("AUTH PLAIN "+plainResponse("a", "b"), 503, "5.5.1")
	})
}

func TestAuthFailures(t *testing.T) {
	// bcrypt's lowest cost keeps the test fast under -race; the file format is the same.
	hash, err := bcrypt.GenerateFromPassword([]byte("right"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	line := "alice:" + string(hash)
	path := filepath.Join(t.TempDir(), "users")
	if err := os.WriteFile(path, []byte(line+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	srv, _ := testServer(t, Config{Auth: path, AllowInsecureAuth: true, MaxAuthFailures: 2, RequireAuth: true})
	c := pipeSession(t, srv)
	c.ehlo("client.test")
	c.cmd("MAIL FROM:<a@x.test>", 530, "5.7.0")
	c.cmd("AUTH PLAIN "+plainResponse("alice", "right"), 235, "2.7.0")
	c.cmd("MAIL FROM:<a@x.test>", 250, "2.1.0")

	c = pipeSession(t, srv)
	c.ehlo("client.test")
	c.cmd("AUTH PLAIN "+plainResponse("alice", "wrong"), 535, "5.7.8")
	c.cmd("AUTH PLAIN "+plainResponse("mallory", "right"), 535, "5.7.8")
	c.expect(421, "4.7.0")
	c.expectClosed()
}
