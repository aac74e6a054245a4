package app

import (
	"fmt"
	"net"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"letterbox/server/sasl"
	"letterbox/server/store"
)

// openSettingsDialog shows the Settings dialog on the local server tab in an
// 800×600 window over fresh preferences.
func openSettingsDialog(t *testing.T) (*SettingsDialog, fyne.Window) {
	t.Helper()
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel("window"))
	w.Resize(fyne.NewSize(800, 600))
	d := &SettingsDialog{window: w, settings: &Settings{prefs: a.Preferences()}, profiles: profileStore{a.Preferences()}}
	d.Show(settingsTabServer)
	return d, w
}

// press sends key as the driver does: to the focused widget, else to the canvas.
func press(w fyne.Window, key fyne.KeyName) {
	ev := &fyne.KeyEvent{Name: key}
	if f := w.Canvas().Focused(); f != nil {
		f.TypedKey(ev)
	} else if h := w.Canvas().OnTypedKey(); h != nil {
		h(ev)
	}
}

// retype replaces the text of e as a user would, then leaves the focus there.
func retype(w fyne.Window, e *keyEntry, text string) {
	w.Canvas().Focus(e)
	e.SetText("")
	test.Type(e, text)
}

// findKeyButton returns the first keyButton laid out under o whose text is
// text, or nil.
func findKeyButton(o fyne.CanvasObject, text string) *keyButton {
	for _, c := range test.LaidOutObjects(o) {
		if b, ok := c.(*keyButton); ok && b.Text == text {
			return b
		}
	}
	return nil
}

func dialogOpen(w fyne.Window) bool { return w.Canvas().Overlays().Top() != nil }

// switchOver starts a ServerSwitch whose server is built from s, as the
// window does, on 127.0.0.1:0 over a fresh store.
func switchOver(t *testing.T, s *Settings) *ServerSwitch {
	t.Helper()
	st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	sw := NewServerSwitch(configuredServer(st, s), func() string { return "127.0.0.1:0" }, inline)
	t.Cleanup(func() { sw.Stop() })
	sw.SetOn(true)
	if !sw.Running() {
		t.Fatalf("switching on: state %q", sw.State())
	}
	return sw
}

// smtpDial connects to addr and returns the conversation after the greeting.
func smtpDial(t *testing.T, addr string) *textproto.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	tp := textproto.NewConn(c)
	t.Cleanup(func() { tp.Close() })
	if _, _, err := tp.ReadResponse(220); err != nil {
		t.Fatalf("greeting: %v", err)
	}
	return tp
}

// cmd sends line and returns the reply's code and text.
func cmd(t *testing.T, tp *textproto.Conn, line string) (int, string) {
	t.Helper()
	if err := tp.PrintfLine("%s", line); err != nil {
		t.Fatalf("send %q: %v", line, err)
	}
	code, msg, err := tp.ReadResponse(0)
	if err != nil && code == 0 {
		t.Fatalf("reply to %q: %v", line, err)
	}
	return code, msg
}

// The size limit typed in Settings is the running server's: it advertises it
// with SIZE and refuses a bigger message with 552.
func TestSettingsSizeLimitReachesServer(t *testing.T) {
	d, w := openSettingsDialog(t)
	retype(w, d.server.size, "1K")
	press(w, fyne.KeyReturn) // Enter in a field saves
	if dialogOpen(w) {
		t.Fatalf("Enter in the size field left the dialog open (problem %q)", d.problem.Text)
	}
	if got := d.settings.ServerConfig().MaxMessageBytes; got != 1024 {
		t.Fatalf("saved MaxMessageBytes = %d, want 1024", got)
	}
	sw := switchOver(t, d.settings)
	tp := smtpDial(t, sw.Addr())
	if code, ehlo := cmd(t, tp, "EHLO client.test"); code != 250 || !strings.Contains(ehlo, "SIZE 1024") {
		t.Fatalf("EHLO = %d %q, want 250 with SIZE 1024", code, ehlo)
	}
	for _, c := range []string{"MAIL FROM:<a@x.test>", "RCPT TO:<b@y.test>"} {
		if code, msg := cmd(t, tp, c); code != 250 {
			t.Fatalf("%s = %d %s", c, code, msg)
		}
	}
	if code, msg := cmd(t, tp, "DATA"); code != 354 {
		t.Fatalf("DATA = %d %s", code, msg)
	}
	body := "Subject: big\r\n\r\n" + strings.Repeat("0123456789abcdef0123456789abcdef\r\n", 64) // ~2 KB
	fmt.Fprintf(tp.W, "%s.\r\n", body)
	tp.W.Flush()
	if code, msg, _ := tp.ReadResponse(0); code != 552 {
		t.Errorf("a 2 KB message under a 1K limit got %d %s, want 552", code, msg)
	}
}

