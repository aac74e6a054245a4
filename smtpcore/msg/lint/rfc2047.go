package lint

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"

	"letterbox/smtpcore/msg/internal/mimesyntax"
)

// encodedWord matches an RFC 2047 encoded word: =?charset?encoding?text?=.
var encodedWord = regexp.MustCompile(`=\?[^?\s]+\?[^?\s]*\?[^?\s]*\?=`)

// checkEncodedWords checks the encoded words of the fields where RFC 2047
// §5 lets them appear: unstructured fields (Subject, Comments,
// Content-Description, X-…) and the phrases of address fields.
func (c *checker) checkEncodedWords(e *entity) {
	for _, f := range e.fields {
		name := strings.ToLower(f.name)
		isAddr := false
		for _, a := range addressFields {
			if strings.EqualFold(a, f.name) {
				isAddr = true
			}
		}
		if !isAddr && name != "subject" && name != "comments" && name != "keywords" &&
			name != "content-description" && !strings.HasPrefix(name, "x-") {
			continue
		}
		w := Where{Header: f.name, Part: e.path, Line: f.line + 1}
		for _, loc := range encodedWord.FindAllStringIndex(f.value, -1) {
			c.checkWord(w, f.value[loc[0]:loc[1]])
		}
		if isAddr {
			c.checkWordPlacement(w, f.value)
		}
	}
}

// checkWord checks one encoded word: length (§2), encoding (§4), charset (§3)
// and that its text decodes.
func (c *checker) checkWord(w Where, word string) {
	if len(word) > 75 {
		c.add("rfc2047.word-too-long", w, fmt.Sprintf("an encoded word of %d characters (at most 75)", len(word)), []byte(word))
	}
	parts := strings.SplitN(word[2:len(word)-2], "?", 3)
	cs, enc, text := strings.ToLower(parts[0]), strings.ToUpper(parts[1]), parts[2]
	cs, _, _ = strings.Cut(cs, "*") // charset*language (RFC 2231 §5)
	var raw []byte
	var err error
	switch enc {
	case "B":
		raw, err = base64.StdEncoding.Strict().DecodeString(text)
	case "Q":
		raw, err = decodeQ(text)
	default:
		c.add("rfc2047.encoding-unknown", w, fmt.Sprintf("encoding %q (want B or Q)", parts[1]), []byte(word))
		return
	}
	if err != nil {
		c.add("rfc2047.undecodable", w, fmt.Sprintf("the %s-encoded text does not decode: %v", enc, err), []byte(word))
		return
	}
	if _, known, valid := decodeCharset(cs, raw); !known || cs == "" { // "=?*en?q?…?=" names no charset
		c.add("rfc2047.charset-unknown", w, fmt.Sprintf("charset %q is unknown", cs), []byte(word))
	} else if !valid {
		c.add("rfc2047.undecodable", w, fmt.Sprintf("the decoded text is not valid %s", cs), []byte(word))
	}
}

// decodeQ decodes the Q encoding (RFC 2047 §4.2): _ is a space, =XX an octet,
// and no white space.
func decodeQ(s string) ([]byte, error) {
	var out []byte
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case ch == '_':
			out = append(out, ' ')
		case ch == '=':
			o, ok := mimesyntax.HexOctet(s, i)
			if !ok {
				return out, fmt.Errorf("%q is not an =XX escape", s[i:min(len(s), i+3)])
			}
			out = append(out, o)
			i += 2
		case ch <= ' ' || ch >= 0x7f:
			return out, fmt.Errorf("octet %#02x must be encoded", ch)
		default:
			out = append(out, ch)
		}
	}
	return out, nil
}

// checkWordPlacement finds encoded words where RFC 2047 §5 (3) forbids them
// in an address field: inside a quoted-string or inside an addr-spec.
func (c *checker) checkWordPlacement(w Where, v string) {
	quoted, angle, depth := false, false, 0
	wordStart := 0 // start of the current comma-separated element
	for i := 0; i < len(v); i++ {
		ch := v[i]
		switch {
		case ch == '\\' && (quoted || depth > 0):
			i++
		case quoted:
			if ch == '"' {
				quoted = false
			} else if strings.HasPrefix(v[i:], "=?") && encodedWord.MatchString(v[i:]) {
				c.add("rfc2047.in-quoted-string", w, "an encoded word inside a quoted string is not decoded by conforming readers", []byte(v[i:]))
				return
			}
		case ch == '(':
			depth++
		case ch == ')' && depth > 0:
			depth--
		case depth > 0:
		case ch == '"':
			quoted = true
		case ch == '<':
			angle = true
			end := strings.IndexByte(v[i:], '>')
			if end > 0 && encodedWord.MatchString(v[i:i+end]) {
				c.add("rfc2047.in-addr-spec", w, "an encoded word inside an address", []byte(v[i:i+end+1]))
				return
			}
		case ch == '>':
			angle = false
		case ch == ',' && !angle:
			if elementIsBareAddrWithWord(v[wordStart:i]) {
				c.add("rfc2047.in-addr-spec", w, "an encoded word inside an address", []byte(v[wordStart:i]))
				return
			}
			wordStart = i + 1
		}
	}
	if elementIsBareAddrWithWord(v[wordStart:]) {
		c.add("rfc2047.in-addr-spec", w, "an encoded word inside an address", []byte(v[wordStart:]))
	}
}

// elementIsBareAddrWithWord: an element without angle brackets is an
// addr-spec; one holding an encoded word and an @ breaks §5 (3).
func elementIsBareAddrWithWord(el string) bool {
	return !strings.ContainsAny(el, `<"`) && strings.Contains(el, "@") && encodedWord.MatchString(el)
}
