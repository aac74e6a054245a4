package smtpcore

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
)

// cat flattens script pieces: strings, funcs and nested scripts.
func cat(parts ...any) script {
	var s script
	for _, p := range parts {
		if sub, ok := p.(script); ok {
			s = append(s, sub...)
		} else {
			s = append(s, p)
		}
	}
	return s
}

const greet = "S: 220 mx.test ESMTP ready"

// ehlo is the client's EHLO and a reply advertising exts.
func ehlo(exts ...string) script {
	s := script{"C: EHLO client.test"}
	if len(exts) == 0 {
		return append(s, "S: 250 mx.test")
	}
	s = append(s, "S: 250-mx.test")
	for i, e := range exts {
		sep := "-"
		if i == len(exts)-1 {
			sep = " "
		}
		s = append(s, "S: 250"+sep+e)
	}
	return s
}

var quit = script{"C: QUIT", "S: 221 2.0.0 bye", "E:"}

const noPhase Phase = -1

type sendCase struct {
	name      string
	cfg       func(*ClientConfig)
	env       Envelope
	msg       *testMessage
	sc        script
	wantPhase Phase // noPhase: success
	wantErr   error // errors.Is target, or nil
	wantCode  int   // the server reply inside the error, or 0
	check     func(t *testing.T, res *Result, rec *recorder, p *peer)
}

func runSendCase(t *testing.T, tc sendCase) {
	cfg, p, wait := runScript(t, tc.sc, nil)
	rec := &recorder{}
	cfg.Events = rec.add
	if tc.cfg != nil {
		tc.cfg(&cfg)
	}
	env := tc.env
	if env.To == nil {
		env = Envelope{From: "a@x.test", To: []string{"b@y.test"}}
	}
	msg := tc.msg
	if msg == nil {
		msg = &testMessage{body: "Subject: hi\r\n\r\nhello\r\n"}
	}
	res, err := Send(context.Background(), cfg, env, static(msg))
	wait()
	if tc.wantPhase == noPhase {
		if err != nil {
			t.Fatalf("Send() error = %v, want success\n%s", err, rec.text())
		}
	} else {
		var se *SendError
		if !errors.As(err, &se) || se.Phase != tc.wantPhase {
			t.Fatalf("Send() error = %v, want a SendError in phase %v\n%s", err, tc.wantPhase, rec.text())
		}
	}
	if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
		t.Errorf("Send() error = %v, want errors.Is %v", err, tc.wantErr)
	}
	if tc.wantCode != 0 {
		if r := ReplyOf(err); r == nil || r.Code != tc.wantCode {
			t.Errorf("ReplyOf(%v) = %v, want code %d", err, r, tc.wantCode)
		}
	}
	if tc.check != nil {
		tc.check(t, res, rec, p)
	}
}

