package app

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"letterbox/smtpcore"
	"letterbox/smtpcore/msg"
	"letterbox/smtpcore/msg/lint"
)

// MessageView shows one stored message: a summary with the envelope, the
// attachments (a wrapping grid with image thumbnails, Save all… pinned
// above it), and tabs for the text, the HTML (sanitised and drawn as rich
// text by htmlView, or a sanitised copy in the browser), the HTML source, the
// header fields (decoded or raw), the raw source (with Find), the MIME tree
// (each part's headers and content, Save part…, Open) and the SMTP session
// that delivered it.
//
// Methods run on the Fyne goroutine. Reading the message runs through the
// async seam and comes back through ui.
type MessageView struct {
	// Window hosts dialogs (Save As, confirmations, errors); set before Build.
	Window fyne.Window
	// OnReply and OnForward receive a draft for Compose.
	OnReply, OnForward func(d msg.Draft)
	// OnDeleted is called after the shown message was deleted.
	OnDeleted func(id string)
	// traceShow and traceFilled, when set, are called on the Fyne goroutine
	// when Show starts and when the view is filled: the benchmarks' probes.
	traceShow, traceFilled func(id string)

	st    InboxStore
	async func(func())
	ui    func(func())
	files *messageFiles

	seq  int          // bumped by every Show and Clear; stale loads are dropped
	data *messageData // what is shown, nil when empty

	empty, problem                       *widget.Label
	content                              *fyne.Container
	summary, htmlBar                     *fyne.Container
	attach                               *messageAttachments
	tabs                                 *container.AppTabs
	textNote, htmlNote                   *widget.Label
	text                                 *messageBody
	html                                 *htmlView
	openHTML                             *widget.Button
	htmlSource                           *messageMono
	htmlSourceNote                       *widget.Label
	htmlSourceCopy                       *widget.Button
	headers                              *fyne.Container
	headersScroll                        *container.Scroll
	headersRaw                           *messageMono
	headersRawCheck                      *widget.Check
	headersCopy                          *widget.Button
	headersNote, rawNote                 *widget.Label
	raw                                  *messageTextView
	parts                                *messageParts
	findings                             *findingsView
	session                              *widget.RichText
	sessionInfo                          *fyne.Container
	reply, forward, saveEML, del, delAll *widget.Button
	toolbar                              *fyne.Container
}

func newMessageView(st InboxStore, async, ui func(func()), files *messageFiles) *MessageView {
	return &MessageView{st: st, async: async, ui: ui, files: files}
}

