package app

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"letterbox/server/store"
	"letterbox/smtpcore/msg"
)

// messagePDF is the attachment content used below: binary, so a wrong
// decoding shows.
var messagePDF = append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte{0, 1, 2, 0xff, 0xfe, '\r', '\n'}, 300)...)

func messageMixed(filename string) string {
	b64 := base64.StdEncoding.EncodeToString(messagePDF)
	var lines []string
	for len(b64) > 76 {
		lines, b64 = append(lines, b64[:76]), b64[76:]
	}
	lines = append(lines, b64)
	return `From: Ann Example <ann@a.test>
To: Bob <bob@b.test>
Cc: carol@c.test
Subject: Quarterly report
Date: Tue, 2 Jan 2024 10:00:00 +0000
Message-ID: <report-1@a.test>
References: <earlier@a.test>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: multipart/alternative; boundary="inner"

--inner
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Hello Bob,=0A=0Athe figures are attached. Gr=C3=BC=C3=9Fe
--inner
Content-Type: text/html; charset=utf-8

<p>Hello Bob,</p><p>the figures are <b>attached</b>.</p>
--inner--
--outer
Content-Type: application/pdf; name="report.pdf"
Content-Disposition: attachment; filename="` + filename + `"
Content-Transfer-Encoding: base64

` + strings.Join(lines, "\n") + `
--outer--
`
}

func TestMessageViewShowsBodyAndAttachments(t *testing.T) {
	var id string
	f := newInboxFixture(t, func(st *store.Store) {
		id = inboxDeliver(t, st, messageMixed("report.pdf"), inboxRecord("ann@a.test", "bob@b.test", "carol@c.test", "secret@hidden.test"))
	})
	f.waitTotal(t, 1)
	d := f.selectSubject(t, "Quarterly report")
	v := f.in.view
	if want := "the figures are attached. Grüße"; !strings.Contains(v.text.Text(), want) {
		t.Errorf("Text tab = %q, want it to contain %q", v.text.Text(), want)
	}
	if !v.content.Visible() || v.empty.Visible() {
		t.Errorf("content visible %v, empty note visible %v; want the message shown", v.content.Visible(), v.empty.Visible())
	}
	if !v.attach.obj.Visible() {
		t.Fatalf("the attachments row is hidden for a message with an attachment")
	}
	atts := strings.Join(inboxLabels(v.attach.obj), "|")
	if !strings.Contains(atts, "report.pdf (application/pdf, 2.1 KB)") {
		t.Errorf("attachment labels = %q, want report.pdf with type and size", atts)
	}
	if inboxFindButton(v.attach.obj, "Save As…") == nil || inboxFindButton(v.attach.obj, "Open") == nil {
		t.Errorf("attachment has no Save As… or Open button")
	}
	summary := strings.Join(inboxLabels(v.summary), "\n")
	for _, want := range []string{
		"Ann Example <ann@a.test>", "Bob <bob@b.test>", "carol@c.test",
		"bob@b.test, carol@c.test, secret@hidden.test (Bcc/envelope only)",
		"TLS 1.3 TLS_AES_128_GCM_SHA256 · AUTH as alice", "Tue, 2 Jan 2024 10:00:00 +0000",
	} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, summary)
		}
	}
	if strings.Contains(summary, "bob@b.test (Bcc") {
		t.Errorf("summary marks a To recipient as Bcc:\n%s", summary)
	}
	if s := v.session.String(); !strings.Contains(s, "EHLO client.test") || !strings.Contains(s, "250 2.0.0 OK") {
		t.Errorf("SMTP session tab = %q, want the transcript", s)
	}
	if info := strings.Join(inboxLabels(v.sessionInfo), "\n"); !strings.Contains(info, "bare LF in DATA") || !strings.Contains(info, "HELO client.test") {
		t.Errorf("session details lack the warning or HELO:\n%s", info)
	}
	if h := strings.Join(inboxLabels(v.headers), "\n"); !strings.Contains(h, "Message-Id") || !strings.Contains(h, "<report-1@a.test>") {
		t.Errorf("Headers tab lacks Message-ID:\n%s", h)
	}
	if raw := v.raw.Text(); !strings.Contains(raw, "Content-Type: multipart/mixed") || strings.Contains(raw, "\r") {
		t.Errorf("Raw tab does not show the source with plain line ends: %.200q", raw)
	}
	if got, want := v.parts.children[""], []string{"#"}; !slices.Equal(got, want) {
		t.Errorf("MIME tree roots = %q, want %q", got, want)
	}
	if got, want := v.parts.children["#"], []string{"#1", "#2"}; !slices.Equal(got, want) {
		t.Errorf("MIME tree children of the message = %q, want %q", got, want)
	}
	if got := messagePartLine(v.parts.byID["#2"]); !strings.Contains(got, "application/pdf") || !strings.Contains(got, "“report.pdf”") {
		t.Errorf("MIME part 2 line = %q", got)
	}
	if d.id != id || !v.openHTML.Visible() || v.openHTML.Disabled() {
		t.Errorf("Open in browser disabled for a message with HTML")
	}
}

