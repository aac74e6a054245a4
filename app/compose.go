package app

import (
	"context"
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"letterbox/smtpcore"
	"letterbox/smtpcore/msg"
)

// localTarget is the server picker's name for the in-process server.
const localTarget = "This computer (Letterbox)"

const (
	prefFrom   = "compose.from"
	prefTarget = "compose.server"
)

var errRequired = errors.New("required")

// SendFunc sends one message; smtpcore.Send in the app, a fake in tests. It is
// called off the UI goroutine and calls cfg.Events on its own goroutine.
type SendFunc func(ctx context.Context, cfg smtpcore.ClientConfig, env smtpcore.Envelope,
	build func(allow8bit bool) (smtpcore.Message, error)) (*smtpcore.Result, error)

// Compose is the Compose tab: server picker, addresses checked as typed,
// subject, text and HTML bodies, attachments, and Send with progress, Cancel
// and a result per recipient. Its conversation shows live in a Transcript.
//
// All methods run on the Fyne goroutine; the SMTP conversation runs through async.
type Compose struct {
	// OnManageServers opens Settings at the saved servers.
	OnManageServers func()

	window     fyne.Window
	prefs      fyne.Preferences
	profiles   profileStore
	secrets    Secrets
	send       SendFunc
	async      func(func())
	transcript *Transcript
	recent     recentList

	localAddr, localFingerprint string // the running local server, "" when off

	server         *widget.Select
	from           *addressField
	to, cc, bcc    *addressField
	subject        *widget.Entry
	body, html     *bodyEntry
	bodies         *container.AppTabs
	bodiesKeys     *keyTabs // the Text/HTML tab bar in the focus walk
	attachments    *attachmentList
	sendBtn        *widget.Button
	cancelBtn      *widget.Button
	progress       *widget.ProgressBar
	status         *widget.Label
	result         *resultPanel // the last send's outcome, one row per recipient
	progressUpdate coalescer
	progressVal    progressValue

	drafts     *draftFile  // nil = the draft is not kept on disk
	draftTimer *time.Timer // the pending draft save
	restoring  bool        // a saved draft is being loaded: not a change

	cancel      context.CancelFunc // non-nil while sending
	reasonShown bool               // the status line says why Send is disabled
	picking     bool               // refreshTargets is choosing, not the user
}

// NewCompose returns the Compose view. send nil means smtpcore.Send, async nil
// means goroutines, secrets nil means no keyring: a password is asked once and kept in memory
// until the app quits.
func NewCompose(w fyne.Window, prefs fyne.Preferences, secrets Secrets, t *Transcript, send SendFunc, async func(func())) *Compose {
	if send == nil {
		send = smtpcore.Send
	}
	c := &Compose{
		window: w, prefs: prefs, profiles: profileStore{prefs}, secrets: secrets,
		send: send, async: orGo(async), transcript: t, recent: recentList{prefs},
	}
	c.progressUpdate.run = c.showProgress
	c.buildWidgets()
	return c
}

func (c *Compose) buildWidgets() {
	c.server = widget.NewSelect(nil, func(name string) {
		if !c.picking {
			c.prefs.SetString(prefTarget, name)
		}
		c.validate()
	})
	c.from = newAddressField("you@example.org", true, true, nil, c.addressChanged)
	c.from.SetText(c.prefs.String(prefFrom))
	c.to = newAddressField("name@example.org, another@example.org", false, false, &c.recent, c.addressChanged)
	c.cc = newAddressField("", false, false, &c.recent, c.addressChanged)
	c.bcc = newAddressField("", false, false, &c.recent, c.addressChanged)
	c.subject = widget.NewEntry()
	c.subject.SetPlaceHolder("Subject")
	c.body = newBodyEntry(c.tabFromText)
	c.body.SetPlaceHolder("Message text")
	c.html = newBodyEntry(c.tabFromHTML)
	c.html.SetPlaceHolder("<p>Optional HTML version, sent as multipart/alternative with the text</p>")
	c.attachments = newAttachmentList(c.draftChanged)
	for _, e := range []*widget.Entry{c.subject, &c.body.Entry, &c.html.Entry} {
		e.OnChanged = func(string) { c.draftChanged() }
	}
	c.sendBtn = widget.NewButtonWithIcon("Send", theme.MailSendIcon(), c.onSend)
	c.sendBtn.Importance = widget.HighImportance
	c.cancelBtn = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), c.onCancel)
	c.cancelBtn.Hide()
	c.progress = widget.NewProgressBar()
	c.progress.Hide()
	c.status = widget.NewLabel("")
	c.status.Truncation = fyne.TextTruncateEllipsis
	c.result = newResultPanel()
	c.refreshTargets()
}

