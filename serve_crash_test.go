package main

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestCrashKeepsAcknowledgedMail SIGKILLs `letterbox serve` while several
// clients stream messages, restarts it on the same store, and checks the
// promise of RFC 5321 §6.1 as the store keeps it: every message that got its
// 250 is there, byte for byte; nothing partial is visible in new/ or cur/;
// tmp/ has been cleaned.
func TestCrashKeepsAcknowledgedMail(t *testing.T) {
	const (
		clients   = 4
		killAfter = 40 // acknowledged messages before the kill
	)
	store := t.TempDir()
	p := startServe(t, store)

	var (
		mu    sync.Mutex
		sent  = map[string]string{} // subject → message text, for every attempt
		acked = map[string]string{} // queue id → subject
		wg    sync.WaitGroup
	)
	enough := make(chan struct{})
	var once sync.Once
	for c := range clients {
		wg.Go(func() {
			streamUntilError(p.addr, c, func(subject, text string) {
				mu.Lock()
				sent[subject] = text
				mu.Unlock()
			}, func(id, subject string) {
				mu.Lock()
				acked[id] = subject
				if len(acked) >= killAfter {
					once.Do(func() { close(enough) })
				}
				mu.Unlock()
			})
		})
	}
	select {
	case <-enough:
	case <-time.After(60 * time.Second):
		t.Fatalf("only %d messages acknowledged in 60 s; log:\n%s", len(acked), p.log())
	}
	p.kill()
	wg.Wait()
	startServe(t, store) // Open cleans tmp/ before it listens
	msgs := maildir(t, store)
	for id, subject := range acked {
		msg, ok := msgs[id]
		if !ok {
			t.Errorf("acknowledged message %s (%s) is missing after the crash", id, subject)
			continue
		}
		if _, rest := splitTrace(t, msg); rest != sent[subject] {
			t.Errorf("acknowledged message %s (%s) differs from what was sent", id, subject)
		}
	}
	subjects := map[string]bool{}
	for name, msg := range msgs {
		_, rest := splitTrace(t, msg)
		subject := subjectOf(rest)
		if rest != sent[subject] {
			t.Errorf("message %s in the Maildir is not whole: %.120q…", name, rest)
		}
		if subjects[subject] {
			t.Errorf("message %q stored twice", subject)
		}
		subjects[subject] = true
	}
	if ents, err := os.ReadDir(filepath.Join(store, "tmp")); err != nil || len(ents) != 0 {
		t.Errorf("tmp/ after restart holds %d files (%v), want none", len(ents), err)
	}
	t.Logf("%d acknowledged, %d stored, %d attempted", len(acked), len(msgs), len(sent))
}

// streamUntilError sends messages on one connection until the server goes
// away, reporting each attempt before it is sent and each 250 after it.
func streamUntilError(addr string, client int, attempt func(subject, text string), ack func(id, subject string)) {
	conn, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(90 * time.Second))
	tp := textproto.NewConn(conn)
	if _, _, err := tp.ReadResponse(220); err != nil {
		return
	}
	if tp.PrintfLine("EHLO crash.test") != nil {
		return
	}
	if _, _, err := tp.ReadResponse(250); err != nil {
		return
	}
	for n := 0; ; n++ {
		subject := fmt.Sprintf("crash %d-%d", client, n)
		text := crashMessage(subject)
		attempt(subject, text)
		id, err := sendOne(tp, text)
		if err != nil {
			return
		}
		ack(id, subject)
	}
}

// sendOne runs MAIL, RCPT and DATA and returns the queue id of the 250.
func sendOne(tp *textproto.Conn, text string) (string, error) {
	for _, step := range []struct {
		line string
		code int
	}{{"MAIL FROM:<a@x.test>", 250}, {"RCPT TO:<b@y.test>", 250}, {"DATA", 354}} {
		if err := tp.PrintfLine("%s", step.line); err != nil {
			return "", err
		}
		if _, _, err := tp.ReadResponse(step.code); err != nil {
			return "", err
		}
	}
	w := tp.DotWriter()
	if _, err := w.Write([]byte(text)); err != nil {
		return "", err
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	_, msg, err := tp.ReadResponse(250)
	if err != nil {
		return "", err
	}
	return strings.TrimPrefix(msg, "2.0.0 OK queued as "), nil
}

// crashMessage is a 32 KB message whose text is unique to subject.
func crashMessage(subject string) string {
	var b strings.Builder
	b.WriteString("Subject: " + subject + "\r\n\r\n")
	raw := make([]byte, 24<<10)
	rand.Read(raw)
	enc := base64.StdEncoding.EncodeToString(raw)
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return b.String()
}

func subjectOf(msg string) string {
	line, _, _ := strings.Cut(msg, "\r\n")
	return strings.TrimPrefix(line, "Subject: ")
}
