package smtpcore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// envelope sends MAIL and the RCPTs and fills res.Rcpts. With PIPELINING
// (RFC 2920) MAIL and every RCPT leave in one write and the replies are read
// in order afterwards. DATA is not part of that group: it is sent only once
// a recipient is known to be accepted, so a server can never be left
// expecting a message that has no recipient (RFC 2920 §3.1 allows DATA in the
// group; this client pays one round trip to keep the failure cases simple).
func (c *Client) envelope(res *Result, mail string, rcpts []string) (Phase, error) {
	addrs := make([]string, len(rcpts))
	for i, r := range rcpts {
		addrs[i] = strings.TrimSuffix(strings.TrimPrefix(r, "RCPT TO:<"), ">")
	}
	var mailReply *Reply
	if _, ok := c.ext["PIPELINING"]; ok {
		start := time.Now()
		for _, l := range append([]string{mail}, rcpts...) {
			if err := c.send(l, l); err != nil {
				return PhaseMail, err
			}
		}
		if err := c.flush(); err != nil {
			return PhaseMail, err
		}
		r, err := c.reply(start, c.cfg.commandTimeout(), nil)
		if err != nil {
			return PhaseMail, err
		}
		mailReply = r
		if r.Code == 421 {
			return PhaseMail, r
		}
		for _, a := range addrs {
			r, err := c.reply(start, c.cfg.commandTimeout(), nil)
			if err != nil {
				return PhaseRcpt, err
			}
			if r.Code == 421 {
				return PhaseRcpt, r
			}
			res.Rcpts = append(res.Rcpts, RcptResult{Addr: a, Accepted: r.Code/100 == 2, Reply: r})
		}
	} else {
		r, err := c.cmd(mail, mail)
		if err != nil {
			return PhaseMail, err
		}
		mailReply = r
		if r.Code/100 == 2 {
			for i, l := range rcpts {
				r, err := c.cmd(l, l)
				if err != nil {
					return PhaseRcpt, err
				}
				res.Rcpts = append(res.Rcpts, RcptResult{Addr: addrs[i], Accepted: r.Code/100 == 2, Reply: r})
			}
		}
	}
	if mailReply.Code/100 != 2 {
		return PhaseMail, mailReply
	}
	if res.Accepted() == 0 {
		first := res.Rcpts[0]
		more := ""
		if n := len(res.Rcpts) - 1; n > 0 {
			more = fmt.Sprintf(" (and %d more refused)", n)
		}
		return PhaseRcpt, fmt.Errorf("%w: %s refused: %w%s", ErrNoRecipients, first.Addr, first.Reply, more)
	}
	return PhaseRcpt, nil
}

// data sends DATA, streams the message and reads the final reply.
func (c *Client) data(ctx context.Context, res *Result, msg Message) (Phase, error) {
	r, err := c.cmd("DATA", "DATA")
	if err != nil {
		return PhaseData, err
	}
	if r.Code != 354 {
		return PhaseData, r
	}
	start := time.Now()
	n, err := c.writeMessage(ctx, msg)
	res.Size = n
	if err != nil {
		return PhaseData, err
	}
	r, err = c.reply(start, c.cfg.dataTimeout(), nil)
	if err != nil {
		return PhaseMessage, unknownOutcome(err)
	}
	res.Data = r
	if r.Code/100 != 2 {
		return PhaseMessage, r
	}
	res.QueueID = queueID(r)
	return PhaseMessage, nil
}

// writeMessage streams msg through a progress counter, the dot-stuffer and
// the 64 KB buffer: the message is never held in memory. Each block written
// to the network gets DataTimeout. If anything fails, or ctx is cancelled,
// the connection is closed without the final ".", so the server discards
// what it got (RFC 5321 §4.1.1.4: no message without the end mark).
func (c *Client) writeMessage(ctx context.Context, msg Message) (int64, error) {
	c.writeTimeout = c.cfg.dataTimeout()
	defer func() { c.writeTimeout = c.cfg.commandTimeout() }()
	total := msg.Size()
	dw := NewDotWriter(c.w)
	pw := &progressWriter{w: dw, c: c, total: total}
	n, err := msg.WriteTo(pw)
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		c.setBroken(err)
		if ctx.Err() != nil {
			err = fmt.Errorf("cancelled: %w", context.Cause(ctx))
		}
		return n, fmt.Errorf("stopped after %s of %s, connection closed without ending the message: %w",
			FormatSize(n), FormatSize(total), err)
	}
	pw.report(true)
	if err := dw.Close(); err != nil {
		return n, c.ioError(err)
	}
	c.emit(DirClient, fmt.Sprintf("… %s sent (%d octets)", FormatSize(n), n), 0)
	c.emit(DirClient, ".", 0)
	if err := c.flush(); err != nil {
		return n, err
	}
	return n, nil
}

// progressWriter counts message octets and emits DirProgress events, at most
// one per 64 KB or 50 ms.
type progressWriter struct {
	w     *DotWriter
	c     *Client
	total int64
	sent  int64
	last  int64
	at    time.Time
}

func (p *progressWriter) Write(b []byte) (int, error) {
	if p.c.broken != nil {
		return 0, p.c.broken
	}
	done := 0
	for done < len(b) {
		// Large writes go in 64 KB pieces so progress moves smoothly.
		piece := b[done:min(len(b), done+64<<10)]
		n, err := p.w.Write(piece)
		done += n
		p.sent += int64(n)
		if err != nil {
			return done, p.c.ioError(err)
		}
		p.report(false)
	}
	return done, nil
}

func (p *progressWriter) report(final bool) {
	if p.c.cfg.Events == nil || p.sent == p.last && !final {
		return
	}
	now := time.Now()
	if !final && p.sent-p.last < 64<<10 && now.Sub(p.at) < 50*time.Millisecond {
		return
	}
	p.last, p.at = p.sent, now
	p.c.cfg.Events(Event{Time: now, Session: p.c.cfg.Session, Dir: DirProgress, Sent: p.sent, Total: p.total})
}

// unknownOutcome marks err, met while waiting for the reply to the final
// ".", as ErrUnknownOutcome: the message may be stored already.
func unknownOutcome(err error) error {
	if errors.Is(err, ErrUnknownOutcome) {
		return err
	}
	return fmt.Errorf("%w (%w)", ErrUnknownOutcome, err)
}
