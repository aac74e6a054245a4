package cli

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/smtp"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	gosmtp "github.com/emersion/go-smtp"
)

// Real clients against the built `letterbox serve`; each checks what landed in
// the Maildir byte for byte: the trace fields, then exactly what was sent.

// record is the part of a session record these tests look at.
type interopRecord struct {
	MailFrom string   `json:"mail_from"`
	Rcpts    []string `json:"rcpts"`
	Protocol string   `json:"protocol"`
	AuthUser string   `json:"auth_user"`
}

func readRecord(t *testing.T, store, id string) interopRecord {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(store, "letterbox-meta", "records", id+".json"))
	if err != nil {
		t.Fatalf("session record of %s: %v", id, err)
	}
	var r interopRecord
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("session record of %s: %v", id, err)
	}
	return r
}

// onlyMessage returns the one stored message, failing if there are others.
func onlyMessage(t *testing.T, store string) (id, msg string) {
	t.Helper()
	msgs := maildir(t, store)
	if len(msgs) != 1 {
		t.Fatalf("%d messages stored, want 1", len(msgs))
	}
	for id, msg := range msgs {
		return id, msg
	}
	return "", ""
}

func TestInteropSwaks(t *testing.T) {
	swaks := needPeer(t, "swaks")
	store := t.TempDir()
	p := startServe(t, store)
	attachment := filepath.Join(t.TempDir(), "report.bin")
	blob := make([]byte, 3000)
	rand.Read(blob)
	if err := os.WriteFile(attachment, blob, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(swaks, "--server", p.addr, "--helo", "client.test", "--from", "sender@x.test",
		"--to", "a@x.test,b@y.test,c@z.test", "--header", "Subject: swaks interop",
		"--attach", "@"+attachment).CombinedOutput()
	if err != nil {
		t.Fatalf("swaks: %v\n%s", err, out)
	}
	sent := swaksData(t, string(out))
	id, msg := onlyMessage(t, store)
	trace, rest := splitTrace(t, msg)
	if rest != sent {
		t.Errorf("stored message differs from what swaks sent:\nstored %.400q\nsent   %.400q", rest, sent)
	}
	wantTrace := regexp.MustCompile(`^Return-Path: <sender@x\.test>\r\nReceived: from client\.test \(\[127\.0\.0\.1\]\)\r\n` +
		`\tby mx\.test \(Letterbox\) with ESMTP\r\n\tid ` + id + `;\r\n\t.+ [+-]\d{4}\r\n$`)
	if !wantTrace.MatchString(trace) {
		t.Errorf("trace fields = %q, want them to match %s", trace, wantTrace)
	}
	if rec := readRecord(t, store, id); strings.Join(rec.Rcpts, ",") != "a@x.test,b@y.test,c@z.test" {
		t.Errorf("record recipients = %q, want the three", rec.Rcpts)
	}
	if !strings.Contains(sent, "Content-Disposition: attachment") {
		t.Errorf("swaks sent no attachment: %q", sent)
	}
}

// TestInteropSwaksTLSAuth is issue 5's check: with --auth any, swaks gets in
// with STARTTLS and AUTH PLAIN, and cannot use PLAIN without TLS.
func TestInteropSwaksTLSAuth(t *testing.T) {
	swaks := needPeer(t, "swaks")
	store := t.TempDir()
	p := startServe(t, store, "--auth", "any")
	out, err := exec.Command(swaks, "--server", p.addr, "--to", "a@x.test", "--tls",
		"--auth", "PLAIN", "--auth-user", "alice", "--auth-password", "s3cret").CombinedOutput()
	if err != nil {
		t.Fatalf("swaks --tls --auth PLAIN: %v\n%s", err, out)
	}
	out, err = exec.Command(swaks, "--server", p.addr, "--to", "a@x.test",
		"--auth", "PLAIN", "--auth-user", "alice", "--auth-password", "s3cret").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "not available") {
		t.Errorf("swaks --auth PLAIN without TLS = %v, want a refusal:\n%s", err, out)
	}
	id, msg := onlyMessage(t, store)
	if !regexp.MustCompile(`\r\n\tby mx\.test \(Letterbox\) with ESMTPSA \(TLS1\.[23] [A-Z0-9_]+\)\r\n`).MatchString(msg) {
		t.Errorf("Received = %.300q, want ESMTPSA with the TLS version and cipher", msg)
	}
	if rec := readRecord(t, store, id); rec.AuthUser != "alice" || rec.Protocol != "ESMTPSA" {
		t.Errorf("record auth user %q protocol %q, want alice and ESMTPSA", rec.AuthUser, rec.Protocol)
	}
	if log := p.log(); strings.Contains(log, "s3cret") || strings.Contains(log, "AGFsaWNlAHMzY3JldA==") {
		t.Error("the server log holds the password")
	}
	raw, _ := os.ReadFile(filepath.Join(store, "letterbox-meta", "records", id+".json"))
	if !bytes.Contains(raw, []byte(`"AUTH PLAIN \u003cmasked\u003e"`)) || bytes.Contains(raw, []byte("AGFsaWNlAHMzY3JldA==")) {
		t.Errorf("session record does not mask the AUTH payload:\n%s", raw)
	}
}

