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
	d.list = widget.NewList(
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
	add := widget.NewButtonWithIcon("Add…", theme.ContentAddIcon(), func() { d.editProfile(nil) })
	d.edit = widget.NewButtonWithIcon("Edit…", theme.DocumentCreateIcon(), func() {
		if d.selected >= 0 && d.selected < len(d.items) {
			p := d.items[d.selected]
			d.editProfile(&p)
		}
	})
	d.del = widget.NewButtonWithIcon("Delete", theme.DeleteIcon(), d.deleteSelected)
	d.list.OnSelected = func(id widget.ListItemID) { d.selected = id; d.edit.Enable(); d.del.Enable() }
	d.list.OnUnselected = func(widget.ListItemID) { d.selected = -1; d.edit.Disable(); d.del.Disable() }
	d.edit.Disable()
	d.del.Disable()
	d.empty = widget.NewLabel("No saved servers yet. Add the SMTP servers you send through; " +
		"passwords are kept in the desktop keyring, never in the settings file.")
	d.empty.Wrapping = fyne.TextWrapWord
	d.showEmpty()
	return container.NewBorder(nil, container.NewHBox(add, d.edit, d.del), nil, nil,
		container.NewStack(d.list, container.NewVBox(d.empty)))
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
	dialog.ShowConfirm("Delete server", fmt.Sprintf("Delete the saved server %q and its stored password?", p.Name), func(ok bool) {
		if !ok {
			return
		}
		if err := d.profiles.Delete(p.Name); err != nil {
			dialog.ShowError(err, d.window)
			return
		}
		if p.NeedsPassword() && d.secrets != nil {
			_ = d.secrets.Delete(p.Account()) // an unavailable keyring holds nothing to forget
		}
		d.reloadProfiles()
	}, d.window)
}

// profileForm holds the entries of the profile editor.
type profileForm struct {
	name, host, port, user, password, fingerprint *widget.Entry
	tls                                           *widget.Select
}

func newProfileForm(p *Profile) *profileForm {
	f := &profileForm{
		name: widget.NewEntry(), host: widget.NewEntry(), port: widget.NewEntry(),
		user: widget.NewEntry(), password: widget.NewPasswordEntry(), fingerprint: widget.NewEntry(),
	}
	f.name.SetPlaceHolder("Work")
	f.host.SetPlaceHolder("smtp.example.org")
	f.port.Validator = checkPort
	f.user.SetPlaceHolder("empty: no AUTH")
	f.fingerprint.SetPlaceHolder("only for a self-signed certificate: AB:CD:…")
	f.tls = widget.NewSelect(tlsModeLabels, func(mode string) {
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
func (d *SettingsDialog) editProfile(old *Profile) {
	f := newProfileForm(old)
	title, oldName := "Add SMTP server", ""
	if old != nil {
		title, oldName = "Edit SMTP server", old.Name
	}
	dlg := dialog.NewForm(title, "Save", "Cancel", f.items(), func(ok bool) {
		if !ok {
			return
		}
		p, err := f.profile()
		if err == nil {
			err = d.profiles.Put(oldName, p)
		}
		if err != nil {
			dialog.ShowError(err, d.window)
			return
		}
		d.reloadProfiles()
		d.storePassword(p.normalized(), f.password.Text)
	}, d.window)
	dlg.Resize(fyne.NewSize(560, 0))
	dlg.Show()
}

// storePassword keeps a typed password in the keyring, and says so in words
// when there is no keyring to keep it in.
func (d *SettingsDialog) storePassword(p Profile, password string) {
	if password == "" || !p.NeedsPassword() || d.secrets == nil {
		return
	}
	if err := d.secrets.Set(p.Account(), password); err != nil {
		dialog.ShowInformation("Password not saved",
			"The password could not be stored because no desktop keyring is available ("+err.Error()+
				"). Letterbox will ask for it each time you send through "+p.Name+".", d.window)
	}
}
