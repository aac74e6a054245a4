package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"letterbox/smtpcore/msg"
)

// inline is the async seam of tests: the work runs at once on the caller's goroutine.
func inline(f func()) { f() }

// findButton returns the first button under o whose text is text ("" matches
// an icon-only button), or nil.
func findButton(o fyne.CanvasObject, text string) *widget.Button {
	switch v := o.(type) {
	case *widget.Button:
		if v.Text == text {
			return v
		}
	case *fyne.Container:
		for _, c := range v.Objects {
			if b := findButton(c, text); b != nil {
				return b
			}
		}
	}
	return nil
}

func draftFor(to, subject, text string) msg.Draft {
	return msg.Draft{To: []string{to}, Subject: subject, Text: text}
}