func TestSendConversations(t *testing.T) {
	tests := []sendCase{
		{
			name: "pipelined, one recipient refused",
			env:  Envelope{From: "a@x.test", To: []string{"b@y.test", "nobody@y.test", "c@y.test"}},
			sc: cat(greet, ehlo("PIPELINING", "SIZE 1000", "8BITMIME"),
				"W: MAIL FROM:<a@x.test> SIZE=22|RCPT TO:<b@y.test>|RCPT TO:<nobody@y.test>|RCPT TO:<c@y.test>",
				"S: 250 2.1.0 OK", "S: 250 2.1.5 OK", "S: 550 5.1.1 no such user", "S: 250 2.1.5 OK",
				"C: DATA", "S: 354 go ahead", "D:", "S: 250 2.0.0 OK: queued as 4F1C21", quit),
			wantPhase: noPhase,
			check: func(t *testing.T, res *Result, rec *recorder, p *peer) {
				if !res.Partial || res.Accepted() != 2 || len(res.Rcpts) != 3 {
					t.Errorf("Partial, Accepted, len(Rcpts) = %v, %d, %d; want true, 2, 3", res.Partial, res.Accepted(), len(res.Rcpts))
				}
				if r := res.Rcpts[1]; r.Accepted || r.Addr != "nobody@y.test" || r.Reply.Code != 550 || r.Reply.Enhanced != "5.1.1" {
					t.Errorf("Rcpts[1] = %+v / %v, want nobody@y.test refused with 550 5.1.1", r, r.Reply)
				}
				if res.QueueID != "4F1C21" {
					t.Errorf("QueueID = %q, want 4F1C21", res.QueueID)
				}
				if p.data != "Subject: hi\r\n\r\nhello\r\n" {
					t.Errorf("server got data %q", p.data)
				}
				if tr := rec.text(); !strings.Contains(tr, "-> … 22 B sent (22 octets)") || strings.Contains(tr, "hello") {
					t.Errorf("transcript should summarise the body in one line and not show it:\n%s", tr)
				}
			},
		},
		{
			name: "no pipelining: one command at a time",
			sc: cat(greet, ehlo("SIZE"),
				"C: MAIL FROM:<a@x.test> SIZE=22", "S: 250 OK", "C: RCPT TO:<b@y.test>", "S: 250 OK",
				"C: DATA", "S: 354 go", "D:", "S: 250 OK", quit),
			wantPhase: noPhase,
			check: func(t *testing.T, res *Result, _ *recorder, _ *peer) {
				if res.Partial || res.QueueID != "" || res.Data.Code != 250 {
					t.Errorf("Result = %+v, want full success without queue id", res)
				}
			},
		},
		{
			name: "HELO fallback when EHLO is refused",
			sc: cat(greet, "C: EHLO client.test", "S: 502 5.5.1 command not implemented",
				"C: HELO client.test", "S: 250 mx.test",
				"C: MAIL FROM:<a@x.test>", "S: 250 OK", "C: RCPT TO:<b@y.test>", "S: 250 OK",
				"C: DATA", "S: 354 go", "D:", "S: 250 OK", quit),
			wantPhase: noPhase,
		},
		{
			name:      "EHLO and HELO refused",
			sc:        cat(greet, "C: EHLO client.test", "S: 500 what", "C: HELO client.test", "S: 501 no", quit),
			wantPhase: PhaseEHLO, wantCode: 501,
		},
		{
			name:      "EHLO name with CR LF is refused, not sent",
			cfg:       func(c *ClientConfig) { c.Helo = "client.test\r\nMAIL FROM:<evil@x.test>" },
			sc:        cat(greet, quit),
			wantPhase: PhaseEHLO,
		},
		{
			name:      "greeting refuses service",
			sc:        cat("S: 554 5.3.2 no service for you", quit),
			wantPhase: PhaseGreeting, wantCode: 554,
		},
		{
			name:      "STARTTLS required but not offered: nothing more in plain text",
			cfg:       func(c *ClientConfig) { c.Security = SecuritySTARTTLS },
			sc:        cat(greet, ehlo("PIPELINING", "AUTH PLAIN"), quit),
			wantPhase: PhaseTLS, wantErr: ErrSTARTTLSNotOffered,
		},
		{
			name:      "STARTTLS refused",
			cfg:       func(c *ClientConfig) { c.Security = SecuritySTARTTLS },
			sc:        cat(greet, ehlo("STARTTLS"), "C: STARTTLS", "S: 454 4.7.0 TLS not available", quit),
			wantPhase: PhaseTLS, wantCode: 454,
		},
		{
			name: "STARTTLS answer with injected plain-text reply",
			cfg:  func(c *ClientConfig) { c.Security = SecuritySTARTTLS },
			sc: cat(greet, ehlo("STARTTLS"), "C: STARTTLS", func(p *peer) error {
				return p.send("220 go ahead\r\n250 injected")
			}, "E:"),
			wantPhase: PhaseTLS,
			check: func(t *testing.T, _ *Result, rec *recorder, _ *peer) {
				if tr := rec.text(); !strings.Contains(tr, "in plain text after its 220 to STARTTLS") {
					t.Errorf("transcript should name the injected plain text:\n%s", tr)
				}
			},
		},
		{
			name:      "SIZE too big: refused before MAIL",
			msg:       &testMessage{body: strings.Repeat("x", 2000)},
			sc:        cat(greet, ehlo("SIZE 1000", "PIPELINING"), quit),
			wantPhase: PhaseMail, wantErr: ErrTooBig,
		},
		{
			name: "421 after MAIL: connection closed, no QUIT",
			sc: cat(greet, ehlo(), "C: MAIL FROM:<a@x.test>",
				"S: 421 4.3.2 shutting down", "E:"),
			wantPhase: PhaseMail, wantCode: 421,
		},
		{
			name: "421 in the middle of pipelined RCPT replies",
			env:  Envelope{From: "a@x.test", To: []string{"b@y.test", "c@y.test"}},
			sc: cat(greet, ehlo("PIPELINING"),
				"W: MAIL FROM:<a@x.test>|RCPT TO:<b@y.test>|RCPT TO:<c@y.test>",
				"S: 250 OK", "S: 421 4.4.2 timeout", "E:"),
			wantPhase: PhaseRcpt, wantCode: 421,
		},
		{
			name: "every recipient refused: no DATA",
			env:  Envelope{From: "a@x.test", To: []string{"b@y.test", "c@y.test"}},
			sc: cat(greet, ehlo("PIPELINING"),
				"W: MAIL FROM:<a@x.test>|RCPT TO:<b@y.test>|RCPT TO:<c@y.test>",
				"S: 250 OK", "S: 550 5.1.1 unknown", "S: 451 4.3.0 later",
				"C: RSET", "S: 250 OK", quit),
			wantPhase: PhaseRcpt, wantErr: ErrNoRecipients, wantCode: 550,
			check: func(t *testing.T, res *Result, _ *recorder, _ *peer) {
				if res == nil || len(res.Rcpts) != 2 || res.Rcpts[1].Reply.Code != 451 {
					t.Errorf("Result = %+v, want both refusals recorded", res)
				}
			},
		},
		{
			name:      "MAIL refused",
			sc:        cat(greet, ehlo(), "C: MAIL FROM:<a@x.test>", "S: 553 5.1.8 bad sender", "C: RSET", "S: 250 OK", quit),
			wantPhase: PhaseMail, wantCode: 553,
		},
		{
			name: "DATA refused",
			sc: cat(greet, ehlo(), "C: MAIL FROM:<a@x.test>", "S: 250 OK", "C: RCPT TO:<b@y.test>", "S: 250 OK",
				"C: DATA", "S: 554 5.5.1 no valid recipients", "C: RSET", "S: 250 OK", quit),
			wantPhase: PhaseData, wantCode: 554,
		},
		{
			name: "message refused after the data",
			sc: cat(greet, ehlo(), "C: MAIL FROM:<a@x.test>", "S: 250 OK", "C: RCPT TO:<b@y.test>", "S: 250 OK",
				"C: DATA", "S: 354 go", "D:", "S: 550 5.7.1 spam", "C: RSET", "S: 250 OK", quit),
			wantPhase: PhaseMessage, wantCode: 550,
		},
		{
			name: "null sender and a dot-leading line",
			env:  Envelope{From: "", To: []string{"b@y.test"}},
			msg:  &testMessage{body: "Subject: x\r\n\r\n.hidden\r\n..two\r\nend"},
			sc: cat(greet, ehlo(), "C: MAIL FROM:<>", "S: 250 OK", "C: RCPT TO:<b@y.test>", "S: 250 OK",
				"C: DATA", "S: 354 go", func(p *peer) error {
					raw, ok := p.readData()
					if want := "Subject: x\r\n\r\n..hidden\r\n...two\r\nend\r\n"; !ok || raw != want {
						return errors.New("data on the wire = " + raw + ", want dot-stuffed " + want)
					}
					return p.send("250 OK")
				}, quit),
			wantPhase: noPhase,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { runSendCase(t, tc) })
	}
}

