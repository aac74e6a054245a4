package app

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"letterbox/smtpcore/msg/lint"
)

// inboxBadge is the small mark an Inbox row shows for a message with
// conformance findings (smtpcore/msg/lint): the number of errors on the
// error colour, or when there are none the number of warnings on the warning
// colour. Info findings alone show no badge: they are not worth a glance
// from the list. Rows are recycled, so set always shows or hides it.
type inboxBadge struct {
	widget.BaseWidget
	bg     *canvas.Rectangle
	text   *canvas.Text
	counts lint.Counts // what set was last given; the row skips a set that changes nothing
}

func newInboxBadge() *inboxBadge {
	b := &inboxBadge{bg: canvas.NewRectangle(theme.Color(theme.ColorNameError)), text: canvas.NewText("", theme.Color(theme.ColorNameForegroundOnError))}
	b.text.TextSize = theme.CaptionTextSize()
	b.text.TextStyle.Bold = true
	b.bg.CornerRadius = theme.InputRadiusSize()
	b.ExtendBaseWidget(b)
	b.Hide()
	return b
}

// set shows the badge for c, or hides it when c has no error or warning.
// Call it on Fyne's goroutine.
func (b *inboxBadge) set(c lint.Counts) {
	b.counts = c
	sev, n, ok := badgeOf(c)
	if !ok {
		b.Hide()
		return
	}
	bg, fg := theme.ColorNameWarning, theme.ColorNameForegroundOnWarning
	if sev == lint.Error {
		bg, fg = theme.ColorNameError, theme.ColorNameForegroundOnError
	}
	b.bg.FillColor = theme.Color(bg)
	b.text.Color = theme.Color(fg)
	b.text.Text = fmt.Sprint(n)
	b.Show()
	b.Refresh()
}

// badgeOf picks what the badge says: the worst severity present (errors,
// then warnings) and its count.
func badgeOf(c lint.Counts) (lint.Severity, int, bool) {
	switch {
	case c.Error > 0:
		return lint.Error, c.Error, true
	case c.Warning > 0:
		return lint.Warning, c.Warning, true
	}
	return lint.Info, 0, false
}

// CreateRenderer draws the pill at its own height, centred in whatever
// height the row gives it (an HBox stretches it to the row's).
func (b *inboxBadge) CreateRenderer() fyne.WidgetRenderer {
	pad := theme.InnerPadding() / 2
	pill := container.NewStack(b.bg,
		container.New(layout.NewCustomPaddedLayout(0, 0, pad, pad), container.NewCenter(b.text)))
	return widget.NewSimpleRenderer(container.NewCenter(pill))
}
