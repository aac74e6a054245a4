package msg

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeFile makes a test file and returns its path.
func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func build(t *testing.T, d *Draft, opts BuildOptions) (*Message, []byte) {
	t.Helper()
	m, err := d.Build(opts)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	var buf bytes.Buffer
	n, err := m.WriteTo(&buf)
	if err != nil {
		t.Fatalf("WriteTo: %v", err)
	}
	if n != int64(buf.Len()) || n != m.Size() {
		t.Fatalf("WriteTo returned %d, wrote %d, Size() = %d: want all equal", n, buf.Len(), m.Size())
	}
	return m, buf.Bytes()
}

// checkWire asserts RFC 5322 §2.1.1 and §2.3: CRLF only, lines ≤ 998.
func checkWire(t *testing.T, raw []byte) {
	t.Helper()
	if bytes.Contains(bytes.ReplaceAll(raw, []byte("\r\n"), nil), []byte("\n")) ||
		bytes.Contains(bytes.ReplaceAll(raw, []byte("\r\n"), nil), []byte("\r")) {
		t.Fatalf("message has a bare CR or LF")
	}
	if !bytes.HasSuffix(raw, []byte("\r\n")) {
		t.Fatalf("message does not end with CRLF")
	}
	for i, l := range bytes.Split(raw, []byte("\r\n")) {
		if len(l) > maxLineOctet {
			t.Fatalf("line %d is %d octets long", i+1, len(l))
		}
	}
}

func headerPart(raw []byte) string {
	h, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	return string(h)
}

func sampleDraft(t *testing.T) *Draft {
	return &Draft{
		From:    "Jörg Müller <me@x.test>",
		To:      []string{"you@y.test", `"Doe, John" <j@y.test>`},
		Cc:      []string{"c@z.test"},
		Bcc:     []string{"hidden@w.test", "you@y.test"},
		ReplyTo: []string{"replies@x.test"},
		Subject: "Grüße ✓ " + strings.Repeat("a long subject ", 8),
		Text:    "Hello,\n.leading dot line\n" + strings.Repeat("0123456789", 200) + "\nbye",
		HTML:    "<p>Hello</p>",
		Attachments: []Attachment{{
			Path: writeFile(t, "r.bin", bytes.Repeat([]byte{0, 1, 2, 250, 251}, 1000)),
			Name: "Bericht über Straße ✓ " + strings.Repeat("é", 30) + ".pdf",
		}},
		Headers: [][2]string{{"X-Mailer", "Letterbox"}, {"X-Note", "résumé"}},
		Date:    time.Date(2026, 3, 4, 5, 6, 7, 0, time.FixedZone("", 3600)),
	}
}

