package smtpcore

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

func TestSendCancelMidData(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const chunk = 32 << 10
	msg := &testMessage{size: 100 * chunk, writeHook: func(w io.Writer) (int64, error) {
		var n int64
		line := strings.Repeat("y", 98) + "\r\n"
		buf := []byte(strings.Repeat(line, chunk/100))
		for n < 100*chunk {
			m, err := w.Write(buf)
			n += int64(m)
			if err != nil {
				return n, err
			}
		}
		return n, nil
	}}
	var got string
	sc := cat(greet, ehlo("PIPELINING"),
		"W: MAIL FROM:<a@x.test>|RCPT TO:<b@y.test>", "S: 250 OK", "S: 250 OK",
		"C: DATA", "S: 354 go", func(p *peer) error {
			for len(p.pending) < 3*chunk { // part of the message has arrived
				if err := p.fill(); err != nil {
					return err
				}
			}
			cancel()
			got = p.drain()
			return nil
		})
	cfg, _, wait := runScript(t, sc, nil)
	rec := &recorder{}
	cfg.Events = rec.add
	_, err := Send(ctx, cfg, Envelope{From: "a@x.test", To: []string{"b@y.test"}}, static(msg))
	wait()
	var se *SendError
	if !errors.As(err, &se) || se.Phase != PhaseData || !errors.Is(err, context.Canceled) {
		t.Fatalf("Send() cancelled mid-DATA: error = %v, want PhaseData wrapping context.Canceled", err)
	}
	if !strings.Contains(err.Error(), "stopped after") || !strings.Contains(err.Error(), "without ending the message") {
		t.Errorf("error %q should say how far it got and that the message was not ended", err)
	}
	if strings.Contains(got, "\r\n.\r\n") || strings.HasSuffix(got, "QUIT\r\n") {
		t.Errorf("after cancel the server received an end mark or QUIT; last bytes %q", got[max(0, len(got)-40):])
	}
	if len(got) >= 100*chunk {
		t.Errorf("the whole message (%d bytes) arrived despite cancel", len(got))
	}
}

func TestSendProgressEvents(t *testing.T) {
	body := strings.Repeat(strings.Repeat("z", 78)+"\r\n", 10000) // 800 KB
	sc := cat(greet, ehlo(), "C: MAIL FROM:<a@x.test>", "S: 250 OK", "C: RCPT TO:<b@y.test>", "S: 250 OK",
		"C: DATA", "S: 354 go", "D:", "S: 250 OK", quit)
	cfg, p, wait := runScript(t, sc, nil)
	rec := &recorder{}
	cfg.Events = rec.add
	res, err := Send(context.Background(), cfg, Envelope{From: "a@x.test", To: []string{"b@y.test"}}, static(&testMessage{body: body}))
	wait()
	if err != nil {
		t.Fatalf("Send() = %v", err)
	}
	if p.data != body || res.Size != int64(len(body)) {
		t.Errorf("server got %d bytes, Result.Size %d, want %d", len(p.data), res.Size, len(body))
	}
	var prog []Event
	for _, e := range rec.events() {
		if e.Dir == DirProgress {
			prog = append(prog, e)
		}
	}
	if len(prog) < 5 || len(prog) > 200 {
		t.Fatalf("%d progress events for 800 KB, want between 5 and 200 (every 64 KB or 50 ms)", len(prog))
	}
	last := prog[len(prog)-1]
	if last.Sent != int64(len(body)) || last.Total != int64(len(body)) {
		t.Errorf("last progress = %d of %d, want %d of %d", last.Sent, last.Total, len(body), len(body))
	}
	for i := 1; i < len(prog); i++ {
		if prog[i].Sent < prog[i-1].Sent {
			t.Errorf("progress went backwards: %d after %d", prog[i].Sent, prog[i-1].Sent)
		}
	}
	var elapsed bool
	for _, e := range rec.events() {
		if e.Dir == DirServer && e.Elapsed > 0 {
			elapsed = true
		}
	}
	if !elapsed {
		t.Error("no server reply carries Elapsed")
	}
}

