package app

import (
	"image/color"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"letterbox/smtpcore"
)

// transcriptStampCells is the width of the time column, "15:04:05.000 ", and
// transcriptTextCells that of time and marker, where the text column starts.
const (
	transcriptStampCells = 13
	transcriptTextCells  = 16
	transcriptMinCols    = 8 // the text column never wraps narrower than this
)

// transcriptView shows transcript lines: a virtualised log whose long lines
// wrap. Each line is drawn as its time, its direction marker and its text; a
// text too long for the pane wraps, its continuation rows indented under the
// text column so the time and marker columns stay clear. Only the lines in
// view have canvas objects, and the height of a line comes from counting
// monospace cells, not from laying text out, so re-wrapping 5000 lines after
// a resize is cheap. Its MinSize never depends on the lines: a long line
// wraps, it never widens or heightens the pane.
//
// A line is selected by tapping it (or Up/Down/Home/End when the view has the
// keyboard focus); Ctrl+C and the right-click menu copy it in the
// "15:04:05.000 -> EHLO x" form. Fyne goroutine only.
//
// It is not a widget.List because List keeps variable heights in a map keyed
// by row id and refreshes the whole list on each SetItemHeight: a resize
// would mean thousands of full refreshes, and dropping the oldest lines
// shifts every id.
type transcriptView struct {
	widget.BaseWidget

	// OnSelected is called after the selection changed; -1 means none.
	OnSelected func(id int)
	// OnCopyAll, when set, adds "Copy all" to the right-click menu.
	OnCopyAll func()

	lines    []transcriptLine
	selected int
	focused  bool

	scroll  *container.Scroll
	content *transcriptContent

	m      transcriptMetrics
	viewW  float32 // width of the viewport the rows were wrapped for
	cols   int     // text cells per row; 0 until laid out
	starts []int   // starts[i]: first row of line i; len(lines)+1 entries when cols > 0
}

// transcriptMetrics are the sizes the view is drawn with, from its theme.
type transcriptMetrics struct {
	textSize, lineH, charW, pad, bar float32
}

func newTranscriptView() *transcriptView {
	v := &transcriptView{selected: -1}
	v.content = &transcriptContent{v: v}
	v.content.ExtendBaseWidget(v.content)
	v.scroll = container.NewVScroll(v.content)
	v.scroll.OnScrolled = func(fyne.Position) { v.content.Refresh() }
	v.ExtendBaseWidget(v)
	return v
}

// CreateRenderer is part of fyne.Widget.
func (v *transcriptView) CreateRenderer() fyne.WidgetRenderer {
	return &transcriptViewRenderer{v: v}
}

// MinSize is that of an empty scroller: never the lines'.
func (v *transcriptView) MinSize() fyne.Size {
	v.ExtendBaseWidget(v)
	return v.BaseWidget.MinSize()
}

// setLines replaces every line and clears the selection.
func (v *transcriptView) setLines(lines []transcriptLine) {
	v.lines = lines
	v.starts = nil
	v.rewrap()
	v.setSelected(-1)
	v.refreshContent()
	v.scrollToTop()
}

// appendLines adds lines at the end and drops the oldest beyond limit (0 =
// no cap). A user who scrolled up keeps looking at the same lines.
func (v *transcriptView) appendLines(add []transcriptLine, limit int) {
	v.lines = append(v.lines, add...)
	if v.cols > 0 {
		for _, l := range add {
			v.starts = append(v.starts, v.starts[len(v.starts)-1]+v.rowsOf(l))
		}
	}
	over := 0
	if limit > 0 && len(v.lines) > limit {
		over = len(v.lines) - limit
	}
	if over == 0 {
		v.refreshContent()
		return
	}
	var dropped float32
	if v.cols > 0 {
		dropped = v.lineTop(over)
		base := v.starts[over]
		n := copy(v.starts, v.starts[over:])
		v.starts = v.starts[:n]
		for i := range v.starts {
			v.starts[i] -= base
		}
	}
	n := copy(v.lines, v.lines[over:])
	clear(v.lines[n:])
	v.lines = v.lines[:n]
	if v.selected >= 0 {
		sel := v.selected - over
		v.selected = -2 // force the callback even when the id is unchanged
		v.setSelected(max(sel, -1))
	}
	v.refreshContent()
	if off := v.scroll.Offset.Y; off > 0 {
		v.scrollToOffset(off - dropped)
	}
}