// swaksData rebuilds the DATA text from swaks's transcript, where each line
// the client sent is " -> line" (dot-stuffed as on the wire).
func swaksData(t *testing.T, transcript string) string {
	t.Helper()
	_, after, ok := strings.Cut(transcript, "<-  354 ")
	if !ok {
		t.Fatalf("no 354 in the swaks transcript:\n%s", transcript)
	}
	var b strings.Builder
	for _, line := range strings.Split(after, "\n")[1:] {
		text, ok := strings.CutPrefix(line, " -> ")
		if !ok {
			t.Fatalf("unexpected swaks line %q", line)
		}
		if text == "." {
			return b.String()
		}
		text = strings.TrimSuffix(text, "\r") // swaks prints what it sent, CRLF included
		b.WriteString(strings.TrimPrefix(text, ".") + "\r\n")
	}
	t.Fatalf("no end of data in the swaks transcript:\n%s", transcript)
	return ""
}

const interopMessage = "From: Sender <sender@x.test>\r\nTo: a@x.test\r\nSubject: interop\r\n" +
	"Message-ID: <interop@x.test>\r\n\r\nFirst line.\r\n.A line that starts with a dot.\r\n..two dots\r\n" +
	"\r\nLast line.\r\n"

func TestInteropPythonSmtplib(t *testing.T) {
	python := needPeer(t, "python3")
	store := t.TempDir()
	p := startServe(t, store)
	host, port, _ := strings.Cut(p.addr, ":")
	utf8Message := "From: jörg@x.test\r\nTo: zoë@bücher.test\r\nSubject: héllo\r\n\r\nÇa marche.\r\n"
	script := `
import smtplib, sys
host, port, plain, utf8 = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode(), sys.argv[4].encode()
with smtplib.SMTP(host, port, local_hostname="python.test") as s:
    s.sendmail("sender@x.test", ["a@x.test", "b@y.test"], plain)
    s.sendmail("jörg@x.test", ["zoë@bücher.test"], utf8, mail_options=["SMTPUTF8", "BODY=8BITMIME"])
`
	out, err := exec.Command(python, "-c", script, host, port, interopMessage, utf8Message).CombinedOutput()
	if err != nil {
		t.Fatalf("python smtplib: %v\n%s", err, out)
	}
	msgs := maildir(t, store)
	if len(msgs) != 2 {
		t.Fatalf("%d messages stored, want 2", len(msgs))
	}
	for id, msg := range msgs {
		trace, rest := splitTrace(t, msg)
		rec := readRecord(t, store, id)
		switch rec.MailFrom {
		case "sender@x.test":
			if rest != interopMessage || strings.Join(rec.Rcpts, ",") != "a@x.test,b@y.test" {
				t.Errorf("ASCII message: stored %q for %q, want %q for a and b", rest, rec.Rcpts, interopMessage)
			}
		case "jörg@x.test":
			if rest != utf8Message || rec.Protocol != "UTF8SMTP" || !strings.Contains(trace, "for <zoë@bücher.test>") {
				t.Errorf("SMTPUTF8 message: stored %q protocol %q trace %q", rest, rec.Protocol, trace)
			}
		default:
			t.Errorf("unexpected sender %q", rec.MailFrom)
		}
	}
}