// AUTH "any" with PLAIN allowed before TLS: EHLO advertises AUTH.
func TestSettingsAuthAnyAdvertised(t *testing.T) {
	d, w := openSettingsDialog(t)
	if d.server.authPath.Disabled() == false || d.server.requireAuth.Disabled() == false {
		t.Errorf("AUTH off: the credentials file and AUTH options are enabled, want disabled")
	}
	d.server.auth.SetSelected(authAny)
	if d.server.insecureAuth.Disabled() || !d.server.authPath.Disabled() {
		t.Errorf("AUTH any: insecure option disabled %v, credentials file disabled %v; want enabled, disabled",
			d.server.insecureAuth.Disabled(), d.server.authPath.Disabled())
	}
	test.Tap(d.server.insecureAuth)
	w.Canvas().Focus(d.server.insecureAuth)
	press(w, fyne.KeyEnter) // Enter on a check saves too
	if dialogOpen(w) {
		t.Fatalf("Enter on a check left the dialog open (problem %q)", d.problem.Text)
	}
	sw := switchOver(t, d.settings)
	tp := smtpDial(t, sw.Addr())
	if code, ehlo := cmd(t, tp, "EHLO client.test"); code != 250 || !strings.Contains(ehlo, "AUTH PLAIN LOGIN") {
		t.Errorf("EHLO = %d %q, want AUTH PLAIN LOGIN", code, ehlo)
	}
	if code, msg := cmd(t, tp, "AUTH PLAIN AGFsaWNlAHMzY3JldA=="); code != 235 {
		t.Errorf("AUTH PLAIN under any = %d %s, want 235", code, msg)
	}
}