func TestSendRefusesBadEnvelopeBeforeConnecting(t *testing.T) {
	tests := []struct {
		env  Envelope
		want string
	}{
		{Envelope{From: "a@x.test", To: []string{"b@y.test>\r\nRSET"}}, `invalid recipient address "b@y.test>\r\nRSET"`},
		{Envelope{From: "a@x.test\r\nRCPT TO:<e@vil>", To: []string{"b@y.test"}}, "invalid sender address"},
		{Envelope{From: "a@x.test", To: []string{"no-domain"}}, `invalid recipient address "no-domain"`},
		{Envelope{From: "a@x.test", To: []string{"a@b.test> SIZE=1"}}, "invalid recipient address"},
		{Envelope{From: "a@x.test", To: []string{`"x y"@b.test> SIZE=1`}}, "invalid recipient address"},
		{Envelope{From: "a@x.test", To: []string{"a@b.test>"}}, "invalid recipient address"},
		{Envelope{From: "a@x.test", To: []string{""}}, "invalid recipient address"},
		{Envelope{From: "a@x.test"}, "no recipient"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			cfg := ClientConfig{Addr: "mx.test:25", DialContext: nil}
			dialed := false
			cfg.DialContext = func(context.Context, string, string) (net.Conn, error) {
				dialed = true
				return nil, errors.New("must not dial")
			}
			_, err := Send(context.Background(), cfg, tc.env, static(&testMessage{body: "x"}))
			var se *SendError
			if !errors.As(err, &se) || se.Phase != PhaseMail || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, ErrInvalidAddress) {
				t.Errorf("Send(%q) error = %v, want PhaseMail, ErrInvalidAddress, naming %q", tc.env, err, tc.want)
			}
			if dialed {
				t.Errorf("Send(%q) dialed the server", tc.env)
			}
		})
	}
}

// TestCheckEnvelopeAcceptsMailboxes: every RFC 5321 Mailbox form is one
// path, quoted local parts with "<", ">" or spaces and address literals
// included. Before the fix any ">" in an address was refused.
func TestCheckEnvelopeAcceptsMailboxes(t *testing.T) {
	for _, a := range []string{`"x>y"@y.test`, `"x y"@example.test`, `"a<b>"@c.test`, "a@[127.0.0.1]", "a.b+c@d.test"} {
		_, rcpts, err := checkEnvelope(Envelope{From: a, To: []string{a}})
		if err != nil || len(rcpts) != 1 || rcpts[0].String() != a {
			t.Errorf("checkEnvelope(%q) = %v, %v; want the address as one path", a, rcpts, err)
		}
	}
}
