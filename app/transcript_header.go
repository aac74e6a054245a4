package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// transcriptHeadLayout places the line count and the action buttons right of
// the title: the buttons at the right edge, as wide as they want when there is
// room, else in a sideways scroller; the count in what is left, truncated.
// Its MinSize never depends on the count or on which buttons are shown, so a
// first line, "Show in Inbox" appearing or "Copy line" never widen the pane
// (which would push a split divider or the window).
type transcriptHeadLayout struct {
	count   *widget.Label
	scroll  *container.Scroll
	actions fyne.CanvasObject // the scroll's content
}

// newTranscriptHead returns the header row: title, count and actions.
func newTranscriptHead(title, count *widget.Label, actions fyne.CanvasObject) *fyne.Container {
	count.Truncation = fyne.TextTruncateEllipsis
	scroll := container.NewHScroll(actions)
	l := &transcriptHeadLayout{count: count, scroll: scroll, actions: actions}
	return container.NewBorder(nil, nil, title, nil, container.New(l, count, scroll))
}

func (l *transcriptHeadLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(l.scroll.MinSize().Width, max(l.actions.MinSize().Height, l.count.MinSize().Height))
}

func (l *transcriptHeadLayout) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	w := min(l.actions.MinSize().Width, size.Width)
	l.scroll.Move(fyne.NewPos(size.Width-w, 0))
	l.scroll.Resize(fyne.NewSize(w, size.Height))
	l.count.Move(fyne.NewPos(0, 0))
	l.count.Resize(fyne.NewSize(size.Width-w, size.Height))
}
