package store

import (
	"fmt"
	"io"
	"strings"
)

// singleByte maps bytes 0x80–0xFF of a single-byte charset to runes; bytes
// below 0x80 are ASCII.
type singleByte func(b byte) rune

// cp1252 is Windows-1252: Latin-1 with printable characters in 0x80–0x9F.
func cp1252(b byte) rune {
	const hi = "\u20ac\ufffd\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\ufffd\u017d\ufffd" +
		"\ufffd\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\ufffd\u017e\u0178"
	if b >= 0x80 && b < 0xa0 {
		return []rune(hi)[b-0x80]
	}
	return rune(b)
}

// latin9 is ISO-8859-15: Latin-1 with the euro sign and a few letters swapped in.
func latin9(b byte) rune {
	switch b {
	case 0xa4:
		return '€'
	case 0xa6:
		return 'Š'
	case 0xa8:
		return 'š'
	case 0xb4:
		return 'Ž'
	case 0xb8:
		return 'ž'
	case 0xbc:
		return 'Œ'
	case 0xbd:
		return 'œ'
	case 0xbe:
		return 'Ÿ'
	}
	return rune(b)
}

func latin1(b byte) rune { return rune(b) }

// decodeSingleByte turns s, read in the charset of m, into UTF-8.
func decodeSingleByte(s string, m singleByte) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x80 {
			b.WriteByte(c)
		} else {
			b.WriteRune(m(c))
		}
	}
	return b.String()
}

// singleByteCharset returns the decoder for a charset label, or nil.
func singleByteCharset(label string) singleByte {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "windows-1252", "cp1252", "x-cp1252":
		return cp1252
	case "iso-8859-15", "iso8859-15", "latin-9", "latin9":
		return latin9
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1":
		return latin1
	}
	return nil
}

// charsetReader is a mime.WordDecoder CharsetReader for the single-byte
// charsets above. Others are reported as unsupported so the caller falls back
// to the raw text.
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	m := singleByteCharset(label)
	if m == nil {
		return nil, fmt.Errorf("store: unsupported charset %q", label)
	}
	b, err := io.ReadAll(in)
	if err != nil {
		return nil, err
	}
	return strings.NewReader(decodeSingleByte(string(b), m)), nil
}

// toUTF8 converts body text in the given charset to UTF-8 where it can; text
// in an unknown charset keeps its valid UTF-8 and loses the rest.
func toUTF8(b []byte, charset string) string {
	if m := singleByteCharset(charset); m != nil {
		return decodeSingleByte(string(b), m)
	}
	return strings.ToValidUTF8(string(b), "\ufffd")
}