// metrics reads the sizes from the view's theme.
func (v *transcriptView) metrics() transcriptMetrics {
	th := v.Theme()
	size := th.Size(theme.SizeNameText)
	cell := fyne.MeasureText("M", size, fyne.TextStyle{Monospace: true})
	return transcriptMetrics{
		textSize: size,
		lineH:    cell.Height,
		charW:    cell.Width,
		pad:      th.Size(theme.SizeNameInnerPadding),
		bar:      th.Size(theme.SizeNameScrollBar),
	}
}

func (m transcriptMetrics) textX() float32 { return m.pad + transcriptTextCells*m.charW }

// reflow works out the columns for the viewport width and re-wraps every
// line when they or the theme's sizes changed. It reports whether it did.
func (v *transcriptView) reflow() bool {
	m := v.metrics()
	cols := transcriptMinCols
	if m.charW > 0 {
		cols = max(transcriptMinCols, int((v.viewW-m.textX()-m.pad-m.bar)/m.charW))
	}
	if m == v.m && cols == v.cols && len(v.starts) == len(v.lines)+1 {
		return false
	}
	anchor, bottom := v.topLine(), v.atBottom()
	v.m, v.cols = m, cols
	v.rewrap()
	v.refreshContent()
	switch {
	case bottom:
		v.scrollToBottom()
	case anchor > 0:
		v.scrollToOffset(v.lineTop(anchor))
	}
	return true
}

// rewrap counts the rows of every line.
func (v *transcriptView) rewrap() {
	if v.cols == 0 {
		v.starts = nil
		return
	}
	v.starts = append(v.starts[:0], 0)
	for _, l := range v.lines {
		v.starts = append(v.starts, v.starts[len(v.starts)-1]+v.rowsOf(l))
	}
}

// display is the text drawn for l: its text and, on a reply, the latency,
// kept in one piece by no-break spaces.
func (l transcriptLine) display() (text, elapsed string) {
	if l.ev.Elapsed <= 0 {
		return l.ev.Text, ""
	}
	elapsed = strings.ReplaceAll(formatElapsed(l.ev.Elapsed), " ", "\u00a0")
	return l.ev.Text + "  " + elapsed, elapsed
}

func (v *transcriptView) rowsOf(l transcriptLine) int {
	text, _ := l.display()
	return transcriptWrap(text, v.cols, nil)
}

// lineTop is the y of line i in the content; lineTop(len(lines)) is the
// content's height.
func (v *transcriptView) lineTop(i int) float32 {
	if v.cols == 0 || i <= 0 {
		return 0
	}
	return float32(v.starts[i])*v.m.lineH + float32(i)*2*v.m.pad
}

func (v *transcriptView) contentHeight() float32 { return v.lineTop(len(v.lines)) }

// lineAt returns the line at content y, or -1 when there is none.
func (v *transcriptView) lineAt(y float32) int {
	n := len(v.lines)
	if v.cols == 0 || n == 0 || y < 0 || y >= v.contentHeight() {
		return -1
	}
	return sort.Search(n, func(i int) bool { return v.lineTop(i+1) > y })
}

// topLine is the first line in view, or -1.
func (v *transcriptView) topLine() int { return v.lineAt(v.scroll.Offset.Y) }

// atBottom reports whether the last line is in view, i.e. whether new lines
// should scroll into view. A user who scrolled up keeps their place.
func (v *transcriptView) atBottom() bool {
	maxOff := v.contentHeight() - v.scroll.Size().Height
	return maxOff <= 0 || v.scroll.Offset.Y >= maxOff-v.m.lineH/2
}

func (v *transcriptView) refreshContent() { v.scroll.Refresh() }

func (v *transcriptView) scrollToBottom() {
	v.scroll.ScrollToBottom()
	v.content.Refresh()
}

func (v *transcriptView) scrollToTop() { v.scrollToOffset(0) }

func (v *transcriptView) scrollToOffset(y float32) {
	y = min(y, v.contentHeight()-v.scroll.Size().Height)
	v.scroll.ScrollToOffset(fyne.NewPos(0, max(y, 0)))
	v.content.Refresh()
}

// scrollOffset is how far the view is scrolled down.
func (v *transcriptView) scrollOffset() float32 { return v.scroll.Offset.Y }