func TestMessageSaveAttachment(t *testing.T) {
	tests := []struct {
		name, filename, want string
	}{
		{"plain", "report.pdf", "report.pdf"},
		{"same name again", "report.pdf", "report (2).pdf"},
		{"parent path", "../../outside.pdf", "outside.pdf"},
		{"windows path", `..\..\evil.bat`, "evil.bat"},
		{"hidden", ".bashrc", "bashrc"},
		{"device", "CON.txt", "_CON.txt"},
	}
	dir := t.TempDir()
	f := newInboxFixture(t, nil)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id := inboxDeliver(t, f.st, messageMixed(tc.filename), inboxRecord("a@a.test", "b@b.test"))
			d, err := loadMessage(f.st, id)
			if err != nil {
				t.Fatalf("loadMessage: %v", err)
			}
			if len(d.view.Attachments) != 1 {
				t.Fatalf("attachments = %d, want 1", len(d.view.Attachments))
			}
			path, err := messageSaveAttachment(f.st, id, d.view.Attachments[0], dir)
			if err != nil {
				t.Fatalf("messageSaveAttachment(%q): %v", tc.filename, err)
			}
			if want := filepath.Join(dir, tc.want); path != want {
				t.Errorf("messageSaveAttachment(%q) wrote %q, want %q", tc.filename, path, want)
			}
			got, err := os.ReadFile(path)
			if err != nil || !bytes.Equal(got, messagePDF) {
				t.Errorf("saved file holds %d bytes (err %v), want the %d decoded bytes", len(got), err, len(messagePDF))
			}
		})
	}
	entries, _ := os.ReadDir(filepath.Dir(dir))
	for _, e := range entries {
		if e.Name() == "outside.pdf" || e.Name() == "evil.bat" {
			t.Errorf("a file was written outside the chosen folder: %s", e.Name())
		}
	}
}

func TestMessageSaveAttachmentUnwritable(t *testing.T) {
	f := newInboxFixture(t, nil)
	id := inboxDeliver(t, f.st, messageMixed("a.pdf"), inboxRecord("a@a.test", "b@b.test"))
	d, err := loadMessage(f.st, id)
	if err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "no", "such", "dir")
	if path, err := messageSaveAttachment(f.st, id, d.view.Attachments[0], missing); err == nil {
		t.Errorf("messageSaveAttachment into a missing folder = %q, nil; want an error", path)
	}
}

