package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"
	"unicode/utf8"

	"letterbox/smtpcore"
)

// Exit codes of `letterbox send`, one per phase where sending can stop.
const (
	exitOK          = 0
	exitUsage       = 1
	exitConnect     = 2
	exitGreeting    = 3
	exitEHLO        = 4
	exitTLS         = 5
	exitAuth        = 6
	exitMail        = 7
	exitNoRcpt      = 8
	exitPartial     = 9
	exitData        = 10
	exitMessage     = 11
	exitUnknown     = 12
	exitInterrupted = 130
)

var exitCodes = []struct {
	code    int
	meaning string
}{
	{exitOK, "sent: every recipient accepted"},
	{exitUsage, "bad flags, an invalid address or an invalid message (nothing was sent)"},
	{exitConnect, "could not connect"},
	{exitGreeting, "the server refused the connection in its greeting"},
	{exitEHLO, "EHLO and HELO refused"},
	{exitTLS, "TLS failed: not offered, refused, or the certificate is not trusted"},
	{exitAuth, "AUTH failed or impossible"},
	{exitMail, "the sender (MAIL FROM) or the message size/kind refused"},
	{exitNoRcpt, "no recipient accepted (nothing was sent)"},
	{exitPartial, "sent, but some recipients were rejected"},
	{exitData, "DATA refused, or the connection failed while sending the message"},
	{exitMessage, "the server refused the message after receiving it"},
	{exitUnknown, "no answer after the message: it may or may not have been delivered (do not simply send it again)"},
	{exitInterrupted, "interrupted (Ctrl-C); the message was not completed"},
}

func phaseExit(p smtpcore.Phase) int {
	switch p {
	case smtpcore.PhaseConnect:
		return exitConnect
	case smtpcore.PhaseGreeting:
		return exitGreeting
	case smtpcore.PhaseEHLO:
		return exitEHLO
	case smtpcore.PhaseTLS:
		return exitTLS
	case smtpcore.PhaseAuth:
		return exitAuth
	case smtpcore.PhaseMail:
		return exitMail
	case smtpcore.PhaseRcpt:
		return exitNoRcpt
	case smtpcore.PhaseMessage:
		return exitMessage
	case smtpcore.PhaseBuild:
		return exitUsage
	}
	return exitData
}

func exitCode(ctx context.Context, res *smtpcore.Result, err error) int {
	if err == nil {
		if res.Partial {
			return exitPartial
		}
		return exitOK
	}
	if errors.Is(err, smtpcore.ErrInvalidAddress) {
		return exitUsage // found before connecting: the input, not the server
	}
	if errors.Is(err, smtpcore.ErrUnknownOutcome) {
		return exitUnknown // even when interrupted: the message may be stored
	}
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		return exitInterrupted
	}
	var se *smtpcore.SendError
	if errors.As(err, &se) {
		return phaseExit(se.Phase)
	}
	return exitData
}

// transcript prints client events swaks-style as they arrive. On a terminal
// DATA progress redraws one line; otherwise it is printed every 10%.
type transcript struct {
	w        io.Writer
	tty      bool
	quiet    bool
	progress bool // a progress line is open on a terminal
	lastPct  int64
}

// marker is the swaks-like prefix of a transcript line.
func marker(d smtpcore.Dir) string {
	switch d {
	case smtpcore.DirClient:
		return " -> "
	case smtpcore.DirServer:
		return "<-  "
	case smtpcore.DirTLS:
		return " ~~ "
	case smtpcore.DirError:
		return "!!! "
	}
	return "=== "
}

func (t *transcript) event(e smtpcore.Event) {
	if t.quiet {
		return
	}
	if e.Dir == smtpcore.DirProgress {
		t.showProgress(e)
		return
	}
	t.endProgress()
	if e.Dir == smtpcore.DirClient && e.Text == "DATA" {
		t.lastPct = -1
	}
	line := marker(e.Dir) + smtpcore.Printable(e.Text)
	if e.Dir == smtpcore.DirServer && e.Elapsed > 0 {
		line += fmt.Sprintf("   [%s]", roundDuration(e.Elapsed))
	}
	fmt.Fprintln(t.w, line)
}

