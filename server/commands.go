package server

import (
	"errors"
	"math"
	"sort"
	"strconv"
	"strings"

	"letterbox/smtpcore"
)

// dispatch runs the handler of cmd's verb (RFC 5321 §4.1.1). A handler writes
// its replies and returns an error only when the session must end.
func (s *session) dispatch(cmd smtpcore.Command) error {
	if s.srv.hook != nil {
		s.srv.hook(cmd)
	}
	switch cmd.Verb {
	case "EHLO":
		return s.cmdHello(cmd.Arg, true)
	case "HELO":
		return s.cmdHello(cmd.Arg, false)
	case "MAIL":
		return s.cmdMail(cmd.Arg)
	case "RCPT":
		return s.cmdRcpt(cmd.Arg)
	case "DATA":
		return s.cmdData(cmd.Arg)
	case "BDAT":
		if !s.cfg.DisableChunking {
			return s.cmdBdat(cmd.Arg)
		}
	case "RSET":
		return s.cmdRset(cmd.Arg)
	case "NOOP":
		s.reply(smtpcore.NewReply(250, "2.0.0", "OK"))
		return nil
	case "VRFY":
		return s.cmdVrfy(cmd.Arg)
	case "HELP":
		s.reply(smtpcore.NewReply(214, "2.0.0", helpText))
		return nil
	case "QUIT":
		s.reply(smtpcore.NewReply(221, "2.0.0", "%s closing connection", s.cfg.Hostname))
		return errQuit
	case "STARTTLS":
		return s.cmdStartTLS(cmd.Arg)
	case "AUTH":
		return s.cmdAuth(cmd.Arg)
	case "EXPN", "ETRN", "TURN", "ATRN", "SEND", "SOML", "SAML", "VERB":
	default:
		return s.fail(smtpcore.NewReply(500, "5.5.2", "Syntax error, command unrecognized"))
	}
	return s.fail(smtpcore.NewReply(502, "5.5.1", "Command not implemented"))
}

const helpText = "Letterbox SMTP server: it keeps every message it receives and relays none.\n" +
	"Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP VRFY HELP QUIT STARTTLS AUTH\n" +
	"See RFC 5321."

// cmdHello handles EHLO and HELO (RFC 5321 §4.1.1.1). Either one resets the
// transaction, as RSET would.
func (s *session) cmdHello(arg string, ehlo bool) error {
	verb := "HELO"
	if ehlo {
		verb = "EHLO"
	}
	if arg == "" {
		return s.fail(smtpcore.NewReply(501, "5.5.4", "Syntax: %s hostname", verb))
	}
	s.endTx()
	s.helo, s.ehlo = arg, ehlo
	if !ehlo {
		s.reply(smtpcore.NewReply(250, "", "%s", s.cfg.Hostname))
		return nil
	}
	lines := append([]string{s.cfg.Hostname + " greets " + heloToken(arg)}, s.extensions()...)
	s.reply(smtpcore.NewReply(250, "", "%s", strings.Join(lines, "\n")))
	return nil
}

// extensions lists what EHLO advertises on this connection.
func (s *session) extensions() []string {
	var ext []string
	add := func(on bool, name string) {
		if on {
			ext = append(ext, name)
		}
	}
	add(!s.cfg.DisablePipelining, "PIPELINING")
	add(!s.cfg.DisableSize, "SIZE "+strconv.FormatInt(s.cfg.MaxMessageBytes, 10))
	add(!s.cfg.Disable8BitMIME, "8BITMIME")
	add(!s.cfg.DisableSMTPUTF8, "SMTPUTF8")
	add(!s.cfg.DisableEnhancedStatusCodes, "ENHANCEDSTATUSCODES")
	add(!s.cfg.DisableChunking, "CHUNKING")
	add(s.startTLSOffered(), "STARTTLS")
	if mechs := s.authMechanisms(); len(mechs) > 0 && s.authUser == "" {
		ext = append(ext, "AUTH "+strings.Join(mechs, " "))
	}
	return ext
}

// cmdMail handles MAIL FROM (RFC 5321 §4.1.1.2).
func (s *session) cmdMail(arg string) error {
	switch {
	case s.helo == "":
		return s.fail(smtpcore.NewReply(503, "5.5.1", "Send EHLO or HELO first"))
	case s.tx != nil:
		return s.fail(smtpcore.NewReply(503, "5.5.1", "Sender already given; send RSET to start again"))
	case s.cfg.RequireTLS && s.tlsState == nil:
		return s.fail(smtpcore.NewReply(530, "5.7.0", "Must issue a STARTTLS command first"))
	case s.cfg.RequireAuth && s.authUser == "":
		return s.fail(smtpcore.NewReply(530, "5.7.0", "Authentication required"))
	}
	from, params, err := smtpcore.ParseMailArg(arg)
	if r := asReply(err); r != nil {
		return s.fail(r)
	}
	tx := &transaction{from: from}
	if r := s.mailParams(tx, params); r != nil {
		if r.Code == 552 {
			s.reply(r) // a size refusal is policy, not a protocol error
			return nil
		}
		return s.fail(r)
	}
	if !from.IsASCII() && !tx.utf8 {
		return s.fail(needUTF8())
	}
	s.tx = tx
	s.trans.startTail()
	s.reply(smtpcore.NewReply(250, "2.1.0", "Sender <%s> OK", from))
	return nil
}

