package app

import (
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"letterbox/smtpcore"
)

// resultRows is how many text rows the panel shows before it scrolls: its
// height is fixed, so a result never pushes the window bigger or moves a
// divider, whatever the number of recipients or the length of a reply.
const resultRows = 2.5

// sendOutcome is what the result panel shows of one send.
type sendOutcome struct {
	Title   string           // "Sent", "Sent to some recipients", "Not sent"
	Subject string           // the message's subject
	To      []string         // the envelope recipients
	When    time.Time        // when the send ended
	Res     *smtpcore.Result // what the server answered; nil when nothing was learned
	Err     error            // nil on success
	Explain string           // Err in words (explainSendError)
}

// resultPanel shows the outcome of the last send inside Compose: a summary
// line, the error in words with its technical text behind Details, one row
// per recipient with the server's reply, and the reply to the message itself.
// It is hidden until a send ends and has a fixed height, its text wrapping
// and scrolling inside. Fyne goroutine only.
type resultPanel struct {
	root       *fyne.Container // hidden while there is nothing to show
	rows       *fyne.Container
	scroll     *container.Scroll
	summary    *widget.Label
	explain    *widget.Label
	details    *widget.Label // the error's own text, selectable
	detailsRow *fyne.Container
	detailsBtn *widget.Button
	closeBtn   *widget.Button
	copyBtn    *widget.Button

	// onShown is called after a result appears (Fyne goroutine): the window
	// scrolls Compose so that the panel is in sight on a short screen.
	onShown func()
}

func newResultPanel() *resultPanel {
	p := &resultPanel{
		summary: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		explain: widget.NewLabel(""),
		details: &widget.Label{Selectable: true, Wrapping: fyne.TextWrapBreak, TextStyle: fyne.TextStyle{Monospace: true}},
		rows:    container.New(layout.NewCustomPaddedVBoxLayout(0)),
	}
	p.details.ExtendBaseWidget(p.details)
	p.summary.Wrapping = fyne.TextWrapWord
	p.explain.Wrapping = fyne.TextWrapWord
	p.explain.Importance = widget.DangerImportance
	p.copyBtn = widget.NewButtonWithIcon("", theme.ContentCopyIcon(), func() {
		fyne.CurrentApp().Clipboard().SetContent(p.details.Text)
	})
	p.copyBtn.Importance = widget.LowImportance
	p.detailsRow = container.NewBorder(nil, nil, nil, p.copyBtn, p.details)
	p.detailsBtn = widget.NewButton("Details", p.toggleDetails)
	p.closeBtn = widget.NewButtonWithIcon("", theme.WindowCloseIcon(), p.Clear)
	p.closeBtn.Importance = widget.LowImportance

	p.scroll = container.NewVScroll(p.rows)
	rowH := widget.NewLabel("Xg").MinSize().Height
	p.scroll.SetMinSize(fyne.NewSize(0, rowH*resultRows))
	buttons := container.NewVBox(p.closeBtn, p.detailsBtn)
	p.root = container.NewBorder(widget.NewSeparator(), nil, nil, buttons, p.scroll)
	p.root.Hide()
	return p
}

// Build returns the panel; it stays hidden until a send ends.
func (p *resultPanel) Build() fyne.CanvasObject { return p.root }

// Show replaces the panel's content with the outcome of a send and shows it.
func (p *resultPanel) Show(o sendOutcome) {
	p.rows.RemoveAll()
	p.summary.SetText(smtpcore.Printable(summaryLine(o)))
	p.summary.Importance = widget.MediumImportance
	p.rows.Add(p.summary)
	if o.Err != nil {
		p.summary.Importance = widget.DangerImportance
		p.explain.SetText(smtpcore.Printable(o.Explain))
		p.rows.Add(p.explain)
		p.details.SetText(smtpcore.Printable(o.Err.Error()))
		p.rows.Add(p.detailsRow)
	}
	p.detailsRow.Hide()
	p.detailsBtn.SetText("Details")
	if o.Err != nil && o.Err.Error() != o.Explain {
		p.detailsBtn.Show()
	} else {
		p.detailsBtn.Hide()
	}
	if o.Res != nil {
		for _, r := range o.Res.Rcpts {
			p.rows.Add(rcptRow(r, o.Err))
		}
		if o.Res.Data != nil {
			p.rows.Add(replyRow("Message", o.Res.Data, o.Res.Data.Positive()))
		}
	}
	p.summary.Refresh()
	p.scroll.ScrollToTop()
	p.root.Show()
	p.root.Refresh()
	if p.onShown != nil {
		p.onShown()
	}
}