// An extension switched off in Settings is not offered; an implicit-TLS port
// opens a second listener that speaks TLS.
func TestSettingsExtensionsAndTLSPort(t *testing.T) {
	d, w := openSettingsDialog(t)
	for i, e := range extensions {
		if e.name == "CHUNKING" {
			test.Tap(d.server.ext[i])
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0") // a free port for implicit TLS
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(l.Addr().String())
	l.Close()
	retype(w, d.server.tlsPort, port)
	press(w, fyne.KeyReturn)
	if dialogOpen(w) {
		t.Fatalf("Save refused: %q", d.problem.Text)
	}
	cfg := d.settings.ServerConfig()
	if !cfg.DisableChunking || cfg.DisablePipelining || cfg.TLSListen != "127.0.0.1:"+port {
		t.Fatalf("saved config: no-chunking %v, no-pipelining %v, TLS listen %q; want true, false, 127.0.0.1:%s",
			cfg.DisableChunking, cfg.DisablePipelining, cfg.TLSListen, port)
	}
	sw := switchOver(t, d.settings)
	if !strings.Contains(sw.State(), "TLS on 127.0.0.1:"+port) {
		t.Errorf("state %q, want the implicit-TLS address", sw.State())
	}
	tp := smtpDial(t, sw.Addr())
	if _, ehlo := cmd(t, tp, "EHLO client.test"); strings.Contains(ehlo, "CHUNKING") || !strings.Contains(ehlo, "PIPELINING") {
		t.Errorf("EHLO = %q, want PIPELINING and no CHUNKING", ehlo)
	}
}

// Settings that cannot work are refused in the dialog, which stays open with
// the reason, and nothing is saved.
func TestSettingsRefused(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "users")
	if err := os.WriteFile(bad, []byte("alice has no hash\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		set  func(f *serverForm, w fyne.Window)
		want string
	}{
		{"require TLS without TLS", func(f *serverForm, w fyne.Window) {
			test.Tap(f.requireTLS)
			test.Tap(f.ext[len(f.ext)-1]) // STARTTLS
		}, "require TLS needs STARTTLS or an implicit-TLS port"},
		{"size zero", func(f *serverForm, w fyne.Window) { retype(w, f.size, "0") }, "must be a positive number"},
		{"size words", func(f *serverForm, w fyne.Window) { retype(w, f.size, "lots") }, "must be a positive number"},
		{"missing credentials file", func(f *serverForm, w fyne.Window) {
			f.auth.SetSelected(authFile)
			retype(w, f.authPath, filepath.Join(dir, "missing"))
		}, "credentials file cannot be used"},
		{"bad credentials file", func(f *serverForm, w fyne.Window) {
			f.auth.SetSelected(authFile)
			retype(w, f.authPath, bad)
		}, "users:1"},
		{"no credentials file", func(f *serverForm, w fyne.Window) { f.auth.SetSelected(authFile) }, "choose the credentials file"},
		{"same port twice", func(f *serverForm, w fyne.Window) { retype(w, f.tlsPort, "2525") }, "also the plain SMTP address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, w := openSettingsDialog(t)
			tt.set(d.server, w)
			test.Tap(findKeyButton(w.Canvas().Overlays().Top(), "Save"))
			if !dialogOpen(w) || !d.problem.Visible() || !strings.Contains(d.problem.Text, tt.want) {
				t.Fatalf("Save: dialog open %v, problem %q (visible %v); want it open saying %q",
					dialogOpen(w), d.problem.Text, d.problem.Visible(), tt.want)
			}
			if got := d.settings.prefs.String(prefAuth); got != "" {
				t.Errorf("refused settings were saved: auth %q", got)
			}
			press(w, fyne.KeyEscape)
			if dialogOpen(w) {
				t.Error("Escape did not close the dialog after a refusal")
			}
		})
	}
}

// Escape cancels whatever has the focus, or nothing: nothing is saved.
func TestSettingsEscapeCancels(t *testing.T) {
	d, w := openSettingsDialog(t)
	applied := false
	d.OnApply = func(string, string) { applied = true }
	retype(w, d.server.size, "5M")
	press(w, fyne.KeyEscape)
	if dialogOpen(w) || applied || d.settings.prefs.String(prefMaxSize) != "" {
		t.Fatalf("Escape: dialog open %v, applied %v, saved size %q; want closed, nothing saved",
			dialogOpen(w), applied, d.settings.prefs.String(prefMaxSize))
	}
	d, w = openSettingsDialog(t)
	w.Canvas().Unfocus()
	press(w, fyne.KeyEscape) // nothing focused: the dialog still answers
	if dialogOpen(w) {
		t.Fatal("Escape with nothing focused left the dialog open")
	}
	if w.Canvas().OnTypedKey() != nil {
		t.Error("the window's key handler was not given back after the dialog closed")
	}
}

// Only the settings of the server make OnServerChanged fire.
func TestSettingsServerChanged(t *testing.T) {
	d, w := openSettingsDialog(t)
	changed := 0
	d.OnServerChanged = func() { changed++ }
	press(w, fyne.KeyReturn)
	if changed != 0 {
		t.Errorf("saving unchanged settings called OnServerChanged %d times, want 0", changed)
	}
	d.Show(settingsTabServer)
	d.OnServerChanged = func() { changed++ }
	test.Tap(d.server.requireTLS)
	press(w, fyne.KeyReturn)
	if changed != 1 || !d.settings.ServerConfig().RequireTLS {
		t.Errorf("after ticking Require TLS: OnServerChanged called %d times, RequireTLS %v; want 1, true",
			changed, d.settings.ServerConfig().RequireTLS)
	}
}

// The dialog fits an 800×600 window, and Tab walks the server tab in the
// order it is shown, then Cancel and Save.
func TestSettingsFitsAndTabOrder(t *testing.T) {
	d, w := openSettingsDialog(t)
	pop := w.Canvas().Overlays().Top()
	if s := pop.Size(); s.Width > 800 || s.Height > 600 {
		t.Errorf("dialog size %v in an 800×600 window", s)
	}
	if m := pop.MinSize(); m.Width > 800 || m.Height > 600 {
		t.Errorf("dialog min size %v does not fit 800×600", m)
	}
	d.server.auth.SetSelected(authFile) // enables the credentials file row
	f := d.server
	want := []fyne.Focusable{f.host, f.port, f.size, f.auth, f.authPath, f.choosePath,
		f.requireAuth, f.insecureAuth, f.requireTLS, f.tlsPort}
	for _, c := range f.ext {
		want = append(want, c)
	}
	w.Canvas().Focus(f.host)
	for i := 1; i < len(want); i++ {
		w.Canvas().FocusNext()
		if got := w.Canvas().Focused(); got != want[i] {
			t.Fatalf("Tab %d from Listen address focuses %T %v, want %T %v", i, got, got, want[i], want[i])
		}
	}
	w.Canvas().FocusNext()
	if b, ok := w.Canvas().Focused().(*keyButton); !ok || b.Text != "Cancel" {
		t.Errorf("after the extensions Tab focuses %T, want the Cancel button", w.Canvas().Focused())
	}
	w.Canvas().FocusNext()
	if b, ok := w.Canvas().Focused().(*keyButton); !ok || b.Text != "Save" {
		t.Errorf("after Cancel Tab focuses %T, want the Save button", w.Canvas().Focused())
	}
}

// The settings of a credentials file reach the server, which then checks
// names and passwords against it.
func TestSettingsCredentialsFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "users")
	line, err := sasl.HashPassword("alice", "s3cret")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(line+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	d, w := openSettingsDialog(t)
	d.server.auth.SetSelected(authFile)
	retype(w, d.server.authPath, path)
	test.Tap(d.server.insecureAuth)
	test.Tap(d.server.requireAuth)
	test.Tap(findKeyButton(w.Canvas().Overlays().Top(), "Save"))
	if dialogOpen(w) {
		t.Fatalf("Save refused: %q", d.problem.Text)
	}
	if cfg := d.settings.ServerConfig(); cfg.Auth != path || !cfg.RequireAuth {
		t.Fatalf("saved Auth %q RequireAuth %v, want %q, true", cfg.Auth, cfg.RequireAuth, path)
	}
	sw := switchOver(t, d.settings)
	tp := smtpDial(t, sw.Addr())
	cmd(t, tp, "EHLO client.test")
	if code, msg := cmd(t, tp, "MAIL FROM:<a@x.test>"); code != 530 {
		t.Errorf("MAIL before AUTH with require AUTH = %d %s, want 530", code, msg)
	}
	if code, msg := cmd(t, tp, "AUTH PLAIN AGFsaWNlAHMzY3JldA=="); code != 235 {
		t.Errorf("AUTH PLAIN alice = %d %s, want 235", code, msg)
	}
	// Reopened, the dialog shows what was saved.
	d.Show(settingsTabServer)
	if d.server.auth.Selected != authFile || d.server.authPath.Text != path || !d.server.requireAuth.Checked {
		t.Errorf("reopened: AUTH %q, file %q, require %v", d.server.auth.Selected, d.server.authPath.Text, d.server.requireAuth.Checked)
	}
}

