package smtpcore

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// emit sends one transcript event, if anyone listens.
func (c *Client) emit(dir Dir, text string, elapsed time.Duration) {
	if c.cfg.Events == nil {
		return
	}
	c.cfg.Events(Event{Time: time.Now(), Session: c.cfg.Session, Dir: dir, Text: text, Elapsed: elapsed})
}

// send queues one command line; display is what the transcript shows (the
// line itself, or a masked form). A line holding CR, LF or NUL is refused:
// whatever field it came from, it would smuggle a second command.
func (c *Client) send(line, display string) error {
	if c.broken != nil {
		return c.broken
	}
	if strings.ContainsAny(line, "\r\n\x00") {
		return fmt.Errorf("refusing to send a command containing CR, LF or NUL: %q", display)
	}
	c.emit(DirClient, display, 0)
	if _, err := c.w.WriteString(line); err != nil {
		return c.ioError(err)
	}
	if _, err := c.w.WriteString("\r\n"); err != nil {
		return c.ioError(err)
	}
	return nil
}

func (c *Client) flush() error {
	if c.broken != nil {
		return c.broken
	}
	if err := c.w.Flush(); err != nil {
		return c.ioError(err)
	}
	return nil
}

// reply reads one reply, waiting at most timeout, and shows its lines in the
// transcript with the time since the command (on the last line). show, when
// not nil, rewrites each line for display (AUTH challenges).
func (c *Client) reply(since time.Time, timeout time.Duration, show func(string) string) (*Reply, error) {
	if c.broken != nil {
		return nil, c.broken
	}
	c.conn.SetReadDeadline(time.Now().Add(timeout))
	r, raw, err := ReadReply(c.r)
	for i, l := range raw {
		var el time.Duration
		if err == nil && i == len(raw)-1 {
			el = time.Since(since)
		}
		if show != nil {
			l = show(l)
		}
		c.emit(DirServer, l, el)
	}
	if err != nil {
		if isTimeout(err) {
			err = fmt.Errorf("no reply within %s: %w", timeout, err)
		} else if errors.Is(err, ErrMalformedReply) {
			err = fmt.Errorf("the server's reply is not SMTP: %w", err)
		}
		return nil, c.ioError(err)
	}
	if r.Code == 421 {
		// RFC 5321 §3.8: the server is closing the channel.
		c.setBroken(r)
	}
	return r, nil
}

// cmd sends one command, flushes and reads its reply.
func (c *Client) cmd(line, display string) (*Reply, error) {
	start := time.Now()
	if err := c.send(line, display); err != nil {
		return nil, err
	}
	if err := c.flush(); err != nil {
		return nil, err
	}
	return c.reply(start, c.cfg.commandTimeout(), nil)
}

// ioError marks the connection broken: after an I/O error or a timeout the
// two sides are out of step, so the connection is closed.
func (c *Client) ioError(err error) error {
	if errors.Is(err, net.ErrClosed) && c.broken != nil {
		return c.broken
	}
	if isTimeout(err) && !strings.Contains(err.Error(), "within") {
		err = fmt.Errorf("timed out after %s: %w", c.writeTimeout, err)
	}
	c.setBroken(err)
	return err
}

func (c *Client) setBroken(err error) {
	if c.broken == nil {
		c.broken = err
	}
	c.abort()
}

// fail wraps err with its phase, puts it in the transcript and returns it.
// When ctx was cancelled, the cancellation is the reason, whatever I/O error
// the closed connection produced.
func (c *Client) fail(ctx context.Context, phase Phase, err error) error {
	if ctx.Err() != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		unknown := errors.Is(err, ErrUnknownOutcome)
		err = fmt.Errorf("cancelled: %w", context.Cause(ctx))
		if unknown { // cancelled after the final ".": the message may be stored
			err = unknownOutcome(err)
		}
	}
	if c.raw != nil && ctx.Err() != nil {
		c.setBroken(err)
	}
	se := &SendError{Phase: phase, Err: err}
	c.emit(DirError, se.Error(), 0)
	return se
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