func TestInteropGoNetSMTP(t *testing.T) {
	store := t.TempDir()
	p := startServe(t, store)
	c, err := smtp.Dial(p.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	steps := []func() error{
		func() error { return c.Hello("netsmtp.test") },
		func() error { return c.Mail("sender@x.test") },
		func() error { return c.Rcpt("a@x.test") },
		func() error { return c.Rcpt("b@y.test") },
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("net/smtp step %d: %v", i, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte(interopMessage)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("net/smtp DATA: %v", err)
	}
	if err := c.Quit(); err != nil {
		t.Fatalf("QUIT: %v", err)
	}
	_, msg := onlyMessage(t, store)
	if _, rest := splitTrace(t, msg); rest != interopMessage {
		t.Errorf("stored %q, want %q", rest, interopMessage)
	}
}

func TestInteropGoSMTP(t *testing.T) {
	store := t.TempDir()
	p := startServe(t, store)
	c, err := gosmtp.Dial(p.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Hello("gosmtp.test"); err != nil {
		t.Fatal(err)
	}
	if err := c.SendMail("sender@x.test", []string{"a@x.test", "b@y.test"}, strings.NewReader(interopMessage)); err != nil {
		t.Fatalf("go-smtp SendMail: %v", err)
	}
	// A refusal must come back as go-smtp's *SMTPError with our enhanced code.
	err = c.Mail("jörg@x.test", nil)
	var se *gosmtp.SMTPError
	if !errors.As(err, &se) || se.Code != 553 || se.EnhancedCode != (gosmtp.EnhancedCode{5, 6, 7}) {
		t.Errorf("MAIL with a UTF-8 address and no SMTPUTF8 = %v, want 553 5.6.7", err)
	}
	if err := c.Quit(); err != nil {
		t.Fatalf("QUIT: %v", err)
	}
	_, msg := onlyMessage(t, store)
	if _, rest := splitTrace(t, msg); rest != interopMessage {
		t.Errorf("stored %q, want %q", rest, interopMessage)
	}
}

// smtp-source's message: its headers, a blank line, then numbered lines of X.
var smtpSourceMessage = regexp.MustCompile(`^From: <a@x\.test>\r\nTo: <b@y\.test>\r\nDate: [^\r\n]+\r\n` +
	`Message-Id: <[^\r\n]+>\r\n\r\n(?:[0-9]*X+\r\n)+$`)

func TestInteropSmtpSource(t *testing.T) {
	source := needPeer(t, "smtp-source")
	store := t.TempDir()
	p := startServe(t, store)
	const messages = 2000
	out, err := exec.Command(source, "-s", "20", "-m", fmt.Sprint(messages), "-l", "5120",
		"-f", "a@x.test", "-t", "b@y.test", p.addr).CombinedOutput()
	if err != nil {
		t.Fatalf("smtp-source: %v\n%s", err, out)
	}
	msgs := maildir(t, store)
	if len(msgs) != messages {
		t.Fatalf("%d messages stored, want exactly %d", len(msgs), messages)
	}
	var body string
	for id, msg := range msgs {
		_, rest := splitTrace(t, msg)
		if !smtpSourceMessage.MatchString(rest) {
			t.Fatalf("message %s is not smtp-source's: %.300q", id, rest)
		}
		_, b, _ := strings.Cut(rest, "\r\n\r\n")
		if body == "" {
			body = b
		} else if b != body {
			t.Fatalf("message %s has a different body from the others", id)
		}
	}
	if n := strings.Count(body, "\r\n"); len(body) < 5000 || n == 0 {
		t.Errorf("body is %d bytes in %d lines, want about 5120", len(body), n)
	}
	if !bytes.Contains([]byte(p.log()), []byte(`"msg":"message received"`)) {
		t.Error("no per-message log line")
	}
}