func TestSend8BITMIMEChoice(t *testing.T) {
	tests := []struct {
		name     string
		exts     []string
		wantMail string
		want8bit bool
	}{
		{"offered", []string{"8BITMIME"}, "MAIL FROM:<a@x.test> BODY=8BITMIME", true},
		{"not offered", []string{"PIPELINING"}, "MAIL FROM:<a@x.test>", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sc := cat(greet, ehlo(tc.exts...), "C: "+tc.wantMail, "S: 553 stop here", "C: RSET", "S: 250 OK", quit)
			if tc.exts[0] == "PIPELINING" {
				sc = cat(greet, ehlo(tc.exts...), "W: "+tc.wantMail+"|RCPT TO:<b@y.test>", "S: 553 stop here", "S: 503 no",
					"C: RSET", "S: 250 OK", quit)
			}
			cfg, _, wait := runScript(t, sc, nil)
			var got *bool
			_, err := Send(context.Background(), cfg, Envelope{From: "a@x.test", To: []string{"b@y.test"}},
				func(allow8bit bool) (Message, error) {
					got = &allow8bit
					return &testMessage{body: "Subject: é\r\n\r\nça\r\n", eightBit: allow8bit}, nil
				})
			wait()
			if got == nil || *got != tc.want8bit {
				t.Errorf("build called with allow8bit = %v, want %v", got, tc.want8bit)
			}
			if r := ReplyOf(err); r == nil || r.Code != 553 {
				t.Errorf("Send() = %v, want the scripted 553", err)
			}
		})
	}
}

func TestSendRefuses8bitWithout8BITMIME(t *testing.T) {
	cfg, _, wait := runScript(t, cat(greet, ehlo("PIPELINING"), quit), nil)
	_, err := Send(context.Background(), cfg, Envelope{From: "a@x.test", To: []string{"b@y.test"}},
		static(&testMessage{body: "ç\r\n", eightBit: true}))
	wait()
	if !errors.Is(err, ErrNeeds8BITMIME) {
		t.Errorf("Send(8-bit message to a 7-bit server) = %v, want ErrNeeds8BITMIME", err)
	}
}

