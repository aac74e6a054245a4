package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// newBorder is container.NewBorder with its children in visual order: top,
// left, centre, right, bottom. Fyne's keyboard focus (Tab) walks children in
// order, and container.NewBorder puts the centre first, so Tab would visit a
// form's body before the fields above it.
func newBorder(top, bottom, left, right fyne.CanvasObject, center ...fyne.CanvasObject) *fyne.Container {
	var objs []fyne.CanvasObject
	for _, o := range []fyne.CanvasObject{top, left} {
		if o != nil {
			objs = append(objs, o)
		}
	}
	objs = append(objs, center...)
	for _, o := range []fyne.CanvasObject{right, bottom} {
		if o != nil {
			objs = append(objs, o)
		}
	}
	return container.New(layout.NewBorderLayout(top, bottom, left, right), objs...)
}

// fixedMin lays its one child over its whole area and reports a fixed
// minimum size whatever the child asks for. It keeps the window and the split
// dividers still while content changes (a transcript line arrives, a reason
// line appears): only the child's own scrolling absorbs the change.
type fixedMin struct{ min fyne.Size }

func (f fixedMin) MinSize([]fyne.CanvasObject) fyne.Size { return f.min }

func (f fixedMin) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// withMinSize wraps o in a container whose minimum size is min.
func withMinSize(min fyne.Size, o fyne.CanvasObject) *fyne.Container {
	return container.New(fixedMin{min}, o)
}

// shrinkRow lays out a toolbar row of buttons (and spacers) left to right.
// When the row is narrower than the buttons with their labels, buttons show
// their icons only, from the last one backwards, just as many as it takes:
// a narrow pane keeps every action on screen, and as many labels as fit,
// instead of pushing the window wider. Labels are measured once, when the
// row is made.
type shrinkRow struct {
	order        []*widget.Button // the buttons that can lose their label, left to right
	labels       map[*widget.Button]string
	full, narrow map[*widget.Button]float32 // min widths with and without label
}

// newShrinkRow makes a row of objs; buttons among them may lose their labels
// when space is short, spacers take what is left over.
func newShrinkRow(objs ...fyne.CanvasObject) *fyne.Container {
	s := &shrinkRow{labels: map[*widget.Button]string{}, full: map[*widget.Button]float32{}, narrow: map[*widget.Button]float32{}}
	for _, o := range objs {
		b, ok := o.(*widget.Button)
		if !ok || b.Icon == nil {
			continue
		}
		s.order = append(s.order, b)
		s.labels[b] = b.Text
		s.full[b] = b.MinSize().Width
		b.Text = ""
		b.Refresh()
		s.narrow[b] = b.MinSize().Width
		b.Text = s.labels[b]
		b.Refresh()
	}
	return container.New(s, objs...)
}

// compacted returns the set of the last k buttons, which show icons only.
func (s *shrinkRow) compacted(k int) map[*widget.Button]bool {
	set := map[*widget.Button]bool{}
	for i := len(s.order) - 1; i >= 0 && len(set) < k; i-- {
		set[s.order[i]] = true
	}
	return set
}

func (s *shrinkRow) widths(objs []fyne.CanvasObject, compact map[*widget.Button]bool) (total float32) {
	n := 0
	for _, o := range objs {
		if !o.Visible() || isSpacer(o) {
			continue
		}
		n++
		total += s.width(o, compact)
	}
	if n > 1 {
		total += float32(n-1) * theme.Padding()
	}
	return total
}

func (s *shrinkRow) width(o fyne.CanvasObject, compact map[*widget.Button]bool) float32 {
	if b, ok := o.(*widget.Button); ok {
		if w, ok := s.full[b]; ok {
			if compact[b] {
				return s.narrow[b]
			}
			return w
		}
	}
	return o.MinSize().Width
}

func isSpacer(o fyne.CanvasObject) bool {
	sp, ok := o.(layout.SpacerObject)
	return ok && sp.ExpandHorizontal()
}

// MinSize is the row with icons only.
func (s *shrinkRow) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objs {
		if o.Visible() {
			h = max(h, o.MinSize().Height)
		}
	}
	return fyne.NewSize(s.widths(objs, s.compacted(len(s.order))), h)
}

// Layout drops labels from the right until the row fits, then places the
// objects, sharing the spare width among the spacers.
func (s *shrinkRow) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	compact := s.compacted(0)
	for k := 1; k <= len(s.order) && s.widths(objs, compact) > size.Width; k++ {
		compact = s.compacted(k)
	}
	for b, label := range s.labels {
		want := label
		if compact[b] {
			want = ""
		}
		if b.Text != want {
			b.Text = want
			b.Refresh()
		}
	}
	spacers := 0
	for _, o := range objs {
		if o.Visible() && isSpacer(o) {
			spacers++
		}
	}
	spare := max(size.Width-s.widths(objs, compact), 0)
	x := float32(0)
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		if isSpacer(o) {
			w := spare / float32(spacers)
			o.Move(fyne.NewPos(x, 0))
			o.Resize(fyne.NewSize(w, size.Height))
			x += w
			continue
		}
		w := s.width(o, compact)
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w + theme.Padding()
	}
}
