package store

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func scanAll(msg string, chunk int) *scanner {
	var s scanner
	for b := []byte(msg); len(b) > 0; {
		n := min(len(b), chunk)
		s.write(b[:n])
		b = b[n:]
	}
	s.finish()
	return &s
}

var scanCases = []struct {
	name    string
	msg     string
	attach  bool
	snippet string
}{
	{"plain", "Subject: x\r\n\r\nHello  world\r\n", false, "Hello world"},
	{"no body", "Subject: x\r\n", false, ""},
	{"qp latin1", "Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nGr=FC=DFe, soft=\r\nbreak\r\n", false, "Grüße, softbreak"},
	{"base64", "Content-Transfer-Encoding: base64\r\n\r\nSGVsbG8gZnJv\r\nbSBiYXNlNjQ=\r\n", false, "Hello from base64"},
	{"pdf alone", "Content-Type: application/pdf\r\n\r\nJVBERi0=\r\n", true, ""},
	{"mixed with attachment", "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\npreamble\r\n--b1\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--b1\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"a.bin\"\r\n\r\nAAAA\r\n--b1--\r\n", true, "see attached"},
	{"attached text file", "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nbody\r\n--b\r\nContent-Type: text/plain; name=notes.txt\r\nContent-Disposition: attachment\r\n\r\nnotes\r\n--b--\r\n", true, "body"},
	{"alternative only", "Content-Type: multipart/alternative; boundary=alt\r\n\r\n--alt\r\nContent-Type: text/plain\r\n\r\nplain text\r\n--alt\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n--alt--\r\n", false, "plain text"},
	{"html only", "Content-Type: text/html\r\n\r\n<html><style>p{}</style><p>Hi &amp; bye</p></html>\r\n", false, "Hi & bye"},
	{"nested", "Content-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\nContent-Type: multipart/alternative; boundary=i\r\n\r\n--i\r\nContent-Type: text/plain\r\n\r\ninner\r\n--i--\r\n--o\r\nContent-Type: image/png; name=x.png\r\n\r\niVBO\r\n--o--\r\n", true, "inner"},
	{"inline image", "Content-Type: multipart/related; boundary=r\r\n\r\n--r\r\nContent-Type: text/html\r\n\r\n<img src=cid:x>\r\n--r\r\nContent-Type: image/png\r\nContent-Disposition: inline\r\nContent-ID: <x>\r\n\r\niVBO\r\n--r--\r\n", false, ""},
	{"boundary text in body is not a part", "Content-Type: text/plain\r\n\r\n--b1\r\nContent-Disposition: attachment; filename=x\r\n\r\n", false, "--b1 Content-Disposition: attachment; filename=x"},
	{"bare LF", "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nlf body\n--b\nContent-Disposition: attachment; filename=f\n\nx\n--b--\n", true, "lf body"},
	{"junk header", "garbage line\r\n: nothing\r\nSubject x\r\n\r\nbody\r\n", false, "body"},
}

func TestScanner(t *testing.T) {
	for _, tc := range scanCases {
		t.Run(tc.name, func(t *testing.T) {
			for _, chunk := range []int{1, 5, 1 << 20} {
				s := scanAll(tc.msg, chunk)
				if s.attach != tc.attach {
					t.Errorf("scan(%q, chunk %d) attachments = %v, want %v", tc.msg, chunk, s.attach, tc.attach)
				}
				if got := s.snippet(); got != tc.snippet {
					t.Errorf("scan(%q, chunk %d) snippet = %q, want %q", tc.msg, chunk, got, tc.snippet)
				}
			}
		})
	}
}

func TestSnippetIsCut(t *testing.T) {
	s := scanAll("Subject: x\r\n\r\n"+strings.Repeat("word ", 100)+"\r\n", 64)
	got := s.snippet()
	if n := utf8.RuneCountInString(got); n > snippetRunes+1 || n < snippetRunes-5 || !strings.HasSuffix(got, "…") {
		t.Errorf("snippet of a long body = %q (%d runes), want at most %d runes ending in an ellipsis", got, n, snippetRunes+1)
	}
}

func TestHeaderSummary(t *testing.T) {
	cases := []struct {
		name, header string
		want         Summary
	}{
		{"encoded words", "From: =?utf-8?b?SsO8cmdlbg==?= <j@x.test>\r\nTo: a@x.test\r\nSubject: =?utf-8?q?caf=C3=A9?= =?utf-8?q?_au_lait?=\r\n",
			Summary{From: "Jürgen <j@x.test>", To: []string{"a@x.test"}, Subject: "café au lait"}},
		{"windows-1252", "Subject: =?windows-1252?Q?=93quoted=94?=\r\n", Summary{Subject: "“quoted”"}},
		{"unknown charset falls back", "Subject: =?x-unknown?Q?abc?=\r\n", Summary{Subject: "=?x-unknown?Q?abc?="}},
		{"raw 8-bit latin1", "Subject: caf\xe9\r\n", Summary{Subject: "café"}},
		{"raw utf-8", "Subject: café ☕\r\n", Summary{Subject: "café ☕"}},
		{"bad address list", "From: <<broken\r\nTo: a@x.test, <<b\r\n", Summary{From: "<<broken", To: []string{"a@x.test", "<<b"}}},
		{"group", "To: team: a@x.test, b@y.test;\r\n", Summary{To: []string{"a@x.test", "b@y.test"}}},
		{"control chars", "Subject: a\x01b\tc\r\n", Summary{Subject: "ab c"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got Summary
			headerSummary(parseFields([]byte(tc.header)), &got)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("headerSummary(%q) = %+v, want %+v", tc.header, got, tc.want)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		zero bool
	}{
		{"Mon, 1 Jan 2024 10:00:00 +0100", false},
		{"1 Jan 2024 10:00:00 GMT", false},
		{"yesterday", true},
		{"", true},
	} {
		if got := parseDate(tc.in); got.IsZero() != tc.zero {
			t.Errorf("parseDate(%q) = %v, want zero %v", tc.in, got, tc.zero)
		}
	}
}

func FuzzScanner(f *testing.F) {
	for _, tc := range scanCases {
		f.Add(tc.msg, 3)
	}
	f.Fuzz(func(t *testing.T, msg string, chunk int) {
		chunk = max(1, chunk%64+1)
		whole := scanAll(msg, len(msg)+1)
		parts := scanAll(msg, chunk)
		if whole.attach != parts.attach || whole.snippet() != parts.snippet() {
			t.Errorf("scan(%q) depends on chunking: %v %q vs %v %q", msg, whole.attach, whole.snippet(), parts.attach, parts.snippet())
		}
		sum := whole.summary("ID", int64(len(msg)))
		for _, s := range append([]string{sum.From, sum.Subject, sum.Snippet}, sum.To...) {
			if strings.ContainsAny(s, "\r\n") || !utf8.ValidString(s) {
				t.Errorf("scan(%q) gave field %q with a line break or bad UTF-8", msg, s)
			}
		}
	})
}