// scrollTo brings line id into view.
func (v *transcriptView) scrollTo(id int) {
	if id < 0 || id >= len(v.lines) || v.cols == 0 {
		return
	}
	top, bottom := v.lineTop(id), v.lineTop(id+1)
	switch off, h := v.scroll.Offset.Y, v.scroll.Size().Height; {
	case top < off:
		v.scrollToOffset(top)
	case bottom > off+h:
		v.scrollToOffset(min(top, bottom-h))
	}
}

// setSelected selects line id (-1: none) and tells OnSelected.
func (v *transcriptView) setSelected(id int) {
	if id >= len(v.lines) {
		id = -1
	}
	if id == v.selected {
		return
	}
	v.selected = id
	v.content.Refresh()
	if v.OnSelected != nil {
		v.OnSelected(id)
	}
}

// selectedText is the selected line as Copy all writes it, or "".
func (v *transcriptView) selectedText() string {
	if v.selected < 0 || v.selected >= len(v.lines) {
		return ""
	}
	return v.lines[v.selected].ev.String()
}

func (v *transcriptView) copySelected() {
	if s := v.selectedText(); s != "" {
		fyne.CurrentApp().Clipboard().SetContent(s)
	}
}

func (v *transcriptView) requestFocus() {
	if c := fyne.CurrentApp().Driver().CanvasForObject(v); c != nil {
		c.Focus(v)
	}
}

// FocusGained is part of fyne.Focusable.
func (v *transcriptView) FocusGained() { v.focused = true; v.content.Refresh() }

// FocusLost is part of fyne.Focusable.
func (v *transcriptView) FocusLost() { v.focused = false; v.content.Refresh() }

// TypedRune is part of fyne.Focusable.
func (v *transcriptView) TypedRune(rune) {}

// TypedKey moves the selection: Up, Down, Home, End; Escape clears it.
func (v *transcriptView) TypedKey(e *fyne.KeyEvent) {
	n := len(v.lines)
	if n == 0 {
		return
	}
	id := v.selected
	switch e.Name {
	case fyne.KeyUp:
		if id < 0 {
			id = n
		}
		id = max(id-1, 0)
	case fyne.KeyDown:
		if id < 0 {
			id = max(v.topLine(), 0) - 1
		}
		id = min(id+1, n-1)
	case fyne.KeyHome:
		id = 0
	case fyne.KeyEnd:
		id = n - 1
	case fyne.KeyEscape:
		v.setSelected(-1)
		return
	default:
		return
	}
	v.setSelected(id)
	v.scrollTo(id)
}

// TypedShortcut copies the selected line on Ctrl+C (fyne.Shortcutable).
func (v *transcriptView) TypedShortcut(s fyne.Shortcut) {
	if _, ok := s.(*fyne.ShortcutCopy); ok {
		v.copySelected()
	}
}

type transcriptViewRenderer struct{ v *transcriptView }

func (r *transcriptViewRenderer) Layout(size fyne.Size) {
	r.v.viewW = size.Width
	r.v.scroll.Resize(size)
	if !r.v.reflow() {
		r.v.refreshContent()
	}
}

func (r *transcriptViewRenderer) MinSize() fyne.Size { return r.v.scroll.MinSize() }
func (r *transcriptViewRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.v.scroll}
}
func (r *transcriptViewRenderer) Destroy() {}

func (r *transcriptViewRenderer) Refresh() {
	if !r.v.reflow() { // the theme's sizes may have changed
		r.v.refreshContent()
	}
}

// transcriptContent is the scrolled content: as tall as all the lines, with
// canvas objects for the lines in view only.
type transcriptContent struct {
	widget.BaseWidget
	v *transcriptView
}

// MinSize is as tall as every line and as narrow as can be.
func (c *transcriptContent) MinSize() fyne.Size { return fyne.NewSize(0, c.v.contentHeight()) }

// CreateRenderer is part of fyne.Widget.
func (c *transcriptContent) CreateRenderer() fyne.WidgetRenderer {
	r := &transcriptContentRenderer{v: c.v, sel: canvas.NewRectangle(color.Transparent), focus: canvas.NewRectangle(color.Transparent)}
	r.objs = []fyne.CanvasObject{r.sel, r.focus}
	return r
}

// Tapped selects the line under the pointer and takes the keyboard focus.
func (c *transcriptContent) Tapped(e *fyne.PointEvent) {
	c.v.requestFocus()
	if id := c.v.lineAt(e.Position.Y); id >= 0 {
		c.v.setSelected(id)
	}
}

