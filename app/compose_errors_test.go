package app

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"letterbox/smtpcore"
	"letterbox/smtpcore/msg"
)

func TestExplainSendError(t *testing.T) {
	cfg := smtpcore.ClientConfig{Addr: "mail.example.test:587", DialTimeout: 7 * time.Second}
	dial := func(err error) error {
		return &smtpcore.SendError{Phase: smtpcore.PhaseConnect, Err: &net.OpError{Op: "dial", Net: "tcp", Err: err}}
	}
	phase := func(p smtpcore.Phase, err error) error { return &smtpcore.SendError{Phase: p, Err: err} }
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"refused", dial(os.NewSyscallError("connect", syscall.ECONNREFUSED)),
			"Nothing is listening on mail.example.test:587 — is the server running?"},
		{"unknown name", dial(&net.DNSError{Name: "mail.example.test", Err: "no such host", IsNotFound: true}),
			"The name mail.example.test could not be found — check the server's host name"},
		{"dns timeout", dial(&net.DNSError{Name: "mail.example.test", Err: "i/o timeout", IsTimeout: true}),
			"Looking up the name mail.example.test took too long"},
		{"dial deadline", dial(os.ErrDeadlineExceeded), "The server did not answer within 7s"},
		{"dial context", dial(context.DeadlineExceeded), "The server did not answer within 7s"},
		{"no route", dial(os.NewSyscallError("connect", syscall.EHOSTUNREACH)), "cannot be reached from this computer"},
		{"reply timeout", phase(smtpcore.PhaseData, fmt.Errorf("no reply within 10m0s: %w", os.ErrDeadlineExceeded)),
			"The server stopped answering (at DATA)"},
		{"dropped", phase(smtpcore.PhaseMail, io.ErrUnexpectedEOF), "The server closed the connection (at MAIL)"},
		{"not TLS", phase(smtpcore.PhaseTLS, tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}),
			"The server did not answer in TLS"},
		{"no STARTTLS", phase(smtpcore.PhaseTLS, smtpcore.ErrSTARTTLSNotOffered), "The server does not offer STARTTLS"},
		{"tls alert", phase(smtpcore.PhaseTLS, tls.AlertError(40)), "The TLS handshake failed: the server ended it"},
		{"login refused", phase(smtpcore.PhaseAuth, &smtpcore.Reply{Code: 535, Enhanced: "5.7.8", Text: "bad credentials"}),
			"The server refused the user name or password (535 5.7.8 bad credentials)"},
		{"clear-text login", phase(smtpcore.PhaseAuth, smtpcore.ErrInsecureAuth), "not sent — use STARTTLS or TLS"},
		{"no AUTH", phase(smtpcore.PhaseAuth, fmt.Errorf("%w (offered: %q)", smtpcore.ErrAuthNotOffered, "")), "no way to log in"},
		{"sender 4xx", phase(smtpcore.PhaseMail, &smtpcore.Reply{Code: 451, Text: "greylisted"}),
			"The server refused the sender: 451 greylisted — a temporary refusal: try again later"},
		{"message 5xx", phase(smtpcore.PhaseMessage, &smtpcore.Reply{Code: 554, Text: "spam"}), "The server refused the message: 554 spam"},
		{"no recipients", phase(smtpcore.PhaseRcpt, smtpcore.ErrNoRecipients), "The server refused every recipient"},
		{"too big", phase(smtpcore.PhaseMail, fmt.Errorf("%w: 30 MB, limit 10 MB", smtpcore.ErrTooBig)), "Message larger than the server accepts"},
		{"field", &msg.FieldError{Field: "To", Err: errors.New("missing domain")}, "To: missing domain"},
		{"other", phase(smtpcore.PhaseQuit, errors.New("odd")), "Stopped at QUIT: odd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := explainSendError(tt.err, cfg)
			if !strings.Contains(got, tt.want) {
				t.Errorf("explainSendError(%v) = %q, want it to contain %q", tt.err, got, tt.want)
			}
		})
	}
}

func TestDecapitalise(t *testing.T) {
	for in, want := range map[string]string{
		"Nothing is listening": "nothing is listening",
		"TLS handshake":        "TLS handshake",
		"":                     "",
		"É":                    "é",
	} {
		if got := decapitalise(in); got != want {
			t.Errorf("decapitalise(%q) = %q, want %q", in, got, want)
		}
	}
}
