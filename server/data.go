package server

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/sirupsen/logrus"

	"letterbox/server/store"
	"letterbox/smtpcore"
)

// cmdData handles DATA (RFC 5321 §4.1.1.4): 354, then the text up to
// <CRLF>.<CRLF> streamed into the store, then one reply for the message.
func (s *session) cmdData(arg string) error {
	switch {
	case arg != "":
		return s.fail(smtpcore.NewReply(501, "5.5.4", "Syntax: DATA"))
	case s.tx == nil:
		return s.fail(smtpcore.NewReply(503, "5.5.1", "Send MAIL first"))
	case s.tx.chunked:
		return s.fail(smtpcore.NewReply(503, "5.5.1", "DATA is not allowed once BDAT has started")) // RFC 3030 §3
	case len(s.tx.rcpts) == 0:
		return s.fail(smtpcore.NewReply(503, "5.5.1", "Send RCPT first"))
	}
	b, r := s.openBody()
	if r != nil {
		s.reply(r)
		s.endTx()
		return nil
	}
	s.tx.body = b
	s.reply(smtpcore.NewReply(354, "", "Start mail input; end with <CRLF>.<CRLF>"))
	if err := s.flush(); err != nil {
		return err
	}
	s.conn.SetReadDeadline(time.Now().Add(s.cfg.DataTimeout))
	if _, err := s.copyBody(b, smtpcore.NewDotReader(s.r)); err != nil {
		return err // the stream is out of step; the session ends and aborts b
	}
	return s.finishMessage()
}

// cmdBdat handles BDAT size [LAST] (RFC 3030 §2): the chunk is always read,
// even when it is refused, so that the session stays in step. BDAT belongs to
// CHUNKING, which only EHLO offers: after HELO (or before any greeting) it
// gets 503 5.5.1 "Send EHLO first", as AUTH does here; 503, not 502, because
// the command is implemented and becomes valid once EHLO is sent (RFC 5321
// §4.2.4 keeps 502 for commands not implemented; the server gives 502 when
// CHUNKING is switched off in its config).
func (s *session) cmdBdat(arg string) error {
	size, last, bad := parseBdat(arg)
	if bad != nil { // the chunk length is unknown or unreadable: the stream cannot be followed
		s.reply(bad)
		return errClose
	}
	s.conn.SetReadDeadline(time.Now().Add(s.cfg.DataTimeout))
	var refuse *smtpcore.Reply
	switch {
	case !s.ehlo:
		refuse = smtpcore.NewReply(503, "5.5.1", "Send EHLO first: BDAT is part of CHUNKING (RFC 3030), which is offered after EHLO only")
	case s.tx == nil:
		refuse = smtpcore.NewReply(503, "5.5.1", "Send MAIL first")
	case len(s.tx.rcpts) == 0:
		refuse = smtpcore.NewReply(503, "5.5.1", "Send RCPT first")
	}
	if refuse != nil {
		if err := s.discard(size); err != nil {
			return err
		}
		return s.fail(refuse)
	}
	if s.tx.body == nil {
		b, r := s.openBody()
		if r != nil {
			s.endTx()
			if err := s.discard(size); err != nil {
				return err
			}
			s.reply(r)
			return nil
		}
		s.tx.body, s.tx.chunked = b, true
	}
	n, err := s.copyBody(s.tx.body, io.LimitReader(s.r, size))
	if err == nil && n < size {
		err = io.ErrUnexpectedEOF // the connection ended inside the chunk
	}
	if err != nil {
		return err
	}
	if last {
		return s.finishMessage()
	}
	if s.tx.body.over { // fail now rather than read what is coming for nothing
		return s.finishMessage()
	}
	s.reply(smtpcore.NewReply(250, "2.0.0", "%d octets received", size))
	return nil
}