func (t *transcript) showProgress(e smtpcore.Event) {
	if e.Total <= 0 {
		return
	}
	pct := e.Sent * 100 / e.Total
	text := fmt.Sprintf("=== %s of %s sent (%d%%)", smtpcore.FormatSize(e.Sent), smtpcore.FormatSize(e.Total), pct)
	if t.tty {
		fmt.Fprintf(t.w, "\r%s\x1b[K", text)
		t.progress = true
		return
	}
	if e.Total >= 1<<20 && pct/10 > t.lastPct/10 && pct < 100 {
		t.lastPct = pct
		fmt.Fprintln(t.w, text)
	}
}

// endProgress closes an open progress line.
func (t *transcript) endProgress() {
	if t.progress {
		fmt.Fprintln(t.w)
		t.progress = false
	}
}

// rcptState is the first word of a recipient's summary line: the outcome
// for that recipient, not only the answer to its RCPT. A recipient accepted
// by RCPT is "accepted" only when the message was accepted too; "UNKNOWN"
// when no answer came after the message (it may have been delivered), and
// "not sent" when the transaction failed after its RCPT.
func rcptState(r smtpcore.RcptResult, err error) string {
	switch {
	case !r.Accepted:
		return "REJECTED"
	case err == nil:
		return "accepted"
	case errors.Is(err, smtpcore.ErrUnknownOutcome):
		return "UNKNOWN"
	}
	return "not sent"
}

func roundDuration(d time.Duration) time.Duration {
	switch {
	case d < time.Millisecond:
		return d.Round(time.Microsecond)
	case d < time.Second:
		return d.Round(100 * time.Microsecond)
	}
	return d.Round(time.Millisecond)
}

// printSummary prints one line per recipient and a closing line; a failure
// goes to stderr with the phase where it stopped.
func printSummary(stdout, stderr io.Writer, res *smtpcore.Result, err error) {
	if res != nil {
		width := 0
		for _, r := range res.Rcpts {
			width = max(width, utf8.RuneCountInString(smtpcore.Printable(r.Addr)))
		}
		for _, r := range res.Rcpts {
			state := rcptState(r, err)
			fmt.Fprintf(stdout, "%-8s  %-*s  %s\n", state, width, smtpcore.Printable(r.Addr), smtpcore.Printable(r.Reply.Error()))
		}
	}
	if err != nil {
		var ae *smtpcore.AddressError
		if errors.As(err, &ae) {
			printInvalid(stderr, ae)
			return
		}
		if errors.Is(err, smtpcore.ErrUnknownOutcome) {
			fmt.Fprintf(stderr, "letterbox send: %s\n", smtpcore.Printable(err.Error()))
			fmt.Fprintln(stderr, "letterbox send: the server may have stored it: check before sending it again, or it may arrive twice")
			return
		}
		fmt.Fprintf(stderr, "letterbox send: not sent: %s\n", smtpcore.Printable(err.Error()))
		if leaf := smtpcore.UnverifiedLeaf(err); leaf != nil {
			fmt.Fprintf(stderr, "letterbox send: to trust this certificate: --trust %s (or --ca-file with the issuing CA)\n", smtpcore.LeafFingerprint(leaf))
		}
		return
	}
	s := fmt.Sprintf("sent %s to %d of %d recipients", smtpcore.FormatSize(res.Size), res.Accepted(), len(res.Rcpts))
	if res.QueueID != "" {
		s += ", queued as " + res.QueueID
	}
	if res.Partial {
		s += " (PARTIAL: some recipients were rejected)"
	}
	fmt.Fprintln(stdout, s)
}
