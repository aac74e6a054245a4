package app

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/sirupsen/logrus"

	"letterbox/server"
	"letterbox/server/store"
	"letterbox/smtpcore"
)

// fakeSender counts sends and accepts every recipient.
type fakeSender struct {
	calls int
	env   smtpcore.Envelope
}

func (f *fakeSender) send(_ context.Context, cfg smtpcore.ClientConfig, env smtpcore.Envelope,
	build func(bool) (smtpcore.Message, error)) (*smtpcore.Result, error) {
	f.calls++
	f.env = env
	if _, err := build(true); err != nil {
		return nil, err
	}
	res := &smtpcore.Result{Data: &smtpcore.Reply{Code: 250, Text: "OK"}}
	for _, r := range env.To {
		res.Rcpts = append(res.Rcpts, smtpcore.RcptResult{Addr: r, Accepted: true, Reply: &smtpcore.Reply{Code: 250, Text: "OK"}})
	}
	return res, nil
}

func newTestCompose(t *testing.T, send SendFunc) (*Compose, *Transcript, fyne.App) {
	t.Helper()
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	tr := NewTranscript(w)
	c := NewCompose(w, a.Preferences(), nil, tr, send, inline)
	w.SetContent(c.Build())
	w.Resize(fyne.NewSize(900, 700))
	return c, tr, a
}

func TestComposeInvalidAddressSendsNothing(t *testing.T) {
	f := &fakeSender{}
	c, _, _ := newTestCompose(t, f.send)
	c.SetLocalServer("127.0.0.1:2525", "")
	test.Type(c.from.entry, "me@example.org")

	tests := []struct {
		field, text, reason string
	}{
		{"To", "bob@", "domain"},
		{"To", "bob@example.org, @example.org", "@example.org"},
		{"Cc", "not an address", ""},
		{"Bcc", "a@b@c", ""},
	}
	for _, tt := range tests {
		t.Run(tt.field+" "+tt.text, func(t *testing.T) {
			fields := map[string]*addressField{"To": c.to, "Cc": c.cc, "Bcc": c.bcc}
			c.to.SetText("ok@example.org")
			c.cc.SetText("")
			c.bcc.SetText("")
			fields[tt.field].SetText("")
			test.Type(fields[tt.field].entry, tt.text)
			reason := fields[tt.field].Reason()
			if reason == "" || !strings.Contains(reason, tt.reason) {
				t.Errorf("%s %q: reason %q, want one mentioning %q", tt.field, tt.text, reason, tt.reason)
			}
			if c.CanSend() {
				t.Errorf("%s %q: Send is enabled, want disabled", tt.field, tt.text)
			}
			test.Tap(c.sendBtn)
			c.onSend() // the Ctrl+Enter path bypasses the button
			if f.calls != 0 {
				t.Errorf("%s %q: %d sends, want none", tt.field, tt.text, f.calls)
			}
		})
	}

	c.to.SetText("bob@example.org")
	c.cc.SetText("")
	c.bcc.SetText("")
	if r := c.to.Reason(); r != "" || !c.CanSend() {
		t.Fatalf("valid To: reason %q, CanSend %v; want no reason and Send enabled", r, c.CanSend())
	}
	test.Tap(c.sendBtn)
	if f.calls != 1 || len(f.env.To) != 1 || f.env.To[0] != "bob@example.org" {
		t.Errorf("after a valid send: %d calls, envelope %v; want 1 call to bob@example.org", f.calls, f.env.To)
	}
}

func TestComposeNeedsRecipientAndServer(t *testing.T) {
	f := &fakeSender{}
	c, _, _ := newTestCompose(t, f.send)
	test.Type(c.from.entry, "me@example.org")
	test.Type(c.to.entry, "bob@example.org")
	if c.CanSend() {
		t.Errorf("no server chosen: Send enabled, want disabled (status %q)", c.Status())
	}
	c.SetLocalServer("127.0.0.1:2525", "")
	if !c.CanSend() {
		t.Fatalf("local server on: Send disabled (status %q), want enabled", c.Status())
	}
	c.to.SetText("")
	if c.CanSend() || !strings.Contains(c.Status(), "recipient") {
		t.Errorf("no recipient: CanSend %v, status %q; want disabled and a word about recipients", c.CanSend(), c.Status())
	}
	c.bcc.SetText("hidden@example.org")
	if !c.CanSend() {
		t.Errorf("Bcc only: Send disabled (status %q), want enabled", c.Status())
	}
}

func TestComposeRecentRecipients(t *testing.T) {
	f := &fakeSender{}
	c, _, a := newTestCompose(t, f.send)
	recentList{a.Preferences()}.Add([]string{"alice@example.org", "albert@example.net", "bob@example.org"})
	test.Type(c.to.entry, "al")
	got := c.to.Suggestions()
	if len(got) != 2 || got[0] != "alice@example.org" || got[1] != "albert@example.net" {
		t.Fatalf("typing %q offers %v, want [alice@example.org albert@example.net]", "al", got)
	}
	test.Tap(findButton(c.to.suggest, "albert@example.net"))
	if c.to.Text() != "albert@example.net" || c.to.Suggestions() != nil {
		t.Errorf("after choosing: To = %q, offers %v; want the address and no offers", c.to.Text(), c.to.Suggestions())
	}
	test.Type(c.to.entry, ", b")
	if got := c.to.Suggestions(); len(got) != 1 || got[0] != "bob@example.org" {
		t.Errorf("second address %q offers %v, want [bob@example.org]", "b", got)
	}
}

