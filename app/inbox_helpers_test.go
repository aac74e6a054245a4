package app

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"letterbox/server/store"
	"letterbox/smtpcore"
)

// inboxPump stands in for fyne.Do in tests: work posted from any goroutine
// is queued and run on the test goroutine by drain and waitFor, so widgets
// are only ever touched from one goroutine (go test -race).
type inboxPump struct {
	mu   sync.Mutex
	q    []func()
	wake chan struct{}
}

func newInboxPump() *inboxPump { return &inboxPump{wake: make(chan struct{}, 1)} }

func (p *inboxPump) post(f func()) {
	p.mu.Lock()
	p.q = append(p.q, f)
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// drain runs queued work, and what that work queues, until none is left.
func (p *inboxPump) drain() {
	for {
		p.mu.Lock()
		q := p.q
		p.q = nil
		p.mu.Unlock()
		if len(q) == 0 {
			return
		}
		for _, f := range q {
			f()
		}
	}
}

// waitFor runs queued work until cond holds, failing after a deadline.
func (p *inboxPump) waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	for {
		p.drain()
		if cond() {
			return
		}
		select {
		case <-p.wake:
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// inboxFixture is an inbox over a real store in a temporary folder, in a
// test window, with work run inline and UI updates through a pump.
type inboxFixture struct {
	in     *Inbox
	st     *store.Store
	pump   *inboxPump
	win    fyne.Window
	unread []int
}

func newInboxFixture(t *testing.T, setup func(st *store.Store)) *inboxFixture {
	t.Helper()
	test.NewTempApp(t)
	st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	if setup != nil {
		setup(st)
	}
	f := &inboxFixture{st: st, pump: newInboxPump()}
	f.in = NewInbox(st, func(work func()) { work() })
	f.in.setUI(f.pump.post)
	f.in.debounce = 0
	f.in.OnUnread = func(n int) { f.unread = append(f.unread, n) }
	f.win = test.NewTempWindow(t, widget.NewLabel(""))
	f.in.Window = f.win
	f.win.SetContent(f.in.Build())
	f.win.Resize(fyne.NewSize(1280, 800))
	t.Cleanup(f.in.Close)
	f.pump.drain()
	return f
}

// waitTotal waits until the list counts n messages.
func (f *inboxFixture) waitTotal(t *testing.T, n int) {
	t.Helper()
	f.pump.waitFor(t, fmt.Sprintf("the list to count %d messages", n), func() bool {
		return f.in.list.total == n && len(f.in.list.loading) == 0
	})
}

// selectSubject selects the list row showing subject and waits until the
// view shows it.
func (f *inboxFixture) selectSubject(t *testing.T, subject string) *messageData {
	t.Helper()
	for i := 0; i < f.in.list.total; i++ {
		if s, ok := f.in.list.summaryAt(i); ok && s.Subject == subject {
			f.in.list.widget.Select(i)
			f.pump.waitFor(t, "the view to show "+subject, func() bool {
				return f.in.view.data != nil && f.in.view.data.id == s.ID
			})
			return f.in.view.data
		}
	}
	t.Fatalf("no row with subject %q", subject)
	return nil
}

// rows returns the drawn list rows by subject.
func (f *inboxFixture) rows() map[string]*inboxRow {
	out := map[string]*inboxRow{}
	for _, o := range test.LaidOutObjects(f.in.list.widget) {
		if r, ok := o.(*inboxRow); ok && r.Visible() && r.subject.Text != "" {
			out[r.subject.Text] = r
		}
	}
	return out
}

// inboxDeliver stores raw (LF line ends become CRLF) as a server would.
func inboxDeliver(t *testing.T, st *store.Store, raw string, rec store.Record) string {
	t.Helper()
	d, err := st.Create()
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if _, err := d.Write([]byte(strings.ReplaceAll(raw, "\n", "\r\n"))); err != nil {
		t.Fatalf("Write: %v", err)
	}
	sum, err := d.Commit(rec)
	if err != nil {
		t.Fatalf("Commit: %v", err)
	}
	return sum.ID
}

// inboxSimple is a plain message from→to with subject and body.
func inboxSimple(from, to, subject, body string) string {
	return "From: " + from + "\nTo: " + to + "\nSubject: " + subject +
		"\nDate: Tue, 2 Jan 2024 10:00:00 +0000\nMessage-ID: <" + strings.ReplaceAll(subject, " ", ".") + "@test>\n\n" + body + "\n"
}

// inboxRecord is a session record with envelope and a short transcript.
func inboxRecord(from string, rcpts ...string) store.Record {
	now := time.Now()
	return store.Record{
		MailFrom: from, Rcpts: rcpts, Remote: "127.0.0.1:50000", Helo: "client.test",
		Protocol: "ESMTPS", TLS: &store.TLSInfo{Version: "TLS 1.3", Cipher: "TLS_AES_128_GCM_SHA256"},
		AuthUser: "alice", Started: now,
		Transcript: []smtpcore.Event{
			{Time: now, Dir: smtpcore.DirServer, Text: "220 letterbox ESMTP"},
			{Time: now, Dir: smtpcore.DirClient, Text: "EHLO client.test"},
			{Time: now, Dir: smtpcore.DirServer, Text: "250 2.0.0 OK queued as X"},
		},
		Warnings: []string{"bare LF in DATA"},
	}
}

// inboxFindButton finds a visible button by its text under o.
func inboxFindButton(o fyne.CanvasObject, text string) *widget.Button {
	for _, c := range test.LaidOutObjects(o) {
		if b, ok := c.(*widget.Button); ok && b.Text == text && b.Visible() {
			return b
		}
	}
	return nil
}

// inboxLabels returns the texts of the visible labels under o.
func inboxLabels(o fyne.CanvasObject) []string {
	var out []string
	for _, c := range test.LaidOutObjects(o) {
		if l, ok := c.(*widget.Label); ok && l.Visible() {
			out = append(out, l.Text)
		}
	}
	return out
}
