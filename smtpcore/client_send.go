package smtpcore

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// RcptResult is what the server answered to one RCPT TO.
type RcptResult struct {
	Addr     string
	Accepted bool
	Reply    *Reply
}

// Result is the outcome of one mail transaction.
type Result struct {
	Rcpts   []RcptResult         // one per envelope recipient, in order
	Data    *Reply               // the reply after the final "." (nil if the data was not sent)
	QueueID string               // from "queued as X" in Data, when the server says it
	TLS     *tls.ConnectionState // nil without TLS
	Partial bool                 // the message went to some recipients; others were refused
	Elapsed time.Duration        // from MAIL to the reply after the data
	Size    int64                // octets of message text sent (before dot-stuffing)
}

// Accepted returns how many recipients the server accepted.
func (r *Result) Accepted() int {
	n := 0
	for _, rc := range r.Rcpts {
		if rc.Accepted {
			n++
		}
	}
	return n
}

// Send runs one whole transaction on a new connection: connect, greeting,
// EHLO (HELO fallback), STARTTLS or implicit TLS, AUTH, then MAIL (with SIZE,
// BODY=8BITMIME and SMTPUTF8 as needed), the RCPTs (pipelined when offered),
// DATA and QUIT. build is called once, after EHLO, with whether the server
// offers 8BITMIME, so the message can be built 7-bit clean otherwise.
//
// The envelope is checked before connecting. On error the *SendError says
// the phase; the Result, when not nil, holds what was learned (the replies to
// each RCPT). A QUIT that fails after the message was accepted is only noted
// in the transcript: the message was delivered.
func Send(ctx context.Context, cfg ClientConfig, env Envelope, build func(allow8bit bool) (Message, error)) (*Result, error) {
	if _, _, err := checkEnvelope(env); err != nil {
		se := &SendError{Phase: PhaseMail, Err: err}
		if cfg.Events != nil {
			cfg.Events(Event{Time: time.Now(), Session: cfg.Session, Dir: DirError, Text: se.Error()})
		}
		return nil, se
	}
	start := time.Now()
	c, err := Dial(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	m, err := build(c.Has8BITMIME())
	if err != nil {
		c.emit(DirError, "build: "+err.Error(), 0)
		c.Quit()
		return nil, &SendError{Phase: PhaseBuild, Err: err}
	}
	res, err := c.SendMail(ctx, env, m)
	if c.broken == nil {
		if qerr := c.Quit(); qerr != nil && err == nil {
			c.emit(DirInfo, "QUIT failed after the message was accepted: "+qerr.Error(), 0)
		}
	}
	c.emit(DirInfo, "Connection closed after "+time.Since(start).Round(time.Millisecond).String(), 0)
	return res, err
}

// SendMail runs one mail transaction on the open connection: the checks
// against the server's extensions, MAIL, the RCPTs, DATA and the message.
// The connection can carry another transaction afterwards, whatever the
// outcome, unless the error broke it (I/O, timeout, 421, cancel).
// Cancelling ctx closes the connection; if that happens while the message is
// going out, the final "." is never sent, so the server keeps nothing.
func (c *Client) SendMail(ctx context.Context, env Envelope, msg Message) (*Result, error) {
	if c.broken != nil {
		return nil, &SendError{Phase: PhaseMail, Err: fmt.Errorf("%w: %w", ErrClientBroken, c.broken)}
	}
	stop := context.AfterFunc(ctx, c.abort)
	defer stop()
	start := time.Now()
	c.writeTimeout = c.cfg.commandTimeout()
	mail, rcpts, err := c.mailCommands(env, msg)
	if err != nil {
		return nil, c.fail(ctx, PhaseMail, err)
	}
	res := &Result{TLS: c.tls}
	if phase, err := c.envelope(res, mail, rcpts); err != nil {
		c.reset()
		return res, c.fail(ctx, phase, err)
	}
	if phase, err := c.data(ctx, res, msg); err != nil {
		if phase != PhaseData || ReplyOf(err) != nil {
			c.reset()
		}
		return res, c.fail(ctx, phase, err)
	}
	res.Elapsed = time.Since(start)
	res.Partial = res.Accepted() < len(res.Rcpts)
	c.emit(DirInfo, summary(res), 0)
	return res, nil
}

// mailCommands checks the envelope and the message against what the server
// offers and returns the MAIL and RCPT command lines. Nothing is sent.
func (c *Client) mailCommands(env Envelope, msg Message) (string, []string, error) {
	from, rcpts, err := checkEnvelope(env)
	if err != nil {
		return "", nil, err
	}
	mail := "MAIL FROM:<" + from.String() + ">"
	if limit, ok := c.sizeLimit(); ok {
		if limit > 0 && msg.Size() > limit {
			return "", nil, fmt.Errorf("%w: the message is %s (%d octets) and the server's limit is %s (%d octets); nothing was sent",
				ErrTooBig, FormatSize(msg.Size()), msg.Size(), FormatSize(limit), limit)
		}
		mail += " SIZE=" + strconv.FormatInt(msg.Size(), 10) // RFC 1870 §6
	}
	if msg.Is8bit() {
		if !c.Has8BITMIME() {
			return "", nil, ErrNeeds8BITMIME
		}
		mail += " BODY=8BITMIME" // RFC 6152 §3
	}
	if who := needsUTF8(from, rcpts, msg); who != "" {
		if _, ok := c.ext["SMTPUTF8"]; !ok {
			return "", nil, fmt.Errorf("%s %w (RFC 6531)", who, ErrNeedsSMTPUTF8)
		}
		mail += " SMTPUTF8" // RFC 6531 §3.4
	}
	lines := make([]string, len(rcpts))
	for i, r := range rcpts {
		lines[i] = "RCPT TO:<" + r.String() + ">"
	}
	return mail, lines, nil
}

// sizeLimit returns the server's SIZE (RFC 1870); 0 means no fixed limit.
// ok is false when the server does not speak SIZE.
func (c *Client) sizeLimit() (int64, bool) {
	v, ok := c.ext["SIZE"]
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n < 0 {
		return 0, true
	}
	return n, true
}

// needsUTF8 names what needs SMTPUTF8: a non-ASCII address, or a message
// whose header holds raw UTF-8 (RFC 6532). "" when nothing does.
func needsUTF8(from Path, rcpts []Path, msg Message) string {
	if !from.IsASCII() {
		return fmt.Sprintf("the sender address %q", from.String())
	}
	for _, r := range rcpts {
		if !r.IsASCII() {
			return fmt.Sprintf("the recipient address %q", r.String())
		}
	}
	if u, ok := msg.(interface{ UTF8Header() bool }); ok && u.UTF8Header() {
		return "the message header (a non-ASCII address)"
	}
	return ""
}

// checkEnvelope parses every address as a MAIL or RCPT path would be
// (RFC 5321 §4.1.2), so no field can carry a second command or a parameter,
// and returns the paths. Any RFC 5321 Mailbox is accepted, quoted local
// parts holding "<", ">" or spaces and address literals included. The error
// is an *AddressError.
func checkEnvelope(env Envelope) (Path, []Path, error) {
	if len(env.To) == 0 {
		return Path{}, nil, &AddressError{Reason: "no recipient"}
	}
	from, err := envelopeAddr(env.From, true)
	if err != nil {
		return Path{}, nil, &AddressError{Role: "sender", Addr: env.From, Reason: err.Error()}
	}
	rcpts := make([]Path, len(env.To))
	for i, a := range env.To {
		p, err := envelopeAddr(a, false)
		if err != nil {
			return Path{}, nil, &AddressError{Role: "recipient", Addr: a, Reason: err.Error()}
		}
		rcpts[i] = p
	}
	return from, rcpts, nil
}

// envelopeAddr parses one envelope address: it must be exactly one path
// (the whole of "<"+a+">" is the path, no parameter follows it) and pass
// the checks of MAIL or RCPT.
func envelopeAddr(a string, sender bool) (Path, error) {
	if strings.ContainsAny(a, "\r\n\x00") {
		return Path{}, errors.New("CR, LF or NUL in an address")
	}
	if a == "" && !sender {
		return Path{}, errors.New("empty address")
	}
	parse, prefix := ParseRcptArg, "TO:"
	if sender {
		parse, prefix = ParseMailArg, "FROM:"
	}
	p, params, err := parse(prefix + "<" + a + ">")
	if err != nil {
		return Path{}, errors.New(reason(err))
	}
	// Text after the path ends in the ">" added above, so it always parses
	// as a parameter or fails: no parameters means the path is all of it.
	if len(params) > 0 || p.String() != a {
		// p.String() differs when a source route was given (RFC 5321
		// §4.1.1.3: ignored by servers, never written by a client) or the
		// address is not written in its one canonical form.
		return Path{}, errors.New("not one address: angle brackets, a source route or parameters are not allowed here")
	}
	return p, nil
}

// reason is the text of a parse error without its reply code (the error is a
// local check, not something the server said).
func reason(err error) string {
	if r := ReplyOf(err); r != nil {
		return r.Text
	}
	return err.Error()
}

// reset sends RSET after a failed transaction, so the connection can carry
// another one (RFC 5321 §4.1.1.5). Its outcome only shows in the transcript.
func (c *Client) reset() {
	if c.broken == nil {
		c.cmd("RSET", "RSET")
	}
}

var queuedAs = regexp.MustCompile(`(?i)queued as <?([^\s<>;,]+)>?`)

// queueID finds the server's id in "250 2.0.0 Ok: queued as 4F1C21".
func queueID(r *Reply) string {
	if m := queuedAs.FindStringSubmatch(r.Text); m != nil {
		return m[1]
	}
	return ""
}

// summary is the closing transcript line of a transaction.
func summary(res *Result) string {
	s := fmt.Sprintf("Accepted for %d of %d recipients", res.Accepted(), len(res.Rcpts))
	if res.QueueID != "" {
		s += ", queued as " + res.QueueID
	}
	s += fmt.Sprintf("; %s in %s", FormatSize(res.Size), res.Elapsed.Round(100*time.Microsecond))
	if secs := res.Elapsed.Seconds(); secs > 0 && res.Size > 1<<20 {
		s += fmt.Sprintf(" (%s/s)", FormatSize(int64(float64(res.Size)/secs)))
	}
	return s
}
