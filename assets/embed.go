// Package assets holds the resources bundled into the Letterbox binary by
// the embed package. It imports nothing from Fyne, so any package (including the
// headless server and the CLI) may use it without pulling in a GUI toolkit.
package assets

import _ "embed" // for go:embed

// Icon is the application icon: a 512×512 PNG (an envelope on a blue tile,
// with a transparent margin) that also serves as the Icon of FyneApp.toml.
//
// The slice aliases the binary's read-only data: callers must treat it as
// read-only and never modify it. The desktop app wraps it as
// fyne.NewStaticResource("icon.png", assets.Icon) to set the window icon.
//
//go:embed icon.png
var Icon []byte
