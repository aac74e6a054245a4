package server

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/tls"
	"encoding/base32"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/sirupsen/logrus"

	"letterbox/smtpcore"
)

// Buffer sizes per session: small enough that an idle connection costs little
// (issue 5 §7 aims under 64 KB), large enough for DATA to move in big reads.
const (
	readBufferSize  = 8 << 10
	writeBufferSize = 4 << 10
)

// goodbyeTimeout bounds the write of a final 421 to a peer that may not read.
const goodbyeTimeout = 2 * time.Second

// Errors that end a session after its last reply was written.
var (
	errQuit         = errors.New("client quit")
	errClose        = errors.New("session closed by server")
	errShuttingDown = errors.New("server shutting down")
)

// session is one SMTP connection. Its goroutine owns every field except those
// guarded by mu, which Shutdown touches from another goroutine.
type session struct {
	srv      *Server
	cfg      *Config
	id       string
	log      logrus.FieldLogger
	started  time.Time
	remote   net.Addr
	remoteIP string
	released bool // its connection slot is free again; guarded by srv.mu

	mu   sync.Mutex // guards conn (replaced by STARTTLS) and idle
	conn net.Conn
	idle bool // waiting for a command outside a mail transaction

	r     *bufio.Reader
	w     *bufio.Writer
	line  []byte    // reused command line storage
	cmdAt time.Time // when the command being handled arrived

	helo      string
	ehlo      bool
	tlsState  *tls.ConnectionState
	authUser  string
	tx        *transaction
	bad       int // protocol errors so far
	authFails int
	messages  int
	trans     transcript
}

// transaction is the state between MAIL and the end of the message (RFC 5321 §3.3).
type transaction struct {
	from     smtpcore.Path
	rcpts    []smtpcore.Path
	body8bit bool  // BODY=8BITMIME (RFC 6152)
	utf8     bool  // SMTPUTF8 (RFC 6531)
	chunked  bool  // BDAT has started (RFC 3030); DATA is then out of sequence
	body     *body // open while BDAT chunks arrive
}

func newSession(srv *Server, c net.Conn) *session {
	s := &session{
		srv:     srv,
		cfg:     &srv.cfg,
		id:      newSessionID(),
		started: time.Now(),
		remote:  c.RemoteAddr(),
		conn:    c,
		r:       srv.reader(c),
		w:       srv.writer(c),
	}
	s.remoteIP = hostOf(s.remote)
	s.log = srv.log.WithFields(logrus.Fields{"session": s.id, "remote": s.remote.String()})
	s.trans.session = s.id
	s.trans.full = s.cfg.FullTranscript
	return s
}

// newSessionID returns 8 random base32 characters: short enough to read in a
// log, unique enough among the sessions of one server.
func newSessionID() string {
	var b [5]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return strings.ToLower(base32.StdEncoding.EncodeToString(b[:]))
}