// mailParams checks the ESMTP parameters of MAIL against what EHLO offered.
// After HELO nothing was offered (RFC 5321 §4.1.1.1: extensions are for EHLO
// sessions), so every parameter is unknown to the session and answered 555
// 5.5.4 as §4.1.1.11 asks.
func (s *session) mailParams(tx *transaction, params smtpcore.Params) *smtpcore.Reply {
	for _, key := range sortedKeys(params) {
		value := params[key]
		switch {
		case !s.ehlo:
			return smtpcore.NewReply(555, "5.5.4", "Parameter %s needs EHLO: no extension is offered after HELO", key)
		case key == "SIZE" && !s.cfg.DisableSize: // RFC 1870 §6
			n, ok := sizeValue(value)
			if !ok {
				return smtpcore.NewReply(501, "5.5.4", "Bad SIZE value %.20q: 1 to 20 digits (RFC 1870)", value)
			}
			if n > s.cfg.MaxMessageBytes {
				return smtpcore.NewReply(552, "5.3.4", "Message size exceeds fixed maximum message size of %d octets", s.cfg.MaxMessageBytes)
			}
		case key == "BODY" && !s.cfg.Disable8BitMIME: // RFC 6152 §2
			switch strings.ToUpper(value) {
			case "7BIT":
			case "8BITMIME":
				tx.body8bit = true
			default:
				return smtpcore.NewReply(555, "5.5.4", "BODY must be 7BIT or 8BITMIME")
			}
		case key == "SMTPUTF8" && !s.cfg.DisableSMTPUTF8: // RFC 6531 §3.4
			if value != "" {
				return smtpcore.NewReply(501, "5.5.4", "SMTPUTF8 takes no value")
			}
			tx.utf8 = true
		case key == "AUTH" && len(s.authMechanisms()) > 0: // RFC 4954 §5: accepted, not trusted
		default:
			return smtpcore.NewReply(555, "5.5.4", "Unsupported parameter %s", key)
		}
	}
	return nil
}

// sizeValue reads an RFC 1870 size-value, 1*20DIGIT. Twenty digits are good
// syntax even past what an int64 holds: such a value is simply too big, so it
// comes back as math.MaxInt64 for the 552 it deserves.
func sizeValue(v string) (int64, bool) {
	if v == "" || len(v) > 20 || strings.Trim(v, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil { // digits only: the one error left is a range error
		return math.MaxInt64, true
	}
	return n, true
}

// needUTF8 refuses a non-ASCII address sent without SMTPUTF8 (RFC 6531 §3.4).
func needUTF8() *smtpcore.Reply {
	return smtpcore.NewReply(553, "5.6.7", "Address has non-ASCII characters; the SMTPUTF8 parameter is required")
}

// cmdRcpt handles RCPT TO (RFC 5321 §4.1.1.3). Every recipient is accepted:
// the server keeps all mail and relays none.
func (s *session) cmdRcpt(arg string) error {
	switch {
	case s.tx == nil:
		return s.fail(smtpcore.NewReply(503, "5.5.1", "Send MAIL first"))
	case s.tx.chunked:
		return s.fail(smtpcore.NewReply(503, "5.5.1", "RCPT is not allowed once BDAT has started"))
	}
	to, params, err := smtpcore.ParseRcptArg(arg)
	if r := asReply(err); r != nil {
		return s.fail(r)
	}
	if len(params) > 0 { // no RCPT extension (DSN's NOTIFY, ORCPT) is offered
		return s.fail(smtpcore.NewReply(555, "5.5.4", "Unsupported parameter %s", sortedKeys(params)[0]))
	}
	if !to.IsASCII() && !s.tx.utf8 {
		return s.fail(needUTF8())
	}
	if len(s.tx.rcpts) >= s.cfg.MaxRecipients { // RFC 5321 §4.5.3.1.10
		s.reply(smtpcore.NewReply(452, "4.5.3", "Too many recipients (limit %d per message)", s.cfg.MaxRecipients))
		return nil
	}
	s.tx.rcpts = append(s.tx.rcpts, to)
	s.reply(smtpcore.NewReply(250, "2.1.5", "Recipient <%s> OK", to))
	return nil
}

// cmdRset handles RSET (RFC 5321 §4.1.1.5).
func (s *session) cmdRset(arg string) error {
	if arg != "" {
		return s.fail(smtpcore.NewReply(501, "5.5.4", "Syntax: RSET"))
	}
	s.endTx()
	s.reply(smtpcore.NewReply(250, "2.0.0", "OK"))
	return nil
}

// cmdVrfy answers VRFY with 252 (RFC 5321 §3.5.3): the server does not check
// mailboxes, it takes mail for any.
func (s *session) cmdVrfy(arg string) error {
	if arg == "" {
		return s.fail(smtpcore.NewReply(501, "5.5.4", "Syntax: VRFY address"))
	}
	s.reply(smtpcore.NewReply(252, "2.5.0", "Cannot VRFY user, but will accept message for any address"))
	return nil
}

// asReply returns err as a *smtpcore.Reply, nil for nil, and a generic 501
// for any other error.
func asReply(err error) *smtpcore.Reply {
	if err == nil {
		return nil
	}
	var r *smtpcore.Reply
	if errors.As(err, &r) {
		return r
	}
	return smtpcore.NewReply(501, "5.5.4", "Syntax error in parameters")
}

// sortedKeys returns the keywords in order, so replies do not depend on map order.
func sortedKeys(p smtpcore.Params) []string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
