package main

import (
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("dev.letterbox.app")
	w := a.NewWindow("Letterbox")
	w.SetContent(widget.NewLabel("Letterbox"))
	w.ShowAndRun()
}
