package msg

import (
	"encoding/base64"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
)

// encodeIn encodes s in the named charset with golang.org/x/text.
func encodeIn(t testing.TB, cs, s string) []byte {
	t.Helper()
	enc, err := ianaindex.MIME.Encoding(cs)
	if enc == nil || err != nil {
		enc, err = htmlindex.Get(cs)
	}
	if err != nil || enc == nil {
		t.Fatalf("no encoder for %q: %v", cs, err)
	}
	b, err := enc.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode %q in %s: %v", s, cs, err)
	}
	return b
}

func bWord(cs string, b []byte) string {
	return "=?" + cs + "?B?" + base64.StdEncoding.EncodeToString(b) + "?="
}

var headerCases = []struct{ name, in, hint, want string }{
	{"plain", "Hello world", "", "Hello world"},
	{"q utf-8", "=?utf-8?q?caf=C3=A9_cr=C3=A8me?=", "", "café crème"},
	{"b utf-8", "=?UTF-8?B?Y2Fmw6k=?=", "", "café"},
	{"adjacent words lose the space between", "=?utf-8?q?a?= =?utf-8?q?b?=\t =?utf-8?q?c?=", "", "abc"},
	{"text between words stays", "=?utf-8?q?a?= and =?utf-8?q?b?=", "", "a and b"},
	{"word then text keeps the space", "=?utf-8?q?Re:?= hello", "", "Re: hello"},
	{"split UTF-8 character", "=?utf-8?B?w6k=?= =?utf-8?B?w6k=?= =?utf-8?Q?=C3?= =?utf-8?Q?=A9?=", "", "ééé"},
	{"lower-case encoding, no padding", "=?utf-8?b?Y2Fmw6k?=", "", "café"},
	{"no space before word", "Re:=?utf-8?q?caf=C3=A9?=", "", "Re:café"},
	{"RFC 2231 language", "=?utf-8*fr?q?caf=C3=A9?=", "", "café"},
	{"latin-1 word", "=?iso-8859-1?q?caf=E9?=", "", "café"},
	{"windows-1252 word", "=?windows-1252?Q?=93quoted=94?=", "", "“quoted”"},
	{"unknown charset, UTF-8 octets", "=?x-nonsense?q?caf=C3=A9?=", "", "café"},
	{"unknown charset, 8-bit octets", "=?x-nonsense?q?caf=E9?=", "", "café"},
	{"not a word: bad encoding", "=?utf-8?x?abc?=", "", "=?utf-8?x?abc?="},
	{"not a word: unclosed", "=?utf-8?q?abc", "", "=?utf-8?q?abc"},
	{"not a word: space inside", "=?utf-8?q?a b?=", "", "=?utf-8?q?a b?="},
	{"not a word: bad base64", "=?utf-8?b?!!!?=", "", "=?utf-8?b?!!!?="},
	{"bad q escape kept", "=?utf-8?q?100=ZZ?=", "", "100=ZZ"},
	{"raw UTF-8 (RFC 6532)", "café ☕", "", "café ☕"},
	{"raw latin-1", "caf\xe9", "", "café"},
	{"raw koi8-r with the text's charset", "\xf0\xd2\xc9\xd7\xc5\xd4", "koi8-r", "Привет"},
	{"raw 8-bit, hint unknown", "caf\xe9", "x-nonsense", "café"},
	{"controls", "a\x01b\tc\x7fd\u0085e", "", "ab cde"},
	{"charsets do not join", "=?iso-8859-1?q?=E9?= =?utf-8?q?=C3=A9?=", "", "éé"},
}

func TestDecodeHeader(t *testing.T) {
	for _, tc := range headerCases {
		t.Run(tc.name, func(t *testing.T) {
			if got := decodeHeaderHint(tc.in, tc.hint); got != tc.want {
				t.Errorf("decodeHeaderHint(%q, %q) = %q, want %q", tc.in, tc.hint, got, tc.want)
			}
		})
	}
}

