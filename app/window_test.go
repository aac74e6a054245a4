package app

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
)

func newTestWindow(t *testing.T, opts Options) (*mainWindow, *inboxPump) {
	t.Helper()
	a := test.NewTempApp(t)
	if opts.StoreDir == "" {
		opts.StoreDir = t.TempDir()
	}
	if opts.Listen == "" {
		opts.Listen = "127.0.0.1:0"
	}
	pump := newInboxPump()
	m := newMainWindow(a, opts, windowDeps{async: inline, inboxUI: pump.post})
	m.transcript.flusher.ui = pump.post // one refresh per batch of lines, as in the app
	t.Cleanup(func() {
		if err := m.shutdown(); err != nil {
			t.Errorf("shutdown() = %v", err)
		}
		m.window.Close()
	})
	return m, pump
}

func TestWindowSendToLocalServerAndShowInInbox(t *testing.T) {
	m, pump := newTestWindow(t, Options{})
	if m.tabs.Selected() != m.composeTab {
		t.Fatalf("first tab %q, want Compose", m.tabs.Selected().Text)
	}
	m.sw.SetOn(true)
	if !m.sw.Running() || m.compose.server.Selected != localTarget {
		t.Fatalf("server on: running %v, picker %q (state %q)", m.sw.Running(), m.compose.server.Selected, m.sw.State())
	}
	m.compose.from.SetText("ann@example.org")
	m.compose.to.SetText("bob@example.net")
	m.compose.subject.SetText("Hello from the window")
	m.send() // Ctrl+Enter
	pump.drain()
	id := m.transcript.MessageLink()
	if id == "" || !strings.Contains(m.transcript.Text(), "<- 250") {
		t.Fatalf("no queue id after sending (status %q):\n%s", m.compose.Status(), m.transcript.Text())
	}
	pump.waitFor(t, "the unread count in the Inbox tab", func() bool { return m.inboxTab.Text == "Inbox (1)" })
	test.Tap(m.transcript.link)
	if m.tabs.Selected() != m.inboxTab {
		t.Errorf("Show in Inbox left the tab on %q, want Inbox", m.tabs.Selected().Text)
	}
	pump.drain()

	addr := m.sw.Addr()
	if err := m.shutdown(); err != nil {
		t.Fatalf("shutdown() = %v", err)
	}
	if c, err := net.Dial("tcp", addr); err == nil {
		c.Close()
		t.Errorf("the server still accepts on %s after quitting", addr)
	}
}

func TestWindowOptionsDropAndShortcuts(t *testing.T) {
	m, pump := newTestWindow(t, Options{Tab: "inbox"})
	pump.drain()
	if m.tabs.Selected() != m.inboxTab {
		t.Fatalf("Tab inbox: first tab %q, want Inbox", m.tabs.Selected().Text)
	}
	file := filepath.Join(t.TempDir(), "photo.png")
	if err := os.WriteFile(file, []byte("\x89PNG\r\n\x1a\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	m.onDropped(fyne.Position{}, []fyne.URI{mustParseURI(t, "https://example.org/not-a-file")})
	if m.tabs.Selected() != m.inboxTab {
		t.Errorf("dropping a web link switched to %q, want nothing to happen", m.tabs.Selected().Text)
	}
	m.onDropped(fyne.Position{X: 10, Y: 10}, []fyne.URI{storage.NewFileURI(file)})
	if got := m.compose.Attachments(); m.tabs.Selected() != m.composeTab || len(got) != 1 || got[0] != "photo.png" {
		t.Errorf("after a drop: tab %q, attachments %v; want Compose with photo.png", m.tabs.Selected().Text, got)
	}
	m.find() // Ctrl+F
	if m.tabs.Selected() != m.inboxTab {
		t.Errorf("Ctrl+F left the tab on %q, want Inbox", m.tabs.Selected().Text)
	}
	m.setUnread(3)
	if m.inboxTab.Text != "Inbox (3)" {
		t.Errorf("unread 3: tab %q, want %q", m.inboxTab.Text, "Inbox (3)")
	}
	m.newMessage() // Ctrl+N with an attachment: asks before discarding
	if m.tabs.Selected() != m.composeTab || !m.compose.HasContent() {
		t.Errorf("Ctrl+N: tab %q, content kept %v; want Compose and a question first", m.tabs.Selected().Text, m.compose.HasContent())
	}
}

func TestOptionsFromEnv(t *testing.T) {
	t.Setenv("LETTERBOX_STORE", "/tmp/shots-store")
	t.Setenv("LETTERBOX_TAB", "Inbox")
	t.Setenv("LETTERBOX_SERVER", "on")
	t.Setenv("LETTERBOX_PORT", "2600")
	got := OptionsFromEnv()
	want := Options{StoreDir: "/tmp/shots-store", Tab: "inbox", Listen: "127.0.0.1:2600", StartServer: true}
	if got != want {
		t.Errorf("OptionsFromEnv() = %+v, want %+v", got, want)
	}
}

func TestWindowSettingsSwitchStore(t *testing.T) {
	m, pump := newTestWindow(t, Options{})
	m.sw.SetOn(true)
	first := m.store.Dir()
	second := t.TempDir()
	m.settings.save("127.0.0.1:0", second) // what Save in the dialog does first
	m.applySettings("127.0.0.1:0", second)
	pump.drain()
	if m.store == nil || m.store.Dir() != second {
		t.Fatalf("after choosing %s the store is %v, want it open there", second, m.store)
	}
	if !m.sw.Running() {
		t.Errorf("the local server did not come back on after the store changed (state %q)", m.sw.State())
	}
	if first == second || m.settings.StoreDir() != second {
		t.Errorf("saved store folder %q, want %q", m.settings.StoreDir(), second)
	}
}

func TestWindowPortInUseThenAnotherPort(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	m, _ := newTestWindow(t, Options{Listen: l.Addr().String()})
	m.sw.SetOn(true)
	if !strings.Contains(m.sw.State(), "is in use") {
		t.Fatalf("state %q, want port in use", m.sw.State())
	}
	m.settings.save("127.0.0.1:0", m.store.Dir())
	m.applySettings("127.0.0.1:0", m.store.Dir())
	if !m.sw.Running() || m.compose.server.Selected != localTarget {
		t.Errorf("after choosing another port: state %q, picker %q; want listening and the local server offered", m.sw.State(), m.compose.server.Selected)
	}
}

func TestWindowDialogsOpen(t *testing.T) {
	m, _ := newTestWindow(t, Options{})
	tests := []struct {
		name string
		open func()
	}{
		{"Add file…", func() { test.Tap(findButton(m.compose.attachments.addBtn, "Add file…")) }},
		{"Save transcript…", func() { test.Tap(findButton(m.transcript.header(), "Save…")) }},
		{"Settings", func() { m.openSettings(settingsTabStore) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(m.window.Canvas().Overlays().List())
			tt.open()
			if after := len(m.window.Canvas().Overlays().List()); after <= before {
				t.Errorf("%s: %d overlays before, %d after; want a dialog shown", tt.name, before, after)
			}
		})
	}
}

func mustParseURI(t *testing.T, s string) fyne.URI {
	t.Helper()
	u, err := storage.ParseURI(s)
	if err != nil {
		t.Fatalf("ParseURI(%q): %v", s, err)
	}
	return u
}