// parseBdat reads "chunk-size" or "chunk-size LAST" (RFC 3030 §4:
// chunk-size = 1*DIGIT, so no sign; leading zeros are digits like any).
// A size past what an int64 holds is good syntax that no session can follow:
// 552 5.3.4. Both refusals end the session, since the chunk's end is unknown.
func parseBdat(arg string) (size int64, last bool, bad *smtpcore.Reply) {
	syntax := smtpcore.NewReply(501, "5.5.4", "Syntax: BDAT size [LAST]; closing connection")
	fields := strings.Fields(arg)
	if len(fields) == 0 || len(fields) > 2 || strings.Trim(fields[0], "0123456789") != "" {
		return 0, false, syntax
	}
	if len(fields) == 2 {
		if !strings.EqualFold(fields[1], "LAST") {
			return 0, false, syntax
		}
		last = true
	}
	size, err := strconv.ParseInt(fields[0], 10, 64)
	if err != nil { // digits only: the one error left is a range error
		return 0, false, smtpcore.NewReply(552, "5.3.4", "Chunk size %.24s… is more than any message can be; closing connection", fields[0])
	}
	return size, last, nil
}

// discard reads and drops n octets of a refused chunk.
func (s *session) discard(n int64) error {
	m, err := io.CopyN(io.Discard, s.r, n)
	if m < n && err == nil {
		err = io.ErrUnexpectedEOF
	}
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return err
}

// openBody starts a message in the store and writes its trace headers. A
// store failure is answered with 451 4.3.0; its detail goes to the log only.
func (s *session) openBody() (*body, *smtpcore.Reply) {
	d, err := s.srv.create()
	if err != nil {
		s.log.WithError(err).Error("store: cannot start a message")
		return nil, localError()
	}
	b := &body{d: d, max: s.cfg.MaxMessageBytes, started: time.Now()}
	if s.cfg.FullTranscript {
		b.capture = &lineCapture{t: &s.trans}
	}
	if _, err := d.Write(s.traceHeaders(d.ID(), b.started)); err != nil {
		b.abort()
		s.log.WithError(err).Error("store: cannot write a message")
		return nil, localError()
	}
	return b, nil
}

func localError() *smtpcore.Reply {
	return smtpcore.NewReply(451, "4.3.0", "Local error in processing; try again later")
}

// copyBody streams src into b with a pooled buffer. Only I/O errors of the
// connection come back; store errors and limits are kept in b.
func (s *session) copyBody(b *body, src io.Reader) (int64, error) {
	buf := s.srv.bufs.Get().(*[]byte)
	defer s.srv.bufs.Put(buf)
	return io.CopyBuffer(b, src, *buf)
}

// finishMessage decides the fate of the message that s.tx.body holds and
// sends the one reply for it. The transaction ends either way.
func (s *session) finishMessage() error {
	tx, b := s.tx, s.tx.body
	defer s.endMessage()
	b.finish()
	s.trans.add(smtpcore.DirClient, fmt.Sprintf("… %s received", smtpcore.FormatSize(b.n)))
	switch {
	case b.over:
		s.reply(smtpcore.NewReply(552, "5.3.4", "Message exceeds fixed maximum message size of %d octets", s.cfg.MaxMessageBytes))
		return nil
	case b.err != nil:
		s.log.WithError(b.err).Error("store: cannot write a message")
		s.reply(localError())
		return nil
	case (b.bareLF > 0 || b.bareCR > 0) && !s.cfg.AllowBareLF:
		s.reply(smtpcore.NewReply(550, "5.6.0", "Message contains %s, which RFC 5321 section 2.3.8 forbids; lines must end with CRLF", b.bareWhat()))
		return nil
	}
	ok := smtpcore.NewReply(250, "2.0.0", "OK queued as %s", b.d.ID())
	rec := s.record(tx, b, ok)
	sum, err := b.d.Commit(rec)
	if err != nil {
		s.log.WithError(err).Error("store: cannot commit a message")
		s.reply(localError())
		return nil
	}
	s.messages++
	s.log.WithFields(logrus.Fields{
		"id": b.d.ID(), "from": rec.MailFrom, "rcpts": strings.Join(rec.Rcpts, ","), "size": sum.Size, "subject": printable([]byte(sum.Subject), 200),
	}).Info("message received")
	s.reply(ok)
	return nil
}

// endMessage ends the transaction after a message's final reply and starts
// the next message's transcript.
func (s *session) endMessage() {
	s.endTx()
	s.trans.resetTail()
}