func TestComposeAttachmentAddRemove(t *testing.T) {
	f := &fakeSender{}
	c, _, _ := newTestCompose(t, f.send)
	dir := t.TempDir()
	notes := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notes, []byte("hello attachment\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := c.AddFiles([]string{notes, notes}); err != nil {
		t.Fatalf("AddFiles(%q twice) = %v", notes, err)
	}
	if got := c.Attachments(); len(got) != 1 || got[0] != "notes.txt" {
		t.Fatalf("Attachments() = %v, want [notes.txt]", got)
	}
	it := c.attachments.items[0]
	if it.Size != 17 || it.Type != "text/plain" {
		t.Errorf("attachment = %+v, want size 17 and type text/plain", it)
	}
	if !strings.Contains(c.attachments.summary.Text, "1 attachment") {
		t.Errorf("summary %q, want it to count 1 attachment", c.attachments.summary.Text)
	}
	if err := c.AddFiles([]string{dir, filepath.Join(dir, "missing.pdf")}); err == nil {
		t.Errorf("AddFiles(a folder and a missing file) = nil, want an error")
	}
	if n := len(c.Attachments()); n != 1 {
		t.Errorf("after bad files: %d attachments, want 1", n)
	}
	remove := findButton(c.attachments.box, "")
	if remove == nil {
		t.Fatal("no remove button in the attachment row")
	}
	test.Tap(remove)
	if got := c.Attachments(); len(got) != 0 {
		t.Errorf("after remove: Attachments() = %v, want none", got)
	}
}

// startServer runs a real server on a free loopback port over a temp store.
func startServer(t *testing.T) (*server.Server, *store.Store) {
	t.Helper()
	st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	log := logrus.New()
	log.SetOutput(io.Discard)
	srv, err := server.New(server.Config{Listen: "127.0.0.1:0", Logger: log}, st)
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	if err := srv.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { srv.Shutdown(context.Background()) })
	return srv, st
}

func TestComposeLoadAndClear(t *testing.T) {
	c, _, _ := newTestCompose(t, (&fakeSender{}).send)
	c.from.SetText("me@example.org")
	c.Load(draftFor("ann@example.org", "Re: hello", "> quoted"))
	if c.to.Text() != "ann@example.org" || c.subject.Text != "Re: hello" || c.body.Text != "> quoted" || c.from.Text() != "me@example.org" {
		t.Errorf("Load: to %q subject %q body %q from %q", c.to.Text(), c.subject.Text, c.body.Text, c.from.Text())
	}
	if !c.HasContent() {
		t.Error("HasContent() = false after Load, want true")
	}
	c.Clear()
	if c.HasContent() || c.from.Text() != "me@example.org" {
		t.Errorf("after Clear: HasContent %v, From %q; want false and From kept", c.HasContent(), c.from.Text())
	}
}

func TestComposeServerPickerKeepsChoice(t *testing.T) {
	c, _, a := newTestCompose(t, (&fakeSender{}).send)
	if err := (profileStore{a.Preferences()}).Put("", Profile{Name: "Work", Host: "smtp.example.org", Port: 587, TLS: TLSStartTLS}); err != nil {
		t.Fatal(err)
	}
	c.RefreshServers()
	c.SetLocalServer("127.0.0.1:2525", "")
	c.server.SetSelected(localTarget) // the user's choice
	c.SetLocalServer("", "")          // server off: the picker falls back to Work
	if c.server.Selected != "Work" {
		t.Fatalf("local server off: picker shows %q, want Work", c.server.Selected)
	}
	c.SetLocalServer("127.0.0.1:2525", "") // on again, as a moment after launch
	if c.server.Selected != localTarget {
		t.Errorf("local server back: picker shows %q, want the remembered %q", c.server.Selected, localTarget)
	}
}