func hostOf(a net.Addr) string {
	if a == nil {
		return "unknown"
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}

// reject turns a connection away at greeting time and closes it.
func (s *session) reject(r *smtpcore.Reply) {
	s.log.WithField("reply", r.Error()).Warn("connection refused")
	s.conn.SetWriteDeadline(time.Now().Add(goodbyeTimeout))
	r.WriteTo(s.w)
	s.w.Flush()
	s.conn.Close()
}

// serve runs the session to its end and closes the connection.
func (s *session) serve(implicitTLS bool) {
	defer s.close()
	defer s.recoverPanic()
	s.log.Debug("connection opened")
	s.trans.add(smtpcore.DirInfo, fmt.Sprintf("connection from %s", s.remote))
	if implicitTLS {
		if err := s.handshake(); err != nil {
			return
		}
	}
	s.reply(smtpcore.NewReply(220, "", "%s ESMTP Letterbox ready", s.cfg.Hostname))
	if err := s.flush(); err != nil {
		s.ended(err)
		return
	}
	for {
		cmd, err := s.next()
		if err == nil {
			err = s.dispatch(cmd)
		}
		if err == nil {
			err = s.flushIfIdle()
		}
		if err != nil {
			s.ended(err)
			return
		}
	}
}

// next reads the next command. Lines that are not commands (too long, NUL,
// control characters, no verb) are answered here and do not come back.
func (s *session) next() (smtpcore.Command, error) {
	for {
		if err := s.awaitCommand(); err != nil {
			return smtpcore.Command{}, err
		}
		line, err := s.readCommandLine()
		s.setIdle(false)
		s.cmdAt = time.Now()
		var r *smtpcore.Reply
		switch {
		case errors.Is(err, smtpcore.ErrLineTooLong):
			s.trans.add(smtpcore.DirClient, "<command line too long, discarded>")
			r = smtpcore.NewReply(500, "5.5.2", "Line too long (limit %d octets)", s.cfg.MaxLineLength)
		case errors.Is(err, smtpcore.ErrBareLF):
			s.trans.add(smtpcore.DirClient, "<command line with a bare LF, discarded>")
			r = smtpcore.NewReply(500, "5.5.2", "Line holds a bare LF; SMTP lines end with CRLF and nothing else (RFC 5321 section 2.3.8)")
		case err != nil:
			return smtpcore.Command{}, err
		default:
			s.line = line
			cmd, perr := smtpcore.ParseCommand(line)
			s.trans.add(smtpcore.DirClient, clientText(cmd, line, perr))
			if !errors.As(perr, &r) {
				return cmd, nil
			}
		}
		if err := s.fail(r); err != nil {
			return smtpcore.Command{}, err
		}
		if err := s.flushIfIdle(); err != nil {
			return smtpcore.Command{}, err
		}
	}
}

// readCommandLine reads one command line. RFC 5321 §2.3.8 ends lines with
// CRLF only, so a bare LF ends nothing: the line runs on to its CRLF and is
// refused whole (ErrBareLF, 500 5.5.2). "MAIL FROM:<a@b>\nRCPT TO:<c@d>\r\n"
// is thus one bad line, never two commands, just as the DATA reader ends a
// message on <CRLF>.<CRLF> alone and the message with a bare LF is refused
// once it has ended (550 5.6.0); the session goes on in both cases.
// AllowBareLF, the switch that keeps such messages, takes LF-ended command
// lines too (`nc` without -C, scripts that write "\n"): one setting for both,
// as Postfix has one (smtpd_forbid_bare_newline) for commands and text.
func (s *session) readCommandLine() ([]byte, error) {
	if s.cfg.AllowBareLF {
		return smtpcore.ReadLine(s.r, s.cfg.MaxLineLength-2, s.line[:0])
	}
	return smtpcore.ReadCRLFLine(s.r, s.cfg.MaxLineLength-2, s.line[:0])
}

// awaitCommand arms the command timeout and, outside a transaction, lets
// Shutdown interrupt the wait.
func (s *session) awaitCommand() error {
	// The write deadline too: bufio flushes by itself when a pipelined group
	// of replies outgrows its buffer, and must not inherit an expired deadline.
	now := time.Now()
	s.conn.SetReadDeadline(now.Add(s.cfg.CommandTimeout))
	s.conn.SetWriteDeadline(now.Add(s.cfg.CommandTimeout))
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tx == nil && s.srv.isClosing() {
		return errShuttingDown
	}
	s.idle = s.tx == nil
	return nil
}

func (s *session) setIdle(idle bool) {
	s.mu.Lock()
	s.idle = idle
	s.mu.Unlock()
}

// interruptIfIdle wakes a session that waits for a command outside a
// transaction, so that it says 421 and closes. Called by Shutdown.
func (s *session) interruptIfIdle() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.idle {
		s.conn.SetReadDeadline(time.Now())
	}
}

// interrupt wakes the session from any read or write. Called by Shutdown.
func (s *session) interrupt() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.conn.SetDeadline(time.Now())
}

// reply queues r for the client and records it. It does not flush.
func (s *session) reply(r *smtpcore.Reply) {
	if s.cfg.DisableEnhancedStatusCodes && r.Enhanced != "" {
		c := *r
		c.Enhanced = ""
		r = &c
	}
	lines := r.Lines()
	for i, l := range lines {
		s.w.WriteString(l)
		s.w.WriteString("\r\n")
		e := smtpcore.Event{Dir: smtpcore.DirServer, Text: l}
		if i == len(lines)-1 && !s.cmdAt.IsZero() {
			e.Elapsed = time.Since(s.cmdAt)
		}
		s.trans.addEvent(e)
	}
}

