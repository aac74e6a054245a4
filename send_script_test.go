package main

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
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
