package main

import (
	"fyne.io/fyne/v2"
	"github.com/sirupsen/logrus"

	"letterbox/app"
)

// runApp opens the main window and blocks until it closes. The launch options
// come from the environment (LETTERBOX_STORE, LETTERBOX_TAB, LETTERBOX_SERVER,
// LETTERBOX_PORT; see app.OptionsFromEnv).
func runApp(a fyne.App) int {
	if err := app.Run(a, app.OptionsFromEnv()); err != nil {
		logrus.WithError(err).Error("letterbox: the app did not close cleanly")
		return 1
	}
	return 0
}
