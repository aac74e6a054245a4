package cli

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"letterbox/smtpcore"
	"letterbox/smtpcore/msg"

	"letterbox/smtpcore/smtptest"
)

// inProcess runs sendMain with the given stdin and terminal flags.
func inProcess(t *testing.T, stdin string, tty bool, env map[string]string, args ...string) runResult {
	t.Helper()
	var out, errb bytes.Buffer
	code := sendMain(context.Background(), args, sendIO{
		stdin: bufio.NewReader(strings.NewReader(stdin)), stdout: &out, stderr: &errb,
		stdinTTY: tty, getenv: func(k string) string { return env[k] },
		password: func(string) (string, error) { return "", errors.New("no terminal in tests") },
	})
	return runResult{out.String(), errb.String(), code}
}

func TestSendHelpListsExitCodes(t *testing.T) {
	r := inProcess(t, "", false, nil, "-h")
	if r.code != 0 {
		t.Fatalf("send -h exit %d, want 0", r.code)
	}
	for _, e := range exitCodes {
		if want := fmt.Sprintf("%3d  %s", e.code, e.meaning); !strings.Contains(r.stdout, want) {
			t.Errorf("send -h does not list exit code %q:\n%s", want, r.stdout)
		}
	}
	for _, f := range []string{"--password-env", "--trust", "--ca-file", "--insecure", "--header", "--attach", "--bcc"} {
		if !strings.Contains(r.stdout, "\n  "+f+" ") && !strings.Contains(r.stdout, "\n  "+f+"\n") {
			t.Errorf("send -h does not describe %s", f)
		}
	}
}

func TestSendMissingFieldsWithoutTerminal(t *testing.T) {
	r := inProcess(t, "", false, nil, "--to", "b@y.test")
	if r.code != exitUsage || !strings.Contains(r.stderr, "missing --from, --subject, --body or --body-file") {
		t.Errorf("send without --from/--subject/--body and no terminal: exit %d, stderr %q; want 1 naming them", r.code, r.stderr)
	}
}

