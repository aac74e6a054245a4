package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// messageFormLayout is a compact two-column form (name, value) for the
// summary, the header fields and the session details: like Fyne's form
// layout, but rows overlap by the labels' inner padding so a long header
// list reads like a mail client's, not like a settings dialog.
type messageFormLayout struct{}

func (messageFormLayout) sizes(objects []fyne.CanvasObject, width float32) (keyW, valW, h float32) {
	rows := 0
	for i := 0; i+1 < len(objects); i += 2 {
		k, v := objects[i], objects[i+1]
		if !k.Visible() && !v.Visible() {
			continue
		}
		km, vm := k.MinSize(), v.MinSize()
		keyW = max(keyW, km.Width)
		valW = max(valW, vm.Width)
		h += max(km.Height, vm.Height)
		rows++
	}
	if rows > 1 {
		h += float32(rows-1) * messageRowGap()
	}
	valW = max(valW, width-keyW-theme.Padding())
	return keyW, valW, h
}

func messageRowGap() float32 { return -theme.InnerPadding() }

// Layout implements fyne.Layout.
func (l messageFormLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	keyW, valW, _ := l.sizes(objects, size.Width)
	y := float32(0)
	for i := 0; i+1 < len(objects); i += 2 {
		k, v := objects[i], objects[i+1]
		if !k.Visible() && !v.Visible() {
			continue
		}
		v.Resize(fyne.NewSize(valW, v.MinSize().Height)) // a wrapping label's height follows its width
		h := max(k.MinSize().Height, v.MinSize().Height)
		k.Move(fyne.NewPos(0, y))
		k.Resize(fyne.NewSize(keyW, h))
		v.Move(fyne.NewPos(keyW+theme.Padding(), y))
		v.Resize(fyne.NewSize(valW, h))
		y += h + messageRowGap()
	}
}

// MinSize implements fyne.Layout.
func (l messageFormLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	keyW, valW, h := l.sizes(objects, 0)
	return fyne.NewSize(keyW+theme.Padding()+valW, h)
}