// Clear empties and hides the panel (the close button, a new send).
func (p *resultPanel) Clear() {
	p.rows.RemoveAll()
	p.details.SetText("")
	p.root.Hide()
	p.root.Refresh()
}

// Visible reports whether a result is on show.
func (p *resultPanel) Visible() bool { return p.root.Visible() }

// Text returns the panel's rows as lines, for tests and accessibility checks.
func (p *resultPanel) Text() string {
	var b strings.Builder
	for _, o := range p.rows.Objects {
		if !o.Visible() {
			continue
		}
		for _, l := range labelsIn(o) {
			b.WriteString(l.Text)
			b.WriteString("\n")
		}
	}
	return b.String()
}

// Details returns the error's technical text, shown or not.
func (p *resultPanel) Details() string { return p.details.Text }

// DetailsShown reports whether the technical text is on show.
func (p *resultPanel) DetailsShown() bool { return p.detailsRow.Visible() && p.root.Visible() }

func (p *resultPanel) toggleDetails() {
	if p.detailsRow.Visible() {
		p.detailsRow.Hide()
		p.detailsBtn.SetText("Details")
	} else {
		p.detailsRow.Show()
		p.detailsBtn.SetText("Hide details")
	}
	p.rows.Refresh()
}

// summaryLine says what was sent and when, short enough for a line or two:
// the recipients have their own rows once the server has answered for them,
// so they are named here only when it has not.
func summaryLine(o sendOutcome) string {
	s := o.Title
	if o.Subject != "" || len(o.To) > 0 {
		s += ": " + subjectForHumans(o.Subject)
	}
	if len(o.To) > 0 && (o.Res == nil || len(o.Res.Rcpts) == 0) {
		s += " to " + strings.Join(o.To, ", ")
	}
	if !o.When.IsZero() {
		s += " at " + o.When.Format("15:04:05")
	}
	if o.Res != nil && o.Res.QueueID != "" {
		s += " · queued as " + o.Res.QueueID
	}
	return s
}

// rcptRow is one recipient: its verdict and the server's reply to its RCPT.
// The verdict is the outcome for that recipient, not only its RCPT's: one
// whose RCPT was accepted is "accepted" only when the message was too (err
// nil), "outcome unknown" when no answer came after the message
// (smtpcore.ErrUnknownOutcome), and "not sent" when the send failed later.
func rcptRow(r smtpcore.RcptResult, err error) fyne.CanvasObject {
	verdict, ok := "accepted", r.Accepted && err == nil
	switch {
	case !r.Accepted:
		verdict = "refused"
	case errors.Is(err, smtpcore.ErrUnknownOutcome):
		verdict = "outcome unknown"
	case err != nil:
		verdict = "not sent"
	}
	return replyRow(r.Addr+" — "+verdict, r.Reply, ok)
}

// replyRow shows what with the server's reply: an icon and a colour from the
// reply code, 4xx in the warning colour and 5xx in the error colour.
func replyRow(what string, reply *smtpcore.Reply, ok bool) fyne.CanvasObject {
	text := what
	if reply != nil {
		text += ": " + reply.Error()
	}
	l := widget.NewLabel(smtpcore.Printable(text))
	l.Wrapping = fyne.TextWrapWord
	icon := theme.ConfirmIcon()
	l.Importance = replyImportance(reply, ok)
	switch l.Importance {
	case widget.WarningImportance:
		icon = theme.WarningIcon()
	case widget.DangerImportance:
		icon = theme.ErrorIcon()
	}
	return container.NewBorder(nil, nil, widget.NewIcon(icon), nil, l)
}

// replyImportance colours a reply by its code: 4xx warning, 5xx danger; a
// refusal without a reply is danger.
func replyImportance(reply *smtpcore.Reply, ok bool) widget.Importance {
	switch {
	case reply != nil && reply.Temporary():
		return widget.WarningImportance
	case reply != nil && reply.Permanent(), !ok:
		return widget.DangerImportance
	}
	return widget.MediumImportance
}

// labelsIn returns the labels under o, in order.
func labelsIn(o fyne.CanvasObject) []*widget.Label {
	switch v := o.(type) {
	case *widget.Label:
		return []*widget.Label{v}
	case *fyne.Container:
		var out []*widget.Label
		for _, c := range v.Objects {
			if c.Visible() {
				out = append(out, labelsIn(c)...)
			}
		}
		return out
	}
	return nil
}
