package msg

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"

	"letterbox/smtpcore"
	"letterbox/smtpcore/msg/internal/mimesyntax"
)

// Header line lengths (RFC 5322 §2.1.1, RFC 2047 §2).
const (
	foldAt       = 76  // preferred line length, and the RFC 2047 limit for lines holding encoded words
	maxLineOctet = 998 // hard limit without CRLF
	maxWord      = 900 // longest plain word we write before switching to encoded words
	wordPrefix   = "=?utf-8?q?"
	wordSuffix   = "?="
	minWordRoom  = 30 // an encoded word shorter than this is not worth starting a line with
)

var errLineTooLong = errors.New("a word is longer than the 998-octet line limit (RFC 5322 §2.1.1)")

// foldField writes "Name: tok1 tok2 ..." folding before a token whenever the
// line would pass foldAt octets (RFC 5322 §2.2.3). Tokens are joined by one
// space, and a fold only ever replaces that space by CRLF SP, so unfolding
// restores the value exactly. It fails only when a token alone breaks the
// 998-octet limit.
func foldField(name string, tokens []string) ([]byte, error) {
	var b strings.Builder
	b.WriteString(name)
	b.WriteString(":")
	lineLen := len(name) + 1
	for i, tok := range tokens {
		if lineLen+1+len(tok) > foldAt && i > 0 {
			b.WriteString("\r\n")
			lineLen = 0
		}
		if lineLen+1+len(tok) > maxLineOctet {
			return nil, errLineTooLong
		}
		b.WriteByte(' ')
		b.WriteString(tok)
		lineLen += 1 + len(tok)
	}
	b.WriteString("\r\n")
	return []byte(b.String()), nil
}

// plainText reports whether v can be written as is in an unstructured field:
// printable ASCII, single spaces between words, no word that could be taken
// for an encoded word, and no word too long to fold.
func plainText(v string) bool {
	if v == "" {
		return true
	}
	if v[0] == ' ' || v[len(v)-1] == ' ' || strings.Contains(v, "  ") || strings.Contains(v, "=?") {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < 0x20 || v[i] > 0x7e {
			return false
		}
	}
	for _, w := range strings.Split(v, " ") {
		if len(w) > maxWord {
			return false
		}
	}
	return true
}

// unstructuredTokens gives the tokens of an unstructured field value
// (RFC 5322 §3.2.5): the words as they are when plain, else RFC 2047
// Q-encoded words, each whole characters, sized so that every line stays
// within 76 octets.
func unstructuredTokens(name, v string) []string {
	if plainText(v) {
		if v == "" {
			return nil
		}
		return strings.Split(v, " ")
	}
	first := foldAt - len(name) - 2
	if first < minWordRoom {
		first = foldAt - 1
	}
	return encodeWords(v, first, foldAt-1)
}

// encodeWords splits s into RFC 2047 "Q" encoded words (RFC 2047 §4.2, using
// only the characters §5(3) allows in a phrase, so the result is valid in
// display names too). The first word is at most first octets, the others at
// most rest. Words never split a UTF-8 sequence (RFC 2047 §5).
func encodeWords(s string, first, rest int) []string {
	var words []string
	limit := first
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			words = append(words, wordPrefix+cur.String()+wordSuffix)
			cur.Reset()
			limit = rest
		}
	}
	overhead := len(wordPrefix) + len(wordSuffix)
	for _, r := range s {
		enc := qRune(r)
		if cur.Len() > 0 && overhead+cur.Len()+len(enc) > limit {
			flush()
		}
		cur.WriteString(enc)
	}
	flush()
	return words
}

// qRune Q-encodes one character.
func qRune(r rune) string {
	switch {
	case r == ' ':
		return "_"
	case r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
		strings.ContainsRune("!*+-/", r)):
		return string(r)
	}
	var buf [utf8.UTFMax]byte
	n := utf8.EncodeRune(buf[:], r)
	var b strings.Builder
	for _, c := range buf[:n] {
		fmt.Fprintf(&b, "=%02X", c)
	}
	return b.String()
}