// fail answers a command that broke the protocol and counts it; too many
// close the session (421 4.7.0).
func (s *session) fail(r *smtpcore.Reply) error {
	s.reply(r)
	s.bad++
	if s.bad >= s.cfg.MaxBadCommands {
		s.reply(smtpcore.NewReply(421, "4.7.0", "%s Too many errors, closing connection", s.cfg.Hostname))
		return errClose
	}
	return nil
}

// flush sends the queued replies, waiting at most CommandTimeout for a peer
// that does not read.
func (s *session) flush() error {
	if s.w.Buffered() == 0 {
		return nil
	}
	s.conn.SetWriteDeadline(time.Now().Add(s.cfg.CommandTimeout))
	return s.w.Flush()
}

// flushIfIdle flushes unless a whole command is already waiting in the input
// buffer: with PIPELINING the replies to a group of commands go out together
// (RFC 2920 §3.2).
func (s *session) flushIfIdle() error {
	if !s.cfg.DisablePipelining && s.r.Buffered() > 0 {
		if buf, _ := s.r.Peek(s.r.Buffered()); bytes.IndexByte(buf, '\n') >= 0 {
			return nil
		}
	}
	return s.flush()
}

// ended says goodbye as fits the reason the session ends.
func (s *session) ended(err error) {
	switch {
	case errors.Is(err, errQuit):
		// The session is over: free its slot before the 221 goes out, or a
		// client that reconnects at once can find it still taken.
		s.srv.release(s)
		s.goodbye(nil)
	case errors.Is(err, errClose):
		s.goodbye(nil)
	case s.srv.isClosing():
		s.goodbye(smtpcore.NewReply(421, "4.3.2", "%s Service shutting down, closing connection", s.cfg.Hostname))
	case errors.Is(err, os.ErrDeadlineExceeded):
		s.trans.add(smtpcore.DirError, "timeout")
		s.log.Info("timeout")
		s.goodbye(smtpcore.NewReply(421, "4.4.2", "%s Timeout, closing connection", s.cfg.Hostname))
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed):
		s.log.Debug("client closed the connection")
	default:
		s.log.WithError(err).Debug("connection failed")
	}
}

// goodbye writes r (if any) and whatever is queued, with a short deadline.
func (s *session) goodbye(r *smtpcore.Reply) {
	if r != nil {
		s.reply(r)
	}
	s.conn.SetWriteDeadline(time.Now().Add(goodbyeTimeout))
	s.w.Flush()
}

// recoverPanic turns a panic in this session into 421 4.3.0 and a logged
// stack; other sessions go on.
func (s *session) recoverPanic() {
	v := recover()
	if v == nil {
		return
	}
	s.log.WithField("panic", v).WithField("stack", string(debug.Stack())).Error("session panicked")
	s.endTx()
	s.w.Reset(s.conn) // drop half-written replies
	s.goodbye(smtpcore.NewReply(421, "4.3.0", "%s Internal error, closing connection", s.cfg.Hostname))
}

// close ends the session: aborts an open message, closes the connection and
// writes the one log line per connection.
func (s *session) close() {
	s.endTx()
	s.conn.Close()
	s.log.WithFields(logrus.Fields{
		"duration": time.Since(s.started).Round(time.Millisecond).String(),
		"messages": s.messages,
	}).Info("connection closed")
}

// endTx ends the mail transaction, dropping a message not yet committed.
func (s *session) endTx() {
	if s.tx != nil && s.tx.body != nil {
		s.tx.body.abort()
	}
	s.tx = nil
}

// clientText is the transcript form of a command line: AUTH payloads masked
// (RFC 4954 initial responses), anything unprintable escaped.
func clientText(cmd smtpcore.Command, line []byte, perr error) string {
	if perr == nil && cmd.Verb == "AUTH" {
		if mech, _, hasInitial := strings.Cut(cmd.Arg, " "); hasInitial {
			return "AUTH " + mech + " " + maskedText
		}
	}
	return printable(line, 512)
}

const maskedText = "<masked>"

// printable is the one escaping of peer text (smtpcore.PrintableN: control
// characters but tab, C1 controls and bidi overrides escaped), shortened to
// about max bytes.
func printable(b []byte, max int) string { return smtpcore.PrintableN(string(b), max) }
