package msg

import (
	"strings"
	"testing"
	"time"
)

func TestSummarize(t *testing.T) {
	m := "From: =?utf-8?q?Ann_=C3=84?= <ann@a.test>\r\nTo: b@b.test, \"Doe, J\" <j@b.test>\r\nCc: c@c.test\r\n" +
		"Subject: =?utf-8?q?Hello_w=C3=B6rld?=\r\nDate: Tue, 2 Jan 2024 10:00:00 +0100\r\nMessage-ID: <m1@a.test>\r\n" +
		"Content-Type: multipart/mixed; boundary=o\r\n\r\n" +
		"--o\r\nContent-Type: multipart/related; boundary=r\r\n\r\n" +
		"--r\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Hi\r\n  <b>there</b></p><img src=cid:i1>\r\n" +
		"--r\r\nContent-Type: image/png\r\nContent-ID: <i1>\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw==\r\n--r--\r\n" +
		"--o\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"a.pdf\"\r\n\r\n12345\r\n--o--\r\n"
	s, err := Summarize(strings.NewReader(m), ReadLimits{})
	if err != nil {
		t.Fatalf("Summarize: %v", err)
	}
	want := Summary{
		From: []string{"Ann Ä <ann@a.test>"}, To: []string{"b@b.test", "Doe, J <j@b.test>"}, Cc: []string{"c@c.test"},
		Subject: "Hello wörld", MessageID: "<m1@a.test>", Snippet: "Hi there",
	}
	if strings.Join(s.From, "|") != strings.Join(want.From, "|") || strings.Join(s.To, "|") != strings.Join(want.To, "|") ||
		strings.Join(s.Cc, "|") != strings.Join(want.Cc, "|") || s.Subject != want.Subject || s.MessageID != want.MessageID || s.Snippet != want.Snippet {
		t.Errorf("Summarize = %+v, want %+v", s, want)
	}
	if !s.Date.Equal(time.Date(2024, 1, 2, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("Date = %v", s.Date)
	}
	if len(s.Attachments) != 2 {
		t.Fatalf("Attachments = %+v, want the inline image and a.pdf", s.Attachments)
	}
	img, pdf := s.Attachments[0], s.Attachments[1]
	if !img.Inline || img.ContentType != "image/png" || img.Path != "1.2" || img.Size != 4 {
		t.Errorf("inline image = %+v, want inline image/png at 1.2 of 4 octets", img)
	}
	if pdf.Inline || pdf.Name != "a.pdf" || pdf.Path != "2" || pdf.Size != 5 {
		t.Errorf("attachment = %+v, want a.pdf at 2 of 5 octets", pdf)
	}
	if !s.HasAttachments() {
		t.Errorf("HasAttachments() = false with a.pdf attached")
	}
	v, _ := ReadView(strings.NewReader(m), ReadLimits{})
	if got := v.Summary(); got.Subject != s.Subject || got.Snippet != s.Snippet || len(got.Attachments) != 2 || len(v.Header) == 0 {
		t.Errorf("ReadView(...).Summary() = %+v, want Summarize's %+v (and View.Header filled)", got, s)
	}
}

func TestSnippet(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"  Hello\r\n\tworld  ", 120, "Hello world"},
		{"abcdef", 3, "abc…"},
		{"ab cd", 3, "ab…"},
		{"", 5, ""},
		{"a\x00b\uFFFDc", 10, "a b c"},
	} {
		if got := Snippet(tc.in, tc.n); got != tc.want {
			t.Errorf("Snippet(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

// TestHTMLMetaCharset reads an HTML body without a MIME charset in the
// charset its <meta> names.
func TestHTMLMetaCharset(t *testing.T) {
	m := "Content-Type: text/html\r\n\r\n<html><head><meta charset=\"koi8-r\"></head><body>\xf0\xd2\xc9\xd7\xc5\xd4</body></html>\r\n"
	v, _ := ReadView(strings.NewReader(m), ReadLimits{})
	if v.Text != "Привет" {
		t.Errorf("Text of a KOI8-R HTML body labelled by <meta> only = %q, want %q", v.Text, "Привет")
	}
}

// TestHeaderHintTopLevel reads raw 8-bit header text in the top-level
// Content-Type's charset, even on a multipart and before a text part in
// another charset; without one, in the first text part's charset.
func TestHeaderHintTopLevel(t *testing.T) {
	subject := "Subject: \xf0\xd2\xc9\xd7\xc5\xd4\r\n" // "Привет" in KOI8-R
	for _, tc := range []struct{ name, topParams, partCharset string }{
		{"top-level charset", "; charset=koi8-r", "utf-8"},
		{"first text part", "", "koi8-r"},
	} {
		m := subject + "Content-Type: multipart/mixed; boundary=b" + tc.topParams + "\r\n\r\n" +
			"--b\r\nContent-Type: text/plain; charset=" + tc.partCharset + "\r\n\r\nx\r\n--b--\r\n"
		s, _ := Summarize(strings.NewReader(m), ReadLimits{})
		if s.Subject != "Привет" {
			t.Errorf("%s: Subject = %q, want %q", tc.name, s.Subject, "Привет")
		}
	}
}