// isAtext reports RFC 5322 §3.2.3 atext.
func isAtext(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

// phraseTokens encodes a display name (RFC 5322 §3.2.5 phrase): atoms as
// they are, a quoted-string when it has specials, encoded words when it is
// not printable ASCII.
func phraseTokens(name string) []string {
	if name == "" {
		return nil
	}
	if !plainText(name) {
		return encodeWords(name, foldAt-1, foldAt-1)
	}
	words := strings.Split(name, " ")
	atoms := true
	for _, w := range words {
		for i := 0; i < len(w); i++ {
			if !isAtext(w[i]) && w[i] != '.' {
				atoms = false
			}
		}
	}
	if atoms && !strings.HasPrefix(name, ".") {
		return words
	}
	q := `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(name) + `"`
	if len(q) > maxWord {
		return encodeWords(name, foldAt-1, foldAt-1)
	}
	return []string{q}
}

// AddrSpec returns the addr-spec of a as it goes on the wire: the local part
// quoted when it is not a Dot-string (RFC 5321 §4.1.2, RFC 5322 §3.4.1:
// `"john doe"@example.org`, `""@example.org`), an address literal kept whole
// even when it holds "@", no angle brackets. This is the form for MAIL FROM
// and RCPT TO and inside the From, To and Cc fields.
func AddrSpec(a *mail.Address) string {
	local, domain, ok := smtpcore.SplitAddress(a.Address)
	if !ok {
		return smtpcore.QuoteLocalPart(a.Address)
	}
	return smtpcore.QuoteLocalPart(local) + "@" + domain
}

// addressListTokens formats mailboxes for From, To, Cc and Reply-To.
func addressListTokens(list []*mail.Address) []string {
	var toks []string
	for i, a := range list {
		toks = append(toks, phraseTokens(a.Name)...)
		spec := AddrSpec(a)
		if a.Name != "" {
			spec = "<" + spec + ">"
		}
		if i < len(list)-1 {
			spec += ","
		}
		toks = append(toks, spec)
	}
	return toks
}

// paramTokens formats one MIME parameter (RFC 2045 §5.1): a token or a
// quoted-string when the value is printable ASCII, else the RFC 2231 form
// name*=utf-8”%XX…, split into name*0*, name*1*, … sections of whole
// characters so no line passes 76 octets. Each section is its own token and
// all but the last end in ";" when more follows (more).
func paramTokens(name, value string, more bool) []string {
	sep := ""
	if more {
		sep = ";"
	}
	if plainText(value) && len(value) < 60 {
		if mimesyntax.IsToken(value) {
			return []string{name + "=" + value + sep}
		}
		return []string{name + `="` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(value) + `"` + sep}
	}
	var sections []string
	var cur strings.Builder
	cur.WriteString("utf-8''")
	const room = 60
	for _, r := range value {
		enc := pctRune(r)
		if cur.Len()+len(enc) > room && cur.Len() > 0 {
			sections = append(sections, cur.String())
			cur.Reset()
		}
		cur.WriteString(enc)
	}
	sections = append(sections, cur.String())
	if len(sections) == 1 {
		return []string{name + "*=" + sections[0] + sep}
	}
	toks := make([]string, len(sections))
	for i, s := range sections {
		toks[i] = fmt.Sprintf("%s*%d*=%s;", name, i, s)
	}
	toks[len(toks)-1] = strings.TrimSuffix(toks[len(toks)-1], ";") + sep
	return toks
}

// pctRune percent-encodes one character for an RFC 2231 extended value.
func pctRune(r rune) string {
	if r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-._", r)) {
		return string(r)
	}
	var buf [utf8.UTFMax]byte
	n := utf8.EncodeRune(buf[:], r)
	var b strings.Builder
	for _, c := range buf[:n] {
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// mediaTokens formats "type/subtype; p1=v1; p2=v2" for Content-Type or
// Content-Disposition, parameters in the given order.
func mediaTokens(mediaType string, params [][2]string) []string {
	if len(params) == 0 {
		return []string{mediaType}
	}
	toks := []string{mediaType + ";"}
	for i, p := range params {
		toks = append(toks, paramTokens(p[0], p[1], i < len(params)-1)...)
	}
	return toks
}
