package app

import (
	"fmt"
	"image/color"
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/mattn/go-runewidth"
)

// messageTextView shows a long text (the raw source, an HTML source) in
// monospace, wrapped at the width of the view, with Find: a search field,
// previous and next, a count ("3 of 17"), every match highlighted and the
// current one scrolled to. Only the rows on screen are drawn (a widget.List
// of one-row TextGrids), so half a megabyte scrolls and re-wraps without
// stalling the window: a resize re-indexes the rows (one linear pass) and
// nothing else. Fyne goroutine only.
type messageTextView struct {
	text   string
	folded string // text with each rune lower-cased where that keeps its UTF-8 length, so offsets match
	cols   int    // the wrap width in cells
	rows   []int  // byte offset where each row starts

	query   string
	matches []int // byte offsets of the non-overlapping matches of query in folded
	cur     int   // index of the current match; -1 when none

	list             *widget.List
	findEntry        *widget.Entry
	prevBtn, nextBtn *widget.Button
	count            *widget.Label
	findBar, obj     fyne.CanvasObject
	cellW            float32
	hit, curHit      widget.TextGridStyle
}

// newMessageTextView makes an empty view; obj holds the find bar above the
// text.
func newMessageTextView() *messageTextView {
	v := &messageTextView{cols: 80, rows: []int{0}, cur: -1}
	v.list = widget.NewList(
		func() int { return len(v.rows) },
		func() fyne.CanvasObject { return widget.NewTextGridFromString("M") },
		func(id widget.ListItemID, o fyne.CanvasObject) { v.updateRow(id, o.(*widget.TextGrid)) },
	)
	v.list.HideSeparators = true
	v.list.OnSelected = func(id widget.ListItemID) { v.list.Unselect(id) } // text, not choices
	v.findEntry = widget.NewEntry()
	v.findEntry.SetPlaceHolder("Find in the source")
	v.findEntry.OnChanged = v.setQuery
	v.findEntry.OnSubmitted = func(string) { v.step(1) }
	v.prevBtn = widget.NewButtonWithIcon("", theme.MoveUpIcon(), func() { v.step(-1) })
	v.nextBtn = widget.NewButtonWithIcon("", theme.MoveDownIcon(), func() { v.step(1) })
	v.count = widget.NewLabel("")
	v.findBar = newBorder(nil, nil, nil, container.NewHBox(v.prevBtn, v.nextBtn, v.count), v.findEntry)
	tight := container.NewThemeOverride(v.list, messageTightTheme{})
	text := container.New(&messageTextLayout{v: v}, tight)
	v.obj = newBorder(v.findBar, nil, nil, nil, text)
	v.updateCount()
	return v
}

// SetText shows text (LF line ends), keeps the query and finds it again.
func (v *messageTextView) SetText(text string) {
	v.text = text
	v.folded = messageFold(text)
	v.rows = messageWrapIndex(text, v.cols)
	v.search()
	v.list.Refresh()
	v.list.ScrollToTop()
}

// Text returns the text shown, whole.
func (v *messageTextView) Text() string { return v.text }

// FocusFind puts the keyboard focus in the search field.
func (v *messageTextView) FocusFind() {
	if c := fyne.CurrentApp().Driver().CanvasForObject(v.findEntry); c != nil {
		c.Focus(v.findEntry)
	}
}

// setQuery finds q (case-insensitively) and shows the first match.
func (v *messageTextView) setQuery(q string) {
	v.query = q
	v.search()
	v.list.Refresh()
	v.scrollToCurrent()
}

// search lists the matches of the query and makes the first one current.
func (v *messageTextView) search() {
	v.matches, v.cur = nil, -1
	q := messageFold(v.query)
	if q != "" {
		for at := 0; ; {
			i := strings.Index(v.folded[at:], q)
			if i < 0 {
				break
			}
			v.matches = append(v.matches, at+i)
			at += i + len(q)
		}
	}
	if len(v.matches) > 0 {
		v.cur = 0
	}
	v.updateCount()
}

// step makes the next (+1) or previous (-1) match current, wrapping around.
func (v *messageTextView) step(dir int) {
	n := len(v.matches)
	if n == 0 {
		return
	}
	v.cur = ((v.cur+dir)%n + n) % n
	v.updateCount()
	v.list.Refresh()
	v.scrollToCurrent()
}

func (v *messageTextView) updateCount() {
	switch {
	case v.query == "":
		v.count.SetText("")
	case len(v.matches) == 0:
		v.count.SetText("not found")
	default:
		v.count.SetText(fmt.Sprintf("%d of %d", v.cur+1, len(v.matches)))
	}
	on := len(v.matches) > 1
	for _, b := range []*widget.Button{v.prevBtn, v.nextBtn} {
		if on {
			b.Enable()
		} else {
			b.Disable()
		}
	}
}

// scrollToCurrent brings the row of the current match into view.
func (v *messageTextView) scrollToCurrent() {
	if v.cur >= 0 {
		v.list.ScrollTo(v.rowOf(v.matches[v.cur]))
	}
}

// rowOf returns the row holding byte offset off.
func (v *messageTextView) rowOf(off int) int {
	return sort.Search(len(v.rows), func(i int) bool { return v.rows[i] > off }) - 1
}