// The profile editor and the delete confirmation answer Enter and Escape;
// Escape in them leaves the Settings dialog open underneath.
func TestProfileDialogsKeys(t *testing.T) {
	d, w := openSettingsDialog(t)
	d.tabs.SelectIndex(settingsTabServers)
	settingsOverlay := w.Canvas().Overlays().Top()
	test.Tap(findKeyButton(settingsOverlay, "Add…"))
	if w.Canvas().Overlays().Top() == settingsOverlay {
		t.Fatal("Add… opened no editor")
	}
	press(w, fyne.KeyEscape) // the focus is in Name
	if top := w.Canvas().Overlays().Top(); top != settingsOverlay {
		t.Fatalf("Escape in the editor: top overlay %T, want the Settings dialog", top)
	}
	test.Tap(findKeyButton(settingsOverlay, "Add…"))
	test.Type(w.Canvas().Focused().(*keyEntry), "Work")
	w.Canvas().FocusNext() // Host
	test.Type(w.Canvas().Focused().(*keyEntry), "smtp.example.org")
	press(w, fyne.KeyReturn)
	if list := d.profiles.List(); len(list) != 1 || list[0].Name != "Work" || list[0].Host != "smtp.example.org" {
		t.Fatalf("Enter in the editor saved %+v, want the Work profile", list)
	}
	if top := w.Canvas().Overlays().Top(); top != settingsOverlay {
		t.Fatalf("after Enter: top overlay %T, want the Settings dialog", top)
	}
	d.list.Select(0)
	test.Tap(d.del)
	press(w, fyne.KeyEscape) // nothing focused in the confirmation
	if len(d.profiles.List()) != 1 || w.Canvas().Overlays().Top() != settingsOverlay {
		t.Fatalf("Escape in the delete confirmation: %d profiles, top %T; want 1, the Settings dialog", len(d.profiles.List()), w.Canvas().Overlays().Top())
	}
	test.Tap(d.del)
	press(w, fyne.KeyReturn)
	if n := len(d.profiles.List()); n != 0 {
		t.Errorf("Enter in the delete confirmation left %d profiles, want 0", n)
	}
	press(w, fyne.KeyEscape)
	if dialogOpen(w) {
		t.Error("Escape did not close Settings after the nested dialogs")
	}
}