// Build returns the form with the send bar.
func (c *Compose) Build() fyne.CanvasObject {
	manage := widget.NewButtonWithIcon("", theme.SettingsIcon(), func() {
		if c.OnManageServers != nil {
			c.OnManageServers()
		}
	})
	form := widget.NewForm(
		widget.NewFormItem("Server", container.NewBorder(nil, nil, nil, manage, c.server)),
		widget.NewFormItem("From", c.from.Build()),
		widget.NewFormItem("To", c.to.Build()),
		widget.NewFormItem("Cc", c.cc.Build()),
		widget.NewFormItem("Bcc", c.bcc.Build()),
		widget.NewFormItem("Subject", c.subject),
	)
	c.bodies = container.NewAppTabs(
		container.NewTabItem("Text", c.body),
		container.NewTabItem("HTML (optional)", c.html),
	)
	sendBar := newBorder(nil, nil, container.NewHBox(c.sendBtn, c.cancelBtn), nil,
		container.NewStack(c.status, c.progress))
	bottom := container.NewVBox(c.attachments.Build(c.window), widget.NewSeparator(), sendBar, c.result.Build())
	c.validate()
	// Children in visual order, so Tab walks Server … Subject, the bodies,
	// the attachments, Add file and Send.
	c.bodiesKeys = newKeyTabs(c.bodies)
	root := newBorder(form, bottom, nil, nil, c.bodiesKeys)
	for _, f := range []*addressField{c.from, c.to, c.cc, c.bcc} {
		f.relayout = func() { form.Refresh(); root.Refresh() }
	}
	return root
}

// tabFromText moves the focus on from the text body: Tab to the HTML body
// (showing its tab), Shift+Tab back to Subject.
func (c *Compose) tabFromText(back bool) {
	cv := c.canvas()
	if cv == nil {
		return
	}
	if back {
		// Fyne's reverse focus walk passes over a focusable parent, so the
		// tab bar is focused by name.
		cv.Focus(c.bodiesKeys)
		return
	}
	c.bodies.SelectIndex(1)
	cv.Focus(c.html)
}

// tabFromHTML moves the focus on from the HTML body: Shift+Tab back to the
// text body (showing its tab), Tab to what follows the bodies.
func (c *Compose) tabFromHTML(back bool) {
	cv := c.canvas()
	if cv == nil {
		return
	}
	if back {
		c.bodies.SelectIndex(0)
		cv.Focus(c.body)
		return
	}
	cv.FocusNext()
	if strings.TrimSpace(c.html.Text) == "" {
		c.bodies.SelectIndex(0) // no HTML written: the text is what the message is
	}
}

func (c *Compose) canvas() fyne.Canvas {
	if c.window != nil {
		return c.window.Canvas()
	}
	return fyne.CurrentApp().Driver().CanvasForObject(c.body)
}

// SetLocalServer tells Compose where the in-process server listens ("" when it
// is off) and its certificate fingerprint, and refreshes the server picker.
func (c *Compose) SetLocalServer(addr, fingerprint string) {
	c.localAddr, c.localFingerprint = addr, fingerprint
	c.refreshTargets()
}

// RefreshServers reloads the saved profiles into the server picker.
func (c *Compose) RefreshServers() { c.refreshTargets() }