// rowText returns row id without its line end.
func (v *messageTextView) rowText(id int) (string, int) {
	start, end := v.rows[id], len(v.text)
	if id+1 < len(v.rows) {
		end = v.rows[id+1]
	}
	return strings.TrimSuffix(v.text[start:end], "\n"), start
}

// updateRow draws row id into g: one cell per column, matches highlighted.
func (v *messageTextView) updateRow(id int, g *widget.TextGrid) {
	if id >= len(v.rows) {
		g.SetRow(0, widget.TextGridRow{})
		g.Refresh()
		return
	}
	line, start := v.rowText(id)
	v.styles()
	qlen := len(messageFold(v.query))
	m := sort.SearchInts(v.matches, start-qlen+1) // the first match that may reach into this row
	cells := make([]widget.TextGridCell, 0, len(line))
	for i, r := range line {
		off := start + i
		for m < len(v.matches) && v.matches[m]+qlen <= off {
			m++
		}
		var style widget.TextGridStyle
		if m < len(v.matches) && v.matches[m] <= off {
			style = v.hit
			if m == v.cur {
				style = v.curHit
			}
		}
		if r == '\t' {
			r = ' '
		}
		cells = append(cells, widget.TextGridCell{Rune: r, Style: style})
		for range runewidth.RuneWidth(r) - 1 { // a wide character takes two cells, as in TextGrid.SetText
			cells = append(cells, widget.TextGridCell{Rune: ' ', Style: style})
		}
	}
	g.SetRow(0, widget.TextGridRow{Cells: cells})
	g.Refresh() // SetRow does not redraw the cells (Fyne 2.8), so new highlights would not show
}

// styles resolves the highlight colours from the current theme.
func (v *messageTextView) styles() {
	th := v.list.Theme()
	variant := fyne.CurrentApp().Settings().ThemeVariant()
	c := func(n fyne.ThemeColorName) color.Color { return th.Color(n, variant) }
	v.hit = &widget.CustomTextGridStyle{BGColor: c(theme.ColorNameSelection)}
	v.curHit = &widget.CustomTextGridStyle{FGColor: c(theme.ColorNameForegroundOnPrimary), BGColor: c(theme.ColorNamePrimary)}
}

// setWidth re-wraps the text for a view w wide.
func (v *messageTextView) setWidth(w float32) {
	if v.cellW == 0 {
		th := v.list.Theme()
		v.cellW = float32(math.Round(float64(fyne.MeasureText("M", th.Size(theme.SizeNameText), fyne.TextStyle{Monospace: true}).Width)))
	}
	cols := max(int((w-theme.Padding()*2)/v.cellW), 20)
	if cols == v.cols {
		return
	}
	v.cols = cols
	v.rows = messageWrapIndex(v.text, cols)
	v.list.Refresh()
	v.scrollToCurrent()
}

// messageTextLayout gives the list all the room and tells the view its width.
type messageTextLayout struct{ v *messageTextView }

func (l *messageTextLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	l.v.setWidth(size.Width)
	for _, o := range objs {
		o.Resize(size)
		o.Move(fyne.NewPos(0, 0))
	}
}

func (l *messageTextLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(100, 60)
}

// messageTightTheme sets the rows of a text view close together, as lines
// of text rather than list items.
type messageTightTheme struct{}

func (messageTightTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	return fyne.CurrentApp().Settings().Theme().Color(n, v)
}

func (messageTightTheme) Font(s fyne.TextStyle) fyne.Resource {
	return fyne.CurrentApp().Settings().Theme().Font(s)
}

func (messageTightTheme) Icon(n fyne.ThemeIconName) fyne.Resource {
	return fyne.CurrentApp().Settings().Theme().Icon(n)
}

func (messageTightTheme) Size(n fyne.ThemeSizeName) float32 {
	if n == theme.SizeNamePadding {
		return 0
	}
	return fyne.CurrentApp().Settings().Theme().Size(n)
}

// messageWrapIndex returns the byte offset where each row of text starts
// when lines are wrapped at cols cells: a row ends after its last space when
// that space is past the row's middle, else at the limit (the policy of
// messageTextBreak); every character is kept. One pass, linear in text.
func messageWrapIndex(text string, cols int) []int {
	cols = max(cols, 2)
	rows := make([]int, 1, len(text)/cols+1)
	start, n, brk, nBrk := 0, 0, -1, 0 // row: byte start, cells, byte after its last space, cells up to brk
	for i, r := range text {
		if r == '\n' {
			rows = append(rows, i+1)
			start, n, brk = i+1, 0, -1
			continue
		}
		w := max(runewidth.RuneWidth(r), 1)
		if n+w > cols && n > 0 {
			if brk > start && nBrk > cols/2 {
				start, n = brk, n-nBrk
			} else {
				start, n = i, 0
			}
			rows = append(rows, start)
			brk = -1
		}
		n += w
		if r == ' ' {
			brk, nBrk = i+len(" "), n
		}
	}
	return rows
}

// messageFold lower-cases s rune by rune where that keeps the rune's UTF-8
// length, so that a byte offset in the result is one in s.
func messageFold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range s {
		if r == utf8.RuneError {
			_, size := utf8.DecodeRuneInString(s[i:])
			b.WriteString(s[i : i+size]) // an invalid byte stays one byte
			continue
		}
		if l := unicode.ToLower(r); utf8.RuneLen(l) == utf8.RuneLen(r) {
			r = l
		}
		b.WriteRune(r)
	}
	return b.String()
}
