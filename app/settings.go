package app

import (
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"letterbox/server"
)

// Preference keys. Passwords are never stored here (see Secrets).
const (
	prefListen   = "server.listen"
	prefStoreDir = "store.dir"
)

// Settings reads and writes the app's settings in the Fyne preferences, with
// the launch options (environment) taking precedence for this run only.
type Settings struct {
	prefs fyne.Preferences
	opts  Options
}

// Listen returns the local server's listen address: Options.Listen, else the
// saved one, else server.DefaultListen (127.0.0.1:2525).
func (s Settings) Listen() string {
	if s.opts.Listen != "" {
		return s.opts.Listen
	}
	return s.prefs.StringWithFallback(prefListen, server.DefaultListen)
}

// StoreDir returns the mail store folder: Options.StoreDir, else the saved one,
// else server.DefaultStoreDir().
func (s Settings) StoreDir() string {
	if s.opts.StoreDir != "" {
		return s.opts.StoreDir
	}
	if d := s.prefs.String(prefStoreDir); d != "" {
		return d
	}
	return server.DefaultStoreDir()
}

// save keeps listen and dir, and drops the launch overrides so that what the
// user chose is what runs from now on.
func (s *Settings) save(listen, dir string) {
	s.prefs.SetString(prefListen, listen)
	s.prefs.SetString(prefStoreDir, dir)
	s.opts.Listen, s.opts.StoreDir = "", ""
}

// checkListen validates a host and port pair typed in Settings and returns "host:port".
func checkListen(host, port string) (string, error) {
	host = strings.TrimSpace(host)
	if host == "" {
		return "", errors.New("give an address to listen on, such as 127.0.0.1")
	}
	if host != "localhost" && net.ParseIP(host) == nil {
		return "", fmt.Errorf("%q is not an IP address (use 127.0.0.1 for this computer only, 0.0.0.0 for every network)", host)
	}
	if err := checkPort(port); err != nil {
		return "", err
	}
	return net.JoinHostPort(host, strings.TrimSpace(port)), nil
}

func checkPort(s string) error {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("the port must be a number from 1 to 65535")
	}
	return nil
}

// Settings dialog tabs, for openSettings.
const (
	settingsTabServer  = 0
	settingsTabStore   = 1
	settingsTabServers = 2
)

// SettingsDialog edits the local server address, the store folder and the saved
// SMTP server profiles. It runs on the Fyne goroutine.
type SettingsDialog struct {
	window   fyne.Window
	settings *Settings
	profiles profileStore
	secrets  Secrets
	// OnApply is called after Save with the new listen address and store folder.
	OnApply func(listen, storeDir string)
	// OnProfilesChanged is called after a profile was added, edited or deleted.
	OnProfilesChanged func()

	host, port, dir *widget.Entry
	list            *widget.List
	items           []Profile
	selected        int
	edit, del       *widget.Button
	empty           *widget.Label
}

// Show opens the dialog on the given tab (settingsTab…).
func (d *SettingsDialog) Show(tab int) {
	h, p, err := net.SplitHostPort(d.settings.Listen())
	if err != nil {
		h, p = "127.0.0.1", "2525"
	}
	d.host = widget.NewEntry()
	d.host.SetText(h)
	d.port = widget.NewEntry()
	d.port.SetText(p)
	d.port.Validator = checkPort
	d.dir = widget.NewEntry()
	d.dir.SetText(d.settings.StoreDir())
	tabs := container.NewAppTabs(
		container.NewTabItem("Local server", d.serverTab()),
		container.NewTabItem("Mail store", d.storeTab()),
		container.NewTabItem("SMTP servers", d.profilesTab()),
	)
	tabs.SelectIndex(tab)
	dlg := dialog.NewCustomConfirm("Settings", "Save", "Cancel", tabs, d.onSave, d.window)
	dlg.Resize(fyne.NewSize(620, 440))
	dlg.Show()
}

func (d *SettingsDialog) serverTab() fyne.CanvasObject {
	help := widget.NewLabel("The local server receives mail on this address and keeps it in the mail store. " +
		"127.0.0.1 accepts mail from this computer only; 0.0.0.0 accepts it from every network.")
	help.Wrapping = fyne.TextWrapWord
	return container.NewVBox(widget.NewForm(
		widget.NewFormItem("Listen address", d.host),
		widget.NewFormItem("Port", d.port),
	), help)
}

func (d *SettingsDialog) storeTab() fyne.CanvasObject {
	choose := widget.NewButtonWithIcon("Choose…", theme.FolderOpenIcon(), func() {
		fd := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
			if err == nil && u != nil {
				d.dir.SetText(u.Path())
			}
		}, d.window)
		if l, err := storage.ListerForURI(storage.NewFileURI(filepath.Dir(d.dir.Text))); err == nil {
			fd.SetLocation(l)
		}
		fd.Show()
		fd.Resize(dialogSize(d.window)) // a FileDialog can only be resized once shown
	})
	reset := widget.NewButton("Default", func() { d.dir.SetText(server.DefaultStoreDir()) })
	help := widget.NewLabel("Received mail is kept here as a Maildir (tmp, new, cur), readable by mutt, " +
		"Dovecot and Python's mailbox module. A new folder is created when needed.")
	help.Wrapping = fyne.TextWrapWord
	row := container.NewBorder(nil, nil, nil, container.NewHBox(choose, reset), d.dir)
	return container.NewVBox(widget.NewLabel("Mail store folder"), row, help)
}

func (d *SettingsDialog) onSave(ok bool) {
	if !ok {
		return
	}
	listen, err := checkListen(d.host.Text, d.port.Text)
	if err != nil {
		dialog.ShowError(err, d.window)
		return
	}
	dir := strings.TrimSpace(d.dir.Text)
	if dir == "" || !filepath.IsAbs(dir) {
		dialog.ShowError(fmt.Errorf("the mail store folder must be a full path, not %q", dir), d.window)
		return
	}
	d.settings.save(listen, dir)
	if d.OnApply != nil {
		d.OnApply(listen, dir)
	}
}