func TestSendInteractive(t *testing.T) {
	sink := smtptest.StartGoSMTP(t, smtptest.Options{AllowInsecureAuth: true})
	addr := sink.Addr
	att := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(att, []byte("attached\n"), 0o600)
	stdin := "me@x.test\nyou@y.test, them@z.test\nHello there\nline one\n.dotted\n.\n" + att + "\n\n"
	r := inProcess(t, stdin, true, nil, "--server", addr)
	if r.code != exitOK {
		t.Fatalf("interactive send: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	for _, p := range []string{"From: ", "To: ", "Subject: ", `a single "."`, "Attach (file path"} {
		if !strings.Contains(r.stderr, p) {
			t.Errorf("prompts lack %q:\n%s", p, r.stderr)
		}
	}
	msgs := sink.Messages()
	if len(msgs) != 1 || msgs[0].From != "me@x.test" || strings.Join(msgs[0].Rcpts, ",") != "you@y.test,them@z.test" {
		t.Fatalf("sink got %+v, want one message from me@x.test to you and them", msgs)
	}
	data := string(msgs[0].Data)
	for _, w := range []string{"Subject: Hello there\r\n", "line one\r\n.dotted\r\n", `filename=notes.txt`} {
		if !strings.Contains(data, w) {
			t.Errorf("message lacks %q:\n%s", w, data)
		}
	}
}

func TestSendPartialAndNoRecipientExitCodes(t *testing.T) {
	sink := smtptest.StartGoSMTP(t, smtptest.Options{AllowInsecureAuth: true})
	addr := sink.Addr
	base := []string{"--server", addr, "--from", "me@x.test", "--subject", "s", "--body", "b"}
	r := inProcess(t, "", false, nil, append(base, "--to", "ok@y.test,reject1@y.test")...)
	if r.code != exitPartial || !strings.Contains(r.stdout, "REJECTED  reject1@y.test  550 5.1.1 no such user") ||
		!strings.Contains(r.stdout, "accepted  ok@y.test ") || !strings.Contains(r.stdout, "PARTIAL") {
		t.Errorf("one of two rejected: exit %d, stdout:\n%s\nwant %d with a line per recipient", r.code, r.stdout, exitPartial)
	}
	r = inProcess(t, "", false, nil, append(base, "--to", "reject1@y.test", "--to", "reject2@y.test")...)
	if r.code != exitNoRcpt || !strings.Contains(r.stderr, "RCPT: no recipient accepted") {
		t.Errorf("all rejected: exit %d, stderr %q; want %d", r.code, r.stderr, exitNoRcpt)
	}
	if n := len(sink.Messages()); n != 1 {
		t.Errorf("sink holds %d messages, want 1 (nothing for the all-rejected send)", n)
	}
}

// TestSendBadInputSendsNothing runs the binary with input that must be
// refused before any connection: it exits 1 naming the field.
func TestSendBadInputSendsNothing(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var conns atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			c.Close()
		}
	}()
	base := []string{"send", "--server", ln.Addr().String(), "--subject", "s", "--body", "b"}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"invalid To", []string{"--from", "me@x.test", "--to", "you@@y.test"}, `To: `},
		{"invalid From", []string{"--from", "me", "--to", "you@y.test"}, `From: `},
		{"CR LF in a header", []string{"--from", "me@x.test", "--to", "you@y.test", "--header", "X-Test: a\r\nBcc: evil@z.test"}, "Header X-Test: contains a line break"},
		{"LF in the subject", []string{"--from", "me@x.test", "--to", "you@y.test", "--subject", "hi\nBcc: evil@z.test"}, "Subject: contains a line break"},
		{"CR LF in an address", []string{"--from", "me@x.test", "--to", "you@y.test>\r\nRCPT TO:<evil@z.test"}, "To: "},
		{"missing attachment", []string{"--from", "me@x.test", "--to", "you@y.test", "--attach", "/nonexistent/file.pdf"}, "Attachment: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := runLetterbox(t, "", nil, append(base, tc.args...)...)
			if r.code != exitUsage || !strings.Contains(r.stderr, tc.want) || !strings.Contains(r.stderr, "nothing was sent") {
				t.Errorf("letterbox send %q: exit %d, stderr %q; want exit 1 naming %q", tc.args, r.code, r.stderr, tc.want)
			}
		})
	}
	if n := conns.Load(); n != 0 {
		t.Errorf("%d connections reached the server; bad input must send nothing", n)
	}
}

// composeFixture writes the files of the example: a body with a
// line starting with "." and a 2,000-character line, and a binary attachment
// with a non-ASCII name.
func composeFixture(t *testing.T) (notes, report string, reportSum string, text string) {
	t.Helper()
	dir := t.TempDir()
	text = "Hallo,\n.this line starts with a dot\n" + strings.Repeat("lang ", 400) + "\nGrüße\n"
	notes = filepath.Join(dir, "notes.txt")
	os.WriteFile(notes, []byte(text), 0o600)
	report = filepath.Join(dir, "Bericht über Ärger ✓.pdf")
	data := make([]byte, 300_000)
	for i := range data {
		data[i] = byte(i*7 + i/251)
	}
	os.WriteFile(report, data, 0o600)
	sum := sha256.Sum256(data)
	return notes, report, hex.EncodeToString(sum[:]), text
}