func TestMessageHTMLOnly(t *testing.T) {
	raw := `From: shop@s.test
To: me@m.test
Subject: Sale
Content-Type: text/html; charset=utf-8

<html><head><script>alert("x")</script><style>p{color:red}</style></head>
<body><p>Big <b>sale</b> today</p><img src="https://tracker.test/p.gif"><a href="https://s.test/buy">Buy now</a></body></html>
`
	f := newInboxFixture(t, func(st *store.Store) { inboxDeliver(t, st, raw, inboxRecord("shop@s.test", "me@m.test")) })
	f.waitTotal(t, 1)
	d := f.selectSubject(t, "Sale")
	v := f.in.view
	if !strings.Contains(v.text.Text(), "Big sale today") || strings.Contains(v.text.Text(), "alert") || strings.Contains(v.text.Text(), "<p>") {
		t.Errorf("Text tab of an HTML-only mail = %q, want readable text without markup or script", v.text.Text())
	}
	if !v.textNote.Visible() || !strings.Contains(v.textNote.Text, "only an HTML body") {
		t.Errorf("Text tab note = %q (visible %v), want it to say the mail is HTML only", v.textNote.Text, v.textNote.Visible())
	}
	if v.openHTML.Disabled() {
		t.Errorf("Open in browser is disabled for an HTML mail")
	}
	path, err := messageWriteHTML(f.in.files, d.view.HTML)
	if err != nil {
		t.Fatalf("messageWriteHTML: %v", err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := string(b)
	for _, bad := range []string{"<script", "alert(", "tracker.test", "<style"} {
		if strings.Contains(out, bad) {
			t.Errorf("browser copy contains %q:\n%s", bad, out)
		}
	}
	if !strings.Contains(out, "Content-Security-Policy") || !strings.Contains(out, "Buy now") {
		t.Errorf("browser copy lacks the CSP or the text:\n%s", out)
	}
	if st, err := os.Stat(filepath.Dir(path)); err != nil || st.Mode().Perm()&0o077 != 0 {
		t.Errorf("private folder %s mode = %v (err %v), want no group/other access", filepath.Dir(path), st.Mode(), err)
	}
	f.in.Close()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("Close left the browser copy %s behind (stat err %v)", path, err)
	}
}

func TestMessageBrokenMIME(t *testing.T) {
	deep := "Subject: deep\nContent-Type: multipart/mixed; boundary=b0\n\n"
	for i := range 60 {
		deep += fmt.Sprintf("--b%d\nContent-Type: multipart/mixed; boundary=b%d\n\n", i, i+1)
	}
	deep += "--b60\nContent-Type: text/plain\n\ndeep text\n"
	tests := []struct {
		name, raw string
		damaged   bool
	}{
		{"no closing boundary", "Subject: unclosed\nContent-Type: multipart/mixed; boundary=zz\n\n--zz\nContent-Type: text/plain\n\nhello\n", false},
		{"boundary never appears", "Subject: noboundary\nContent-Type: multipart/mixed; boundary=zz\n\njust text\n", true},
		{"multipart without boundary", "Subject: nob\nContent-Type: multipart/mixed\n\ntext\n", true},
		{"bad base64", "Subject: b64\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n!!!not*base64$$$\n", true},
		{"unknown charset", "Subject: cs\nContent-Type: text/plain; charset=x-klingon\n\nqapla\n", true},
		{"garbage content type", "Subject: ct\nContent-Type: ;;;===\n\ntext\n", false},
		{"deep nesting", deep, true},
		{"no header at all", "\njust a body\n", false},
		{"binary noise", "Subject: noise\n\n" + string([]byte{0, 0xff, 0xfe, 0x80, '\n', 0x1b, '[', '3', '1', 'm'}) + "\n", false},
		{"bad date and encoded words", "Subject: =?utf-8?B?!!!?= =?x-unknown?Q?a?=\nDate: yesterday-ish\nFrom: \"unterminated <x@\n\nbody\n", true},
	}
	f := newInboxFixture(t, nil)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id := inboxDeliver(t, f.st, tc.raw, inboxRecord("a@a.test", "b@b.test"))
			f.in.view.Show(id)
			f.pump.waitFor(t, "the view to show "+tc.name, func() bool {
				return f.in.view.data != nil && f.in.view.data.id == id
			})
			v := f.in.view
			if !v.content.Visible() {
				t.Errorf("%s: the message is not shown", tc.name)
			}
			if tc.damaged && !v.problem.Visible() {
				t.Errorf("%s: no damage note; want one (ReadView error %v)", tc.name, v.data.damage)
			}
		})
	}
}

