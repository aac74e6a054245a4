// Package app is the Letterbox desktop window (Fyne): Compose, which builds an
// Internet message (RFC 5322, MIME RFC 2045–2049) and sends it over SMTP
// (RFC 5321, STARTTLS RFC 3207, AUTH RFC 4954) with a live transcript; the
// Inbox of the bundled local server; and the switch that runs that server
// in-process. It never imports fyne.io/fyne/v2/app, so its tests run on Fyne's
// headless test driver.
package app

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"letterbox/assets"
	"letterbox/server/store"
	"letterbox/smtpcore/msg"
)

// Options are the launch settings of the window. They override the saved
// settings for this run only.
type Options struct {
	// StoreDir is the mail store folder; "" = the saved one, else server.DefaultStoreDir().
	StoreDir string
	// Tab is the tab shown first: "compose" (default) or "inbox".
	Tab string
	// Listen overrides the local server's address ("127.0.0.1:2526").
	Listen string
	// StartServer switches the local server on at launch.
	StartServer bool
}

// OptionsFromEnv reads the launch options from the environment, for scripted
// runs such as `make screenshots`: LETTERBOX_STORE (store folder), LETTERBOX_TAB
// (compose or inbox), LETTERBOX_SERVER=on (start the local server) and
// LETTERBOX_PORT (its port on 127.0.0.1).
func OptionsFromEnv() Options {
	o := Options{
		StoreDir:    os.Getenv("LETTERBOX_STORE"),
		Tab:         strings.ToLower(os.Getenv("LETTERBOX_TAB")),
		StartServer: strings.EqualFold(os.Getenv("LETTERBOX_SERVER"), "on"),
	}
	if p := os.Getenv("LETTERBOX_PORT"); p != "" {
		o.Listen = net.JoinHostPort("127.0.0.1", p)
	}
	return o
}

// Run builds the main window, opens the mail store and runs the app until the
// window closes; then it stops the local server (letting sessions in flight
// finish, at most a few seconds) and closes the store. It must be called on
// the main goroutine.
func Run(a fyne.App, opts Options) error {
	icon := fyne.NewStaticResource("letterbox.png", assets.Icon)
	a.SetIcon(icon)
	w := newMainWindow(a, opts, windowDeps{secrets: systemKeyring{}, draftPath: draftPath(a)})
	w.window.SetIcon(icon)
	if opts.StartServer || w.settings.ServerWasOn() {
		w.sw.SetOn(true)
	}
	w.window.ShowAndRun()
	return w.shutdown()
}

// windowDeps are the seams of the window; the zero value is the real app
// except for secrets (nil = always ask for passwords).
type windowDeps struct {
	secrets Secrets
	send    SendFunc     // nil = smtpcore.Send
	async   func(func()) // nil = goroutines
	inboxUI func(func()) // nil = fyne.Do; tests pump the inbox's UI work themselves
	// notMaster leaves the window an ordinary one: closing it does not quit
	// the app (the real-window tests open one window after another).
	notMaster bool
	quit      func() // File > Quit and Ctrl+Q; nil = the app's Quit
	// draftPath is the file that keeps the message being written across
	// restarts; "" = not kept.
	draftPath string
}

// mainWindow wires the views together.
type mainWindow struct {
	app      fyne.App
	window   fyne.Window
	settings *Settings
	secrets  Secrets
	async    func(func())
	inboxUI  func(func())
	quit     func()

	store    *store.Store // nil when the store could not be opened
	storeErr error
	inbox    *Inbox
	// remoteDial connects to a remote inbox (nil = imapstore.Dial; tests swap
	// it); remotes are the remote inboxes open, in their own windows.
	remoteDial remoteDialer
	remotes    []*Inbox

	sw         *ServerSwitch
	compose    *Compose
	transcript *Transcript
	tabs       *container.AppTabs
	split      *container.Split // Compose | Transcript
	composeTab *container.TabItem
	inboxTab   *container.TabItem
}

