package app

import (
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"reflect"
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

// SettingsDialog edits the local server, the store folder and the saved SMTP
// server profiles. It runs on the Fyne goroutine. Enter saves and Escape
// cancels, wherever the focus is; a setting that cannot work is refused with
// the reason shown in the dialog, which stays open.
type SettingsDialog struct {
	window   fyne.Window
	settings *Settings
	profiles profileStore
	secrets  Secrets
	// OnApply is called after Save with the new listen address and store folder.
	OnApply func(listen, storeDir string)
	// OnServerChanged is called after Save (after OnApply) when a setting of
	// the local server changed, its listen address included: a running server
	// should restart (ServerSwitch.Restart) to take it.
	OnServerChanged func()
	// OnProfilesChanged is called after a profile was added, edited or deleted.
	OnProfilesChanged func()
	// keyring runs the keyring calls of the profiles tab off the Fyne goroutine.
	keyring keyringJobs

	keys     *dialogKeys
	dlg      *keyedDialog
	tabs     *container.AppTabs
	server   *serverForm
	dir      *keyEntry
	problem  *widget.Label // why Save was refused
	list     *keyList
	items    []Profile
	selected int
	edit     *keyButton
	del      *keyButton
	empty    *widget.Label
}

// settingsSize is the dialog's size in a window of size win: roomy, but never
// beyond the window (each tab scrolls instead).
func settingsSize(win fyne.Size) fyne.Size {
	return fyne.NewSize(min(680, win.Width-24), min(560, win.Height-24))
}

// Show opens the dialog on the given tab (settingsTab…).
func (d *SettingsDialog) Show(tab int) {
	d.keys = &dialogKeys{}
	d.server = newServerForm(d.keys, d.settings.ServerConfig(), d.window)
	d.dir = newKeyEntry(d.keys)
	d.dir.SetText(d.settings.StoreDir())
	d.problem = widget.NewLabel("")
	d.problem.Wrapping = fyne.TextWrapWord
	d.problem.Importance = widget.DangerImportance
	d.problem.Hide()
	d.tabs = container.NewAppTabs(
		container.NewTabItem("Local server", container.NewVScroll(d.server.build())),
		container.NewTabItem("Mail store", container.NewVScroll(d.storeTab())),
		container.NewTabItem("SMTP servers", d.profilesTab()),
	)
	d.tabs.SelectIndex(tab)
	content := newBorder(nil, d.problem, nil, nil, d.tabs)
	d.dlg = newKeyedDialog("Settings", "Save", content, d.keys, d.onSave, d.window)
	d.dlg.Show()
	d.dlg.Resize(settingsSize(d.window.Canvas().Size()))
}

func (d *SettingsDialog) storeTab() fyne.CanvasObject {
	choose := newKeyButton(d.keys, "Choose…", theme.FolderOpenIcon(), func() {
		fd := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
			if err == nil && u != nil {
				d.dir.SetText(u.Path())
			}
		}, d.window)
		if l, err := storage.ListerForURI(storage.NewFileURI(filepath.Dir(d.dir.Text))); err == nil {
			fd.SetLocation(l)
		}
		showFileDialog(fd, d.window)
	})
	reset := newKeyButton(d.keys, "Default", nil, func() { d.dir.SetText(server.DefaultStoreDir()) })
	help := widget.NewLabel("Received mail is kept here as a Maildir (tmp, new, cur), readable by mutt, " +
		"Dovecot and Python's mailbox module. A new folder is created when needed.")
	help.Wrapping = fyne.TextWrapWord
	row := newBorder(nil, nil, nil, container.NewHBox(choose, reset), d.dir)
	return container.NewVBox(widget.NewLabel("Mail store folder"), row, help)
}

// refuse shows why the settings cannot be saved, on the tab that holds them.
func (d *SettingsDialog) refuse(tab int, err error) bool {
	d.tabs.SelectIndex(tab)
	d.problem.SetText("Not saved: " + err.Error())
	d.problem.Show()
	return false
}

// onSave checks every setting and saves them, or says why not and keeps the
// dialog open.
func (d *SettingsDialog) onSave() bool {
	cfg, err := d.server.config()
	if err != nil {
		return d.refuse(settingsTabServer, err)
	}
	dir := strings.TrimSpace(d.dir.Text)
	if dir == "" || !filepath.IsAbs(dir) {
		return d.refuse(settingsTabStore, fmt.Errorf("the mail store folder must be a full path, not %q", dir))
	}
	before := d.settings.ServerConfig()
	d.settings.save(cfg.Listen, dir)
	d.settings.saveServer(cfg)
	changed := !reflect.DeepEqual(before, d.settings.ServerConfig())
	if d.OnApply != nil {
		d.OnApply(cfg.Listen, dir)
	}
	if changed && d.OnServerChanged != nil {
		d.OnServerChanged()
	}
	return true
}
