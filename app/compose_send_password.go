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
//
// It runs on the Fyne goroutine, and the keyring is never called there: a
// locked Secret Service can take as long as its unlock prompt, so the
// keyring is read and written through c.async, with the status line saying
// so and Cancel abandoning the wait; then runs on the Fyne goroutine.
func (c *Compose) withPassword(p Profile, then func(string)) {
	secrets := c.passwords()
	account := p.Account()
	c.keyringWait("Reading the password from the desktop keyring…", func() func() {
		pw, err := secrets.Get(account)
		return func() {
			if err == nil {
				then(pw)
				return
			}
			c.askPassword(p, secrets, errors.Is(err, errNoPassword), then)
		}
	})
}

// keyringWait runs work (a keyring call) through c.async while the status
// line shows what it waits for and Cancel is offered; the func work returns
// runs afterwards on the Fyne goroutine, unless Cancel was pressed first.
// Send stays disabled meanwhile (c.cancel is set, as while sending).
func (c *Compose) keyringWait(status string, work func() func()) {
	abandoned := false // Fyne goroutine only
	end := func() {
		c.cancel = nil
		c.cancelBtn.Hide()
		c.validate()
	}
	c.cancel = func() {
		abandoned = true
		end()
		c.setStatus(widget.WarningImportance, "Cancelled: nothing was sent")
	}
	c.sendBtn.Disable()
	c.cancelBtn.Show()
	c.setStatus(widget.LowImportance, status)
	c.async(func() {
		done := work()
		fyne.Do(func() {
			if abandoned {
				return
			}
			end()
			c.setStatus(widget.LowImportance, "")
			done()
		})
	})
}

// askPassword asks for the password of p in a dialog, then saves it in the
// keyring (off the Fyne goroutine) or keeps it for the session, and calls
// then with it. keyringOK says whether a keyring is there to save it in.
func (c *Compose) askPassword(p Profile, secrets *sessionSecrets, keyringOK bool, then func(string)) {
	if c.window == nil {
		return
	}
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
		pw := entry.Text
		if !remember.Checked || !keyringOK {
			secrets.Keep(p.Account(), pw)
			then(pw)
			return
		}
		c.keyringWait("Saving the password in the desktop keyring…", func() func() {
			err := secrets.Set(p.Account(), pw)
			return func() {
				if err != nil {
					c.transcript.Append(smtpcore.Event{Dir: smtpcore.DirInfo, Text: "The password was not saved in the keyring (kept until Letterbox quits): " + err.Error()})
				}
				then(pw)
			}
		})
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
