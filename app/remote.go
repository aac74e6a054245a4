package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"

	"letterbox/server/imapstore"
	"letterbox/smtpcore"
)

// RemoteAccount is a remote inbox the app opened before: where, how and as
// whom, and the certificate the user chose to trust. The password is never
// part of it: it lives in the keyring under KeyringAccount.
type RemoteAccount struct {
	Host        string `json:"host"`
	Port        int    `json:"port"`
	TLS         string `json:"tls"` // TLSImplicit or TLSStartTLS (never plain text)
	Username    string `json:"username"`
	Mailbox     string `json:"mailbox,omitempty"`     // "" = INBOX
	Fingerprint string `json:"fingerprint,omitempty"` // trusted certificate SHA-256, pins a self-signed server
}

// Addr is host:port.
func (a RemoteAccount) Addr() string { return net.JoinHostPort(a.Host, strconv.Itoa(a.Port)) }

// Label is "user@host:port", as the banner shows it.
func (a RemoteAccount) Label() string { return a.Username + "@" + a.Addr() }

// KeyringAccount is the keyring entry of its password, apart from the SMTP
// profiles' entries ("imap:" before Label).
func (a RemoteAccount) KeyringAccount() string { return "imap:" + a.Label() }

// Validate says in words what is wrong with a, or returns nil.
func (a RemoteAccount) Validate() error {
	switch {
	case strings.TrimSpace(a.Host) == "":
		return errors.New("the server name is empty")
	case a.Port < 1 || a.Port > 65535:
		return fmt.Errorf("port %d is not between 1 and 65535", a.Port)
	case a.TLS != TLSImplicit && a.TLS != TLSStartTLS:
		return errors.New("choose TLS or STARTTLS: the password is never sent in plain text")
	case strings.TrimSpace(a.Username) == "":
		return errors.New("the user name is empty")
	}
	if a.Fingerprint != "" {
		if _, err := smtpcore.NormalizeFingerprint(a.Fingerprint); err != nil {
			return err
		}
	}
	return nil
}

// config is the imapstore configuration for a with password. The TLS
// configuration is the one sending uses: system roots, plus the pinned
// certificate when the user trusted one.
func (a RemoteAccount) config(password string) (imapstore.Config, error) {
	tc, err := smtpcore.NewTLSConfig(a.Host, "", false, a.Fingerprint)
	if err != nil {
		return imapstore.Config{}, err
	}
	sec := imapstore.ImplicitTLS
	if a.TLS == TLSStartTLS {
		sec = imapstore.StartTLS
	}
	return imapstore.Config{Addr: a.Addr(), Security: sec, TLS: tc, Username: a.Username,
		Password: password, Mailbox: a.Mailbox}, nil
}

// remoteAccounts keeps the accounts as one JSON string in the preferences,
// the last one opened first.
type remoteAccounts struct{ prefs fyne.Preferences }

const prefRemoteAccounts = "imap.accounts"

// List returns the saved accounts; damaged preferences read as none.
func (s remoteAccounts) List() []RemoteAccount {
	var as []RemoteAccount
	if raw := s.prefs.String(prefRemoteAccounts); raw != "" {
		if err := json.Unmarshal([]byte(raw), &as); err != nil {
			fyne.LogError("saved remote inboxes are unreadable; starting with none", err)
			return nil
		}
	}
	return as
}

// Put saves a first, replacing the account with the same Label.
func (s remoteAccounts) Put(a RemoteAccount) error {
	if err := a.Validate(); err != nil {
		return err
	}
	if a.Fingerprint != "" {
		a.Fingerprint, _ = smtpcore.NormalizeFingerprint(a.Fingerprint)
	}
	out := []RemoteAccount{a}
	for _, b := range s.List() {
		if b.Label() != a.Label() {
			out = append(out, b)
		}
	}
	raw, err := json.Marshal(out)
	if err != nil {
		return err
	}
	s.prefs.SetString(prefRemoteAccounts, string(raw))
	return nil
}

// Find returns the saved account with that label.
func (s remoteAccounts) Find(label string) (RemoteAccount, bool) {
	for _, a := range s.List() {
		if a.Label() == label {
			return a, true
		}
	}
	return RemoteAccount{}, false
}

// remoteDialer connects to a remote inbox; tests may replace it.
type remoteDialer func(imapstore.Config) (*imapstore.Store, error)

// connectRemote gets the password (typed, or from the keyring when typed is
// "") and connects. It does I/O: never call it on the Fyne goroutine. A typed
// password is kept in the keyring once the login succeeded, when remember.
func connectRemote(dial remoteDialer, secrets Secrets, a RemoteAccount, typed string, remember bool) (*imapstore.Store, error) {
	password := typed
	if password == "" && secrets != nil {
		p, err := secrets.Get(a.KeyringAccount())
		if err != nil {
			return nil, fmt.Errorf("no password typed, and none in the keyring: %w", err)
		}
		password = p
	}
	if password == "" {
		return nil, errors.New("type the password")
	}
	cfg, err := a.config(password)
	if err != nil {
		return nil, err
	}
	st, err := dial(cfg)
	if err != nil {
		return nil, err
	}
	if typed != "" && remember && secrets != nil {
		if err := secrets.Set(a.KeyringAccount(), typed); err != nil {
			fyne.LogError("the password could not be kept in the keyring", err)
		}
	}
	return st, nil
}
