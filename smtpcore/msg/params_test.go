package msg

import (
	"maps"
	"strings"
	"testing"
	"unicode/utf8"
)

var paramCases = []struct {
	name, in, mt string
	want         map[string]string
	bad          bool // a non-fatal error is expected
}{
	{"plain", `text/plain; charset=utf-8`, "text/plain", map[string]string{"charset": "utf-8"}, false},
	{"quoted with escapes", `attachment; filename="a \"b\" c.txt"`, "attachment", map[string]string{"filename": `a "b" c.txt`}, false},
	{"case", `Text/HTML; CHARSET="ISO-8859-1"`, "text/html", map[string]string{"charset": "ISO-8859-1"}, false},
	{"RFC 2231 extended", `attachment; filename*=utf-8''%C3%A9t%C3%A9.pdf`, "attachment", map[string]string{"filename": "été.pdf"}, false},
	{"RFC 2231 legacy charset and language", `attachment; filename*=iso-8859-1'fr'caf%E9.txt`, "attachment", map[string]string{"filename": "café.txt"}, false},
	{"RFC 2231 koi8-r", `attachment; filename*=koi8-r''%F0%D2%C9%D7%C5%D4.txt`, "attachment", map[string]string{"filename": "Привет.txt"}, false},
	{"RFC 2231 continuations", "attachment; filename*0*=utf-8''%C3%A9t; filename*1*=%C3%A9; filename*2=\".pdf\"", "attachment", map[string]string{"filename": "été.pdf"}, false},
	{"continuations out of order", "attachment; title*1=\"world\"; title*0=\"hello \"", "attachment", map[string]string{"title": "hello world"}, false},
	{"split character across sections", "attachment; filename*0*=utf-8''%C3; filename*1*=%A9.txt", "attachment", map[string]string{"filename": "é.txt"}, false},
	{"2231 wins over plain", `attachment; filename="fallback.pdf"; filename*=utf-8''%C3%A9.pdf`, "attachment", map[string]string{"filename": "é.pdf"}, false},
	{"missing section", "attachment; filename*0=\"a\"; filename*2=\"c\"", "attachment", map[string]string{"filename": "a"}, true},
	{"unquoted with spaces", `attachment; filename=my file.pdf; size=3`, "attachment", map[string]string{"filename": "my file.pdf", "size": "3"}, false},
	{"damaged parameter does not lose the rest", `multipart/mixed; junk; boundary="b1"`, "multipart/mixed", map[string]string{"boundary": "b1"}, true},
	{"unclosed quote", `attachment; filename="a.pdf`, "attachment", map[string]string{"filename": "a.pdf"}, true},
	{"duplicate keeps the first", `text/plain; charset=utf-8; charset=latin1`, "text/plain", map[string]string{"charset": "utf-8"}, false},
	{"no type", `; charset=utf-8`, "", map[string]string{"charset": "utf-8"}, false},
	{"empty", ``, "", map[string]string{}, false},
}

func TestParseMediaParams(t *testing.T) {
	for _, tc := range paramCases {
		t.Run(tc.name, func(t *testing.T) {
			mt, ps, err := parseMediaParams(tc.in)
			if mt != tc.mt || !maps.Equal(ps, tc.want) || (err != nil) != tc.bad {
				t.Errorf("parseMediaParams(%q) = %q, %q, %v; want %q, %q, error %v", tc.in, mt, ps, err, tc.mt, tc.want, tc.bad)
			}
		})
	}
}

// TestFilenames reads attachment names the ways mailers write them.
func TestFilenames(t *testing.T) {
	for _, tc := range []struct{ header, want string }{
		{"Content-Type: application/pdf; name=\"=?utf-8?B?w6l0w6kucGRm?=\"", "été.pdf"},
		{"Content-Type: application/pdf; name=\"=?iso-2022-jp?B?GyRCRnxLXDhsGyhCLnBkZg==?=\"", "日本語.pdf"},
		{"Content-Disposition: attachment; filename*=utf-8''%C3%A9t%C3%A9.pdf", "été.pdf"},
		{"Content-Disposition: attachment; filename=\"caf\xe9.txt\"", "café.txt"},
		{"Content-Type: text/plain; charset=koi8-r; name=\"\xf0\xd2\xc9\xd7\xc5\xd4.txt\"\r\nContent-Disposition: attachment", "Привет.txt"},
		{"Content-Disposition: attachment; filename=\"../../etc/passwd\"", "passwd"},
	} {
		m := "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b\r\n" + tc.header + "\r\n\r\ndata\r\n--b--\r\n"
		v, _ := ReadView(strings.NewReader(m), ReadLimits{})
		if len(v.Attachments) != 1 || v.Attachments[0].Filename != tc.want {
			t.Errorf("ReadView(part with %q).Attachments = %+v, want one named %q", tc.header, v.Attachments, tc.want)
		}
	}
}

func FuzzParseMediaParams(f *testing.F) {
	for _, tc := range paramCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		mt, ps, _ := parseMediaParams(in)
		if strings.ContainsAny(mt, ";") {
			t.Errorf("parseMediaParams(%q) type %q holds a ';'", in, mt)
		}
		for k, v := range ps {
			if k != strings.ToLower(k) || k == "" {
				t.Errorf("parseMediaParams(%q) gave the name %q", in, k)
			}
			if utf8.ValidString(in) && !utf8.ValidString(v) {
				t.Errorf("parseMediaParams(%q) made %q=%q, not UTF-8 from UTF-8", in, k, v)
			}
		}
	})
}