// record builds the session record stored beside the message.
func (s *session) record(tx *transaction, b *body, final *smtpcore.Reply) store.Record {
	rcpts := make([]string, len(tx.rcpts))
	for i, p := range tx.rcpts {
		rcpts[i] = p.String()
	}
	var events []smtpcore.Event
	for _, l := range final.Lines() {
		events = append(events, smtpcore.Event{Time: time.Now(), Dir: smtpcore.DirServer, Text: l})
	}
	return store.Record{
		MailFrom:   tx.from.String(),
		Rcpts:      rcpts,
		Remote:     s.remote.String(),
		Helo:       s.helo,
		Protocol:   s.protocol(tx),
		TLS:        s.tlsInfo(),
		AuthUser:   s.authUser,
		Started:    s.started,
		Transcript: s.trans.snapshot(events...),
		Warnings:   b.warnings(tx),
	}
}

// body streams the text of one message into its delivery, counting what the
// server's policy needs: size, bare CR and LF, 8-bit octets. It never fails a
// write, so that the rest of the text is always read and the session stays
// in step; the outcome is decided once the text has ended.
type body struct {
	d       delivery
	max     int64
	started time.Time
	n       int64 // octets of message text, trace headers excluded
	over    bool  // n went past max; d has been aborted
	err     error // first store error
	aborted bool

	bareLF, bareCR int64
	eightBit       bool
	prevCR         bool
	capture        *lineCapture
}

func (b *body) Write(p []byte) (int, error) {
	b.n += int64(len(p))
	if b.n > b.max && !b.over {
		b.over = true
		b.abort() // free the disk now; the rest is only counted
	}
	if b.over { // the outcome is 552 whatever follows: count, nothing more
		return len(p), nil
	}
	b.scan(p)
	if b.capture != nil {
		b.capture.write(p)
	}
	if b.err != nil {
		return len(p), nil
	}
	if _, err := b.d.Write(p); err != nil {
		b.err = err
	}
	return len(p), nil
}

// scan counts bare CR and bare LF (RFC 5321 §2.3.8) and notes 8-bit octets
// (RFC 6152), jumping from one line ending to the next.
func (b *body) scan(p []byte) {
	if !b.eightBit {
		b.eightBit = has8bit(p)
	}
	for len(p) > 0 {
		if b.prevCR {
			b.prevCR = false
			if p[0] == '\n' {
				p = p[1:]
				continue
			}
			b.bareCR++
		}
		i := bytes.IndexAny(p, "\r\n")
		if i < 0 {
			return
		}
		if p[i] == '\n' {
			b.bareLF++
		} else {
			b.prevCR = true
		}
		p = p[i+1:]
	}
}

// has8bit reports whether p holds an octet above 127, eight at a time.
func has8bit(p []byte) bool {
	for ; len(p) >= 8; p = p[8:] {
		if binary.LittleEndian.Uint64(p)&0x8080808080808080 != 0 {
			return true
		}
	}
	for _, c := range p {
		if c >= 0x80 {
			return true
		}
	}
	return false
}

// finish accounts for a CR at the very end of the text.
func (b *body) finish() {
	if b.prevCR {
		b.bareCR++
		b.prevCR = false
	}
	if b.capture != nil {
		b.capture.flush()
	}
}

func (b *body) abort() {
	if b.aborted {
		return
	}
	b.aborted = true
	_ = b.d.Abort() // an error here leaves a file in tmp/, which the store cleans at start
}

func (b *body) bareWhat() string {
	switch {
	case b.bareLF > 0 && b.bareCR > 0:
		return "bare LF and bare CR characters"
	case b.bareLF > 0:
		return "bare LF characters"
	}
	return "bare CR characters"
}

// warnings lists what a kept message did against the rules.
func (b *body) warnings(tx *transaction) []string {
	var w []string
	if b.bareLF > 0 {
		w = append(w, fmt.Sprintf("%d bare LF in the message text (RFC 5321 §2.3.8)", b.bareLF))
	}
	if b.bareCR > 0 {
		w = append(w, fmt.Sprintf("%d bare CR in the message text (RFC 5321 §2.3.8)", b.bareCR))
	}
	if b.eightBit && !tx.body8bit && !tx.utf8 { // SMTPUTF8 implies 8-bit (RFC 6531 §3.1)
		w = append(w, "8-bit data without BODY=8BITMIME (RFC 6152)")
	}
	return w
}
