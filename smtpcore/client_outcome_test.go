package smtpcore

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestSendUnknownOutcome: once the final "." is out, a lost reply (the
// server closes, goes silent, or the send is cancelled) is ErrUnknownOutcome
// in PhaseMessage; a reply is a refusal as before; a connection lost before
// the "." is a plain DATA failure. Before the fix the lost reply was an
// I/O error that read as a refusal.
func TestSendUnknownOutcome(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pre := cat(greet, ehlo(), "C: MAIL FROM:<a@x.test>", "S: 250 OK", "C: RCPT TO:<b@y.test>", "S: 250 OK", "C: DATA", "S: 354 go")
	tests := []struct {
		name    string
		ctx     context.Context
		after   script
		phase   Phase
		unknown bool
	}{
		{"closed after the dot", context.Background(), script{"D:"}, PhaseMessage, true},
		{"silent after the dot", context.Background(), script{"D:", func(p *peer) error { p.drain(); return nil }}, PhaseMessage, true},
		{"cancelled after the dot", ctx, script{"D:", func(p *peer) error { cancel(); p.drain(); return nil }}, PhaseMessage, true},
		{"refused after the dot", context.Background(), script{"D:", "S: 554 5.7.1 no", "C: RSET", "S: 250 OK", "C: QUIT", "S: 221 bye"}, PhaseMessage, false},
		{"closed before the dot", context.Background(), script{}, PhaseData, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, _, wait := runScript(t, cat(pre, tt.after), nil)
			cfg.DataTimeout = 100 * time.Millisecond
			msg := &testMessage{body: "Subject: x\r\n\r\nhello\r\n"}
			_, err := Send(tt.ctx, cfg, Envelope{From: "a@x.test", To: []string{"b@y.test"}}, static(msg))
			wait()
			var se *SendError
			if !errors.As(err, &se) || se.Phase != tt.phase || errors.Is(err, ErrUnknownOutcome) != tt.unknown {
				t.Errorf("Send() = %v, want phase %v and unknown outcome %v", err, tt.phase, tt.unknown)
			}
		})
	}
}