// newMainWindow builds the window without showing it.
func newMainWindow(a fyne.App, opts Options, deps windowDeps) *mainWindow {
	secrets, send, async := deps.secrets, deps.send, deps.async
	m := &mainWindow{app: a, settings: &Settings{prefs: a.Preferences(), opts: opts}, secrets: secrets,
		async: orGo(async), inboxUI: deps.inboxUI, quit: deps.quit}
	if m.quit == nil {
		m.quit = a.Quit
	}
	m.window = a.NewWindow("Letterbox")
	if !deps.notMaster {
		m.window.SetMaster()
	}

	m.transcript = NewTranscript(m.window)
	m.transcript.OnShowMessage = m.showMessage
	m.compose = NewCompose(m.window, a.Preferences(), secrets, m.transcript, send, async)
	m.compose.OnManageServers = func() { m.openSettings(settingsTabServers) }

	m.sw = NewServerSwitch(m.newServer, func() string { return m.settings.Listen() }, async)
	m.sw.OnSettings = func() { m.openSettings(settingsTabServer) }
	m.sw.OnSwitched = m.settings.RememberServerOn
	m.sw.OnChange = func(bool) {
		m.compose.SetLocalServer(m.sw.Addr(), m.sw.Fingerprint())
		if m.inbox != nil {
			m.inbox.SetServerAddr(m.sw.Addr())
		}
	}

	// Compose scrolls when the window is too short for it, and the transcript
	// asks for a fixed minimum: neither side's content can grow the window or
	// move the divider.
	compose := container.NewVScroll(container.NewPadded(m.compose.Build()))
	m.compose.result.onShown = func() {
		compose.Refresh() // take in the panel's height before scrolling to it
		compose.ScrollToBottom()
	}
	transcript := withMinSize(fyne.NewSize(240, 200), container.NewPadded(m.transcript.Build()))
	m.split = container.NewHSplit(compose, transcript)
	m.split.Offset = 0.5
	m.composeTab = container.NewTabItemWithIcon("Compose", theme.MailComposeIcon(), m.split)
	m.inboxTab = container.NewTabItemWithIcon("Inbox", theme.DownloadIcon(), widget.NewLabel(""))
	m.tabs = container.NewAppTabs(m.composeTab, m.inboxTab)
	m.openStore(m.settings.StoreDir())

	top := container.NewVBox(container.NewPadded(m.sw.Build()), widget.NewSeparator())
	m.window.SetContent(newBorder(top, nil, nil, nil, newKeyTabs(m.tabs)))
	m.window.SetMainMenu(m.menu())
	m.window.SetOnDropped(m.onDropped)
	m.window.Canvas().SetOnTypedKey(m.onTypedKey)
	m.window.SetOnClosed(m.saveState)
	m.restoreState(opts)
	if deps.draftPath != "" {
		m.compose.SetDraftFile(deps.draftPath)
	}
	return m
}

// newServer makes the local server over the open store.
func (m *mainWindow) newServer(listen string) (localServer, error) {
	if m.store == nil {
		return nil, fmt.Errorf("the mail store cannot be opened: %w", m.storeErr)
	}
	return configuredServer(m.store, m.settings)(listen)
}

// openStore opens the mail store in dir and shows its inbox, or says in the
// Inbox tab why it cannot.
func (m *mainWindow) openStore(dir string) {
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		m.store, m.storeErr, m.inbox = nil, err, nil
		m.inboxTab.Text = "Inbox"
		m.inboxTab.Content = m.storeProblem(dir, err)
		m.tabs.Refresh()
		return
	}
	m.store, m.storeErr = st, nil
	m.inbox = NewInbox(st, m.async)
	if m.inboxUI != nil {
		m.inbox.setUI(m.inboxUI)
	}
	m.inbox.Window = m.window
	m.inbox.OnUnread = m.setUnread
	m.inbox.OnReply = m.loadDraft
	m.inbox.OnForward = m.loadDraft
	m.inboxTab.Content = m.inbox.Build()
	if m.sw != nil {
		m.inbox.SetServerAddr(m.sw.Addr())
	}
	m.tabs.Refresh()
}

