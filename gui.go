package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// runApp opens the main window and blocks until it closes.
func runApp(a fyne.App) int {
	w := a.NewWindow("Letterbox")
	w.SetContent(widget.NewLabel("Letterbox"))
	w.ShowAndRun()
	return 0
}
