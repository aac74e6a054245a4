package app

import (
	"reflect"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// dismissLabels are the texts of the buttons that close a dialog without
// doing anything: Fyne's and ours.
var dismissLabels = map[string]bool{"Cancel": true, "Close": true, "No": true, "Dismiss": true, "OK": true}

// dialogKey answers Escape and Return/Enter for the dialog on top of canvas c,
// as desktop dialogs do: Escape taps its dismiss button (Cancel, Close, No),
// Enter its default one (the single high-importance button, e.g. Save, Send,
// Yes). It reports whether the key was used. Fyne's dialogs do not listen
// for either key themselves; the window calls this for keys that reach it
// with no widget focused, which is the case when a dialog has just opened.
// Fyne goroutine.
func dialogKey(c fyne.Canvas, key fyne.KeyName) bool {
	top := c.Overlays().Top()
	if top == nil {
		return false
	}
	var buttons []*widget.Button
	walkObjects(top, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Visible() && !b.Disabled() && b.OnTapped != nil {
			buttons = append(buttons, b)
		}
	})
	var target *widget.Button
	switch key {
	case fyne.KeyEscape:
		var plain []*widget.Button // text buttons that do not confirm
		for _, b := range buttons {
			if dismissLabels[b.Text] && b.Importance != widget.HighImportance {
				target = b
				break
			}
			if b.Text != "" && b.Importance != widget.HighImportance && b.Importance != widget.DangerImportance {
				plain = append(plain, b)
			}
		}
		switch {
		case target != nil:
		case len(plain) == 1: // "Keep writing", "Not now"
			target = plain[0]
		case len(buttons) == 1:
			target = buttons[0]
		case len(buttons) == 0:
			// A pop-up without buttons (a menu, a suggestion list): close it.
			c.Overlays().Remove(top)
			return true
		}
	case fyne.KeyReturn, fyne.KeyEnter:
		for _, b := range buttons {
			if b.Importance == widget.HighImportance || b.Importance == widget.DangerImportance {
				if target != nil {
					return false // two candidates: do not guess
				}
				target = b
			}
		}
	}
	if target == nil {
		return false
	}
	target.OnTapped()
	return true
}

// walkObjects calls f for o and every visible object under it that is laid
// out by containers: a pop-up's content and the containers' children. Fyne's
// dialogs are built that way, buttons included; widgets' own insides are not
// visited (they are private to their renderers).
func walkObjects(o fyne.CanvasObject, f func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	f(o)
	switch x := o.(type) {
	case *widget.PopUp:
		walkObjects(x.Content, f)
	case *fyne.Container:
		for _, k := range x.Objects {
			walkObjects(k, f)
		}
	default:
		walkObjects(overlayContent(o), f)
	}
}

// overlayContent returns what an overlay shows: Fyne wraps each pop-up in an
// overlay container of an internal package whose Content field (exported)
// holds the pop-up. nil for anything else.
func overlayContent(o fyne.CanvasObject) fyne.CanvasObject {
	v := reflect.ValueOf(o)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return nil
	}
	field := v.Elem().FieldByName("Content")
	if !field.IsValid() || !field.CanInterface() {
		return nil
	}
	c, _ := field.Interface().(fyne.CanvasObject)
	return c
}

// showFileDialog shows d over most of w. A FileDialog can only be resized
// once shown: Resize before Show dereferences its missing window (a crash on
// the real driver). The file name field is left unfocused, so that Escape
// (which a focused Entry swallows) and Enter reach the window and dialogKey:
// Enter saves under the proposed name, Escape cancels; Tab reaches the field.
// When it closes, the focus goes back to where it was, so a keyboard user
// carries on from the button that opened it.
func showFileDialog(d *dialog.FileDialog, w fyne.Window) {
	c := w.Canvas()
	before := c.Focused()
	d.SetOnClosed(func() {
		if before != nil {
			c.Focus(before)
		}
	})
	d.Show()
	d.Resize(dialogSize(w))
	c.Unfocus()
}
