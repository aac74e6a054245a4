package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// htmlPageLayout stacks the chunks of a rendered HTML page at the page's
// width, with no padding, and keeps each chunk's height. A VBox asks every
// chunk for its MinSize whenever one is added, and a wrapping RichText
// measures all its rows again to answer, so adding the n-th chunk measured
// the n-1 before it again: a 1 MB newsletter spent most of its layout there.
// A chunk is measured once, when it arrives, and all again only when the
// width changes. The page replaces its chunks rather than changing them (see
// htmlView.render), so a new object is the only other reason to measure.
type htmlPageLayout struct {
	width   float32
	objs    []fyne.CanvasObject // what the cache holds, in order
	heights []float32
	minW    float32
}

// sync brings the cache up to date with objs at l.width.
func (l *htmlPageLayout) sync(objs []fyne.CanvasObject) {
	n := 0
	for n < len(objs) && n < len(l.objs) && objs[n] == l.objs[n] {
		n++
	}
	if n < len(l.objs) {
		l.objs, l.heights, l.minW = l.objs[:0], l.heights[:0], 0
		n = 0
	}
	for _, o := range objs[n:] {
		if l.width > 0 && o.Size().Width != l.width {
			o.Resize(fyne.NewSize(l.width, o.Size().Height))
		}
		m := o.MinSize()
		l.objs = append(l.objs, o)
		l.heights = append(l.heights, m.Height)
		l.minW = max(l.minW, m.Width)
	}
}

// MinSize is the widest chunk's width by the sum of the chunks' heights.
func (l *htmlPageLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	l.sync(objs)
	h := float32(0)
	for i, o := range objs {
		if o.Visible() {
			h += l.heights[i]
		}
	}
	return fyne.NewSize(l.minW, h)
}

// Layout places the chunks one under the other, each as wide as the page.
func (l *htmlPageLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if size.Width != l.width {
		l.width = size.Width
		l.objs, l.heights, l.minW = l.objs[:0], l.heights[:0], 0
	}
	l.sync(objs)
	y := float32(0)
	for i, o := range objs {
		if !o.Visible() {
			continue
		}
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, l.heights[i]))
		y += l.heights[i]
	}
}

// htmlPage is the scroll's content: the page of chunks. The view refreshes
// the scroll once the last chunk is in, so that it learns the page's height;
// a container would pass that Refresh on to every chunk, and each RichText
// would measure and lay out all its rows again (a quarter of the time on the
// Fyne goroutine for a 1 MB newsletter). After grew, the next Refresh only
// lays the page out; any other Refresh (a theme change) reaches every chunk.
type htmlPage struct {
	widget.BaseWidget
	box   *fyne.Container
	quiet bool
}

func newHTMLPage(box *fyne.Container) *htmlPage {
	p := &htmlPage{box: box}
	p.ExtendBaseWidget(p)
	return p
}

// grew marks the next Refresh as one for the page's new height only.
func (p *htmlPage) grew() { p.quiet = true }

func (p *htmlPage) CreateRenderer() fyne.WidgetRenderer { return &htmlPageRenderer{p: p} }

type htmlPageRenderer struct{ p *htmlPage }

func (r *htmlPageRenderer) Layout(size fyne.Size)        { r.p.box.Resize(size) }
func (r *htmlPageRenderer) MinSize() fyne.Size           { return r.p.box.MinSize() }
func (r *htmlPageRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.p.box} }
func (r *htmlPageRenderer) Destroy()                     {}

func (r *htmlPageRenderer) Refresh() {
	if r.p.quiet {
		r.p.quiet = false
		r.p.box.Resize(r.p.Size())
		return
	}
	r.p.box.Refresh()
}
