package smtpcore

import (
	"bytes"
	"strings"
)

// Command is one SMTP command line (RFC 5321 §4.1.1): an upper-cased verb and
// the argument after it, trimmed of surrounding spaces.
type Command struct {
	Verb string
	Arg  string
}

// MaxVerbLength bounds the verb; no SMTP verb is longer than 8 letters.
const MaxVerbLength = 16

// ParseCommand parses a command line given without its CRLF. It refuses NUL and
// other control bytes (RFC 5321 §4.1: commands are ASCII text) and a verb that is
// not letters. Whether the verb is known is the caller's decision. Errors are
// *Reply values ready to send: 500 5.5.2.
func ParseCommand(line []byte) (Command, error) {
	if bytes.IndexByte(line, 0) >= 0 {
		return Command{}, NewReply(500, "5.5.2", "NUL characters are not allowed in commands")
	}
	for _, c := range line {
		if c < ' ' && c != '\t' || c == 0x7f {
			return Command{}, NewReply(500, "5.5.2", "Control characters are not allowed in commands")
		}
	}
	s := strings.TrimRight(string(line), " \t")
	if s == "" {
		return Command{}, NewReply(500, "5.5.2", "Empty command")
	}
	verb, arg, _ := strings.Cut(s, " ")
	if len(verb) > MaxVerbLength || !isLetters(verb) {
		return Command{}, NewReply(500, "5.5.2", "Syntax error, command unrecognized")
	}
	return Command{Verb: strings.ToUpper(verb), Arg: strings.TrimLeft(arg, " ")}, nil
}

func isLetters(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}
