package app

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"letterbox/smtpcore"
)

// passwords returns Compose's session memory of passwords in front of its
// keyring, putting it in place on first use (c.secrets may be the bare
// keyring, or nil for none).
func (c *Compose) passwords() *sessionSecrets {
	s, ok := c.secrets.(*sessionSecrets)
	if !ok {
		s = newSessionSecrets(c.secrets)
		c.secrets = s
	}
	return s
}

// withPassword calls then with the profile's password: typed earlier in this
// session, from the keyring, or asked for. An asked password is saved in the
// keyring when the user wishes and one is available, and otherwise kept in
// memory until Letterbox quits, so each profile is asked for at most once.
func (c *Compose) withPassword(p Profile, then func(string)) {
	secrets := c.passwords()
	pw, err := secrets.Get(p.Account())
	if err == nil {
		then(pw)
		return
	}
	if c.window == nil {
		return
	}
	keyringOK := errors.Is(err, errNoPassword)
	keys := &dialogKeys{}
	entry := newKeyPasswordEntry(keys)
	remember := widget.NewCheck("Remember in the desktop keyring", nil)
	remember.SetChecked(keyringOK)
	items := []*widget.FormItem{widget.NewFormItem("Password", entry)}
	if keyringOK {
		items = append(items, widget.NewFormItem("", remember))
	} else {
		note := widget.NewLabel("No desktop keyring is available: the password is kept in memory until Letterbox quits.")
		note.Wrapping = fyne.TextWrapWord
		items = append(items, widget.NewFormItem("", note))
	}
	dlg := dialog.NewForm("Password for "+p.Username+" at "+p.Host, "Send", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		if remember.Checked && keyringOK {
			if err := secrets.Set(p.Account(), entry.Text); err != nil {
				c.transcript.Append(smtpcore.Event{Dir: smtpcore.DirInfo, Text: "The password was not saved in the keyring (kept until Letterbox quits): " + err.Error()})
			}
		} else {
			secrets.Keep(p.Account(), entry.Text)
		}
		then(entry.Text)
	}, c.window)
	// dialog.NewForm submits only from its button: Enter in the field
	// submits too, and Escape cancels.
	keys.submit, keys.cancel = dlg.Submit, dlg.Hide
	dlg.Show()
	dlg.Resize(fyne.NewSize(440, 0)) // after Show: some dialogs crash when resized before it
	if cv := c.window.Canvas(); cv != nil {
		cv.Focus(entry)
	}
}