// TestDecodeHeaderCharsets decodes a word in each charset the issue names,
// its octets made by golang.org/x/text's encoder, and, split across two
// adjacent words in the middle of a character, joined again.
func TestDecodeHeaderCharsets(t *testing.T) {
	for _, tc := range []struct{ cs, text string }{
		{"iso-2022-jp", "日本語の件名"}, {"shift_jis", "日本語の件名"}, {"euc-jp", "日本語の件名"},
		{"euc-kr", "한국어 제목"}, {"ks_c_5601-1987", "한국어 제목"}, {"gb2312", "中文主题"}, {"gbk", "中文主题"},
		{"gb18030", "中文主题"}, {"big5", "中文主題"}, {"koi8-r", "Привет"}, {"koi8-u", "Привіт"},
		{"windows-1250", "Příliš žluťoučký"}, {"windows-1251", "Привет"}, {"windows-1252", "Café €"},
		{"windows-1253", "Καλημέρα"}, {"windows-1254", "Günaydın"}, {"windows-1255", "שלום"},
		{"windows-1256", "مرحبا"}, {"windows-1257", "Ąžuolas"}, {"windows-1258", "Xin chào"},
		{"iso-8859-1", "Café"}, {"iso-8859-2", "Příliš žluťoučký"}, {"iso-8859-3", "Ħal Għargħur"},
		{"iso-8859-4", "Ąžuolas"}, {"iso-8859-5", "Привет"}, {"iso-8859-6", "مرحبا"}, {"iso-8859-7", "Καλημέρα"},
		{"iso-8859-8", "שלום"}, {"iso-8859-9", "Günaydın"}, {"iso-8859-10", "Þórður"}, {"iso-8859-13", "Ąžuolas"},
		{"iso-8859-14", "Ŵyn"}, {"iso-8859-15", "€uro"}, {"iso-8859-16", "Știință"}, {"windows-874", "สวัสดี"},
	} {
		t.Run(tc.cs, func(t *testing.T) {
			cs := tc.cs
			if cs == "ks_c_5601-1987" {
				cs = "euc-kr"
			}
			b := encodeIn(t, cs, tc.text)
			if got := DecodeHeader(bWord(tc.cs, b)); got != tc.text {
				t.Errorf("DecodeHeader(%s word) = %q, want %q", tc.cs, got, tc.text)
			}
			mid := len(b)/2 + 1
			split := bWord(tc.cs, b[:mid]) + "\r\n " + bWord(strings.ToUpper(tc.cs), b[mid:])
			if got := DecodeHeader(split); got != tc.text {
				t.Errorf("DecodeHeader(%q) = %q, want %q", split, got, tc.text)
			}
		})
	}
}

func TestAddressList(t *testing.T) {
	kr := encodeIn(t, "euc-kr", "홍길동")
	for _, tc := range []struct {
		in, hint string
		want     []string
	}{
		{"a@x.test", "", []string{"a@x.test"}},
		{"=?utf-8?q?J=C3=BCrgen?= <j@x.test>, b@x.test", "", []string{"Jürgen <j@x.test>", "b@x.test"}},
		{bWord("euc-kr", kr[:3]) + " " + bWord("euc-kr", kr[3:]) + " <hong@x.kr>", "", []string{"홍길동 <hong@x.kr>"}},
		{`"=?utf-8?q?J=C3=BCrgen?=" <j@x.test>`, "", []string{"Jürgen <j@x.test>"}},
		{`"Doe, John" <j@x.test>`, "", []string{"Doe, John <j@x.test>"}},
		{"J\xfcrgen <j@x.test>", "", []string{"Jürgen <j@x.test>"}},
		{"\xf0\xd2\xc9\xd7\xc5\xd4 <p@x.ru>", "koi8-r", []string{"Привет <p@x.ru>"}},
		{"Jürgen <jürgen@bücher.example>", "", []string{"Jürgen <jürgen@bücher.example>"}},
		{"team: a@x.test, b@y.test;", "", []string{"a@x.test", "b@y.test"}},
		// Quoted local parts keep their quotes (net/mail hands them back
		// unquoted); address literals stay whole.
		{`"x y"@example.test, Ann <"a\"b"@[192.0.2.1]>`, "", []string{`"x y"@example.test`, `Ann <"a\"b"@[192.0.2.1]>`}},
		{"<<broken, \"x, y\" <<z", "", []string{"<<broken, \"x, y\" <<z"}},
		{"a@x.test, <<b", "", []string{"a@x.test", "<<b"}},
		{"a@[tag:b,c], <<d", "", []string{"a@[tag:b,c]", "<<d"}}, // RFC 5321 §4.1.3: dcontent may hold ","
		{"(a, b) x@y.test, <<d", "", []string{"(a, b) x@y.test", "<<d"}},
		// A UTF-8 word whose octets are not UTF-8 (net/mail decodes it and
		// keeps them) reads as DecodeHeader reads it: found by FuzzIngest.
		{"=?utf-8?B?0000?= <0@0>", "", []string{"ÓM4 <0@0>"}},
		{"", "", nil},
	} {
		got := addressList(tc.in, tc.hint)
		if strings.Join(got, "|") != strings.Join(tc.want, "|") || len(got) != len(tc.want) {
			t.Errorf("addressList(%q, %q) = %q, want %q", tc.in, tc.hint, got, tc.want)
		}
	}
}

func FuzzDecodeHeader(f *testing.F) {
	for _, tc := range headerCases {
		f.Add(tc.in, tc.hint)
	}
	f.Fuzz(func(t *testing.T, in, hint string) {
		got := decodeHeaderHint(in, hint)
		if !utf8.ValidString(got) || strings.ContainsAny(got, "\r\n\x00") {
			t.Errorf("decodeHeaderHint(%q, %q) = %q: not valid UTF-8 on one line", in, hint, got)
		}
		for _, a := range addressList(in, hint) {
			if !utf8.ValidString(a) || strings.ContainsAny(a, "\r\n\x00") {
				t.Errorf("addressList(%q, %q) gave %q: not valid UTF-8 on one line", in, hint, a)
			}
		}
	})
}