// Saved settings that stopped working (the credentials file was removed
// after Save, or preferences written by hand or by an older version) are
// refused where the switch is, in the words of server.Config.Check, and the
// way to Settings is offered; nothing listens. Before the fix the server
// started with require TLS and no TLS, refusing every MAIL with 530.
func TestServerSwitchRefusesSavedSettingsThatCannotWork(t *testing.T) {
	creds := filepath.Join(t.TempDir(), "users")
	line, err := sasl.HashPassword("alice", "s3cret")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(creds, []byte(line+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		set  func(s *Settings)
		want string
	}{
		{"require TLS without TLS", func(s *Settings) {
			s.prefs.SetBool(prefRequireTLS, true)
			s.prefs.SetBool("server.no-starttls", true)
		}, "require TLS needs STARTTLS or an implicit-TLS port"},
		{"credentials file removed after Save", func(s *Settings) {
			s.prefs.SetString(prefAuth, creds)
			os.Remove(creds)
		}, "the AUTH credentials file cannot be used"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := test.NewTempApp(t)
			s := &Settings{prefs: a.Preferences()}
			tt.set(s)
			st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
			if err != nil {
				t.Fatalf("store.Open: %v", err)
			}
			t.Cleanup(func() { st.Close() })
			sw := NewServerSwitch(configuredServer(st, s), func() string { return "127.0.0.1:0" }, inline)
			test.NewTempWindow(t, sw.Build())
			t.Cleanup(func() { sw.Stop() })
			sw.SetOn(true)
			if sw.Running() || !strings.HasPrefix(sw.State(), "Error: ") || !strings.Contains(sw.State(), tt.want) || !sw.settings.Visible() {
				t.Errorf("switching on: running %v, state %q, settings button %v; want off, an error saying %q, the button shown",
					sw.Running(), sw.State(), sw.settings.Visible(), tt.want)
			}
		})
	}
}
