package cli

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"letterbox/smtpcore"
)

// What a script's answer may be besides raw reply bytes.
const (
	scriptClose = "\x00close" // close the connection without a word
	scriptHang  = "\x00hang"  // say nothing; wait until the client hangs up
)

// startScript runs an SMTP server on 127.0.0.1:0 whose every word comes from
// answer: answer("") is the greeting, answer(line) the reply to a command
// line (without CRLF), and after a 354 the message text is read up to the
// final "." and answer(".") is the reply to it. An answer is written as it
// is, so it may hold any byte a hostile server would send; scriptClose and
// scriptHang stand for a server that drops the connection or goes silent.
// Connections are served one after another until the test ends.
func startScript(t *testing.T, answer func(line string) string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			runScript(c, answer)
		}
	}()
	return ln.Addr().String()
}

// runScript serves one connection of startScript.
func runScript(c net.Conn, answer func(string) string) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(a string) bool {
		switch a {
		case scriptClose:
			return false
		case scriptHang:
			for {
				if _, err := r.ReadByte(); err != nil {
					return false
				}
			}
		default:
			_, err := c.Write([]byte(a))
			return err == nil && !strings.HasPrefix(a, "221")
		}
	}
	if !say(answer("")) {
		return
	}
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		a := answer(line)
		if !say(a) {
			return
		}
		if !strings.HasPrefix(a, "354") {
			continue
		}
		for {
			l, err := r.ReadString('\n')
			if err != nil {
				return
			}
			if l == ".\r\n" {
				break
			}
		}
		if !say(answer(".")) {
			return
		}
	}
}

// verbAnswers is an answer func from the first word of each command; the
// greeting is under "" and the reply to the message text under ".". A
// command not in the map gets 250.
func verbAnswers(m map[string]string) func(string) string {
	return func(line string) string {
		verb, _, _ := strings.Cut(line, " ")
		verb = strings.ToUpper(verb)
		if strings.HasPrefix(verb, "MAIL") || strings.HasPrefix(verb, "RCPT") {
			verb = verb[:4]
		}
		if a, ok := m[verb]; ok {
			return a
		}
		if verb == "DATA" {
			return "354 go ahead\r\n"
		}
		if verb == "QUIT" {
			return "221 bye\r\n"
		}
		return "250 ok\r\n"
	}
}

// hostile is what a server bent on the user's terminal sends: an OSC title
// ended by BEL, a screen clear, the C1 CSI (as UTF-8 and as a raw byte), a
// bare CR that would let it overwrite the line, and a bidi override.
const hostile = "\x1b]0;pwned\x07\x1b[2J\u009b31m\x9b1m\rFAKE \u202eevil"

// TestSendEscapesHostileServer runs send against a server whose every reply
// carries terminal escapes: nothing below 0x20 but LF and tab, no DEL, no C1
// control and no bidi override reaches stdout or stderr, with or without
// --quiet, whether the message is accepted or refused.
// Before the fix the replies were printed as received.
func TestSendEscapesHostileServer(t *testing.T) {
	h := " " + hostile + "\r\n"
	accept := startScript(t, verbAnswers(map[string]string{
		"": "220" + h, "EHLO": "250-x" + h + "250 PIPELINING\r\n", "RCPT": "250 2.1.5" + h, ".": "250 2.0.0 queued as X" + h,
	}))
	refuse := startScript(t, verbAnswers(map[string]string{
		"": "220" + h, "EHLO": "250 x" + h, ".": "554 5.7.1" + h,
	}))
	for _, tc := range []struct {
		name, addr string
		code       int
	}{
		{"accepted", accept, exitOK},
		{"refused", refuse, exitMessage},
	} {
		for _, quiet := range []bool{false, true} {
			args := []string{"--server", tc.addr, "--from", "me@x.test", "--to", "you@y.test", "--subject", "s", "--body", "b"}
			if quiet {
				args = append(args, "--quiet")
			}
			r := inProcess(t, "", false, nil, args...)
			if r.code != tc.code {
				t.Errorf("%s, quiet %v: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", tc.name, quiet, r.code, tc.code, r.stdout, r.stderr)
			}
			for name, out := range map[string]string{"stdout": r.stdout, "stderr": r.stderr} {
				if bad := terminalControls(out); bad != "" {
					t.Errorf("%s, quiet %v: %s holds %s:\n%q", tc.name, quiet, name, bad, out)
				}
			}
			if !strings.Contains(r.stdout+r.stderr, `\x1b]0;pwned\x07\x1b[2J\u009b31m\x9b1m\x0dFAKE \u202eevil`) {
				t.Errorf("%s, quiet %v: the hostile text is not shown escaped:\nstdout:\n%s\nstderr:\n%s", tc.name, quiet, r.stdout, r.stderr)
			}
		}
	}
}

