package app

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"letterbox/server/imapstore"
	"letterbox/smtpcore"
)

// remoteSecurityLabels are the choices of the dialog, in TLS mode order.
var remoteSecurityLabels = []string{"TLS (port 993)", "STARTTLS (port 143)"}

// remoteForm is the Open remote inbox dialog's fields.
type remoteForm struct {
	host, port, user, password *keyEntry
	security                   *widget.Select
	remember                   *widget.Check
}

// newRemoteForm makes the fields, filled from the last account opened; Enter
// in a field connects and Escape cancels (through k).
func newRemoteForm(k *dialogKeys, last RemoteAccount, haveLast bool) *remoteForm {
	f := &remoteForm{host: newKeyEntry(k), port: newKeyEntry(k), user: newKeyEntry(k),
		password: newKeyPasswordEntry(k), remember: widget.NewCheck("Keep the password in the keyring", nil)}
	f.host.SetPlaceHolder("imap.example.org")
	f.user.SetPlaceHolder("user name")
	f.port.SetText("993")
	f.security = widget.NewSelect(remoteSecurityLabels, func(l string) {
		// A port still at the other mode's default follows the mode.
		if l == remoteSecurityLabels[1] && f.port.Text == "993" {
			f.port.SetText("143")
		} else if l == remoteSecurityLabels[0] && f.port.Text == "143" {
			f.port.SetText("993")
		}
	})
	f.security.SetSelectedIndex(0)
	f.remember.SetChecked(true)
	if haveLast {
		f.host.SetText(last.Host)
		f.user.SetText(last.Username)
		if last.TLS == TLSStartTLS {
			f.security.SetSelectedIndex(1)
		}
		f.port.SetText(strconv.Itoa(last.Port))
		f.password.SetPlaceHolder("from the keyring")
	}
	return f
}

func (f *remoteForm) items() []*widget.FormItem {
	return []*widget.FormItem{
		widget.NewFormItem("Server", f.host), widget.NewFormItem("Port", f.port),
		widget.NewFormItem("Security", f.security), widget.NewFormItem("User", f.user),
		widget.NewFormItem("Password", f.password), widget.NewFormItem("", f.remember),
	}
}

// account reads the fields; the fingerprint comes from the saved account of
// the same label, so a certificate trusted once stays trusted.
func (f *remoteForm) account(saved remoteAccounts) (RemoteAccount, error) {
	port, err := strconv.Atoi(strings.TrimSpace(f.port.Text))
	if err != nil {
		return RemoteAccount{}, errors.New("the port is not a number")
	}
	a := RemoteAccount{Host: strings.TrimSpace(f.host.Text), Port: port, TLS: TLSImplicit,
		Username: strings.TrimSpace(f.user.Text)}
	if f.security.SelectedIndex() == 1 {
		a.TLS = TLSStartTLS
	}
	if old, ok := saved.Find(a.Label()); ok {
		a.Fingerprint, a.Mailbox = old.Fingerprint, old.Mailbox
	}
	return a, a.Validate()
}

// openRemote shows the Open remote inbox dialog (Mailbox menu).
func (m *mainWindow) openRemote() {
	saved := remoteAccounts{prefs: m.app.Preferences()}
	list := saved.List()
	keys := &dialogKeys{}
	f := newRemoteForm(keys, firstOr(list), len(list) > 0)
	dlg := dialog.NewForm("Open remote inbox", "Connect", "Cancel", f.items(), func(ok bool) {
		if !ok {
			return
		}
		a, err := f.account(saved)
		if err != nil {
			dialog.ShowError(err, m.window)
			return
		}
		m.connectRemote(a, f.password.Text, f.remember.Checked)
	}, m.window)
	keys.submit, keys.cancel = dlg.Submit, dlg.Hide
	dlg.Show()
	dlg.Resize(fyne.NewSize(460, 0)) // after Show: some dialogs crash when resized before it
	m.window.Canvas().Focus(f.host)
}

func firstOr(as []RemoteAccount) RemoteAccount {
	if len(as) == 0 {
		return RemoteAccount{}
	}
	return as[0]
}

// connectRemote connects off the Fyne goroutine (keyring and network), then
// opens the remote inbox's window, or offers to trust a refused certificate
// (as Compose does for sending), or says what failed.
func (m *mainWindow) connectRemote(a RemoteAccount, password string, remember bool) {
	dial := m.remoteDial
	if dial == nil {
		dial = imapstore.Dial
	}
	prog := dialog.NewCustomWithoutButtons("Connecting", widget.NewLabel("Connecting to "+a.Label()+"…"), m.window)
	prog.Show()
	m.async(func() {
		st, err := connectRemote(dial, m.secrets, a, password, remember)
		fyne.Do(func() {
			prog.Hide()
			if err != nil {
				m.remoteFailed(a, password, remember, err)
				return
			}
			if err := (remoteAccounts{prefs: m.app.Preferences()}).Put(a); err != nil {
				fyne.LogError("the remote inbox could not be saved", err)
			}
			m.showRemote(a, st)
		})
	})
}

// remoteFailed explains err; a certificate that failed verification is
// shown with its fingerprint and can be trusted for this account.
func (m *mainWindow) remoteFailed(a RemoteAccount, password string, remember bool, err error) {
	leaf := smtpcore.UnverifiedLeaf(err)
	if leaf == nil {
		dialog.ShowError(err, m.window)
		return
	}
	fp := smtpcore.LeafFingerprint(leaf)
	explained := "The server's certificate was refused: " + smtpcore.ExplainCertError(err) + "."
	showTrustDialog(m.window, explained, a.Label(), fp, "Trust and connect", func() {
		a.Fingerprint = fp
		m.connectRemote(a, password, remember)
	})
}

// showRemote opens a window with the remote inbox: the same Inbox and
// message view as the local one, under a banner naming the account.
// Closing the window logs out.
func (m *mainWindow) showRemote(a RemoteAccount, st *imapstore.Store) {
	w := m.app.NewWindow("Remote inbox: " + a.Label())
	in := NewInbox(st, m.async)
	in.Window = w
	in.OnReply = m.loadDraft
	in.OnForward = m.loadDraft
	w.SetContent(remoteView(a, in, w.Close))
	m.remotes = append(m.remotes, in)
	w.SetOnClosed(func() {
		m.remotes = slices.DeleteFunc(m.remotes, func(x *Inbox) bool { return x == in })
		in.Close()
		go st.Close() // logs out: network I/O
	})
	w.Resize(fyne.NewSize(1100, 700))
	w.Show()
}

// remoteView is the banner ("Remote: user@host:port" and a button back to
// the local inbox) over the built inbox.
func remoteView(a RemoteAccount, in *Inbox, back func()) fyne.CanvasObject {
	label := widget.NewLabelWithStyle("Remote: "+a.Label(), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	btn := widget.NewButtonWithIcon("Back to local inbox", theme.NavigateBackIcon(), back)
	banner := container.NewHBox(widget.NewIcon(theme.StorageIcon()), label, layout.NewSpacer(), btn)
	return container.NewBorder(container.NewVBox(banner, widget.NewSeparator()), nil, nil, nil, in.Build())
}
