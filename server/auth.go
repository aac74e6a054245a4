package server

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sirupsen/logrus"

	"letterbox/server/sasl"
	"letterbox/smtpcore"
)

// setupAuth reads Config.Auth: "off", "any" or a credentials file.
func (s *Server) setupAuth() error {
	switch s.cfg.Auth {
	case "off":
		return nil
	case "any":
		s.auth = sasl.Any()
		return nil
	}
	a, err := sasl.LoadFile(s.cfg.Auth)
	if err != nil {
		return fmt.Errorf("server: AUTH credentials: %w", err)
	}
	s.auth = a
	return nil
}

// authMechanisms is what EHLO offers after "AUTH" on this connection: with
// a credentials file nothing before TLS unless AllowInsecureAuth (see
// sasl.Mechanisms).
func (s *session) authMechanisms() []string {
	return sasl.Mechanisms(s.srv.auth, s.tlsState != nil, s.cfg.AllowInsecureAuth)
}

// cmdAuth handles AUTH mechanism [initial-response] (RFC 4954 §4). The SASL
// exchange is the sasl package's; this handler carries it over 334 replies
// and keeps every client response out of the transcript.
func (s *session) cmdAuth(arg string) error {
	switch {
	case s.srv.auth == nil:
		return s.fail(smtpcore.NewReply(502, "5.5.1", "AUTH not available"))
	case !s.ehlo:
		return s.fail(smtpcore.NewReply(503, "5.5.1", "Send EHLO first"))
	case s.authUser != "":
		return s.fail(smtpcore.NewReply(503, "5.5.1", "Already authenticated"))
	case s.tx != nil:
		return s.fail(smtpcore.NewReply(503, "5.5.1", "AUTH is not allowed during a mail transaction"))
	}
	name, initial, hasInitial := strings.Cut(arg, " ")
	if err := sasl.Permit(name, s.srv.auth, s.tlsState != nil, s.cfg.AllowInsecureAuth); err != nil {
		return s.fail(authReply(err))
	}
	slotted := &slottedAuth{Authenticator: s.srv.auth, sess: s}
	mech, err := sasl.NewMechanism(name, slotted, s.cfg.Hostname)
	if err != nil {
		return s.fail(authReply(err))
	}
	var start []byte // nil: no initial response
	if hasInitial && initial == "*" {
		// RFC 4954 §4: "*" cancels the exchange and gets 501, whether it
		// comes after a 334 or in place of the initial response.
		return s.fail(authReply(errAuthCancelled))
	}
	if hasInitial {
		if start, err = decodeResponse(initial); err != nil {
			return s.fail(authReply(err))
		}
	}
	challenge, done, err := mech.Start(start)
	for !done && err == nil {
		var resp []byte
		resp, err = s.authResponse(challenge)
		if err != nil {
			break
		}
		challenge, done, err = mech.Next(resp)
	}
	if slotted.err != nil { // no slot for the check: shutdown or timeout ends the session
		err = &connError{slotted.err}
	}
	return s.authDone(mech, err)
}

// errAuthCancelled is the client's "*" (RFC 4954 §4).
var errAuthCancelled = errors.New("authentication cancelled")

// authResponse sends a 334 challenge and reads the client's answer. An
// error is either from the connection or one that authReply answers.
func (s *session) authResponse(challenge []byte) ([]byte, error) {
	s.reply(&smtpcore.Reply{Code: 334, Text: base64.StdEncoding.EncodeToString(challenge)})
	if err := s.flush(); err != nil {
		return nil, &connError{err}
	}
	s.conn.SetReadDeadline(time.Now().Add(s.cfg.CommandTimeout))
	line, err := smtpcore.ReadLine(s.r, s.cfg.MaxLineLength-2, s.line[:0])
	switch {
	case errors.Is(err, smtpcore.ErrLineTooLong):
		s.trans.add(smtpcore.DirClient, maskedText)
		return nil, fmt.Errorf("%w: line too long", sasl.ErrMalformed)
	case err != nil:
		return nil, &connError{err}
	}
	s.cmdAt = time.Now()
	if string(line) == "*" {
		s.trans.add(smtpcore.DirClient, "*")
		return nil, errAuthCancelled
	}
	s.trans.add(smtpcore.DirClient, maskedText)
	return decodeResponse(string(line))
}

// connError marks a connection failure during AUTH: the session ends.
type connError struct{ err error }

func (e *connError) Error() string { return e.err.Error() }
func (e *connError) Unwrap() error { return e.err }

// authDone answers the end of an exchange; failures are delayed and counted.
func (s *session) authDone(mech sasl.Mechanism, err error) error {
	var ce *connError
	switch {
	case err == nil:
		s.authUser = mech.Identity()
		s.log = s.log.WithField("user", s.authUser)
		s.log.Info("authenticated")
		s.reply(smtpcore.NewReply(235, "2.7.0", "Authentication successful"))
		return nil
	case errors.As(err, &ce):
		return ce.err
	case !errors.Is(err, sasl.ErrAuthFailed):
		return s.fail(authReply(err))
	}
	s.authFails++
	s.log.WithFields(logrus.Fields{"failures": s.authFails, "reason": err.Error()}).Warn("authentication failed")
	s.authFailDelay()
	s.reply(authReply(err))
	if s.authFails >= s.cfg.MaxAuthFailures {
		s.reply(smtpcore.NewReply(421, "4.7.0", "%s Too many failed authentication attempts, closing connection", s.cfg.Hostname))
		return errClose
	}
	return nil
}

// errBadBase64 is a client response that is not base64 (501 5.5.2, RFC 4954 §4).
var errBadBase64 = fmt.Errorf("%w: not base64", sasl.ErrMalformed)

// authFailDelay pauses before a failed AUTH is answered, to slow guessing
// (a session is one goroutine, so other sessions go on). Shutdown ends the
// pause at once (issue 13 §9): the session then answers and says 421.
func (s *session) authFailDelay() {
	if s.cfg.AuthFailDelay > 0 {
		s.srv.pause(s.cfg.AuthFailDelay)
	}
}

// decodeResponse decodes a base64 client response. "=" as an initial
// response is the empty one (RFC 4954 §4); so is an empty line after a 334.
// The mechanism decides what an empty response means (PLAIN: no
// credentials, 535), never the decoder.
func decodeResponse(s string) ([]byte, error) {
	if s == "=" {
		return []byte{}, nil
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errBadBase64, err)
	}
	return b, nil
}

// authReply maps the sasl errors to their replies (RFC 4954 §4, §6).
func authReply(err error) *smtpcore.Reply {
	switch {
	case errors.Is(err, errAuthCancelled):
		return smtpcore.NewReply(501, "5.0.0", "Authentication cancelled")
	case errors.Is(err, sasl.ErrEncryptionRequired):
		return smtpcore.NewReply(538, "5.7.11", "Encryption required for requested authentication mechanism")
	case errors.Is(err, sasl.ErrUnsupported):
		return smtpcore.NewReply(504, "5.5.4", "Unrecognized authentication type")
	case errors.Is(err, sasl.ErrAuthFailed):
		return smtpcore.NewReply(535, "5.7.8", "Authentication credentials invalid")
	case errors.Is(err, errBadBase64):
		return smtpcore.NewReply(501, "5.5.2", "Cannot decode response")
	}
	return smtpcore.NewReply(501, "5.5.2", "Malformed authentication response")
}