func TestMessageWithoutRecord(t *testing.T) {
	f := newInboxFixture(t, nil)
	raw := "From: mutt@m.test\r\nTo: me@m.test\r\nSubject: dropped in\r\n\r\nbody\r\n"
	if err := os.WriteFile(filepath.Join(f.st.Dir(), "new", "1700000000.M1P1.host"), []byte(raw), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := f.st.Refresh(); err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	f.waitTotal(t, 1)
	f.selectSubject(t, "dropped in")
	info := strings.Join(inboxLabels(f.in.view.sessionInfo), "\n")
	if !strings.Contains(info, "No session record") {
		t.Errorf("SMTP session tab for a message without record = %q", info)
	}
	if summary := strings.Join(inboxLabels(f.in.view.summary), "\n"); strings.Contains(summary, "Envelope") {
		t.Errorf("summary shows an envelope for a message without record:\n%s", summary)
	}
}

func TestMessageRawCapped(t *testing.T) {
	body := strings.Repeat("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n", 20000) // 1.3 MB
	f := newInboxFixture(t, func(st *store.Store) {
		inboxDeliver(t, st, "Subject: big\nContent-Type: text/plain\n\n"+body, inboxRecord("a@a.test", "b@b.test"))
	})
	f.waitTotal(t, 1)
	f.selectSubject(t, "big")
	v := f.in.view
	if !v.rawNote.Visible() || !strings.Contains(v.rawNote.Text, "Showing the first 512.0 KB of 1.3 MB") {
		t.Errorf("raw note = %q (visible %v), want it to say the source is cut", v.rawNote.Text, v.rawNote.Visible())
	}
	if n := len(v.raw.Text()); n > messageRawMax+1000 {
		t.Errorf("Raw tab holds %d bytes, want at most about %d", n, messageRawMax)
	}
	if n := len(v.text.Text()); n > messageShowText {
		t.Errorf("Text tab holds %d bytes, want at most %d", n, messageShowText)
	}
	if !strings.Contains(v.textNote.Text, "only its beginning") {
		t.Errorf("text note = %q, want it to say the text is cut", v.textNote.Text)
	}
}

func TestMessageReplyAndForward(t *testing.T) {
	f := newInboxFixture(t, func(st *store.Store) {
		inboxDeliver(t, st, messageMixed("report.pdf"), inboxRecord("ann@a.test", "bob@b.test"))
	})
	var replies, forwards []msg.Draft
	f.in.OnReply = func(d msg.Draft) { replies = append(replies, d) }
	f.in.OnForward = func(d msg.Draft) { forwards = append(forwards, d) }
	f.waitTotal(t, 1)
	f.selectSubject(t, "Quarterly report")

	test.Tap(f.in.view.reply)
	if len(replies) != 1 {
		t.Fatalf("Reply gave %d drafts, want 1", len(replies))
	}
	r := replies[0]
	if !slices.Equal(r.To, []string{"Ann Example <ann@a.test>"}) || r.Subject != "Re: Quarterly report" || r.From != "" {
		t.Errorf("reply To %q Subject %q From %q", r.To, r.Subject, r.From)
	}
	if !strings.Contains(r.Text, "Ann Example <ann@a.test> wrote:\n> Hello Bob,\n>\n> the figures are attached.") {
		t.Errorf("reply text does not quote the message:\n%s", r.Text)
	}
	wantHdr := [][2]string{{"In-Reply-To", "<report-1@a.test>"}, {"References", "<earlier@a.test> <report-1@a.test>"}}
	if !slices.Equal(r.Headers, wantHdr) {
		t.Errorf("reply headers = %q, want %q", r.Headers, wantHdr)
	}
	r.From = "bob@b.test"
	if err := r.Validate(); err != nil {
		t.Errorf("reply draft does not validate: %v", err)
	}

	test.Tap(f.in.view.forward)
	f.pump.waitFor(t, "the forward draft", func() bool { return len(forwards) == 1 })
	fw := forwards[0]
	if fw.Subject != "Fwd: Quarterly report" || len(fw.To) != 0 || !strings.Contains(fw.Text, "From: Ann Example <ann@a.test>") {
		t.Errorf("forward Subject %q To %q text:\n%s", fw.Subject, fw.To, fw.Text)
	}
	if len(fw.Attachments) != 1 || fw.Attachments[0].Name != "report.pdf" || fw.Attachments[0].ContentType != "application/pdf" {
		t.Fatalf("forward attachments = %+v, want report.pdf", fw.Attachments)
	}
	if b, err := os.ReadFile(fw.Attachments[0].Path); err != nil || !bytes.Equal(b, messagePDF) {
		t.Errorf("forwarded attachment file holds %d bytes (err %v), want the original's %d", len(b), err, len(messagePDF))
	}
}

func TestMessageComposeAddrs(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Ann <ann@a.test>", []string{"Ann <ann@a.test>"}},
		{`"Doe, John" <j@d.test>, x@y.test`, []string{`"Doe, John" <j@d.test>`, "x@y.test"}},
		{"Doe, John <j@d.test>", []string{"j@d.test"}},
		{`"x>y"@y.test`, []string{`"x>y"@y.test`}},                       // the quoted local part stays quoted
		{`Ann <"a b"@[192.0.2.1]>`, []string{`Ann <"a b"@[192.0.2.1]>`}}, // and an address literal stays whole
		{"", nil},
	}
	for _, tc := range tests {
		if got := messageComposeAddrs(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("messageComposeAddrs(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestMessageHardWrap(t *testing.T) {
	tests := []struct {
		in, want string
		broke    bool
	}{
		{"short line\nnext", "short line\nnext", false},
		{"aaaa bbbb cccc", "aaaa bbbb\ncccc", true},
		{"abcdefghijkl", "abcdefghij\nkl", true},
		{"ab cdefghijklmnop", "ab\ncdefghijkl\nmnop", true},
		{"ééééé ééééé ééé", "ééééé\nééééé ééé", true},
		{"0123456789\n0123456789", "0123456789\n0123456789", false},
		{"", "", false},
	}
	for _, tc := range tests {
		got, broke := messageHardWrap(tc.in, 10)
		if got != tc.want || broke != tc.broke {
			t.Errorf("messageHardWrap(%q, 10) = %q, %v; want %q, %v", tc.in, got, broke, tc.want, tc.broke)
		}
	}
}

func TestMessageManyAttachments(t *testing.T) {
	var b strings.Builder
	b.WriteString("Subject: many\nContent-Type: multipart/mixed; boundary=x\n\n--x\nContent-Type: text/plain\n\nsee attached\n")
	for i := range messageMaxCards + 5 {
		fmt.Fprintf(&b, "--x\nContent-Type: text/csv\nContent-Disposition: attachment; filename=\"f%02d.csv\"\n\na,b\n%d,2\n", i, i)
	}
	b.WriteString("--x--\n")
	f := newInboxFixture(t, func(st *store.Store) { inboxDeliver(t, st, b.String(), inboxRecord("a@a.test", "b@b.test")) })
	f.waitTotal(t, 1)
	d := f.selectSubject(t, "many")
	labels := inboxLabels(f.in.view.attach.obj)
	if !slices.Contains(labels, "and 5 more (see the MIME tab)") {
		t.Errorf("attachment row labels = %q, want a note for the 5 without a card", labels)
	}
	if inboxFindButton(f.in.view.attach.obj, "Save all…") == nil {
		t.Errorf("no Save all… button for %d attachments", len(d.view.Attachments))
	}
	dir := t.TempDir()
	for _, p := range d.view.Attachments {
		if _, err := messageSaveAttachment(f.st, d.id, p, dir); err != nil {
			t.Fatalf("save %s: %v", p.Filename, err)
		}
	}
	// The CRLF before a boundary belongs to the boundary (RFC 2046 §5.1.1).
	if got, _ := os.ReadFile(filepath.Join(dir, "f24.csv")); string(got) != "a,b\r\n24,2" {
		t.Errorf("f24.csv = %q, want the 25th attachment's bytes", got)
	}
}