func (m *mainWindow) storeProblem(dir string, err error) fyne.CanvasObject {
	l := widget.NewLabel(fmt.Sprintf("The mail store in %s cannot be opened:\n%v", dir, err))
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.DangerImportance
	choose := widget.NewButtonWithIcon("Choose another folder…", theme.FolderOpenIcon(), func() { m.openSettings(settingsTabStore) })
	return container.NewCenter(container.NewVBox(l, container.NewCenter(choose)))
}

// closeStore stops following the store and closes it.
func (m *mainWindow) closeStore() error {
	if m.inbox != nil {
		m.inbox.Close()
		m.inbox = nil
	}
	if m.store == nil {
		return nil
	}
	err := m.store.Close()
	m.store = nil
	return err
}

func (m *mainWindow) setUnread(n int) {
	if n > 0 {
		m.inboxTab.Text = fmt.Sprintf("Inbox (%d)", n)
	} else {
		m.inboxTab.Text = "Inbox"
	}
	m.tabs.Refresh()
}

// draftPath is where the app keeps the message being written: in its own
// storage folder, beside its preferences.
func draftPath(a fyne.App) string {
	root := a.Storage().RootURI()
	if root == nil || root.Scheme() != "file" {
		return ""
	}
	return filepath.Join(root.Path(), "draft.json")
}

// loadDraft puts a reply or forward into Compose, asking first when it would
// replace a message the user is writing.
func (m *mainWindow) loadDraft(d msg.Draft) {
	load := func() {
		m.tabs.Select(m.composeTab)
		m.compose.Load(d)
		m.compose.FocusTo()
	}
	if !m.compose.HasContent() {
		load()
		return
	}
	m.tabs.Select(m.composeTab)
	dialog.ShowCustomConfirm("Replace the message you are writing?",
		"Replace", "Keep writing",
		widget.NewLabel("Compose holds a message that has not been sent. Replace it with the new one?"),
		func(ok bool) {
			if ok {
				load()
			}
		}, m.window)
}

// showMessage opens a message in the Inbox (the transcript's "Show in Inbox").
func (m *mainWindow) showMessage(id string) {
	if m.inbox == nil {
		return
	}
	m.tabs.Select(m.inboxTab)
	m.inbox.Select(id)
}

// openSettings shows the Settings dialog on a tab and applies what was saved.
func (m *mainWindow) openSettings(tab int) {
	d := &SettingsDialog{window: m.window, settings: m.settings, profiles: profileStore{m.app.Preferences()}, secrets: m.secrets}
	d.OnProfilesChanged = m.compose.RefreshServers
	d.OnApply = m.applySettings
	d.OnServerChanged = m.sw.Restart
	d.Show(tab)
}

// applySettings restarts the local server on a new address and switches to a
// new store folder, as saved in Settings.
func (m *mainWindow) applySettings(listen, dir string) {
	storeChanged := m.store == nil || m.store.Dir() != dir
	if !storeChanged {
		switch {
		case m.sw.Failed(): // the user chose another port after an error: try it
			m.sw.SetOn(true)
		case m.sw.Running() && m.sw.Addr() != listen:
			m.sw.Restart()
		}
		return
	}
	wasOn := m.sw.Running() || m.sw.Failed()
	m.sw.stop(func() {
		if err := m.closeStore(); err != nil {
			dialog.ShowError(fmt.Errorf("closing the old mail store: %w", err), m.window)
		}
		m.openStore(dir)
		if wasOn {
			m.sw.SetOn(true)
		}
	})
}

// shutdown stops the server and closes the store after the window closed.
func (m *mainWindow) shutdown() error {
	errServer := m.sw.Stop()
	if errServer != nil {
		errServer = fmt.Errorf("stopping the local server: %w", errServer)
	}
	errStore := m.closeStore()
	if errStore != nil {
		errStore = fmt.Errorf("closing the mail store: %w", errStore)
	}
	return errors.Join(errServer, errStore)
}

// onDropped attaches files dropped anywhere on the window and shows Compose.
func (m *mainWindow) onDropped(_ fyne.Position, uris []fyne.URI) {
	var paths []string
	for _, u := range uris {
		if u.Scheme() == "file" {
			paths = append(paths, u.Path())
		}
	}
	if len(paths) == 0 {
		return
	}
	m.tabs.Select(m.composeTab)
	if err := m.compose.AddFiles(paths); err != nil {
		dialog.ShowError(err, m.window)
	}
}