func TestSendSMTPUTF8(t *testing.T) {
	env := Envelope{From: "a@x.test", To: []string{"jürgen@müller.test"}}
	t.Run("offered", func(t *testing.T) {
		sc := cat(greet, ehlo("SMTPUTF8", "8BITMIME"), "C: MAIL FROM:<a@x.test> SMTPUTF8", "S: 250 OK",
			"C: RCPT TO:<jürgen@müller.test>", "S: 250 OK", "C: DATA", "S: 354 go", "D:", "S: 250 OK", quit)
		cfg, _, wait := runScript(t, sc, nil)
		_, err := Send(context.Background(), cfg, env, static(&testMessage{body: "x\r\n"}))
		wait()
		if err != nil {
			t.Errorf("Send(%v) = %v", env, err)
		}
	})
	t.Run("missing", func(t *testing.T) {
		cfg, _, wait := runScript(t, cat(greet, ehlo("8BITMIME"), quit), nil)
		_, err := Send(context.Background(), cfg, env, static(&testMessage{body: "x\r\n"}))
		wait()
		if !errors.Is(err, ErrNeedsSMTPUTF8) || !strings.Contains(err.Error(), "jürgen@müller.test") {
			t.Errorf("Send(%v) to a server without SMTPUTF8 = %v, want ErrNeedsSMTPUTF8 naming the address", env, err)
		}
	})
	t.Run("UTF-8 header", func(t *testing.T) {
		cfg, _, wait := runScript(t, cat(greet, ehlo("8BITMIME"), quit), nil)
		_, err := Send(context.Background(), cfg, Envelope{From: "a@x.test", To: []string{"b@y.test"}},
			static(&testMessage{body: "x\r\n", utf8Head: true}))
		wait()
		if !errors.Is(err, ErrNeedsSMTPUTF8) {
			t.Errorf("Send(message with UTF-8 header) = %v, want ErrNeedsSMTPUTF8", err)
		}
	})
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestAuthMechanisms(t *testing.T) {
	cram := func(p *peer) error {
		// RFC 2195 §2's example: the challenge and the digest for tim/tanstaaftanstaaf.
		if err := p.send("334 " + b64("<1896.697170952@postoffice.reston.mci.net>")); err != nil {
			return err
		}
		l, err := p.readLine()
		if err != nil {
			return err
		}
		if want := b64("tim b913a602c7eda7a495b4e6e7334d3890"); l != want {
			p.failf("CRAM-MD5 response %q, want %q", l, want)
		}
		return p.send("235 2.7.0 OK")
	}
	tests := []struct {
		name     string
		offered  string
		mech     string
		insecure bool
		steps    script
		wantErr  error
		wantCode int
		wantShow []string
	}{
		{"CRAM-MD5 preferred", "PLAIN LOGIN CRAM-MD5", "", false, script{"C: AUTH CRAM-MD5", cram}, nil, 0,
			[]string{"-> AUTH CRAM-MD5", "<- 334 " + b64("<1896.697170952@postoffice.reston.mci.net>") + ` ["<1896.697170952@postoffice.reston.mci.net>"]`, "-> <masked>"}},
		{"PLAIN when allowed", "PLAIN LOGIN", "", true,
			script{"C: AUTH PLAIN " + b64("\x00tim\x00tanstaaftanstaaf"), "S: 235 2.7.0 OK"}, nil, 0,
			[]string{"-> AUTH PLAIN <masked>"}},
		{"LOGIN asked for", "PLAIN LOGIN", "login", true,
			script{"C: AUTH LOGIN", "S: 334 VXNlcm5hbWU6", "C: " + b64("tim"), "S: 334 UGFzc3dvcmQ6", "C: " + b64("tanstaaftanstaaf"), "S: 235 OK"},
			nil, 0, []string{"-> AUTH LOGIN", `<- 334 VXNlcm5hbWU6 ["Username:"]`, "-> <masked>"}},
		{"PLAIN refused in plain text", "PLAIN LOGIN", "", false, script{"C: QUIT", "S: 221 bye"}, ErrInsecureAuth, 0, nil},
		{"not offered", "", "", true, script{"C: QUIT", "S: 221 bye"}, ErrAuthNotOffered, 0, nil},
		{"wrong password", "PLAIN", "", true,
			script{"C: AUTH PLAIN *", "S: 535 5.7.8 authentication failed", "C: QUIT", "S: 221 bye"}, nil, 535, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			exts := []string{"PIPELINING"}
			if tc.offered != "" {
				exts = append(exts, "AUTH "+tc.offered)
			}
			sc := cat(greet, ehlo(exts...), tc.steps)
			if tc.wantErr == nil && tc.wantCode == 0 {
				sc = append(sc, "C: QUIT", "S: 221 bye")
			}
			cfg, _, wait := runScript(t, append(sc, "E:"), nil)
			rec := &recorder{}
			cfg.Events = rec.add
			cfg.Auth = &Auth{Username: "tim", Password: "tanstaaftanstaaf", Mechanism: tc.mech}
			cfg.AllowInsecureAuth = tc.insecure
			c, err := Dial(context.Background(), cfg)
			if err == nil {
				err = c.Quit()
			}
			wait()
			switch {
			case tc.wantErr != nil && !errors.Is(err, tc.wantErr):
				t.Errorf("Dial() = %v, want %v", err, tc.wantErr)
			case tc.wantCode != 0 && (ReplyOf(err) == nil || ReplyOf(err).Code != tc.wantCode):
				t.Errorf("Dial() = %v, want reply %d", err, tc.wantCode)
			case tc.wantErr == nil && tc.wantCode == 0 && err != nil:
				t.Errorf("Dial() = %v, want success", err)
			}
			if tc.wantErr != nil || tc.wantCode != 0 {
				var se *SendError
				if !errors.As(err, &se) || se.Phase != PhaseAuth {
					t.Errorf("Dial() = %v, want PhaseAuth", err)
				}
			}
			tr := rec.text()
			for _, w := range tc.wantShow {
				if !strings.Contains(tr, w+"\n") {
					t.Errorf("transcript lacks %q:\n%s", w, tr)
				}
			}
			for _, secret := range []string{"tanstaaf", b64("tim"), b64("tanstaaftanstaaf"), "b913a602"} {
				if strings.Contains(tr, secret) {
					t.Errorf("transcript shows secret %q:\n%s", secret, tr)
				}
			}
		})
	}
}