// terminalControls names the first character of s a terminal would act on
// (a control other than LF and tab, DEL, a C1 control, a bidi override, a
// byte that is not UTF-8), or "".
func terminalControls(s string) string {
	for i, r := range s {
		switch {
		case r == '\n' || r == '\t':
		case r == utf8.RuneError:
			return fmt.Sprintf("the byte %#x at %d", s[i], i)
		case r < 0x20 || r >= 0x7f && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069:
			return fmt.Sprintf("%U at %d", r, i)
		}
	}
	return ""
}

// TestSendUnknownOutcome: the server reads the whole message and then drops
// the connection or never answers. The message may be stored, so send
// exits 12 with words that say so, and no recipient is called accepted.
// Before the fix it exited 11, "the server refused the message", after a
// summary line "accepted".
func TestSendUnknownOutcome(t *testing.T) {
	for _, tc := range []struct{ name, after string }{
		{"connection dropped", scriptClose},
		{"no answer", scriptHang},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr := startScript(t, verbAnswers(map[string]string{"": "220 hi\r\n", ".": tc.after}))
			for _, quiet := range []bool{false, true} {
				args := []string{"--server", addr, "--from", "me@x.test", "--to", "you@y.test", "--subject", "s", "--body", "b", "--timeout", "300ms"}
				if quiet {
					args = append(args, "--quiet")
				}
				r := inProcess(t, "", false, nil, args...)
				if r.code != exitUnknown {
					t.Errorf("quiet %v: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", quiet, r.code, exitUnknown, r.stdout, r.stderr)
				}
				if want := "no answer after the message: it may or may not have been delivered"; !strings.Contains(r.stderr, want) || strings.Contains(r.stderr, "not sent") {
					t.Errorf("quiet %v: stderr %q lacks %q or says not sent", quiet, r.stderr, want)
				}
				if strings.Contains(r.stdout, "accepted  ") || !strings.Contains(r.stdout, "UNKNOWN   you@y.test") {
					t.Errorf("quiet %v: summary calls a recipient accepted, or not UNKNOWN:\n%s", quiet, r.stdout)
				}
			}
		})
	}
}

// TestSendRefusedMessageSummary: when the server refuses the message after
// the final ".", the recipients it had accepted are not called accepted.
func TestSendRefusedMessageSummary(t *testing.T) {
	addr := startScript(t, verbAnswers(map[string]string{"": "220 hi\r\n", ".": "554 5.7.1 no thanks\r\n"}))
	r := inProcess(t, "", false, nil, "--server", addr, "--from", "me@x.test", "--to", "you@y.test", "--subject", "s", "--body", "b", "--quiet")
	if r.code != exitMessage || strings.Contains(r.stdout, "accepted  ") || !strings.Contains(r.stdout, "not sent  you@y.test") {
		t.Errorf("message refused: exit %d, stdout:\n%s\nwant %d and the recipient not sent", r.code, r.stdout, exitMessage)
	}
}

