//go:build realwindow

package app

import (
	"fmt"
	"strings"
	"testing"
)

// TestRealOpenRemoteInbox opens Mailbox ▸ Open remote inbox… by keyboard,
// fills the dialog by keyboard, meets the self-signed certificate and trusts
// it, and reads a message of the remote inbox in its own window.
func TestRealOpenRemoteInbox(t *testing.T) {
	r := openReal(t, 1100, 720)
	var msgs []string
	for i := range 12 {
		msgs = append(msgs, inboxSimple("Ann <a@x.test>", "team@y.test", fmt.Sprintf("remote real %d", i), "hello from the team inbox"))
	}
	srv := startMemIMAP(t, msgs)
	a := srv.account()

	onUI(func() { r.m.window.Canvas().Unfocus() })
	r.menuPath(1, 3) // Mailbox ▸ Open remote inbox…
	r.waitFor("the dialog", func() bool { return r.m.window.Canvas().Overlays().Top() != nil })
	r.key("ctrl+a")
	r.typeText(a.Host) // the focus starts in Server
	r.key("Tab", "ctrl+a")
	r.typeText(fmt.Sprint(a.Port))
	r.key("Tab", "Tab")
	r.typeText("u")
	r.key("Tab")
	r.typeText("pw")
	r.click(r.button("Connect"))

	r.waitFor("the certificate question", func() bool {
		top := r.m.window.Canvas().Overlays().Top()
		return top != nil && strings.Contains(strings.Join(inboxLabels(top), "|"), srv.fingerprint)
	})
	shot(t, r, "remote-trust")
	r.click(r.button("Trust and connect"))
	r.waitFor("the remote inbox's window", func() bool { return len(r.m.remotes) == 1 })
	in := uiValue(func() *Inbox { return r.m.remotes[0] })
	r.waitFor("12 remote messages listed", func() bool { return in.list.total == 12 && len(in.list.loading) == 0 })
	onUI(func() { in.list.widget.Select(0) })
	r.waitFor("the newest message shown", func() bool {
		return in.view.data != nil && strings.Contains(in.view.data.raw, "hello from the team inbox")
	})
	if saved, ok := (remoteAccounts{prefs: realApp.Preferences()}).Find(a.Label()); !ok || saved.Fingerprint != srv.fingerprint {
		t.Errorf("saved account %+v, want the trusted fingerprint", saved)
	}
	onUI(func() { in.Window.Close() })
	r.waitFor("the remote window closed", func() bool { return len(r.m.remotes) == 0 })
}
