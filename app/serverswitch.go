package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"letterbox/server"
	"letterbox/server/store"
)

// stopTimeout is how long switching the server off (or quitting) lets sessions
// in the middle of a transaction finish before they get 421.
const stopTimeout = 5 * time.Second

// localServer is what the switch needs of a running server; *server.Server has it.
type localServer interface {
	Start() error
	Addr() net.Addr
	TLSAddr() net.Addr // the implicit-TLS listener, or nil
	Fingerprint() string
	Warnings() []string
	Shutdown(ctx context.Context) error
}

// serverFactory makes a server listening on listen; it does not start it.
type serverFactory func(listen string) (localServer, error)

// configuredServer returns the factory of real servers that keep mail in st,
// configured as saved in settings at each start (nil settings: the server's
// defaults). The implicit-TLS port, if any, listens on listen's host.
// Settings that cannot work are refused with server.Config.Check's words, as
// `letterbox serve` refuses them: saved settings can stop working (a
// credentials file removed after Save). It reads files: call it off the Fyne
// goroutine, as the switch does.
func configuredServer(st *store.Store, settings *Settings) serverFactory {
	return func(listen string) (localServer, error) {
		cfg := server.Config{}
		if settings != nil {
			cfg = settings.ServerConfig()
		}
		if cfg.TLSListen != "" {
			_, port, _ := net.SplitHostPort(cfg.TLSListen)
			cfg.TLSListen = tlsListen(listen, port)
		}
		cfg.Listen = listen
		if err := cfg.Check(); err != nil {
			return nil, fmt.Errorf("the local server settings cannot work: %w", err)
		}
		return server.New(cfg, st)
	}
}

// ServerSwitch is the toolbar's "Local server" switch: it starts the same
// server that `letterbox serve` runs, in-process, and says its state in words.
// Starting and stopping run through async; the widgets change only on the Fyne
// goroutine.
type ServerSwitch struct {
	// OnChange is called on the Fyne goroutine whenever the server started or stopped.
	OnChange func(running bool)
	// OnSettings opens the local server settings (offered when the port is taken).
	OnSettings func()
	// OnSwitched is called on the Fyne goroutine when the user switches the
	// server on or off, or code does it with SetOn; not when it stops because
	// the app quits (Stop), restarts, or fails to start. It is for remembering
	// the choice: Settings.RememberServerOn.
	OnSwitched func(on bool)

	async     func(func())
	newServer serverFactory
	listen    func() string

	srv      localServer // the running server, or nil; Fyne goroutine only
	busy     bool        // a start or stop is in flight
	failed   bool        // the last start failed
	updating bool        // the check is being set by code, not by the user

	check    *widget.Check
	state    *widget.Label
	detail   *widget.Label
	copyFP   *widget.Button // copies the certificate fingerprint
	settings *widget.Button
}

// NewServerSwitch returns a switch whose server is made by newServer on the
// address listen() returns at each start. async nil means goroutines.
func NewServerSwitch(newServer serverFactory, listen func() string, async func(func())) *ServerSwitch {
	s := &ServerSwitch{async: orGo(async), newServer: newServer, listen: listen}
	s.check = widget.NewCheck("Local server", s.onToggle)
	s.state = widget.NewLabel("Off")
	s.detail = widget.NewLabel("")
	s.detail.Importance = widget.LowImportance
	s.detail.Truncation = fyne.TextTruncateEllipsis
	s.detail.Hide()
	s.settings = widget.NewButtonWithIcon("Choose another port…", theme.SettingsIcon(), func() {
		if s.OnSettings != nil {
			s.OnSettings()
		}
	})
	s.settings.Hide()
	s.copyFP = widget.NewButtonWithIcon("Copy fingerprint", theme.ContentCopyIcon(), s.copyFingerprint)
	s.copyFP.Importance = widget.LowImportance
	s.copyFP.Hide()
	return s
}

// Build returns the toolbar row: the switch, its state, the details and the
// button that copies the certificate fingerprint, in that order for Tab.
func (s *ServerSwitch) Build() fyne.CanvasObject {
	left := container.NewHBox(s.check, s.state, s.settings)
	return newBorder(nil, nil, left, s.copyFP, s.detail)
}

// copyFingerprint puts the running server's certificate fingerprint on the
// clipboard, as a client's "trusted certificate" setting wants it.
func (s *ServerSwitch) copyFingerprint() {
	fp := s.Fingerprint()
	if fp == "" {
		return
	}
	fyne.CurrentApp().Clipboard().SetContent(fp)
	s.copyFP.SetText("Copied")
}

// Running reports whether the server is listening. Fyne goroutine.
func (s *ServerSwitch) Running() bool { return s.srv != nil }

// Addr returns the address the server listens on ("127.0.0.1:2525"), or "".
func (s *ServerSwitch) Addr() string {
	if s.srv == nil || s.srv.Addr() == nil {
		return ""
	}
	return s.srv.Addr().String()
}

