package msg

import (
	"bytes"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// charsetAliases are labels seen in real mail that neither the IANA
// registry (golang.org/x/text/encoding/ianaindex) nor the WHATWG Encoding
// Standard (htmlindex) knows, each with the encoding its senders mean.
// go-message's charset.Reader looks them up (lower case) before both.
//
// GB2312 mail is read as GBK and EUC-KR as Windows-949 (Unified Hangul
// Code): each is a superset that the mislabelled mail of real senders
// needs, as the WHATWG Encoding Standard also decides.
var charsetAliases = map[string]encoding.Encoding{
	"cp932": japanese.ShiftJIS, "ms932": japanese.ShiftJIS, "x-ms-cp932": japanese.ShiftJIS,
	"eucjp": japanese.EUCJP, "euc_jp": japanese.EUCJP, "x-eucjp": japanese.EUCJP,
	"euc_kr": korean.EUCKR, "euckr": korean.EUCKR, "cp949": korean.EUCKR, "ms949": korean.EUCKR,
	"x-windows-949": korean.EUCKR, "uhc": korean.EUCKR, "ks_c_5601": korean.EUCKR,
	"euc-cn": simplifiedchinese.GBK, "euccn": simplifiedchinese.GBK, "x-euc-cn": simplifiedchinese.GBK,
	"cp936": simplifiedchinese.GBK, "ms936": simplifiedchinese.GBK, "gb_2312": simplifiedchinese.GBK,
	"cp950": traditionalchinese.Big5, "ms950": traditionalchinese.Big5, "big-5": traditionalchinese.Big5,
	"koi8r": charmap.KOI8R, "koi8u": charmap.KOI8U, "koi8-ru": charmap.KOI8U,
	"latin-1": charmap.ISO8859_1, "latin-2": charmap.ISO8859_2, "latin-9": charmap.ISO8859_15,
	"cp1250": charmap.Windows1250, "cp1251": charmap.Windows1251, "cp1252": charmap.Windows1252,
	"cp1253": charmap.Windows1253, "cp1254": charmap.Windows1254, "cp1255": charmap.Windows1255,
	"cp1256": charmap.Windows1256, "cp1257": charmap.Windows1257, "cp1258": charmap.Windows1258,
	"cp874": charmap.Windows874,
}

// init registers charsetAliases with go-message, the one package-level hook
// of this package: every reader of mail in Letterbox goes through here, and
// go-message's own parsers (textproto, mail.Header) see the same charsets.
func init() {
	for name, enc := range charsetAliases {
		charset.RegisterEncoding(name, enc)
	}
}

// isUTF8Label reports a label that means UTF-8 or its ASCII subset (or no
// label at all), where 8-bit bytes that are not UTF-8 are a mislabel.
func isUTF8Label(cs string) bool {
	switch strings.ToLower(strings.TrimSpace(cs)) {
	case "", "utf-8", "utf8", "us-ascii", "ascii", "ansi_x3.4-1968", "x-unknown", "unknown-8bit", "unknown":
		return true
	}
	return false
}

// convertCharset converts b from the named charset to UTF-8 with every
// charset go-message and golang.org/x/text know (plus charsetAliases).
func convertCharset(b []byte, cs string) (string, error) {
	r, err := charset.Reader(strings.TrimSpace(cs), bytes.NewReader(b))
	if err != nil {
		return "", err
	}
	out, err := io.ReadAll(r)
	return string(out), err
}

// legacyText turns 8-bit text that is not valid UTF-8 into UTF-8: in the
// hint charset when one is known (the charset the message's text is in),
// else as Windows-1252, the usual charset of such mail. Valid UTF-8 (RFC
// 6532) is kept as it is. The result is always valid UTF-8.
func legacyText(s, hint string) string {
	if utf8.ValidString(s) {
		return s
	}
	if !isUTF8Label(hint) {
		if t, err := convertCharset([]byte(s), hint); err == nil {
			return strings.ToValidUTF8(t, "\uFFFD")
		}
	}
	if t, err := convertCharset([]byte(s), "windows-1252"); err == nil {
		return strings.ToValidUTF8(t, "\uFFFD")
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}
