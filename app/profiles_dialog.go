package app

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// profilesTab lists the saved SMTP servers with Add, Edit and Delete.
func (d *SettingsDialog) profilesTab() fyne.CanvasObject {
	d.items = d.profiles.List()
	d.selected = -1
	d.list = newKeyList(d.keys,
		func() int { return len(d.items) },
		func() fyne.CanvasObject {
			return container.NewVBox(
				widget.NewLabelWithStyle("name", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
				widget.NewLabel("detail"))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			p := d.items[id]
			box := o.(*fyne.Container)
			box.Objects[0].(*widget.Label).SetText(p.Name)
			box.Objects[1].(*widget.Label).SetText(profileSummary(p))
		},
	)
	d.list.onEnter = d.editSelected
	add := newKeyButton(d.keys, "Add…", theme.ContentAddIcon(), func() { d.editProfile(nil) })
	d.edit = newKeyButton(d.keys, "Edit…", theme.DocumentCreateIcon(), d.editSelected)
	d.del = newKeyButton(d.keys, "Delete", theme.DeleteIcon(), d.deleteSelected)
	d.list.OnSelected = func(id widget.ListItemID) { d.selected = id; d.edit.Enable(); d.del.Enable() }
	d.list.OnUnselected = func(widget.ListItemID) { d.selected = -1; d.edit.Disable(); d.del.Disable() }
	d.edit.Disable()
	d.del.Disable()
	d.empty = widget.NewLabel("No saved servers yet. Add the SMTP servers you send through; " +
		"passwords are kept in the desktop keyring, never in the settings file.")
	d.empty.Wrapping = fyne.TextWrapWord
	d.showEmpty()
	buttons := container.NewHBox(add, d.edit, d.del)
	d.keyring.note = widget.NewLabel("")
	d.keyring.note.Importance = widget.LowImportance
	d.keyring.note.Wrapping = fyne.TextWrapWord
	d.keyring.showNote()
	return newBorder(nil, container.NewVBox(d.keyring.note, buttons), nil, nil, container.NewStack(d.list, container.NewVBox(d.empty)))
}

// editSelected opens the editor on the selected profile, if any.
func (d *SettingsDialog) editSelected() {
	if d.selected >= 0 && d.selected < len(d.items) {
		p := d.items[d.selected]
		d.editProfile(&p)
	}
}

func (d *SettingsDialog) showEmpty() {
	if len(d.items) == 0 {
		d.empty.Show()
	} else {
		d.empty.Hide()
	}
}

// profileSummary is the second line of a profile in lists: "smtp.example.org:587 · STARTTLS · as ann".
func profileSummary(p Profile) string {
	parts := []string{p.Addr(), tlsModeLabel(p.TLS)}
	if p.Username != "" {
		parts = append(parts, "as "+p.Username)
	}
	if p.Fingerprint != "" {
		parts = append(parts, "pinned certificate")
	}
	return strings.Join(parts, " · ")
}

func (d *SettingsDialog) reloadProfiles() {
	d.items = d.profiles.List()
	d.selected = -1
	d.list.UnselectAll()
	d.list.Refresh()
	d.showEmpty()
	if d.OnProfilesChanged != nil {
		d.OnProfilesChanged()
	}
}

func (d *SettingsDialog) deleteSelected() {
	if d.selected < 0 || d.selected >= len(d.items) {
		return
	}
	p := d.items[d.selected]
	k := &dialogKeys{}
	msg := widget.NewLabel(fmt.Sprintf("Delete the saved server %q and its stored password?", p.Name))
	msg.Wrapping = fyne.TextWrapWord
	dlg := newKeyedDialog("Delete server", "Delete", msg, k, func() bool {
		if err := d.profiles.Delete(p.Name); err != nil {
			dialog.ShowError(err, d.window)
			return true
		}
		if p.NeedsPassword() && d.secrets != nil {
			secrets, account := d.secrets, p.Account()
			d.keyring.run("Forgetting the stored password of "+p.Name+"…",
				func() error { return secrets.Delete(account) },
				func(error) {}) // an unavailable keyring holds nothing to forget
		}
		d.reloadProfiles()
		return true
	}, d.window)
	dlg.Show()
	dlg.Resize(fyne.NewSize(min(420, d.window.Canvas().Size().Width-24), 0))
}

// profileForm holds the entries of the profile editor.
type profileForm struct {
	name, host, port, user, password, fingerprint *keyEntry
	tls                                           *keySelect
}

func newProfileForm(k *dialogKeys, p *Profile) *profileForm {
	f := &profileForm{
		name: newKeyEntry(k), host: newKeyEntry(k), port: newKeyEntry(k),
		user: newKeyEntry(k), password: newKeyPasswordEntry(k), fingerprint: newKeyEntry(k),
	}
	f.name.SetPlaceHolder("Work")
	f.host.SetPlaceHolder("smtp.example.org")
	f.port.Validator = checkPort
	f.user.SetPlaceHolder("empty: no AUTH")
	f.fingerprint.SetPlaceHolder("only for a self-signed certificate: AB:CD:…")
	f.tls = newKeySelect(k, tlsModeLabels, func(mode string) {
		if f.port.Text == "" || f.port.Text == "587" || f.port.Text == "465" || f.port.Text == "25" {
			f.port.SetText(map[string]string{TLSStartTLS: "587", TLSImplicit: "465", TLSNone: "25"}[tlsModeFromLabel(mode)])
		}
	})
	if p == nil {
		f.tls.SetSelected(tlsModeLabels[0])
		f.password.SetPlaceHolder("kept in the desktop keyring")
		return f
	}
	f.name.SetText(p.Name)
	f.host.SetText(p.Host)
	f.tls.SetSelected(tlsModeLabel(p.TLS))
	f.port.SetText(strconv.Itoa(p.Port))
	f.user.SetText(p.Username)
	f.fingerprint.SetText(p.Fingerprint)
	f.password.SetPlaceHolder("unchanged")
	return f
}

func (f *profileForm) items() []*widget.FormItem {
	fp := widget.NewFormItem("Trusted certificate", f.fingerprint)
	fp.HintText = "SHA-256 fingerprint of a certificate to trust even if self-signed"
	pw := widget.NewFormItem("Password", f.password)
	pw.HintText = "stored in the desktop keyring; asked when sending if there is none"
	return []*widget.FormItem{
		widget.NewFormItem("Name", f.name), widget.NewFormItem("Host", f.host),
		widget.NewFormItem("Security", f.tls), widget.NewFormItem("Port", f.port),
		widget.NewFormItem("User name", f.user), pw, fp,
	}
}

func (f *profileForm) profile() (Profile, error) {
	port, err := strconv.Atoi(strings.TrimSpace(f.port.Text))
	if err != nil {
		return Profile{}, errors.New("the port must be a number from 1 to 65535")
	}
	p := Profile{
		Name: f.name.Text, Host: strings.TrimSpace(f.host.Text), Port: port,
		TLS: tlsModeFromLabel(f.tls.Selected), Username: f.user.Text, Fingerprint: strings.TrimSpace(f.fingerprint.Text),
	}
	return p, p.Validate()
}

// editProfile opens the editor for old, or for a new profile when old is nil.
// Enter saves and Escape cancels; a profile that cannot be saved is refused
// with the reason shown in the editor, which stays open.
func (d *SettingsDialog) editProfile(old *Profile) {
	k := &dialogKeys{}
	f := newProfileForm(k, old)
	title, oldName := "Add SMTP server", ""
	if old != nil {
		title, oldName = "Edit SMTP server", old.Name
	}
	problem := widget.NewLabel("")
	problem.Wrapping = fyne.TextWrapWord
	problem.Importance = widget.DangerImportance
	problem.Hide()
	content := container.NewVBox(widget.NewForm(f.items()...), problem)
	dlg := newKeyedDialog(title, "Save", content, k, func() bool {
		p, err := f.profile()
		if err == nil {
			err = d.profiles.Put(oldName, p)
		}
		if err != nil {
			problem.SetText("Not saved: " + err.Error())
			problem.Show()
			return false
		}
		d.reloadProfiles()
		d.storePassword(p.normalized(), f.password.Text)
		return true
	}, d.window)
	dlg.Show()
	dlg.Resize(fyne.NewSize(min(560, d.window.Canvas().Size().Width-24), 0))
	d.window.Canvas().Focus(f.name)
}

// storePassword keeps a typed password in the keyring, and says so in words
// when there is no keyring to keep it in.
func (d *SettingsDialog) storePassword(p Profile, password string) {
	if password == "" || !p.NeedsPassword() || d.secrets == nil {
		return
	}
	secrets, account := d.secrets, p.Account()
	d.keyring.run("Saving the password of "+p.Name+" in the desktop keyring…",
		func() error { return secrets.Set(account, password) },
		func(err error) {
			if err != nil {
				dialog.ShowInformation("Password not saved",
					"The password could not be stored because no desktop keyring is available ("+err.Error()+
						"). Letterbox will ask for it each time you send through "+p.Name+".", d.window)
			}
		})
}

// keyringJobs runs the profiles tab's keyring calls off the Fyne goroutine:
// a locked Secret Service can take as long as its unlock prompt, and the
// window must not freeze meanwhile. While any call runs, a note under the
// list says what it waits for.
type keyringJobs struct {
	async   func(func()) // nil = goroutines; tests run the calls their own way
	note    *widget.Label
	text    string // what the latest call waits for
	pending int    // calls not yet ended; Fyne goroutine only
}

// run calls call through async with note shown, then done with its error
// on the Fyne goroutine. run itself is called on the Fyne goroutine.
func (k *keyringJobs) run(note string, call func() error, done func(error)) {
	k.pending++
	k.text = note
	k.showNote()
	orGo(k.async)(func() {
		err := call()
		fyne.Do(func() {
			k.pending--
			k.showNote()
			done(err)
		})
	})
}

// showNote shows the note while a call is pending, and hides it otherwise.
func (k *keyringJobs) showNote() {
	if k.note == nil {
		return
	}
	if k.pending == 0 {
		k.note.Hide()
		return
	}
	k.note.SetText(k.text)
	k.note.Show()
}