// Fingerprint returns the SHA-256 fingerprint of the server's STARTTLS
// certificate, or "" when it is off or has no TLS.
func (s *ServerSwitch) Fingerprint() string {
	if s.srv == nil {
		return ""
	}
	return s.srv.Fingerprint()
}

// State returns the state line as shown ("Off", "Listening on …", "Error: …").
func (s *ServerSwitch) State() string { return s.state.Text }

// SetOn switches the server on or off as if the user had ticked the box.
func (s *ServerSwitch) SetOn(on bool) {
	if on == s.check.Checked {
		return
	}
	s.check.SetChecked(on) // calls onToggle
}

func (s *ServerSwitch) onToggle(on bool) {
	if s.updating {
		return
	}
	if s.OnSwitched != nil {
		s.OnSwitched(on)
	}
	if on {
		s.start()
	} else {
		s.stop(nil)
	}
}

func (s *ServerSwitch) setBusy(text string) {
	s.busy = true
	s.state.Importance = widget.MediumImportance
	s.check.Disable()
	s.state.SetText(text)
	s.settings.Hide()
	s.detail.Hide()
	s.copyFP.Hide()
}

func (s *ServerSwitch) start() {
	if s.busy || s.srv != nil {
		return
	}
	listen := s.listen()
	s.setBusy("Starting on " + listen + "…")
	s.async(func() {
		srv, err := s.newServer(listen)
		if err == nil {
			err = srv.Start()
		}
		fyne.Do(func() { s.started(listen, srv, err) })
	})
}

func (s *ServerSwitch) started(listen string, srv localServer, err error) {
	s.busy = false
	s.check.Enable()
	s.failed = err != nil
	if err != nil {
		s.srv = nil
		s.setChecked(false)
		s.state.Importance = widget.DangerImportance
		s.state.SetText(explainListenError(listen, err))
		s.settings.Show()
		s.notify()
		return
	}
	s.srv = srv
	s.setChecked(true)
	state := "Listening on " + s.Addr()
	if a := srv.TLSAddr(); a != nil {
		state += ", TLS on " + a.String()
	}
	s.state.SetText(state)
	var notes []string
	if fp := srv.Fingerprint(); fp != "" {
		notes = append(notes, "TLS certificate SHA-256 "+fp)
		s.copyFP.SetText("Copy fingerprint")
		s.copyFP.Show()
	}
	notes = append(notes, srv.Warnings()...)
	if len(notes) > 0 {
		s.detail.SetText(strings.Join(notes, " · "))
		s.detail.Importance = widget.LowImportance
		if len(srv.Warnings()) > 0 {
			s.detail.Importance = widget.WarningImportance
		}
		s.detail.Show()
	}
	s.notify()
}

// stop shuts the server down off the UI goroutine; then (if not nil) runs on
// the Fyne goroutine afterwards.
func (s *ServerSwitch) stop(then func()) {
	if s.busy || s.srv == nil {
		if then != nil {
			then()
		}
		return
	}
	srv := s.srv
	s.setBusy("Stopping…")
	s.async(func() {
		ctx, cancel := context.WithTimeout(context.Background(), stopTimeout)
		err := srv.Shutdown(ctx)
		cancel()
		fyne.Do(func() {
			s.busy = false
			s.srv = nil
			s.check.Enable()
			s.setChecked(false)
			s.state.SetText("Off")
			if err != nil {
				s.state.SetText("Off (sessions still sending were cut off: " + err.Error() + ")")
			}
			s.notify()
			if then != nil {
				then()
			}
		})
	})
}

// Failed reports whether the last attempt to switch the server on failed
// (the error is on show).
func (s *ServerSwitch) Failed() bool { return s.failed && s.srv == nil }

// Restart stops a running server and starts it again on the current listen
// address, as after a change in Settings. Does nothing when it is off.
func (s *ServerSwitch) Restart() {
	if s.srv == nil {
		s.settings.Hide()
		return
	}
	s.stop(s.start)
}

// Stop shuts the server down and waits for it, at most stopTimeout. It is for
// quitting: it blocks the caller, and touches no widget.
func (s *ServerSwitch) Stop() error {
	srv := s.srv
	if srv == nil {
		return nil
	}
	s.srv = nil
	ctx, cancel := context.WithTimeout(context.Background(), stopTimeout)
	defer cancel()
	return srv.Shutdown(ctx)
}

func (s *ServerSwitch) setChecked(on bool) {
	s.updating = true
	s.check.SetChecked(on)
	s.updating = false
}

func (s *ServerSwitch) notify() {
	if s.OnChange != nil {
		s.OnChange(s.srv != nil)
	}
}

// explainListenError says why the server could not listen, in words.
func explainListenError(listen string, err error) string {
	_, port, _ := net.SplitHostPort(listen)
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return fmt.Sprintf("Error: port %s is in use — choose another port", port)
	case errors.Is(err, syscall.EACCES):
		return fmt.Sprintf("Error: port %s needs administrator rights — choose a port above 1023", port)
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		return fmt.Sprintf("Error: this computer has no address %s — choose another listen address", listen)
	}
	return "Error: " + err.Error()
}