// Build makes the view's widgets. Call it once.
func (v *MessageView) Build() fyne.CanvasObject {
	v.buildToolbar()
	v.empty = widget.NewLabelWithStyle("Select a message to read it.", fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
	v.problem = widget.NewLabel("")
	v.problem.Importance = widget.WarningImportance
	v.problem.Wrapping = fyne.TextWrapWord
	v.problem.Hide()
	v.summary = container.New(messageFormLayout{})
	v.attach = newMessageAttachments(v)
	v.buildTabs()
	top := container.NewVBox(v.summary, v.problem, v.attach.obj)
	v.content = container.New(messageTopLayout{top: top}, container.NewVScroll(top), newKeyTabs(v.tabs))
	v.content.Hide()
	return newBorder(v.toolbar, nil, nil, nil, container.NewStack(container.NewCenter(v.empty), v.content))
}

func (v *MessageView) buildToolbar() {
	v.reply = widget.NewButtonWithIcon("Reply", theme.MailReplyIcon(), v.onReply)
	v.forward = widget.NewButtonWithIcon("Forward", theme.MailForwardIcon(), v.onForward)
	v.saveEML = widget.NewButtonWithIcon("Save as .eml", theme.DocumentSaveIcon(), v.onSaveEML)
	v.del = widget.NewButtonWithIcon("Delete", theme.DeleteIcon(), v.deleteShown)
	v.delAll = widget.NewButtonWithIcon("Delete all…", theme.DeleteIcon(), v.onDeleteAll)
	v.delAll.Importance = widget.DangerImportance
	v.toolbar = newShrinkRow(v.reply, v.forward, v.saveEML, v.del, layout.NewSpacer(), v.delAll)
	v.setActions(false)
}

func (v *MessageView) setActions(on bool) {
	for _, b := range []*widget.Button{v.reply, v.forward, v.saveEML, v.del} {
		if on {
			b.Enable()
		} else {
			b.Disable()
		}
	}
}

// messageTabMinHeight is the least height a tab with its own scrolling
// lists asks for: with the summary and the attachments above the tabs, the
// message view must fit an 800×600 window (TestRealLayout).
const messageTabMinHeight = 72

// The message's tabs, in order.
const (
	messageTabText = iota
	messageTabHTML
	messageTabHTMLSource
	messageTabHeaders
	messageTabRaw
	messageTabParts
	messageTabFindings
	messageTabSession
)

func (v *MessageView) buildTabs() {
	v.text, v.textNote = newMessageBody(), messageNote()
	v.html, v.htmlNote = newHTMLView(v.async, v.ui), messageNote()
	v.openHTML = widget.NewButtonWithIcon("Open in browser", theme.ComputerIcon(), v.onOpenHTML)
	v.raw = newMessageTextView()
	v.rawNote = messageNote()
	v.parts = newMessageParts(v)
	v.findings = newFindingsView()
	v.session = widget.NewRichText()
	v.session.Wrapping = fyne.TextWrapBreak
	v.sessionInfo = container.New(messageFormLayout{})
	sanitised := widget.NewLabel("a sanitised copy: no scripts, no remote content")
	sanitised.Truncation = fyne.TextTruncateEllipsis
	v.htmlBar = newBorder(nil, nil, v.openHTML, nil, sanitised)
	htmlTop := container.NewVBox(v.htmlBar, v.htmlNote)
	v.tabs = container.NewAppTabs(
		container.NewTabItem("Text", container.NewBorder(v.textNote, nil, nil, nil, v.text.obj)),
		container.NewTabItem("HTML", container.NewBorder(htmlTop, nil, nil, nil, v.html.CanvasObject())),
		container.NewTabItem("HTML source", v.buildHTMLSourceTab()),
		container.NewTabItem("Headers", v.buildHeadersTab()),
		container.NewTabItem("Raw", withMinSize(fyne.NewSize(0, messageTabMinHeight), container.NewBorder(v.rawNote, nil, nil, nil, v.raw.obj))),
		container.NewTabItem("MIME", v.parts.obj),
		container.NewTabItem("Findings", withMinSize(fyne.NewSize(0, messageTabMinHeight), v.findings.object())),
		// One scroll for the delivery's facts and its transcript: the tab
		// asks for little height, so the message view fits 800×600.
		container.NewTabItem("Session", container.NewVScroll(container.NewBorder(v.sessionInfo, nil, nil, nil, v.session))),
	)
}

// FocusFind puts the keyboard focus in the Raw tab's search field
// when that tab is shown (or the HTML source's, when it is long enough to
// have one) and reports whether it did; the window's Ctrl+F asks here first.
func (v *MessageView) FocusFind() bool {
	if v.tabs == nil || v.data == nil || !v.content.Visible() {
		return false
	}
	switch v.tabs.SelectedIndex() {
	case messageTabRaw:
		v.raw.FocusFind()
		return true
	case messageTabHTMLSource:
		if v.htmlSource.long.obj.Visible() {
			v.htmlSource.long.FocusFind()
			return true
		}
	}
	return false
}

// messageNote is a small italic line that explains what a tab shows.
func messageNote() *widget.Label {
	l := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
	l.Wrapping = fyne.TextWrapWord
	l.Hide()
	return l
}

func messageSetNote(l *widget.Label, text string) {
	l.SetText(text)
	if text == "" {
		l.Hide()
	} else {
		l.Show()
	}
}

// Show loads message id off the UI goroutine and shows it. The previous
// message stays on screen until the new one is ready.
func (v *MessageView) Show(id string) {
	if v.traceShow != nil {
		v.traceShow(id)
	}
	v.seq++
	seq, st := v.seq, v.st
	v.setActions(false)
	v.async(func() {
		d, err := loadMessage(st, id)
		v.ui(func() {
			if seq != v.seq {
				return // another message was chosen meanwhile
			}
			if err != nil {
				v.showMissing(id, err)
				return
			}
			v.fill(d)
		})
	})
}

// Clear empties the view (nothing selected, or the message is gone).
func (v *MessageView) Clear() {
	v.seq++
	v.data = nil
	v.setActions(false)
	v.html.SetHTML("", nil) // stops a fetch of remote images in flight
	v.parts.leaveHTML()
	v.content.Hide()
	v.empty.SetText("Select a message to read it.")
	v.empty.Show()
}

// showMissing says why a message could not be opened.
func (v *MessageView) showMissing(id string, err error) {
	v.Clear()
	v.empty.SetText(fmt.Sprintf("Cannot open message %s:\n%v", id, err))
}

// showProblem reports an error that does not stop the view, under the summary.
func (v *MessageView) showProblem(err error) {
	if err == nil {
		v.showNote("")
		return
	}
	v.showNote(err.Error())
}

// showNote puts text in the problem line above the message ("" hides it).
func (v *MessageView) showNote(text string) {
	if text == "" {
		v.problem.Hide()
		return
	}
	v.problem.SetText(text)
	v.problem.Show()
}

// showError tells the user about a failed action, in a dialog when there is
// a window.
func (v *MessageView) showError(action string, err error) {
	err = fmt.Errorf("%s: %w", action, err)
	if v.Window != nil {
		dialog.ShowError(err, v.Window)
		return
	}
	v.showProblem(err)
}

// fill puts d on screen.
func (v *MessageView) fill(d *messageData) {
	v.data = d
	v.fillSummary(d)
	v.fillDamage(d)
	v.attach.set(d)
	v.fillBodies(d)
	v.fillHTMLSource(d)
	v.fillHeaders(d)
	v.fillRaw(d)
	v.parts.set(d.view.Parts)
	v.fillFindings(d)
	v.fillSession(d)
	v.empty.Hide()
	v.content.Show()
	v.setActions(true)
	if v.traceFilled != nil {
		v.traceFilled(d.id)
	}
}

// fillFindings shows the conformance findings, and their count on the tab.
func (v *MessageView) fillFindings(d *messageData) {
	v.findings.set(d.rawBytes, d.findings)
	title := "Findings"
	if c := lint.Count(d.findings); c.Error+c.Warning > 0 {
		title = fmt.Sprintf("Findings (%d)", c.Error+c.Warning)
	}
	if tab := v.tabs.Items[messageTabFindings]; tab.Text != title {
		tab.Text = title
		v.tabs.Refresh()
	}
}

// fillDamage says what was wrong with a damaged message, in a few lines.
func (v *MessageView) fillDamage(d *messageData) {
	if d.damage == nil {
		v.showProblem(nil)
		return
	}
	lines := strings.Split(d.damage.Error(), "\n")
	if len(lines) > 4 {
		lines = append(lines[:4], fmt.Sprintf("… and %d more problems", len(lines)-4))
	}
	v.showNote("This message is damaged; it is shown as far as it could be read:\n" + strings.Join(lines, "\n"))
}

// fillSummary writes From, To, Cc, the envelope, Subject, Date, size and
// the session's TLS and AUTH.
func (v *MessageView) fillSummary(d *messageData) {
	var rows []fyne.CanvasObject
	add := func(key, value string) {
		if strings.TrimSpace(value) == "" {
			return
		}
		k := widget.NewLabelWithStyle(key, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
		val := widget.NewLabel(messageClip(value, messageMaxField))
		val.Wrapping = fyne.TextWrapWord
		val.Selectable = true
		rows = append(rows, k, val)
	}
	w := d.view
	subject := w.Subject
	if strings.TrimSpace(subject) == "" {
		subject = "(no subject)"
	}
	add("Subject", subject)
	add("From", w.From)
	add("To", w.To)
	add("Cc", w.Cc)
	if d.rec != nil {
		from := d.rec.MailFrom
		if from == "" {
			from = "<> (null sender)"
		}
		add("Envelope", "from "+from+" to "+strings.Join(d.envelopeRcpts(), ", "))
	}
	add("Date", messageDate(w.Date, d.sum.Received))
	add("Delivery", messageDelivery(d))
	v.summary.Objects = rows
	v.summary.Refresh()
}

// messageDate shows the header date and, when it differs, when it arrived.
func messageDate(date, received time.Time) string {
	const f = "Mon, 2 Jan 2006 15:04:05 -0700"
	switch {
	case date.IsZero() && received.IsZero():
		return ""
	case date.IsZero():
		return "(no Date header); received " + received.Local().Format(f)
	case received.IsZero() || date.Sub(received).Abs() < time.Minute:
		return date.Format(f)
	}
	return date.Format(f) + " (received " + received.Local().Format(f) + ")"
}

// messageDelivery summarises the size and the delivering session's
// protocol, TLS and AUTH.
func messageDelivery(d *messageData) string {
	parts := []string{smtpcore.FormatSize(d.sum.Size)}
	if d.rec != nil {
		if d.rec.Protocol != "" {
			parts = append(parts, d.rec.Protocol)
		}
		if t := d.rec.TLS; t != nil {
			parts = append(parts, "TLS "+strings.TrimPrefix(t.Version, "TLS ")+" "+t.Cipher)
		} else {
			parts = append(parts, "no TLS")
		}
		if d.rec.AuthUser != "" {
			parts = append(parts, "AUTH as "+d.rec.AuthUser)
		}
	}
	return strings.Join(parts, " · ")
}
