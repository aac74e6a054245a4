package app

import (
	"io"
	"net"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/sirupsen/logrus"

	"letterbox/server"
	"letterbox/server/store"
)

func newTestSwitch(t *testing.T, listen string) (*ServerSwitch, *int) {
	t.Helper()
	test.NewTempApp(t)
	st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	log := logrus.New()
	log.SetOutput(io.Discard)
	factory := func(addr string) (localServer, error) {
		return server.New(server.Config{Listen: addr, Logger: log}, st)
	}
	s := NewServerSwitch(factory, func() string { return listen }, inline)
	test.NewTempWindow(t, s.Build())
	changes := new(int)
	s.OnChange = func(bool) { *changes++ }
	t.Cleanup(func() { s.Stop() })
	return s, changes
}

func TestServerSwitchOnOff(t *testing.T) {
	s, changes := newTestSwitch(t, "127.0.0.1:0")
	if s.State() != "Off" || s.Running() {
		t.Fatalf("new switch: state %q, running %v; want Off", s.State(), s.Running())
	}
	test.Tap(s.check)
	if !s.Running() || !strings.HasPrefix(s.State(), "Listening on 127.0.0.1:") {
		t.Fatalf("after switching on: state %q, running %v; want listening", s.State(), s.Running())
	}
	conn, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatalf("dial %s while on: %v", s.Addr(), err)
	}
	greeting := make([]byte, 3)
	if _, err := io.ReadFull(conn, greeting); err != nil || string(greeting) != "220" {
		t.Errorf("greeting %q, %v; want 220", greeting, err)
	}
	conn.Close()
	addr := s.Addr()
	test.Tap(s.check)
	if s.Running() || s.State() != "Off" || s.check.Checked {
		t.Fatalf("after switching off: state %q, running %v, checked %v; want Off", s.State(), s.Running(), s.check.Checked)
	}
	if c, err := net.Dial("tcp", addr); err == nil {
		c.Close()
		t.Errorf("dial %s after switching off succeeded, want refused", addr)
	}
	if *changes != 2 {
		t.Errorf("OnChange called %d times, want 2", *changes)
	}
}

func TestServerSwitchPortInUse(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, port, _ := net.SplitHostPort(l.Addr().String())
	s, _ := newTestSwitch(t, l.Addr().String())
	opened := false
	s.OnSettings = func() { opened = true }
	s.SetOn(true)
	want := "Error: port " + port + " is in use — choose another port"
	if s.State() != want || s.Running() || s.check.Checked {
		t.Errorf("port taken: state %q, running %v, checked %v; want %q, off", s.State(), s.Running(), s.check.Checked, want)
	}
	if !s.settings.Visible() {
		t.Fatal("the way to choose another port is hidden")
	}
	test.Tap(s.settings)
	if !opened {
		t.Error("tapping the settings button did not open Settings")
	}
	if !s.Failed() {
		t.Error("Failed() = false after the port was taken, want true")
	}
}

func TestServerSwitchStopOnQuit(t *testing.T) {
	s, _ := newTestSwitch(t, "127.0.0.1:0")
	s.SetOn(true)
	addr := s.Addr()
	if err := s.Stop(); err != nil {
		t.Fatalf("Stop() = %v", err)
	}
	if c, err := net.Dial("tcp", addr); err == nil {
		c.Close()
		t.Errorf("dial %s after Stop succeeded, want refused", addr)
	}
	if err := s.Stop(); err != nil {
		t.Errorf("second Stop() = %v, want nil", err)
	}
}

func TestServerSwitchRestart(t *testing.T) {
	s, _ := newTestSwitch(t, "127.0.0.1:0")
	s.SetOn(true)
	first := s.Addr()
	s.Restart()
	if !s.Running() || s.Addr() == "" {
		t.Fatalf("after Restart: running %v, addr %q", s.Running(), s.Addr())
	}
	if c, err := net.Dial("tcp", s.Addr()); err != nil {
		t.Errorf("dial %s after restart (was %s): %v", s.Addr(), first, err)
	} else {
		c.Close()
	}
}

