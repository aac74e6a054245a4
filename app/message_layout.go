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

const (
	// messageTabsWant is the height the tabs keep before the summary block
	// above them starts to scroll.
	messageTabsWant = 260
	// messageTopMin is the least height of the summary block.
	messageTopMin = 96
)

// messageTopLayout stacks the summary block (objects[0]: a vertical scroll
// around top) over the tabs (objects[1]). The summary, the damage note and
// the attachments get their full height when the tabs keep at least
// messageTabsWant; on a short window (800×600 with two rows of attachment
// cards) the block scrolls instead, down to messageTopMin, so the message
// itself stays readable.
type messageTopLayout struct {
	top fyne.CanvasObject // the scrolled content, for its natural height
}

func (l messageTopLayout) topHeight(height float32) float32 {
	natural := l.top.MinSize().Height
	return min(natural, max(height-theme.Padding()-messageTabsWant, messageTopMin))
}

// Layout implements fyne.Layout.
func (l messageTopLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	topH := l.topHeight(size.Height)
	objects[0].Move(fyne.NewPos(0, 0))
	objects[0].Resize(fyne.NewSize(size.Width, topH))
	y := topH + theme.Padding()
	objects[1].Move(fyne.NewPos(0, y))
	objects[1].Resize(fyne.NewSize(size.Width, max(size.Height-y, 0)))
}

// MinSize implements fyne.Layout.
func (l messageTopLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	top, tabs := l.top.MinSize(), objects[1].MinSize()
	return fyne.NewSize(max(top.Width, tabs.Width), min(top.Height, messageTopMin)+theme.Padding()+tabs.Height)
}