// onTypedKey handles keys that reach the window with no widget focused:
// Escape and Enter answer the dialog on top; Delete removes the message
// shown in the Inbox.
func (m *mainWindow) onTypedKey(ev *fyne.KeyEvent) {
	if dialogKey(m.window.Canvas(), ev.Name) {
		return
	}
	if ev.Name == fyne.KeyDelete && m.window.Canvas().Overlays().Top() == nil {
		m.deleteMessage()
	}
}

func (m *mainWindow) deleteMessage() {
	if m.tabs.Selected() == m.inboxTab && m.inbox != nil {
		m.inbox.DeleteSelected()
	}
}

func (m *mainWindow) send() {
	m.tabs.Select(m.composeTab)
	m.compose.onSend()
}

func (m *mainWindow) find() {
	if m.inbox == nil {
		return
	}
	if m.tabs.Selected() == m.inboxTab && m.inbox.view.FocusFind() {
		return // the Raw tab is shown: find within the message
	}
	m.tabs.Select(m.inboxTab)
	m.inbox.FocusSearch()
}

// newMessage clears Compose for a new message, asking first when the current
// one has content.
func (m *mainWindow) newMessage() {
	m.tabs.Select(m.composeTab)
	if !m.compose.HasContent() {
		m.compose.FocusTo()
		return
	}
	dialog.ShowConfirm("New message", "Discard the message you are writing?", func(ok bool) {
		if ok {
			m.compose.Clear()
			m.compose.FocusTo()
		}
	}, m.window)
}

// menu is the window's menu; its shortcuts work wherever the focus is, which
// is why Send, New, Find and Settings live here (a focused Entry keeps other
// shortcuts to itself).
func (m *mainWindow) menu() *fyne.MainMenu {
	ctrl := fyne.KeyModifierShortcutDefault
	item := func(label string, key fyne.KeyName, mod fyne.KeyModifier, f func()) *fyne.MenuItem {
		it := fyne.NewMenuItem(label, f)
		if key != "" {
			it.Shortcut = &desktop.CustomShortcut{KeyName: key, Modifier: mod}
		}
		return it
	}
	quit := item("Quit", fyne.KeyQ, ctrl, func() { m.saveState(); m.quit() }) // Run then stops the server and closes the store
	quit.IsQuit = true
	file := fyne.NewMenu("File",
		item("New message", fyne.KeyN, ctrl, m.newMessage),
		item("Send", fyne.KeyReturn, ctrl, m.send),
		item("Attach file…", "", 0, func() { m.tabs.Select(m.composeTab); m.compose.attachments.pick(m.window) }),
		fyne.NewMenuItemSeparator(),
		item("Settings…", fyne.KeyComma, ctrl, func() { m.openSettings(settingsTabServer) }),
		fyne.NewMenuItemSeparator(),
		quit,
	)
	mail := fyne.NewMenu("Mailbox",
		item("Search", fyne.KeyF, ctrl, m.find),
		item("Delete message", fyne.KeyDelete, 0, m.deleteMessage),
		item("Mark read/unread", fyne.KeyU, ctrl, func() {
			if m.inbox != nil {
				m.tabs.Select(m.inboxTab)
				m.inbox.ToggleRead()
			}
		}),
		fyne.NewMenuItemSeparator(),
		item("Open remote inbox…", "", 0, m.openRemote),
		fyne.NewMenuItemSeparator(),
		item("Local server on/off", fyne.KeyL, ctrl, func() { m.sw.SetOn(!m.sw.Running()) }),
	)
	view := fyne.NewMenu("View",
		item("Compose", fyne.Key1, fyne.KeyModifierAlt, func() { m.tabs.Select(m.composeTab) }),
		item("Inbox", fyne.Key2, fyne.KeyModifierAlt, func() { m.tabs.Select(m.inboxTab) }),
	)
	return fyne.NewMainMenu(file, mail, view)
}