func (c *Compose) refreshTargets() {
	var opts []string
	if c.localAddr != "" {
		opts = append(opts, localTarget)
	}
	for _, p := range c.profiles.List() {
		opts = append(opts, p.Name)
	}
	c.server.SetOptions(opts)
	c.server.PlaceHolder = "Switch on the local server or add a server"
	// The remembered choice wins when it is available again (the local
	// server comes on a moment after launch); choosing for the user here is
	// not remembered.
	c.picking = true
	defer func() { c.picking = false }()
	switch want := c.prefs.String(prefTarget); {
	case contains(opts, want):
		c.server.SetSelected(want)
	case contains(opts, c.server.Selected):
	case len(opts) > 0:
		c.server.SetSelected(opts[0])
	default:
		c.server.ClearSelected()
	}
	c.validate()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// addressChanged checks the form again and keeps the draft.
func (c *Compose) addressChanged() {
	c.validate()
	c.draftChanged()
}

// validate enables Send when a server is chosen, every address is valid and
// there is at least one recipient, and says what is missing otherwise.
func (c *Compose) validate() {
	if c.sendBtn == nil || c.status == nil {
		return
	}
	if c.cancel != nil {
		c.sendBtn.Disable()
		return
	}
	reason := c.missing()
	if reason != "" {
		c.sendBtn.Disable()
	} else {
		c.sendBtn.Enable()
	}
	if c.progress.Visible() || (reason == "" && !c.reasonShown) {
		return // keep the outcome of the last send on show
	}
	c.status.Importance = widget.LowImportance
	c.status.SetText(reason)
	c.reasonShown = reason != ""
}

// missing says why the message cannot be sent yet, or "".
func (c *Compose) missing() string {
	switch {
	case c.server.Selected == "":
		return "Choose a server: switch on the local server, or add one in Settings"
	case !c.from.Valid():
		return "Enter a valid From address"
	case !c.to.Valid() || !c.cc.Valid() || !c.bcc.Valid():
		return "Correct the marked address"
	case c.to.Count()+c.cc.Count()+c.bcc.Count() == 0:
		return "Add at least one recipient"
	}
	return ""
}

// CanSend reports whether Send is enabled.
func (c *Compose) CanSend() bool { return !c.sendBtn.Disabled() }

// Draft returns the message as composed.
func (c *Compose) Draft() msg.Draft {
	return msg.Draft{
		From:        strings.TrimSpace(c.from.Text()),
		To:          nonEmpty(c.to.Text()),
		Cc:          nonEmpty(c.cc.Text()),
		Bcc:         nonEmpty(c.bcc.Text()),
		Subject:     c.subject.Text,
		Text:        c.body.Text,
		HTML:        c.html.Text,
		Attachments: c.attachments.Draft(),
	}
}

func nonEmpty(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return []string{s}
}

// Load fills the form from d (Reply, Forward, or a saved draft); an empty
// From in d keeps the remembered one. Attachments that cannot be read are
// reported in the status line.
func (c *Compose) Load(d msg.Draft) {
	c.Clear()
	if d.From != "" {
		c.from.SetText(d.From)
	}
	c.to.SetText(strings.Join(d.To, ", "))
	c.cc.SetText(strings.Join(d.Cc, ", "))
	c.bcc.SetText(strings.Join(d.Bcc, ", "))
	c.subject.SetText(d.Subject)
	c.body.SetText(d.Text)
	c.html.SetText(d.HTML)
	var paths []string
	for _, a := range d.Attachments {
		paths = append(paths, a.Path)
	}
	if err := c.attachments.Add(paths); err != nil {
		c.status.Importance = widget.DangerImportance
		c.status.SetText(err.Error())
	}
	c.validate()
}

// afterSent is called on the Fyne goroutine when a message was accepted for
// every recipient: the message is done, so Compose starts a new one and
// Ctrl+Enter cannot send it twice. The result panel keeps what was sent.
func (c *Compose) afterSent() {
	c.Clear()
	c.saveDraftNow() // at once: a crash now must not bring the sent message back
}

// Clear empties the message for a new one; the server and From stay.
func (c *Compose) Clear() {
	for _, f := range []*addressField{c.to, c.cc, c.bcc} {
		f.SetText("")
	}
	c.subject.SetText("")
	c.body.SetText("")
	c.html.SetText("")
	if c.bodies != nil {
		c.bodies.SelectIndex(0)
	}
	c.attachments.Clear()
	c.validate()
}

// HasContent reports whether the message has anything a user would not want
// to lose: recipients, subject, text or attachments.
func (c *Compose) HasContent() bool {
	for _, s := range []string{c.to.Text(), c.cc.Text(), c.bcc.Text(), c.subject.Text, c.body.Text, c.html.Text} {
		if strings.TrimSpace(s) != "" {
			return true
		}
	}
	return len(c.attachments.items) > 0
}

// AddFiles attaches the files at paths (the file picker and drag-and-drop).
func (c *Compose) AddFiles(paths []string) error { return c.attachments.Add(paths) }

// Attachments returns the attached files' names, in order.
func (c *Compose) Attachments() []string {
	var out []string
	for _, a := range c.attachments.items {
		out = append(out, a.Name)
	}
	return out
}

// RemoveAttachment removes the i-th attachment, as its remove button does.
func (c *Compose) RemoveAttachment(i int) { c.attachments.Remove(i) }

// FocusTo puts the keyboard focus in the To field.
func (c *Compose) FocusTo() {
	if cv := fyne.CurrentApp().Driver().CanvasForObject(c.to.entry); cv != nil {
		cv.Focus(c.to.entry)
	}
}

// Sending reports whether a message is being sent.
func (c *Compose) Sending() bool { return c.cancel != nil }

// Status returns the status line under the form.
func (c *Compose) Status() string { return c.status.Text }
