package msg

import (
	"encoding/base64"
	"io"
	"mime"
	"net/mail"
	"strings"
)

// addressList decodes an address-list field (From, To, Cc, Reply-To; RFC
// 5322 §3.4) for display: one "Name <addr>" (or "addr") per mailbox, group
// members listed as mailboxes. Display names are decoded like DecodeHeader
// (RFC 2047 words, also inside quoted strings where some mailers put them;
// RFC 6532 UTF-8; raw 8-bit text in the hint charset). A field net/mail
// cannot parse is split at the commas outside quotes and angle brackets and
// each piece decoded as text. Every string is valid UTF-8 on one line.
func addressList(v, hint string) []string {
	v = strings.TrimSpace(legacyText(v, hint))
	if v == "" {
		return nil
	}
	p := mail.AddressParser{WordDecoder: &mime.WordDecoder{CharsetReader: keepWord}}
	list, err := p.ParseList(v)
	if err != nil || len(list) == 0 {
		return splitAddressText(v)
	}
	out := make([]string, 0, len(list))
	for _, a := range list {
		// net/mail decodes a UTF-8 word itself and keeps octets that are
		// not UTF-8; they are read as DecodeHeader reads such a word.
		name := strings.TrimSpace(oneLine(decodeWords(legacyText(a.Name, ""))))
		addr := oneLine(AddrSpec(a)) // "x y"@example.test keeps its quotes, as on the wire
		if name == "" {
			out = append(out, addr)
		} else {
			out = append(out, name+" <"+addr+">")
		}
	}
	return out
}

// keepWord is the CharsetReader given to net/mail. net/mail decodes each
// encoded word on its own, which breaks a character split between two
// adjacent words; so every word not in UTF-8 or Latin-1 (which net/mail
// decodes itself, octet-exactly) is handed back re-encoded, and the whole
// display name is then decoded by decodeWords, which joins such words.
func keepWord(cs string, input io.Reader) (io.Reader, error) {
	b, err := io.ReadAll(input)
	if err != nil {
		return nil, err
	}
	return strings.NewReader("=?" + cs + "?b?" + base64.StdEncoding.EncodeToString(b) + "?="), nil
}

// splitAddressText splits an address list that does not parse at the
// commas outside quoted strings, comments, angle brackets and address
// literals (splitList), and decodes each piece as unstructured text.
func splitAddressText(v string) []string {
	var out []string
	for _, s := range splitList(v) {
		if s = strings.TrimSpace(oneLine(decodeWords(s))); s != "" {
			out = append(out, s)
		}
	}
	return out
}