// TappedSecondary selects the line and offers to copy it.
func (c *transcriptContent) TappedSecondary(e *fyne.PointEvent) {
	c.Tapped(e)
	cv := fyne.CurrentApp().Driver().CanvasForObject(c)
	if cv == nil || c.v.selected < 0 {
		return
	}
	items := []*fyne.MenuItem{fyne.NewMenuItem("Copy line", c.v.copySelected)}
	if c.v.OnCopyAll != nil {
		items = append(items, fyne.NewMenuItem("Copy all", c.v.OnCopyAll))
	}
	widget.ShowPopUpMenuAtPosition(fyne.NewMenu("", items...), cv, e.AbsolutePosition)
}

type transcriptContentRenderer struct {
	v          *transcriptView
	sel, focus *canvas.Rectangle
	texts      []*canvas.Text
	objs       []fyne.CanvasObject
	rows       []string // scratch for wrapping
}

func (r *transcriptContentRenderer) Layout(fyne.Size) { r.place() }
func (r *transcriptContentRenderer) MinSize() fyne.Size {
	return fyne.NewSize(0, r.v.contentHeight())
}
func (r *transcriptContentRenderer) Objects() []fyne.CanvasObject { return r.objs }
func (r *transcriptContentRenderer) Destroy()                     {}
func (r *transcriptContentRenderer) Refresh()                     { r.place() }

// text returns the n-th text object, creating it when the pool is short.
func (r *transcriptContentRenderer) text(n int) *canvas.Text {
	for len(r.texts) <= n {
		t := canvas.NewText("", color.Transparent)
		r.texts = append(r.texts, t)
		r.objs = append(r.objs, t)
	}
	return r.texts[n]
}

// place draws the lines in view.
func (r *transcriptContentRenderer) place() {
	v := r.v
	m := v.m
	th := v.Theme()
	variant := fyne.CurrentApp().Settings().ThemeVariant()
	width := v.content.Size().Width
	top := v.scroll.Offset.Y
	bottom := top + v.scroll.Size().Height

	used := 0
	put := func(s string, x, y float32, c fyne.ThemeColorName, style fyne.TextStyle) {
		t := r.text(used)
		used++
		t.Text, t.Color, t.TextSize, t.TextStyle = s, th.Color(c, variant), m.textSize, style
		t.Move(fyne.NewPos(x, y))
		t.Resize(fyne.NewSize(float32(transcriptCellCount(s))*m.charW, m.lineH))
		t.Show()
		t.Refresh()
	}
	r.sel.Hide()
	first := v.lineAt(top)
	for i := max(first, 0); first >= 0 && i < len(v.lines) && v.lineTop(i) < bottom; i++ {
		l := v.lines[i]
		y := v.lineTop(i) + m.pad
		mono := fyne.TextStyle{Monospace: true}
		put(l.ev.Time.Format("15:04:05.000"), m.pad, y, theme.ColorNamePlaceHolder, mono)
		put(l.ev.Dir.Marker(), m.pad+transcriptStampCells*m.charW, y, l.color, mono)
		style := fyne.TextStyle{Monospace: true, Bold: l.ev.Dir == smtpcore.DirError}
		text, elapsed := l.display()
		r.rows = r.rows[:0]
		transcriptWrap(text, v.cols, func(s string) { r.rows = append(r.rows, s) })
		for j, row := range r.rows {
			ry := y + float32(j)*m.lineH
			if j == len(r.rows)-1 && elapsed != "" && strings.HasSuffix(row, elapsed) {
				row = row[:len(row)-len(elapsed)]
				put(elapsed, m.textX()+float32(transcriptCellCount(row))*m.charW, ry, theme.ColorNamePlaceHolder, mono)
			}
			put(row, m.textX(), ry, l.color, style)
		}
		if i == v.selected {
			r.sel.FillColor = th.Color(theme.ColorNameSelection, variant)
			r.sel.Move(fyne.NewPos(0, v.lineTop(i)))
			r.sel.Resize(fyne.NewSize(width, v.lineTop(i+1)-v.lineTop(i)))
			r.sel.Show()
			r.sel.Refresh()
		}
	}
	for _, t := range r.texts[used:] {
		t.Hide()
	}
	if v.focused {
		r.focus.StrokeColor = th.Color(theme.ColorNameFocus, variant)
		r.focus.StrokeWidth = 1
		r.focus.Move(fyne.NewPos(0, top))
		r.focus.Resize(fyne.NewSize(width, bottom-top))
		r.focus.Show()
	} else {
		r.focus.Hide()
	}
	r.focus.Refresh()
}
