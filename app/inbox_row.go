package app

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"letterbox/server/store"
	"letterbox/smtpcore"
	"letterbox/smtpcore/msg/lint"
)

// inboxRow draws one message in the list on two lines: an unread dot, sender
// and date, then subject, size, an attachment mark and a badge counting
// the message's conformance findings. Unread messages are
// bold; rows in the inbox's own multi-selection get a selection background.
//
// Rows are recycled by widget.List, so set and setLoading set every mark both
// ways (Show and Hide). The paperclip is shown or hidden, never given a nil
// resource: an icon whose image was drawn before it was laid out keeps its
// texture on the GL driver when the resource is set to nil, which is how a
// plain message's row once showed a paperclip after many live arrivals.
type inboxRow struct {
	widget.BaseWidget
	from, subject, date, size *widget.Label
	clip                      *widget.Icon
	badge                     *inboxBadge // conformance findings: errors, else warnings
	dot                       *canvas.Circle
	bg                        *canvas.Rectangle
	content                   *fyne.Container
}

func newInboxRow() *inboxRow {
	r := &inboxRow{
		from:    inboxRowLabel(),
		subject: inboxRowLabel(),
		date:    widget.NewLabel(""),
		size:    widget.NewLabel(""),
		clip:    widget.NewIcon(theme.MailAttachmentIcon()),
		badge:   newInboxBadge(),
		dot:     canvas.NewCircle(theme.Color(theme.ColorNamePrimary)),
		bg:      canvas.NewRectangle(theme.Color(theme.ColorNameSelection)),
	}
	r.clip.Hide()
	r.dot.Hide()
	r.bg.Hide()
	r.bg.CornerRadius = theme.SelectionRadiusSize()
	r.date.SizeName = theme.SizeNameCaptionText
	r.size.SizeName = theme.SizeNameCaptionText
	dotBox := container.New(inboxDotLayout{}, r.dot)
	line1 := container.NewBorder(nil, nil, dotBox, r.date, r.from)
	line2 := container.NewBorder(nil, nil, nil, container.NewHBox(r.badge, r.clip, r.size), r.subject)
	lines := container.New(layout.NewCustomPaddedVBoxLayout(-2*theme.InnerPadding()), line1, line2)
	r.content = container.NewStack(r.bg, lines)
	r.ExtendBaseWidget(r)
	return r
}

// inboxDotLayout keeps a small circle centred in a fixed square, so the
// sender does not move when the dot is hidden.
type inboxDotLayout struct{}

func (inboxDotLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	return fyne.NewSquareSize(theme.InnerPadding())
}

func (inboxDotLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	d := theme.InnerPadding() * 0.75
	for _, o := range objs {
		o.Resize(fyne.NewSquareSize(d))
		o.Move(fyne.NewPos(size.Width-d, (size.Height-d)/2))
	}
}

func inboxRowLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

// CreateRenderer implements fyne.Widget.
func (r *inboxRow) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(r.content)
}

// set shows s; selected draws the row as part of the multi-selection.
func (r *inboxRow) set(s store.Summary, selected bool) {
	style := fyne.TextStyle{Bold: s.Unread}
	from := inboxSender(s)
	subject := s.Subject
	if strings.TrimSpace(subject) == "" {
		subject = "(no subject)"
	}
	r.setLabel(r.from, messageClip(from, 300), style)
	r.setLabel(r.subject, messageClip(inboxOneLine(subject), 300), style)
	r.setLabel(r.date, inboxDate(s.Received, time.Now()), fyne.TextStyle{})
	r.setLabel(r.size, smtpcore.FormatSize(s.Size), fyne.TextStyle{})
	inboxShow(r.clip, s.HasAttachments)
	if r.badge.counts != s.Findings { // set shows or hides it; it starts hidden at zero
		r.badge.set(s.Findings)
	}
	inboxShow(r.dot, s.Unread)
	r.setSelected(selected)
}

// setLoading draws a row whose page is still being read.
func (r *inboxRow) setLoading() {
	r.setLabel(r.from, "…", fyne.TextStyle{})
	r.setLabel(r.subject, "", fyne.TextStyle{})
	r.setLabel(r.date, "", fyne.TextStyle{})
	r.setLabel(r.size, "", fyne.TextStyle{})
	inboxShow(r.clip, false)
	r.badge.set(lint.Counts{})
	inboxShow(r.dot, false)
	r.setSelected(false)
}

// setSelected shows or hides the selection background, in the theme's
// current selection colour.
func (r *inboxRow) setSelected(on bool) {
	if on {
		c := theme.Color(theme.ColorNameSelection)
		if r.bg.FillColor != c {
			r.bg.FillColor = c
			r.bg.Refresh()
		}
	}
	inboxShow(r.bg, on)
}

// inboxShow shows o when on and hides it otherwise: a mark is always set
// both ways, because list rows are recycled.
func inboxShow(o fyne.CanvasObject, on bool) {
	if on && !o.Visible() {
		o.Show()
	} else if !on && o.Visible() {
		o.Hide()
	}
}

func (r *inboxRow) setLabel(l *widget.Label, text string, style fyne.TextStyle) {
	if l.Text == text && l.TextStyle == style {
		return
	}
	l.Text, l.TextStyle = text, style
	l.Refresh()
}

// inboxSender is the From header, else the envelope sender, else "<>".
func inboxSender(s store.Summary) string {
	switch {
	case strings.TrimSpace(s.From) != "":
		return inboxOneLine(s.From)
	case s.MailFrom != "":
		return s.MailFrom
	}
	return "<>"
}

// inboxDate formats t for the list: the time for today, the day and month
// for this year, the full date otherwise.
func inboxDate(t, now time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(now.Location())
	switch {
	case t.Year() == now.Year() && t.YearDay() == now.YearDay():
		return t.Format("15:04")
	case t.Year() == now.Year():
		return t.Format("Jan 2")
	}
	return t.Format("2006-01-02")
}

// oneLine folds CR, LF and tabs into spaces, so a hostile header cannot
// break a one-line label.
func inboxOneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' || r == '\t' {
			return ' '
		}
		return r
	}, s)
}