// A server bound beyond loopback says so in the switch, in the warning colour.
func TestServerSwitchShowsExposureWarning(t *testing.T) {
	s, _ := newTestSwitch(t, "0.0.0.0:0")
	test.Tap(s.check)
	if !s.Running() {
		t.Fatalf("switch on 0.0.0.0:0: state %q, want listening", s.State())
	}
	if !s.detail.Visible() || !strings.Contains(s.detail.Text, "non-loopback") || s.detail.Importance != widget.WarningImportance {
		t.Fatalf("detail = %q (visible %v, importance %v); want the non-loopback warning in the warning colour",
			s.detail.Text, s.detail.Visible(), s.detail.Importance)
	}
}

// The user's on/off choice is kept in the preferences and read back by a new
// Settings over them; quitting (Stop) does not change it.
func TestServerSwitchRemembersOnOff(t *testing.T) {
	s, _ := newTestSwitch(t, "127.0.0.1:0")
	prefs := fyne.CurrentApp().Preferences()
	settings := &Settings{prefs: prefs}
	s.OnSwitched = settings.RememberServerOn
	if (Settings{prefs: prefs}).ServerWasOn() {
		t.Fatal("ServerWasOn() = true before the server was ever switched on")
	}
	test.Tap(s.check)
	if !s.Running() || !(Settings{prefs: prefs}).ServerWasOn() {
		t.Fatalf("after switching on: running %v, ServerWasOn %v; want true, true", s.Running(), (Settings{prefs: prefs}).ServerWasOn())
	}
	if err := s.Stop(); err != nil { // quitting
		t.Fatal(err)
	}
	if !(Settings{prefs: prefs}).ServerWasOn() {
		t.Error("quitting made ServerWasOn() false; want the user's choice kept")
	}
	s2, _ := newTestSwitch(t, "127.0.0.1:0")
	s2.OnSwitched = settings.RememberServerOn
	s2.SetOn((Settings{prefs: prefs}).ServerWasOn()) // what the window does at start
	test.Tap(s2.check)
	if s2.Running() || (Settings{prefs: prefs}).ServerWasOn() {
		t.Errorf("after switching off: running %v, ServerWasOn %v; want false, false", s2.Running(), (Settings{prefs: prefs}).ServerWasOn())
	}
}

// A failed start (port in use) does not count as switching off.
func TestServerSwitchFailedStartKeepsChoice(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	s, _ := newTestSwitch(t, l.Addr().String())
	settings := &Settings{prefs: fyne.CurrentApp().Preferences()}
	s.OnSwitched = settings.RememberServerOn
	s.SetOn(true)
	if s.Running() || !settings.ServerWasOn() {
		t.Errorf("port taken: running %v, ServerWasOn %v; want false, true (the user asked for on)", s.Running(), settings.ServerWasOn())
	}
}

// The certificate fingerprint can be copied from the toolbar.
func TestServerSwitchCopyFingerprint(t *testing.T) {
	s, _ := newTestSwitch(t, "127.0.0.1:0")
	if s.copyFP.Visible() {
		t.Error("the copy button shows while the server is off")
	}
	s.SetOn(true)
	fp := s.Fingerprint()
	if fp == "" || !s.copyFP.Visible() {
		t.Fatalf("server on: fingerprint %q, copy button visible %v; want both", fp, s.copyFP.Visible())
	}
	test.Tap(s.copyFP)
	if got := fyne.CurrentApp().Clipboard().Content(); got != fp {
		t.Errorf("clipboard = %q after Copy fingerprint, want %q", got, fp)
	}
	test.Tap(s.check)
	if s.copyFP.Visible() {
		t.Error("the copy button still shows after switching off")
	}
}