func TestBuildStructure(t *testing.T) {
	d := sampleDraft(t)
	m, raw := build(t, d, BuildOptions{})
	checkWire(t, raw)
	h := headerPart(raw)
	for _, want := range []string{"From: =?utf-8?q?J=C3=B6rg_M=C3=BCller?= <me@x.test>\r\n", "\r\nTo: you@y.test, \"Doe, John\" <j@y.test>\r\n",
		"\r\nCc: c@z.test\r\n", "\r\nReply-To: replies@x.test\r\n", "\r\nDate: Wed, 04 Mar 2026 05:06:07 +0100\r\n",
		"\r\nMIME-Version: 1.0\r\n", "\r\nX-Mailer: Letterbox\r\n", "\r\nX-Note: =?utf-8?q?r=C3=A9sum=C3=A9?=\r\n",
		"\r\nContent-Type: multipart/mixed;", "\r\nMessage-ID: <"} {
		if !strings.Contains("\r\n"+h, want) && !strings.Contains(h, want) {
			t.Errorf("header lacks %q:\n%s", want, h)
		}
	}
	if strings.Contains(strings.ToLower(string(raw)), "hidden@w.test") || strings.Contains(strings.ToLower(h), "bcc") {
		t.Errorf("Bcc leaked into the message")
	}
	for _, l := range strings.Split(h, "\r\n") {
		if strings.Contains(l, "=?") && len(l) > foldAt {
			t.Errorf("header line with encoded words is %d > 76 octets: %q", len(l), l)
		}
	}
	for _, want := range []string{"multipart/alternative", "text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable",
		"text/html; charset=utf-8", "filename*0*=utf-8''", "Content-Transfer-Encoding: base64", "\r\n.leading dot line\r\n"} {
		if !bytes.Contains(raw, []byte(want)) {
			t.Errorf("message lacks %q", want)
		}
	}
	if m.Is8bit() || m.UTF8Header() {
		t.Errorf("Is8bit() = %v, UTF8Header() = %v, want false, false", m.Is8bit(), m.UTF8Header())
	}
	if !strings.HasSuffix(m.MessageID(), "@x.test>") || m.From() != "me@x.test" {
		t.Errorf("MessageID() = %q, From() = %q", m.MessageID(), m.From())
	}
	// A message built once writes the same bytes each time.
	var again bytes.Buffer
	if _, err := m.WriteTo(&again); err != nil || !bytes.Equal(again.Bytes(), raw) {
		t.Errorf("second WriteTo differs (err %v)", err)
	}
}

func TestBuildEncodings(t *testing.T) {
	tests := []struct {
		name     string
		text     string
		opts     BuildOptions
		wantCTE  string
		want8bit bool
	}{
		{"ascii", "hello\n.dot\n", BuildOptions{}, "7bit", false},
		{"utf8 without 8BITMIME", "grüße\n", BuildOptions{}, "quoted-printable", false},
		{"utf8 with 8BITMIME", "grüße\n", BuildOptions{Allow8bit: true}, "8bit", true},
		{"long line with 8BITMIME", strings.Repeat("ü", 600), BuildOptions{Allow8bit: true}, "quoted-printable", false},
		{"long ascii line", strings.Repeat("x", 2000), BuildOptions{}, "quoted-printable", false},
		{"control character", "bell\a", BuildOptions{Allow8bit: true}, "quoted-printable", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &Draft{From: "a@x.test", To: []string{"b@y.test"}, Subject: "s", Text: tt.text}
			m, raw := build(t, d, tt.opts)
			checkWire(t, raw)
			if !bytes.Contains(raw, []byte("Content-Transfer-Encoding: "+tt.wantCTE+"\r\n")) || m.Is8bit() != tt.want8bit {
				t.Fatalf("Build(%q, %+v): Is8bit %v, message:\n%s\nwant %s, 8bit %v", tt.text, tt.opts, m.Is8bit(), raw, tt.wantCTE, tt.want8bit)
			}
			if !tt.want8bit && bytes.IndexFunc(raw, func(r rune) bool { return r >= 0x80 }) >= 0 {
				t.Fatalf("7-bit message holds 8-bit octets")
			}
		})
	}
}

