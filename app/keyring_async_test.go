package app

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"letterbox/smtpcore"
)

// blockingSecrets is a keyring whose every call waits for release, as a
// locked Secret Service waits for its unlock prompt. entered gets a value
// each time a call starts.
type blockingSecrets struct {
	memSecrets
	entered chan string
	release chan struct{}
	once    sync.Once
}

// open lets every waiting and later call through; it may be called again.
func (b *blockingSecrets) open() { b.once.Do(func() { close(b.release) }) }

func newBlockingSecrets(m map[string]string) *blockingSecrets {
	return &blockingSecrets{memSecrets: memSecrets{m: m}, entered: make(chan string, 10), release: make(chan struct{})}
}

func (b *blockingSecrets) Get(account string) (string, error) {
	b.entered <- "Get"
	<-b.release
	return b.memSecrets.Get(account)
}

func (b *blockingSecrets) Set(account, password string) error {
	b.entered <- "Set"
	<-b.release
	return b.memSecrets.Set(account, password)
}

func (b *blockingSecrets) Delete(account string) error {
	b.entered <- "Delete"
	<-b.release
	return b.memSecrets.Delete(account)
}

// trackedAsync runs each job on its own goroutine; wait returns when every
// job (and every job they started) has ended, so the test goroutine may look
// at widgets again.
func trackedAsync() (async func(func()), wait func()) {
	var wg sync.WaitGroup
	return func(f func()) {
			wg.Add(1)
			go func() { defer wg.Done(); f() }()
		}, func() {
			done := make(chan struct{})
			go func() { wg.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				panic("async jobs did not end")
			}
		}
}

// watchdog releases b after a while, so that a keyring call made on the UI
// goroutine (the bug) ends the test with a failure instead of a hang; fired
// reports whether it had to.
func watchdog(t *testing.T, b *blockingSecrets) (fired func() bool) {
	var f atomic.Bool
	timer := time.AfterFunc(5*time.Second, func() { f.Store(true); b.open() })
	t.Cleanup(func() { timer.Stop() })
	return func() bool { return f.Load() }
}

// Reading the password from a keyring that blocks does not block the Fyne
// goroutine: Send's tap returns at once with the wait said in the status
// line, Send disabled, and fyne.DoAndWait still runs; once the keyring
// answers, the message goes out with its password. Before the fix the tap
// itself waited for the keyring (a frozen window).
func TestComposeKeyringReadOffTheUIGoroutine(t *testing.T) {
	keyring := newBlockingSecrets(map[string]string{"ann@smtp.example.org:587": "s3cret"})
	async, wait := trackedAsync()
	var got atomic.Value
	send := func(_ context.Context, cfg smtpcore.ClientConfig, env smtpcore.Envelope, build func(bool) (smtpcore.Message, error)) (*smtpcore.Result, error) {
		got.Store(cfg.Auth.Password)
		return &smtpcore.Result{Rcpts: []smtpcore.RcptResult{{Addr: env.To[0], Accepted: true}}}, nil
	}
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	c := NewCompose(w, a.Preferences(), keyring, NewTranscript(w), send, async)
	w.SetContent(c.Build())
	if err := (profileStore{a.Preferences()}).Put("", Profile{Name: "Work", Host: "smtp.example.org", Port: 587, TLS: TLSStartTLS, Username: "ann"}); err != nil {
		t.Fatal(err)
	}
	c.RefreshServers()
	c.server.SetSelected("Work")
	c.from.SetText("ann@example.org")
	c.to.SetText("bob@example.net")
	fired := watchdog(t, keyring)

	test.Tap(c.sendBtn)
	if fired() {
		t.Fatal("tapping Send returned only after the keyring answered: the keyring was called on the UI goroutine")
	}
	if call := <-keyring.entered; call != "Get" {
		t.Fatalf("keyring call %q, want Get", call)
	}
	ran := false
	fyne.DoAndWait(func() { ran = true })
	if !ran || fired() {
		t.Fatal("fyne.DoAndWait did not run while the keyring was blocked")
	}
	if !c.sendBtn.Disabled() || c.status.Text != "Reading the password from the desktop keyring…" || !c.cancelBtn.Visible() {
		t.Errorf("while the keyring is read: Send disabled %v, status %q, Cancel shown %v; want disabled, the wait said, Cancel shown",
			c.sendBtn.Disabled(), c.status.Text, c.cancelBtn.Visible())
	}
	if got.Load() != nil {
		t.Fatal("sent before the keyring answered")
	}
	keyring.open()
	wait()
	if got.Load() != "s3cret" {
		t.Errorf("sent with password %v, want the keyring's", got.Load())
	}
}

// The profiles tab saves and forgets passwords off the Fyne goroutine: with
// a keyring that blocks, Save's password store and Delete's forget return at
// once, a note under the list says what is awaited, and the call completes
// once the keyring answers. Before the fix both waited on the UI goroutine.
func TestProfilesKeyringOffTheUIGoroutine(t *testing.T) {
	work := Profile{Name: "Work", Host: "smtp.example.org", Port: 587, TLS: TLSStartTLS, Username: "ann"}
	tests := []struct {
		name, call, note string
		act              func(d *SettingsDialog, w fyne.Window)
		check            func(m map[string]string) bool
	}{
		{"store", "Set", "Saving the password of Work in the desktop keyring…",
			func(d *SettingsDialog, w fyne.Window) { d.storePassword(work, "s3cret") },
			func(m map[string]string) bool { return m[work.Account()] == "s3cret" }},
		{"delete", "Delete", "Forgetting the stored password of Work…",
			func(d *SettingsDialog, w fyne.Window) {
				d.list.Select(0)
				test.Tap(d.del)
				press(w, fyne.KeyReturn) // confirms
			},
			func(m map[string]string) bool { _, ok := m[work.Account()]; return !ok }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := test.NewTempApp(t)
			w := test.NewTempWindow(t, widget.NewLabel("window"))
			w.Resize(fyne.NewSize(800, 600))
			keyring := newBlockingSecrets(map[string]string{work.Account(): "old"})
			async, wait := trackedAsync()
			d := &SettingsDialog{window: w, settings: &Settings{prefs: a.Preferences()}, profiles: profileStore{a.Preferences()}, secrets: keyring}
			d.keyring.async = async
			if err := d.profiles.Put("", work); err != nil {
				t.Fatal(err)
			}
			d.Show(settingsTabServers)
			fired := watchdog(t, keyring)
			tt.act(d, w)
			if fired() {
				t.Fatalf("%s returned only after the keyring answered: the keyring was called on the UI goroutine", tt.name)
			}
			if call := <-keyring.entered; call != tt.call {
				t.Fatalf("keyring call %q, want %q", call, tt.call)
			}
			ran := false
			fyne.DoAndWait(func() { ran = true })
			if !ran || !d.keyring.note.Visible() || d.keyring.note.Text != tt.note {
				t.Errorf("while the keyring is busy: DoAndWait ran %v, note %q (shown %v); want it run and %q", ran, d.keyring.note.Text, d.keyring.note.Visible(), tt.note)
			}
			keyring.open()
			wait()
			if !tt.check(keyring.m) || d.keyring.note.Visible() {
				t.Errorf("after the keyring answered: keyring %v, note shown %v; want the %s done and the note gone", keyring.m, d.keyring.note.Visible(), tt.call)
			}
		})
	}
}
