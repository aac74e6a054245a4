package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
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
