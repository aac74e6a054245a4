package app

import (
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

const (
	// messageWrapMax is the longest body laid out as wrapping, selectable
	// text. Fyne wraps a label's whole text on every resize, which takes
	// about 3 ms per KB; a longer body goes into a TextGrid, which draws only
	// the visible rows, after being broken into lines of messageGridWidth.
	messageWrapMax   = 24 << 10
	messageGridWidth = 100
)

// messageBody shows a text body readably: short text as a selectable label
// that wraps at words, long text in a virtualised grid.
type messageBody struct {
	label  *widget.Label
	scroll *container.Scroll
	grid   *widget.TextGrid
	obj    *fyne.Container
}

func newMessageBody() *messageBody {
	b := &messageBody{label: widget.NewLabel(""), grid: widget.NewTextGrid()}
	b.label.Wrapping = fyne.TextWrapWord
	b.label.Selectable = true
	b.scroll = container.NewVScroll(b.label)
	b.grid.Scroll = fyne.ScrollBoth
	b.grid.Hide()
	b.obj = container.NewStack(b.scroll, b.grid)
	return b
}

// set shows text.
func (b *messageBody) set(text string) {
	if len(text) <= messageWrapMax {
		b.grid.Hide()
		b.grid.SetText("")
		b.label.SetText(text)
		b.scroll.ScrollToTop()
		b.scroll.Show()
		return
	}
	b.scroll.Hide()
	b.label.SetText("")
	wrapped, _ := messageHardWrap(text, messageGridWidth)
	b.grid.SetText(wrapped)
	b.grid.ScrollToTop()
	b.grid.Show()
}

// Text returns the text shown (lines of a long text are broken as shown).
func (b *messageBody) Text() string {
	if b.grid.Visible() {
		return b.grid.Text()
	}
	return b.label.Text
}

// messageHardWrap breaks lines longer than width runes at the last space
// before the limit, or at the limit when there is none. It reports whether
// it broke any line. One pass: linear in the length of text.
func messageHardWrap(text string, width int) (string, bool) {
	var b strings.Builder
	b.Grow(len(text) + len(text)/width)
	broke := false
	start, space, n := 0, -1, 0 // current row: byte start, last space, runes
	for i, r := range text {
		switch {
		case r == '\n':
			b.WriteString(text[start : i+1])
			start, space, n = i+1, -1, 0
			continue
		case n == width:
			broke = true
			if space >= 0 {
				b.WriteString(text[start:space])
				b.WriteByte('\n')
				start = space + 1
				n = utf8.RuneCountInString(text[start:i])
			} else {
				b.WriteString(text[start:i])
				b.WriteByte('\n')
				start, n = i, 0
			}
			space = -1
		}
		if r == ' ' {
			space = i
		}
		n++
	}
	b.WriteString(text[start:])
	return b.String(), broke
}

// messageClip shortens s to at most max bytes on a rune boundary, marking the
// cut with "…". Header values can be megabytes long; a label that wraps or
// truncates them would stall the window.
func messageClip(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