func TestComposeTrustCertificateAndResend(t *testing.T) {
	srv, st := startServer(t)
	if srv.Fingerprint() == "" {
		t.Skip("the server runs without TLS; nothing to trust")
	}
	c, tr, a := newTestCompose(t, nil)
	host, port, _ := net.SplitHostPort(srv.Addr().String())
	p := Profile{Name: "Self-signed", Host: host, TLS: TLSStartTLS}
	fmt.Sscan(port, &p.Port)
	if err := (profileStore{a.Preferences()}).Put("", p); err != nil {
		t.Fatal(err)
	}
	c.RefreshServers()
	c.server.SetSelected("Self-signed")
	test.Type(c.from.entry, "ann@example.org")
	test.Type(c.to.entry, "bob@example.net")
	test.Tap(c.sendBtn)
	if !strings.Contains(c.Status(), "certificate was refused") {
		t.Fatalf("status %q, want the certificate refused\n%s", c.Status(), tr.Text())
	}
	if total, _ := st.Counts(); total != 0 {
		t.Fatalf("store holds %d messages after a refused certificate, want 0", total)
	}
	c.TrustCertificate("Self-signed", srv.Fingerprint())
	if total, _ := st.Counts(); total != 1 {
		t.Fatalf("store holds %d messages after trusting the certificate, want 1 (status %q)", total, c.Status())
	}
	saved, _ := (profileStore{a.Preferences()}).Find("Self-signed")
	if saved.Fingerprint != srv.Fingerprint() {
		t.Errorf("profile fingerprint %q, want %q", saved.Fingerprint, srv.Fingerprint())
	}
}

// memSecrets is a keyring in memory; broken makes it act as if none is running.
type memSecrets struct {
	m      map[string]string
	broken bool
}

func (s *memSecrets) Get(account string) (string, error) {
	if s.broken {
		return "", fmt.Errorf("no keyring daemon")
	}
	p, ok := s.m[account]
	if !ok {
		return "", fmt.Errorf("%s: %w", account, errNoPassword)
	}
	return p, nil
}

func (s *memSecrets) Set(account, password string) error { s.m[account] = password; return nil }

func (s *memSecrets) Delete(account string) error { delete(s.m, account); return nil }

func TestComposePasswordFromKeyringAndProgress(t *testing.T) {
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	secrets := &memSecrets{m: map[string]string{"ann@smtp.example.org:587": "s3cret"}}
	var got smtpcore.ClientConfig
	var progress []float64
	var c *Compose
	send := func(_ context.Context, cfg smtpcore.ClientConfig, env smtpcore.Envelope, build func(bool) (smtpcore.Message, error)) (*smtpcore.Result, error) {
		got = cfg
		m, err := build(false)
		if err != nil {
			return nil, err
		}
		for _, sent := range []int64{m.Size() / 2, m.Size()} {
			cfg.Events(smtpcore.Event{Dir: smtpcore.DirProgress, Sent: sent, Total: m.Size()})
			progress = append(progress, c.progress.Value)
		}
		return &smtpcore.Result{Rcpts: []smtpcore.RcptResult{{Addr: env.To[0], Accepted: true}}}, nil
	}
	c = NewCompose(w, a.Preferences(), secrets, NewTranscript(w), send, inline)
	w.SetContent(c.Build())
	if err := (profileStore{a.Preferences()}).Put("", Profile{Name: "Work", Host: "smtp.example.org", Port: 587, TLS: TLSStartTLS, Username: "ann"}); err != nil {
		t.Fatal(err)
	}
	c.RefreshServers()
	c.from.SetText("ann@example.org")
	c.to.SetText("bob@example.net")
	test.Tap(c.sendBtn)
	if got.Auth == nil || got.Auth.Username != "ann" || got.Auth.Password != "s3cret" || got.Addr != "smtp.example.org:587" || got.Security != smtpcore.SecuritySTARTTLS {
		t.Errorf("client config %+v (auth %+v), want STARTTLS to smtp.example.org:587 as ann with the stored password", got, got.Auth)
	}
	if len(progress) != 2 || progress[0] != 0.5 || progress[1] != 1 {
		t.Errorf("progress bar went %v, want [0.5 1]", progress)
	}
	if c.progress.Visible() {
		t.Error("the progress bar is still shown after sending")
	}
}

func TestComposeCancel(t *testing.T) {
	done := make(chan struct{})
	async := func(f func()) { go func() { defer close(done); f() }() }
	started := make(chan struct{})
	send := func(ctx context.Context, _ smtpcore.ClientConfig, _ smtpcore.Envelope, _ func(bool) (smtpcore.Message, error)) (*smtpcore.Result, error) {
		close(started)
		<-ctx.Done()
		return nil, &smtpcore.SendError{Phase: smtpcore.PhaseData, Err: ctx.Err()}
	}
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	c := NewCompose(w, a.Preferences(), nil, NewTranscript(w), send, async)
	w.SetContent(c.Build())
	c.SetLocalServer("127.0.0.1:2525", "")
	c.from.SetText("ann@example.org")
	c.to.SetText("bob@example.net")
	test.Tap(c.sendBtn)
	<-started
	if !c.Sending() || c.CanSend() || !c.cancelBtn.Visible() {
		t.Fatalf("while sending: Sending %v, CanSend %v, Cancel shown %v; want true, false, true", c.Sending(), c.CanSend(), c.cancelBtn.Visible())
	}
	test.Tap(c.cancelBtn)
	<-done
	if c.Sending() || !c.CanSend() || c.cancelBtn.Visible() || !strings.HasPrefix(c.Status(), "Cancelled") {
		t.Errorf("after Cancel: Sending %v, CanSend %v, Cancel shown %v, status %q", c.Sending(), c.CanSend(), c.cancelBtn.Visible(), c.Status())
	}
}
