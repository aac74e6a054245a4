package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/smtp"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// brokenMessage breaks several rules at once (no Date, no Message-ID, a bad
// From, 8-bit text without a charset, an unclosed multipart).
const brokenMessage = "From: Mallory <mallory@>\r\nTo: bob@example.net\r\nSubject: broken\r\nMIME-Version: 1.0\r\n" +
	"Content-Type: multipart/alternative; boundary=b1\r\n\r\n--b1\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: 8bit\r\n\r\nCaf\xc3\xa9\r\n"

// TestInboxEndToEnd is the "done when": `inbox wait` returns the
// message `letterbox send` delivered to a running `serve --echo`, with its
// decoded fields; serve keeps running and echoes it; `inbox lint` flags a
// broken message (exit 4) and is silent on the good one.
func TestInboxEndToEnd(t *testing.T) {
	bin := letterboxBinary(t)
	store := filepath.Join(t.TempDir(), "mail")
	srv := startEchoServe(t, bin, store)
	server := srv.addr
	it := waitWhileSending(t, bin, store, server)

	sendRaw(t, server, "mallory@example.org", "bob@example.net", brokenMessage) // net/smtp adds BODY=8BITMIME, as the server offers it
	found := runLetterbox(t, "", nil, "inbox", "--store", store, "list", "--json", "--subject", "broken")
	var broken []struct{ ID string }
	if err := json.Unmarshal([]byte(found.stdout), &broken); err != nil || len(broken) != 1 {
		t.Fatalf("inbox list --subject broken = %d %q %s", found.code, found.stdout, found.stderr)
	}
	bad := runLetterbox(t, "", nil, "inbox", "--store", store, "lint", broken[0].ID)
	if bad.code != 4 || !strings.Contains(bad.stdout, "rfc5322.date-missing") || !strings.Contains(bad.stdout, "mime.boundary-not-closed") {
		t.Errorf("inbox lint %s = %d\n%s%s, want exit 4 with findings", broken[0].ID, bad.code, bad.stdout, bad.stderr)
	}
	good := runLetterbox(t, "", nil, "inbox", "--store", store, "lint", it.ID)
	if good.code != 0 || good.stdout != "" {
		t.Errorf("inbox lint %s = %d %q, want exit 0 and no finding", it.ID, good.code, good.stdout)
	}

	select {
	case err := <-srv.exited:
		t.Fatalf("serve exited while the inbox was read: %v\n%s", err, srv.logs.String())
	default:
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(srv.echo.String(), "Subject:  broken") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond) // poll with a deadline for the echo
	}
	for _, want := range []string{"Subject:  Grüße aus Köln", "Envelope: MAIL FROM alice@example.org, RCPT TO bob@example.net, carol@example.com", "Hello Bob,", "Subject:  broken", "Findings: 4 error(s), 1 warning(s)"} {
		if !strings.Contains(srv.echo.String(), want) {
			t.Errorf("serve --echo printed\n%s\nwant %q", srv.echo.String(), want)
		}
	}
	if !strings.Contains(srv.logs.String(), `"subject":"Grüße aus Köln"`) {
		t.Errorf("the log line of the message does not name its subject:\n%s", srv.logs.String())
	}
	srv.cmd.Process.Signal(syscall.SIGTERM)
	if err := <-srv.exited; err != nil {
		t.Errorf("serve after SIGTERM: %v", err)
	}
}

// echoServe is a `letterbox serve --echo` subprocess.
type echoServe struct {
	cmd        *exec.Cmd
	addr       string
	echo, logs syncBuffer
	exited     chan error
}

// startEchoServe starts `letterbox serve --echo` on 127.0.0.1:0 with a JSON
// log and waits for its "listening" line.
func startEchoServe(t *testing.T, bin, store string) *echoServe {
	t.Helper()
	s := &echoServe{exited: make(chan error, 1)}
	s.cmd = exec.Command(bin, "serve", "--listen", "127.0.0.1:0", "--store", store, "--log-format", "json", "--echo")
	s.cmd.Stdout = &s.echo
	stderr, _ := s.cmd.StderrPipe()
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			s.logs.Write(append(sc.Bytes(), '\n'))
			var e struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &e) == nil && e.Msg == "listening" {
				addr <- e.Addr
			}
		}
		s.exited <- s.cmd.Wait()
	}()
	t.Cleanup(func() { s.cmd.Process.Kill() })
	select {
	case s.addr = <-addr:
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not start:\n%s", s.logs.String())
	}
	return s
}

// sendRaw delivers msg as it is with Go's net/smtp (no STARTTLS).
func sendRaw(t *testing.T, server, from, to, msg string) {
	t.Helper()
	c, err := smtp.Dial(server)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Quit()
	if err := c.Mail(from); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt(to); err != nil {
		t.Fatal(err)
	}
	w, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(msg))
	if err := w.Close(); err != nil {
		t.Fatalf("sending %.40q: %v", msg, err)
	}
}

// e2eItem is what the test reads of `inbox wait --json`.
type e2eItem struct {
	ID, From, Subject string
	To                []string
	EnvelopeTo        []string `json:"envelope_to"`
	Findings          map[string]int
}

// waitWhileSending runs `inbox wait` in the background, sends a message with
// `letterbox send`, and checks what wait returns.
func waitWhileSending(t *testing.T, bin, store, server string) e2eItem {
	t.Helper()
	wait := exec.Command(bin, "inbox", "--store", store, "wait", "--to", "bob@example.net", "--since", "1m", "--json", "--timeout", "60s") // --since: send may finish before wait looks
	var waitOut, waitErr bytes.Buffer
	wait.Stdout, wait.Stderr = &waitOut, &waitErr
	if err := wait.Start(); err != nil {
		t.Fatal(err)
	}
	sent := runLetterbox(t, "", nil, "send", "--server", server, "--from", "alice@example.org", "--to", "Bob <bob@example.net>",
		"--bcc", "carol@example.com", "--subject", "Grüße aus Köln", "--body", "Hello Bob,\nsee you on Monday.")
	if sent.code != 0 {
		t.Fatalf("send = %d: %s %s", sent.code, sent.stdout, sent.stderr)
	}
	if err := wait.Wait(); err != nil {
		t.Fatalf("inbox wait: %v\n%s", err, waitErr.String())
	}
	var items []e2eItem
	if err := json.Unmarshal(waitOut.Bytes(), &items); err != nil || len(items) != 1 {
		t.Fatalf("inbox wait printed %q: %v", waitOut.String(), err)
	}
	it := items[0]
	if it.Subject != "Grüße aus Köln" || it.From != "alice@example.org" || strings.Join(it.To, ",") != "Bob <bob@example.net>" ||
		strings.Join(it.EnvelopeTo, ",") != "bob@example.net,carol@example.com" || it.Findings["error"]+it.Findings["warning"] != 0 {
		t.Errorf("inbox wait returned %+v", it)
	}
	return it
}