func TestValidate(t *testing.T) {
	ok := func() *Draft { return &Draft{From: "a@x.test", To: []string{"b@y.test"}, Subject: "hi", Text: "t"} }
	tests := []struct {
		name      string
		edit      func(d *Draft)
		wantField string
		wantText  string
	}{
		{"bad to", func(d *Draft) { d.To = []string{"x@"} }, "To", `To: invalid address "x@": missing domain`},
		{"missing from", func(d *Draft) { d.From = "" }, "From", "missing sender"},
		{"crlf in from", func(d *Draft) { d.From = "a@x.test\r\nBcc: v@x" }, "From", "line break"},
		{"crlf in subject", func(d *Draft) { d.Subject = "hi\r\nBcc: victim@x.test" }, "Subject", "line break"},
		{"lf in cc", func(d *Draft) { d.Cc = []string{"c@x.test\n"} }, "Cc", "line break"},
		{"bad bcc", func(d *Draft) { d.Bcc = []string{"nope"} }, "Bcc", "missing @"},
		{"bad reply-to", func(d *Draft) { d.ReplyTo = []string{"@x"} }, "Reply-To", "missing local part"},
		{"no recipient", func(d *Draft) { d.To = nil }, "To", "no recipient"},
		{"header crlf", func(d *Draft) { d.Headers = [][2]string{{"X-Foo", "a\r\nBcc: x@y"}} }, "Header X-Foo", "line break"},
		{"header name", func(d *Draft) { d.Headers = [][2]string{{"X Foo", "a"}} }, "Header X Foo", "invalid field name"},
		{"header reserved", func(d *Draft) { d.Headers = [][2]string{{"bcc", "a@b"}} }, "Header bcc", "Bcc"},
		{"header bad utf-8", func(d *Draft) { d.Headers = [][2]string{{"X-Foo", "\xff"}} }, "Header X-Foo", "UTF-8"},
		{"missing attachment", func(d *Draft) { d.Attachments = []Attachment{{Path: "/no/such/file"}} }, "Attachment", "no such file"},
		{"directory attachment", func(d *Draft) { d.Attachments = []Attachment{{Path: t.TempDir()}} }, "Attachment", "not a regular file"},
		{"bad message id", func(d *Draft) { d.MessageID = "no at sign" }, "Message-ID", "<left@right>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := ok()
			tt.edit(d)
			err := d.Validate()
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tt.wantField || !strings.Contains(err.Error(), tt.wantText) {
				t.Fatalf("Validate() = %v, want a FieldError for %s containing %q", err, tt.wantField, tt.wantText)
			}
			if m, err := d.Build(BuildOptions{}); err == nil {
				t.Fatalf("Build succeeded (%d octets) on an invalid draft", m.Size())
			}
		})
	}
	if err := ok().Validate(); err != nil {
		t.Fatalf("Validate() on a good draft = %v", err)
	}
	d := ok()
	d.To, d.Subject = []string{"x@"}, "a\nb"
	err := d.Validate()
	if !strings.Contains(err.Error(), "To:") || !strings.Contains(err.Error(), "Subject:") {
		t.Fatalf("Validate() = %v, want both the To and the Subject errors", err)
	}
}

func TestEnvelope(t *testing.T) {
	d := &Draft{From: "Me <me@x.test>", To: []string{"a@y.test, B <b@y.test>"}, Cc: []string{"a@Y.TEST"}, Bcc: []string{`"q r"@z.test`, "b@y.test"}}
	from, rcpts, err := d.Envelope()
	want := []string{"a@y.test", "b@y.test", `"q r"@z.test`}
	if err != nil || from != "me@x.test" || strings.Join(rcpts, " ") != strings.Join(want, " ") {
		t.Fatalf("Envelope() = %q, %q, %v; want me@x.test, %q", from, rcpts, err, want)
	}
}

func TestBuildFileChanged(t *testing.T) {
	p := writeFile(t, "f.txt", []byte("short"))
	d := &Draft{From: "a@x.test", To: []string{"b@y.test"}, Attachments: []Attachment{{Path: p}}}
	m, err := d.Build(BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, content := range []string{"shor", "longer than before"} {
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := m.WriteTo(&bytes.Buffer{}); err == nil {
			t.Errorf("WriteTo after the file became %q succeeded, want an error", content)
		}
	}
}

func TestBase64Len(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 56, 57, 58, 114, 1000, b64LineIn * b64Batch, b64LineIn*b64Batch + 1, 200000} {
		var b bytes.Buffer
		data := bytes.Repeat([]byte{0xAB}, n)
		w, err := writeBase64(&b, bytes.NewReader(data), int64(n))
		if err != nil || w != int64(b.Len()) || base64Len(int64(n)) != w {
			t.Errorf("writeBase64(%d octets) wrote %d (err %v), base64Len = %d", n, w, err, base64Len(int64(n)))
		}
	}
}
