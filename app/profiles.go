package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"

	"letterbox/smtpcore"
)

// TLS modes of a Profile, as shown and stored.
const (
	TLSNone     = "none"     // plain text; AUTH is refused unless over loopback
	TLSStartTLS = "starttls" // upgrade with STARTTLS (RFC 3207), usually port 587
	TLSImplicit = "tls"      // implicit TLS from the first byte (RFC 8314), usually port 465
)

// tlsModeLabels are the choices the profile editor shows, in order.
var tlsModeLabels = []string{"STARTTLS", "TLS (implicit)", "None (plain text)"}

func tlsModeFromLabel(l string) string {
	switch l {
	case tlsModeLabels[1]:
		return TLSImplicit
	case tlsModeLabels[2]:
		return TLSNone
	}
	return TLSStartTLS
}

func tlsModeLabel(mode string) string {
	switch mode {
	case TLSImplicit:
		return tlsModeLabels[1]
	case TLSNone:
		return tlsModeLabels[2]
	}
	return tlsModeLabels[0]
}

// Profile is a saved SMTP server to send through. The password is never part of
// it: it lives in the desktop keyring under Account().
type Profile struct {
	Name        string `json:"name"`
	Host        string `json:"host"`
	Port        int    `json:"port"`
	TLS         string `json:"tls"`                   // TLSNone, TLSStartTLS or TLSImplicit
	Username    string `json:"username,omitempty"`    // "" = no AUTH
	Fingerprint string `json:"fingerprint,omitempty"` // trusted certificate SHA-256, hex; pins a self-signed server
}

// Validate says in words what is wrong with p, or returns nil.
func (p Profile) Validate() error {
	switch {
	case strings.TrimSpace(p.Name) == "":
		return errors.New("give the server a name")
	case strings.TrimSpace(p.Host) == "" || strings.ContainsAny(p.Host, " /:@"):
		return fmt.Errorf("host %q is not a host name or IP address", p.Host)
	case p.Port < 1 || p.Port > 65535:
		return fmt.Errorf("port %d is not between 1 and 65535", p.Port)
	case p.TLS != TLSNone && p.TLS != TLSStartTLS && p.TLS != TLSImplicit:
		return fmt.Errorf("unknown TLS mode %q", p.TLS)
	}
	if p.Fingerprint != "" {
		if _, err := smtpcore.NormalizeFingerprint(p.Fingerprint); err != nil {
			return err
		}
	}
	return nil
}

// normalized returns p with surrounding spaces trimmed and the fingerprint in
// canonical form; call it after Validate.
func (p Profile) normalized() Profile {
	p.Name = strings.TrimSpace(p.Name)
	p.Host = strings.TrimSpace(p.Host)
	p.Username = strings.TrimSpace(p.Username)
	if f, err := smtpcore.NormalizeFingerprint(p.Fingerprint); err == nil {
		p.Fingerprint = f
	}
	return p
}

// Addr returns "host:port".
func (p Profile) Addr() string { return net.JoinHostPort(p.Host, strconv.Itoa(p.Port)) }

// Account is the key the profile's password is stored under in the keyring.
func (p Profile) Account() string { return p.Username + "@" + p.Addr() }

// NeedsPassword reports whether sending through p authenticates.
func (p Profile) NeedsPassword() bool { return p.Username != "" }

// Security maps the profile's TLS mode to the client's.
func (p Profile) Security() smtpcore.Security {
	switch p.TLS {
	case TLSImplicit:
		return smtpcore.SecurityTLS
	case TLSNone:
		return smtpcore.SecurityNone
	}
	return smtpcore.SecuritySTARTTLS
}

// profileStore keeps the profiles as one JSON string in the app preferences.
type profileStore struct {
	prefs fyne.Preferences
}

const prefProfiles = "smtp.profiles"

// List returns the saved profiles sorted by name. A damaged preference reads as
// no profiles rather than stopping the app.
func (s profileStore) List() []Profile {
	raw := s.prefs.String(prefProfiles)
	if raw == "" {
		return nil
	}
	var ps []Profile
	if err := json.Unmarshal([]byte(raw), &ps); err != nil {
		fyne.LogError("saved server profiles are unreadable; starting with none", err)
		return nil
	}
	sort.Slice(ps, func(i, j int) bool { return strings.ToLower(ps[i].Name) < strings.ToLower(ps[j].Name) })
	return ps
}

// Find returns the profile called name.
func (s profileStore) Find(name string) (Profile, bool) {
	for _, p := range s.List() {
		if p.Name == name {
			return p, true
		}
	}
	return Profile{}, false
}

// Put saves p, replacing the profile called old (or p.Name when old is "").
// Names are unique.
func (s profileStore) Put(old string, p Profile) error {
	if err := p.Validate(); err != nil {
		return err
	}
	p = p.normalized()
	if old == "" {
		old = p.Name
	}
	var out []Profile
	for _, q := range s.List() {
		if q.Name == p.Name && q.Name != old {
			return fmt.Errorf("a server called %q already exists", p.Name)
		}
		if q.Name != old {
			out = append(out, q)
		}
	}
	return s.save(append(out, p))
}

// Delete removes the profile called name.
func (s profileStore) Delete(name string) error {
	var out []Profile
	for _, q := range s.List() {
		if q.Name != name {
			out = append(out, q)
		}
	}
	return s.save(out)
}

func (s profileStore) save(ps []Profile) error {
	b, err := json.Marshal(ps)
	if err != nil {
		return fmt.Errorf("saving server profiles: %w", err)
	}
	s.prefs.SetString(prefProfiles, string(b))
	return nil
}
