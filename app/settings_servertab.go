package app

import (
	"cmp"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"letterbox/server"
)

// The AUTH choices of the local server settings, as shown.
const (
	authOff  = "Off"
	authAny  = "Any name and password accepted"
	authFile = "Users in a credentials file"
)

// serverForm holds the local server's controls in the Settings dialog: what
// `letterbox serve` offers, with the same meaning. Fyne goroutine.
type serverForm struct {
	window fyne.Window

	host, port, size, authPath, tlsPort *keyEntry
	auth                                *keySelect
	choosePath                          *keyButton
	requireAuth, insecureAuth           *keyCheck
	requireTLS                          *keyCheck
	ext                                 []*keyCheck // in the order of extensions; ticked = offered
}

// newServerForm fills the controls from cfg (as Settings.ServerConfig returns it).
func newServerForm(k *dialogKeys, cfg server.Config, w fyne.Window) *serverForm {
	f := &serverForm{window: w,
		host: newKeyEntry(k), port: newKeyEntry(k), size: newKeyEntry(k), authPath: newKeyEntry(k), tlsPort: newKeyEntry(k)}
	host, port, err := net.SplitHostPort(cfg.Listen)
	if err != nil {
		host, port = "127.0.0.1", "2525"
	}
	f.host.SetText(host)
	f.port.SetText(port)
	f.port.Validator = checkPort
	f.size.SetPlaceHolder(server.FormatSize(server.DefaultMaxMessageBytes))
	f.size.SetText(server.FormatSize(cmp.Or(cfg.MaxMessageBytes, server.DefaultMaxMessageBytes)))
	f.authPath.SetPlaceHolder("a file made with letterbox passwd")
	f.choosePath = newKeyButton(k, "Choose…", theme.FileIcon(), f.chooseCredentials)
	f.requireAuth = newKeyCheck(k, "Refuse mail before AUTH", nil)
	f.requireAuth.SetChecked(cfg.RequireAuth)
	f.insecureAuth = newKeyCheck(k, "Offer AUTH without TLS", nil)
	f.insecureAuth.SetChecked(cfg.AllowInsecureAuth)
	f.auth = newKeySelect(k, []string{authOff, authAny, authFile}, f.authChanged)
	switch cfg.Auth {
	case "", "off":
		f.auth.SetSelected(authOff)
	case "any":
		f.auth.SetSelected(authAny)
	default:
		f.authPath.SetText(cfg.Auth)
		f.auth.SetSelected(authFile)
	}
	f.requireTLS = newKeyCheck(k, "Refuse mail before STARTTLS (or on the implicit-TLS port)", nil)
	f.requireTLS.SetChecked(cfg.RequireTLS)
	f.tlsPort.SetPlaceHolder("none")
	if cfg.TLSListen != "" {
		_, p, _ := net.SplitHostPort(cfg.TLSListen)
		f.tlsPort.SetText(p)
	}
	f.tlsPort.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" {
			return nil
		}
		return checkPort(s)
	}
	for _, e := range extensions {
		c := newKeyCheck(k, e.name, nil)
		c.SetChecked(!*e.off(&cfg))
		f.ext = append(f.ext, c)
	}
	return f
}

// authChanged enables what goes with the AUTH mode.
func (f *serverForm) authChanged(mode string) {
	enable := func(on bool, ws ...fyne.Disableable) {
		for _, w := range ws {
			if on {
				w.Enable()
			} else {
				w.Disable()
			}
		}
	}
	enable(mode == authFile, f.authPath, f.choosePath)
	enable(mode != authOff, f.requireAuth, f.insecureAuth)
}

func (f *serverForm) chooseCredentials() {
	fd := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		r.Close()
		f.authPath.SetText(r.URI().Path())
	}, f.window)
	if p := strings.TrimSpace(f.authPath.Text); p != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(filepath.Dir(p))); err == nil {
			fd.SetLocation(l)
		}
	}
	showFileDialog(fd, f.window)
}

// build lays the controls out in one column, in the order Tab visits them.
func (f *serverForm) build() fyne.CanvasObject {
	help := func(s string) *widget.Label {
		l := widget.NewLabel(s)
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.LowImportance
		return l
	}
	listen := widget.NewFormItem("Listen address", f.host)
	listen.HintText = "127.0.0.1: this computer only; 0.0.0.0: every network"
	size := widget.NewFormItem("Message size limit", f.size)
	size.HintText = "bytes, or with K, M or G: 25MB; offered with SIZE"
	tlsPort := widget.NewFormItem("Implicit-TLS port", f.tlsPort)
	tlsPort.HintText = "SMTP over TLS from the first byte (RFC 8314), e.g. 4650; empty: none"
	exts := make([]fyne.CanvasObject, len(f.ext))
	for i, c := range f.ext {
		exts[i] = c
	}
	form := widget.NewForm(
		listen,
		widget.NewFormItem("Port", f.port),
		size,
		widget.NewFormItem("AUTH", f.auth),
		widget.NewFormItem("Credentials file", newBorder(nil, nil, nil, f.choosePath, f.authPath)),
		widget.NewFormItem("", container.NewVBox(f.requireAuth, f.insecureAuth)),
		widget.NewFormItem("TLS", f.requireTLS),
		tlsPort,
		widget.NewFormItem("Extensions", container.NewGridWithColumns(2, exts...)),
	)
	return container.NewVBox(form, help("The local server receives mail and keeps it in the mail store, "+
		"as `letterbox serve` does with the same settings. A ticked extension is offered in the EHLO reply; "+
		"untick one to test a client against a server that lacks it."))
}

// config returns the settings as a server.Config, or why they cannot work.
func (f *serverForm) config() (server.Config, error) {
	listen, err := checkListen(f.host.Text, f.port.Text)
	if err != nil {
		return server.Config{}, err
	}
	cfg := server.Config{
		Listen:            listen,
		RequireTLS:        f.requireTLS.Checked,
		RequireAuth:       f.requireAuth.Checked && f.auth.Selected != authOff,
		AllowInsecureAuth: f.insecureAuth.Checked && f.auth.Selected != authOff,
	}
	if cfg.MaxMessageBytes, err = server.ParseSize(f.size.Text); err != nil {
		return cfg, fmt.Errorf("the message size limit must be a positive number of bytes, "+
			"or one with K, M or G such as 25MB, not %q", strings.TrimSpace(f.size.Text))
	}
	switch f.auth.Selected {
	case authAny:
		cfg.Auth = "any"
	case authFile:
		cfg.Auth = strings.TrimSpace(f.authPath.Text)
		if cfg.Auth == "" {
			return cfg, errors.New("choose the credentials file for AUTH, or another AUTH mode")
		}
	default:
		cfg.Auth = "off"
	}
	if p := strings.TrimSpace(f.tlsPort.Text); p != "" {
		if err := checkPort(p); err != nil {
			return cfg, fmt.Errorf("implicit-TLS port: %w", err)
		}
		cfg.TLSListen = tlsListen(listen, p)
	}
	for i, e := range extensions {
		*e.off(&cfg) = !f.ext[i].Checked
	}
	if err := cfg.Check(); err != nil {
		return cfg, err
	}
	return cfg, nil
}