func checkReadBack(t *testing.T, rb readBack, text, reportName, reportSum string) {
	t.Helper()
	if rb.Subject != "Grüße ✓" {
		t.Errorf("Subject read back = %q, want %q", rb.Subject, "Grüße ✓")
	}
	if rb.Text != text {
		t.Errorf("text read back = %q, want %q", rb.Text, text)
	}
	if len(rb.Attachments) != 1 || rb.Attachments[0].Filename != reportName || rb.Attachments[0].SHA256 != reportSum {
		t.Errorf("attachments read back = %+v, want %q with sha256 %s", rb.Attachments, reportName, reportSum)
	}
	if rb.HasBcc {
		t.Error("the stored message has a Bcc header")
	}
	if rb.LongestLine > 998 || rb.BareLF {
		t.Errorf("longest line %d octets (limit 998), bare LF %v", rb.LongestLine, rb.BareLF)
	}
	if rb.Cc == nil || *rb.Cc != "c@z.test" {
		t.Errorf("Cc read back = %v, want c@z.test", rb.Cc)
	}
}

// TestSendAiosmtpdSTARTTLSAuthReadBack is the example against
// Python's aiosmtpd with required STARTTLS and AUTH, read back by Python's
// email package.
func TestSendAiosmtpdSTARTTLSAuthReadBack(t *testing.T) {
	cert, key, _ := testCertFiles(t)
	addr, out := startAiosmtpd(t, "--cert", cert, "--key", key, "--user", "ann", "--password", "s3cret pass")
	notes, report, sum, text := composeFixture(t)
	r := runLetterbox(t, "", []string{"LB_TEST_PW=s3cret pass"}, "send", "--server", addr, "--tls", "starttls", "--ca-file", cert,
		"--user", "ann", "--password-env", "LB_TEST_PW",
		"--from", "me@x.test", "--to", "you@y.test", "--cc", "c@z.test", "--bcc", "b@w.test",
		"--subject", "Grüße ✓", "--body-file", notes, "--attach", report)
	if r.code != exitOK {
		t.Fatalf("letterbox send: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	for _, w := range []string{"=== Trying " + addr, " -> STARTTLS", " ~~ verification: OK", " -> AUTH PLAIN <masked>",
		"<-  235", " -> RCPT TO:<b@w.test>", "sent ", "to 3 of 3 recipients, queued as M1"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("transcript lacks %q:\n%s", w, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "s3cret") {
		t.Error("the transcript shows the password")
	}
	var env struct {
		MailFrom string   `json:"mail_from"`
		RcptTos  []string `json:"rcpt_tos"`
		TLS      bool
		Auth     bool
	}
	b, _ := os.ReadFile(filepath.Join(out, "1.json"))
	json.Unmarshal(b, &env)
	if env.MailFrom != "me@x.test" || strings.Join(env.RcptTos, ",") != "you@y.test,c@z.test,b@w.test" || !env.TLS || !env.Auth {
		t.Errorf("aiosmtpd envelope = %+v, want me@x.test → you, c, b over TLS with AUTH", env)
	}
	checkReadBack(t, pythonReadBack(t, filepath.Join(out, "1.eml")), text, filepath.Base(report), sum)
}

// TestSendTrustSelfSigned: STARTTLS to a self-signed certificate is refused
// with the fingerprint shown, and accepted once that fingerprint is trusted.
func TestSendTrustSelfSigned(t *testing.T) {
	cert, key, fp := testCertFiles(t)
	addr, _ := startAiosmtpd(t, "--cert", cert, "--key", key)
	args := []string{"send", "--server", addr, "--tls", "starttls", "--from", "me@x.test", "--to", "you@y.test", "--subject", "s", "--body", "b"}
	r := runLetterbox(t, "", nil, args...)
	if r.code != exitTLS || !strings.Contains(r.stderr, "unknown authority (self-signed)") || !strings.Contains(r.stderr, "--trust "+fp) {
		t.Errorf("untrusted self-signed: exit %d, stderr %q; want %d, an explanation and --trust %s", r.code, r.stderr, exitTLS, fp)
	}
	if strings.Contains(r.stdout, "MAIL FROM") {
		t.Errorf("MAIL sent despite the refused certificate:\n%s", r.stdout)
	}
	r = runLetterbox(t, "", nil, append(args, "--trust", fp)...)
	if r.code != exitOK || !strings.Contains(r.stdout, "trusted by its pinned fingerprint") {
		t.Errorf("with --trust: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

func TestSendSmtpSink(t *testing.T) {
	sinkPath := needPeer(t, "smtp-sink")
	addr := smtptest.StartSmtpSink(t, sinkPath)
	notes, report, _, _ := composeFixture(t)
	r := runLetterbox(t, "", nil, "send", "--server", addr, "--from", "me@x.test", "--to", "you@y.test", "--cc", "c@z.test",
		"--subject", "Grüße ✓", "--body-file", notes, "--attach", report)
	if r.code != exitOK || !strings.Contains(r.stdout, "<-  250 2.0.0 Ok") || !strings.Contains(r.stdout, " -> … ") {
		t.Errorf("send to smtp-sink: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	q := runLetterbox(t, "", nil, "send", "--quiet", "--server", addr, "--from", "me@x.test", "--to", "you@y.test", "--subject", "s", "--body", "b")
	if q.code != exitOK || strings.Contains(q.stdout, "EHLO") || !strings.Contains(q.stdout, "accepted  you@y.test") {
		t.Errorf("--quiet: exit %d, stdout %q; want only the summary", q.code, q.stdout)
	}
}

// TestSendDoneWhenLetterboxServe is the issue's closing example: `letterbox
// send` to a running `letterbox serve`, read back by Python's email package.
func TestSendDoneWhenLetterboxServe(t *testing.T) {
	store := t.TempDir()
	srv := startServe(t, store)
	notes, report, sum, text := composeFixture(t)
	r := runLetterbox(t, "", nil, "send", "--server", srv.addr, "--from", "me@x.test", "--to", "you@y.test",
		"--cc", "c@z.test", "--bcc", "b@w.test", "--subject", "Grüße ✓", "--body-file", notes, "--attach", report)
	if r.code != exitOK {
		t.Fatalf("letterbox send: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	msgs := maildir(t, store)
	if len(msgs) != 1 {
		t.Fatalf("store holds %d messages, want 1", len(msgs))
	}
	for name := range msgs {
		path := filepath.Join(store, "new", name)
		if _, err := os.Stat(path); err != nil {
			path = filepath.Join(store, "cur", name)
		}
		checkReadBack(t, pythonReadBack(t, path), text, filepath.Base(report), sum)
	}
}

// TestSendRoundTripOwnServer: the message the client composes and the one
// `letterbox serve` stores are equal byte for byte after the trace headers.
func TestSendRoundTripOwnServer(t *testing.T) {
	store := t.TempDir()
	srv := startServe(t, store)
	_, report, _, text := composeFixture(t)
	d := &msg.Draft{From: "Me <me@x.test>", To: []string{"you@y.test"}, Cc: []string{"c@z.test"}, Bcc: []string{"b@w.test"},
		Subject: "Grüße ✓", Text: text, HTML: "<p>Grüße</p>", Attachments: []msg.Attachment{{Path: report}},
		Date: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC), MessageID: "<round-trip@x.test>"}
	from, rcpts, err := d.Envelope()
	if err != nil {
		t.Fatal(err)
	}
	var m *msg.Message
	res, err := smtpcore.Send(context.Background(), smtpcore.ClientConfig{Addr: srv.addr}, smtpcore.Envelope{From: from, To: rcpts},
		func(allow8bit bool) (smtpcore.Message, error) {
			m, err = d.Build(msg.BuildOptions{Allow8bit: allow8bit})
			return m, err
		})
	if err != nil || res.Accepted() != 3 {
		t.Fatalf("Send() = %+v, %v", res, err)
	}
	var composed bytes.Buffer // a built Message writes the same bytes every time
	m.WriteTo(&composed)
	for _, stored := range maildir(t, store) {
		_, rest := splitTrace(t, stored)
		if rest != composed.String() {
			t.Errorf("stored message differs from the composed one after the trace headers:\nstored   %.400q\ncomposed %.400q", rest, composed.String())
		}
	}
}