// TestSendAddressExitCodes: an address that is invalid under any parser is
// refused before connecting with exit 1 ("invalid input"), never 7; a valid
// RFC 5321 Mailbox (quoted local parts, address literals) is sent. Before
// the fix `"x>y"@y.test` was refused before connecting with exit 7.
func TestSendAddressExitCodes(t *testing.T) {
	var rcpts []string
	var mu sync.Mutex
	answer := verbAnswers(map[string]string{"": "220 hi\r\n"})
	addr := startScript(t, func(line string) string {
		if strings.HasPrefix(line, "RCPT TO:") {
			mu.Lock()
			rcpts = append(rcpts, strings.TrimPrefix(line, "RCPT TO:"))
			mu.Unlock()
		}
		return answer(line)
	})
	tests := []struct {
		to   string
		code int
	}{
		{"a@@b.test", exitUsage},
		{"<a@b.test", exitUsage},
		{"a@b.test> NOTIFY=NEVER", exitUsage},
		{"a@b.test>\r\nRCPT TO:<evil@z.test", exitUsage},
		{`"x y"@example.test`, exitOK},
		{`"x>y"@y.test`, exitOK},
		{"a@[127.0.0.1]", exitOK},
	}
	for _, tc := range tests {
		t.Run(tc.to, func(t *testing.T) {
			mu.Lock()
			rcpts = nil
			mu.Unlock()
			r := inProcess(t, "", false, nil, "--server", addr, "--from", "me@x.test", "--to", tc.to, "--subject", "s", "--body", "b", "--quiet")
			if r.code != tc.code {
				t.Fatalf("send --to %q: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", tc.to, r.code, tc.code, r.stdout, r.stderr)
			}
			mu.Lock()
			defer mu.Unlock()
			switch {
			case tc.code == exitUsage && (len(rcpts) > 0 || !strings.Contains(r.stderr, "nothing was sent")):
				t.Errorf("send --to %q: RCPTs %q, stderr %q; want nothing sent and said so", tc.to, rcpts, r.stderr)
			case tc.code == exitOK && (len(rcpts) != 1 || rcpts[0] != "<"+tc.to+">"):
				t.Errorf("send --to %q: RCPTs %q, want exactly <%s>", tc.to, rcpts, tc.to)
			}
		})
	}
}

// TestExitCodeOfLocalAddressError: an address the client refuses before
// connecting (whichever parser found it) is invalid input, exit 1, not a
// refusal of MAIL (7). Before the fix it was 7.
func TestExitCodeOfLocalAddressError(t *testing.T) {
	err := &smtpcore.SendError{Phase: smtpcore.PhaseMail, Err: &smtpcore.AddressError{Role: "recipient", Addr: "a@@b", Reason: "bad"}}
	if got := exitCode(context.Background(), nil, err); got != exitUsage {
		t.Errorf("exitCode(%v) = %d, want %d", err, got, exitUsage)
	}
	var out, errb bytes.Buffer
	printSummary(&out, &errb, nil, err)
	if !strings.Contains(errb.String(), "nothing was sent") || !strings.Contains(errb.String(), `invalid recipient address "a@@b"`) {
		t.Errorf("printSummary(%v) wrote %q, want nothing was sent naming the address", err, errb.String())
	}
}

// TestExitCodeUnknownWhenInterrupted: Ctrl-C while waiting for the reply to
// the final "." leaves the outcome unknown: exit 12, not 130 ("the message
// was not completed").
func TestExitCodeUnknownWhenInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := &smtpcore.SendError{Phase: smtpcore.PhaseMessage, Err: fmt.Errorf("%w (cancelled: %w)", smtpcore.ErrUnknownOutcome, context.Canceled)}
	if got := exitCode(ctx, &smtpcore.Result{}, err); got != exitUnknown {
		t.Errorf("exitCode(cancelled, %v) = %d, want %d", err, got, exitUnknown)
	}
}
