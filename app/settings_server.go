package app

import (
	"net"

	"letterbox/server"
)

// Preference keys of the local server, beside prefListen. Each holds what the
// `letterbox serve` flag of the same name holds.
const (
	prefMaxSize      = "server.max-message-size" // "25MB", as server.FormatSize writes
	prefAuth         = "server.auth"             // "off", "any" or a credentials file
	prefRequireAuth  = "server.require-auth"
	prefInsecureAuth = "server.allow-insecure-auth"
	prefRequireTLS   = "server.require-tls"
	prefTLSPort      = "server.tls-port" // implicit TLS on the listen host; "" = none
	prefServerOn     = "server.on"       // the switch as the user last left it
)

// extension is one ESMTP extension the local server can stop offering.
type extension struct {
	name string // as EHLO advertises it
	pref string // true = switched off
	off  func(*server.Config) *bool
}

// extensions are the switches of server.Config, in the order EHLO lists them.
var extensions = []extension{
	{"PIPELINING", "server.no-pipelining", func(c *server.Config) *bool { return &c.DisablePipelining }},
	{"SIZE", "server.no-size", func(c *server.Config) *bool { return &c.DisableSize }},
	{"8BITMIME", "server.no-8bitmime", func(c *server.Config) *bool { return &c.Disable8BitMIME }},
	{"SMTPUTF8", "server.no-smtputf8", func(c *server.Config) *bool { return &c.DisableSMTPUTF8 }},
	{"ENHANCEDSTATUSCODES", "server.no-enhanced-status-codes", func(c *server.Config) *bool { return &c.DisableEnhancedStatusCodes }},
	{"CHUNKING", "server.no-chunking", func(c *server.Config) *bool { return &c.DisableChunking }},
	{"STARTTLS", "server.no-starttls", func(c *server.Config) *bool { return &c.DisableSTARTTLS }},
}

// ServerConfig returns the configuration of the local server as saved in
// Settings (listen address as Listen returns it), for server.New. Fields the
// Settings do not offer are zero: the server's defaults. Any goroutine.
func (s Settings) ServerConfig() server.Config {
	cfg := server.Config{
		Listen:            s.Listen(),
		Auth:              s.prefs.StringWithFallback(prefAuth, "off"),
		RequireAuth:       s.prefs.Bool(prefRequireAuth),
		AllowInsecureAuth: s.prefs.Bool(prefInsecureAuth),
		RequireTLS:        s.prefs.Bool(prefRequireTLS),
		MaxMessageBytes:   server.DefaultMaxMessageBytes,
	}
	if n, err := server.ParseSize(s.prefs.String(prefMaxSize)); err == nil {
		cfg.MaxMessageBytes = n
	}
	if port := s.prefs.String(prefTLSPort); port != "" {
		cfg.TLSListen = tlsListen(cfg.Listen, port)
	}
	for _, e := range extensions {
		*e.off(&cfg) = s.prefs.Bool(e.pref)
	}
	return cfg
}

// saveServer keeps every local server setting of cfg but the listen address
// (see save). Fyne goroutine.
func (s *Settings) saveServer(cfg server.Config) {
	size := ""
	if cfg.MaxMessageBytes > 0 {
		size = server.FormatSize(cfg.MaxMessageBytes)
	}
	s.prefs.SetString(prefMaxSize, size)
	s.prefs.SetString(prefAuth, cfg.Auth)
	s.prefs.SetBool(prefRequireAuth, cfg.RequireAuth)
	s.prefs.SetBool(prefInsecureAuth, cfg.AllowInsecureAuth)
	s.prefs.SetBool(prefRequireTLS, cfg.RequireTLS)
	port := ""
	if cfg.TLSListen != "" {
		_, port, _ = net.SplitHostPort(cfg.TLSListen)
	}
	s.prefs.SetString(prefTLSPort, port)
	for _, e := range extensions {
		s.prefs.SetBool(e.pref, *e.off(&cfg))
	}
}

// ServerWasOn reports whether the user left the local server switched on
// (the last time it was switched by hand or by ServerSwitch.SetOn; quitting
// does not count). The window calls it at start. Any goroutine.
func (s Settings) ServerWasOn() bool { return s.prefs.Bool(prefServerOn) }

// RememberServerOn keeps the state the user switched the local server to,
// for ServerWasOn at the next start. ServerSwitch.OnSwitched is its caller.
func (s *Settings) RememberServerOn(on bool) { s.prefs.SetBool(prefServerOn, on) }

// tlsListen is the implicit-TLS address: port on the plain listener's host.
func tlsListen(listen, port string) string {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}
