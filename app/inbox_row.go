package app

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"letterbox/server/store"
	"letterbox/smtpcore"
)

// inboxRow draws one message in the list on two lines: sender and date,
// then subject, size and an attachment mark. Unread messages are bold.
type inboxRow struct {
	widget.BaseWidget
	from, subject, date, size *widget.Label
	clip                      *widget.Icon
	content                   *fyne.Container
}

func newInboxRow() *inboxRow {
	r := &inboxRow{
		from:    inboxRowLabel(),
		subject: inboxRowLabel(),
		date:    widget.NewLabel(""),
		size:    widget.NewLabel(""),
		clip:    widget.NewIcon(nil),
	}
	r.date.SizeName = theme.SizeNameCaptionText
	r.size.SizeName = theme.SizeNameCaptionText
	line1 := container.NewBorder(nil, nil, nil, r.date, r.from)
	line2 := container.NewBorder(nil, nil, nil, container.NewHBox(r.clip, r.size), r.subject)
	r.content = container.New(layout.NewCustomPaddedVBoxLayout(-2*theme.InnerPadding()), line1, line2)
	r.ExtendBaseWidget(r)
	return r
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

// set shows s.
func (r *inboxRow) set(s store.Summary) {
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
	if s.HasAttachments {
		r.clip.SetResource(theme.MailAttachmentIcon())
	} else {
		r.clip.SetResource(nil)
	}
}

// setLoading draws a row whose page is still being read.
func (r *inboxRow) setLoading() {
	r.setLabel(r.from, "…", fyne.TextStyle{})
	r.setLabel(r.subject, "", fyne.TextStyle{})
	r.setLabel(r.date, "", fyne.TextStyle{})
	r.setLabel(r.size, "", fyne.TextStyle{})
	r.clip.SetResource(nil)
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
