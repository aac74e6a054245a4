package lint

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
)

func TestExcerpt(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain", "plain"},
		{"a\r\nb\tc", `a\r\nb\tc`},
		{"\x00\x1b[31m", `\x00\x1b[31m`},
		{"bad \xff byte", `bad \xff byte`},
		{"bidi \u202egnp.exe", `bidi \u202egnp.exe`},
		{"c1 \u0085 next", `c1 \u0085 next`},
		{strings.Repeat("x", 70), strings.Repeat("x", 60) + "…"},
	} {
		if got := Excerpt([]byte(tc.in)); got != tc.want {
			t.Errorf("Excerpt(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSeverityJSON(t *testing.T) {
	f := newFinding("rfc5322.date-missing", Where{Header: "Date"}, "", "")
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"rule":"rfc5322.date-missing","severity":"error","rfc":"RFC 5322 §3.6","where":{"header":"Date"},"message":"no Date field"}`
	if string(b) != want {
		t.Errorf("json.Marshal(finding) = %s, want %s", b, want)
	}
	var back Finding
	if err := json.Unmarshal(b, &back); err != nil || back.Severity != Error {
		t.Errorf("json.Unmarshal(%s) = %+v, %v; want severity error", b, back, err)
	}
}

func TestCheckReaderTruncates(t *testing.T) {
	raw, _ := os.ReadFile("testdata/good/python-plain.eml")
	fs, err := CheckReader(bytes.NewReader(raw), 100, Envelope{})
	if err != nil {
		t.Fatal(err)
	}
	if last := fs[len(fs)-1]; last.Rule != "lint.truncated" {
		t.Errorf("CheckReader(limit 100) last finding = %s, want lint.truncated", last.Rule)
	}
	fs, _ = CheckReader(bytes.NewReader(raw), 0, Envelope{})
	if c := Count(fs); c.Error+c.Warning != 0 {
		t.Errorf("CheckReader(no limit) = %+v, want no errors or warnings", c)
	}
}

func TestRulesAreUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules {
		if seen[r.ID] || r.Summary == "" {
			t.Errorf("rule %q repeated or without summary", r.ID)
		}
		seen[r.ID] = true
	}
}

// TestFindingLines: findings point at the line that holds the fault.
func TestFindingLines(t *testing.T) {
	raw, _ := os.ReadFile("testdata/bad/many-faults.eml")
	want := map[string]int{"rfc5322.address-syntax": 1, "rfc6532.header-not-utf8": 3, "env.bcc-leak": 4, "mime.qp-escape": 12, "practical.html-script": 12}
	checkLines(t, Check(raw, Envelope{}), want)
}

// TestEnvelopeLines: the envelope rules point at the first 8-bit header
// line and body line of any part, not only of the top-level entity.
func TestEnvelopeLines(t *testing.T) {
	raw := []byte("From: a@x.test\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\nMessage-ID: <1@x.test>\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" + // lines 1-6
		"--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n" + // 7-9
		"Content-Disposition: inline; filename=\"gr\xc3\xbc\xc3\x9fe.txt\"\r\n\r\n" + // 10-11
		"plain\r\nGr\xc3\xbc\xc3\x9fe\r\n--b--\r\n") // 12-14
	checkLines(t, Check(raw, Envelope{Known: true}), map[string]int{
		"env.utf8-without-smtputf8": 10, "env.8bit-without-8bitmime": 13,
	})
}

// checkLines fails unless each rule in want was found, at its line.
func checkLines(t *testing.T, fs []Finding, want map[string]int) {
	t.Helper()
	got := map[string]int{}
	for _, f := range fs {
		if _, ok := got[f.Rule]; !ok {
			got[f.Rule] = f.Where.Line
		}
	}
	for rule, line := range want {
		if l, ok := got[rule]; !ok || l != line {
			t.Errorf("%s at line %d (found %v), want line %d; findings %v", rule, l, ok, line, fs)
		}
	}
}

// FuzzCheck: any input is checked without panic, and no excerpt, message or
// location carries a control character to a terminal.
func FuzzCheck(f *testing.F) {
	for _, dir := range []string{"testdata/good", "testdata/bad"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
		for _, file := range files {
			if b, err := os.ReadFile(file); err == nil {
				f.Add(b, false)
			}
		}
	}
	f.Fuzz(func(t *testing.T, raw []byte, known bool) {
		env := Envelope{Known: known, BareLF: known}
		for _, fd := range Check(raw, env) {
			for _, s := range []string{fd.Excerpt, fd.Where.Header, fd.Message} {
				if strings.IndexFunc(s, unicode.IsControl) >= 0 {
					t.Fatalf("finding %s has a control character: %q", fd.Rule, s)
				}
			}
			if _, ok := ruleByID[fd.Rule]; !ok {
				t.Fatalf("unknown rule %q", fd.Rule)
			}
		}
	})
}

func TestDecodeCharset(t *testing.T) {
	for _, tc := range []struct {
		cs, in, want string
		known, valid bool
	}{
		{"", "abc", "abc", true, true},
		{"", "caf\xe9", "caf\xe9", true, false},
		{"ascii", "caf\xe9", "caf\xe9", true, false},
		{"utf-8", "caf\xc3\xa9", "café", true, true},
		{"utf8", "caf\xe9", "caf\xe9", true, false},
		{"iso-8859-1", "caf\xe9", "café", true, true},
		{"koi8-r", "\xf0\xd2\xc9\xd7\xc5\xd4", "Привет", true, true},
		{"shift_jis", "\x82\xa0\xff", "あ\uFFFD", true, false},
		{"windows-1252", "\xef\xbf\xbd", "ï¿½", true, true},
		{"x-no-such-charset", "a", "a", false, false},
	} {
		got, known, valid := decodeCharset(tc.cs, []byte(tc.in))
		if got != tc.want || known != tc.known || valid != tc.valid {
			t.Errorf("decodeCharset(%q, %q) = %q, %v, %v; want %q, %v, %v", tc.cs, tc.in, got, known, valid, tc.want, tc.known, tc.valid)
		}
	}
}

// TestEncodedWordCharset: the charset of an encoded word is checked as a
// part's is; a word without one (only a language) names no charset.
func TestEncodedWordCharset(t *testing.T) {
	head := "From: a@x.test\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\nMessage-ID: <1@x.test>\r\nSubject: "
	for _, tc := range []struct{ word, want string }{
		{"=?utf-8?q?caf=C3=A9?=", ""},
		{"=?iso-8859-1?q?caf=E9?=", ""},
		{"=?us-ascii?q?caf=E9?=", "rfc2047.undecodable"},
		{"=?ascii?q?caf=E9?=", "rfc2047.undecodable"},
		{"=?utf-8?q?caf=E9?=", "rfc2047.undecodable"},
		{"=?x-nope?q?a?=", "rfc2047.charset-unknown"},
		{"=?*en?q?a?=", "rfc2047.charset-unknown"},
	} {
		var got []string
		for _, f := range Check([]byte(head+tc.word+"\r\n\r\nx\r\n"), Envelope{}) {
			if strings.HasPrefix(f.Rule, "rfc2047.") {
				got = append(got, f.Rule)
			}
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("Check(Subject: %s) rfc2047 rules = %q, want %q", tc.word, got, tc.want)
		}
	}
}