func TestClientTwoMessagesOneConnection(t *testing.T) {
	txn := func(code string) script {
		return script{"W: MAIL FROM:<a@x.test>|RCPT TO:<b@y.test>", "S: 250 OK", "S: " + code + " rcpt"}
	}
	sc := cat(greet, ehlo("PIPELINING"),
		txn("550"), "C: RSET", "S: 250 OK",
		txn("250"), "C: DATA", "S: 354 go", "D:", "S: 250 queued as <abc@mx>",
		txn("250"), "C: DATA", "S: 354 go", "D:", "S: 250 OK", quit)
	cfg, _, wait := runScript(t, sc, nil)
	c, err := Dial(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Dial() = %v", err)
	}
	env := Envelope{From: "a@x.test", To: []string{"b@y.test"}}
	if _, err := c.SendMail(context.Background(), env, &testMessage{body: "1\r\n"}); !errors.Is(err, ErrNoRecipients) {
		t.Errorf("first SendMail = %v, want ErrNoRecipients", err)
	}
	res, err := c.SendMail(context.Background(), env, &testMessage{body: "2\r\n"})
	if err != nil || res.QueueID != "abc@mx" {
		t.Errorf("second SendMail = %+v, %v; want queue id abc@mx", res, err)
	}
	if _, err := c.SendMail(context.Background(), env, &testMessage{body: "3\r\n"}); err != nil {
		t.Errorf("third SendMail = %v", err)
	}
	if err := c.Quit(); err != nil {
		t.Errorf("Quit() = %v", err)
	}
	wait()
}

func TestClientReplyTimeout(t *testing.T) {
	release := make(chan struct{})
	sc := cat(greet, ehlo(), "C: MAIL FROM:<a@x.test>", func(p *peer) error {
		<-release
		return nil
	})
	cfg, _, wait := runScript(t, sc, nil)
	cfg.CommandTimeout = 50 * time.Millisecond
	_, err := Send(context.Background(), cfg, Envelope{From: "a@x.test", To: []string{"b@y.test"}}, static(&testMessage{body: "x"}))
	close(release)
	wait()
	var se *SendError
	if !errors.As(err, &se) || se.Phase != PhaseMail || !strings.Contains(err.Error(), "no reply within 50ms") {
		t.Errorf("Send() to a silent server = %v, want PhaseMail: no reply within 50ms", err)
	}
}

func TestSendCancelWhileWaitingForGreeting(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	sc := script{func(p *peer) error { cancel(); p.drain(); return nil }}
	cfg, _, wait := runScript(t, sc, nil)
	_, err := Send(ctx, cfg, Envelope{From: "a@x.test", To: []string{"b@y.test"}}, static(&testMessage{body: "x"}))
	wait()
	var se *SendError
	if !errors.As(err, &se) || se.Phase != PhaseGreeting || !errors.Is(err, context.Canceled) {
		t.Errorf("Send() cancelled before the greeting = %v, want PhaseGreeting and context.Canceled", err)
	}
}

func TestParseEHLO(t *testing.T) {
	got := parseEHLO("mx.test hello\nPIPELINING\nsize 1000\nAUTH=LOGIN PLAIN\nAUTH CRAM-MD5\n8BITMIME")
	want := map[string]string{"PIPELINING": "", "SIZE": "1000", "AUTH": "LOGIN PLAIN CRAM-MD5", "8BITMIME": ""}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("parseEHLO()[%q] = %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
}
