package app

import (
	"errors"
	"fmt"
	"sync"

	"github.com/zalando/go-keyring"
)

// keyringService is the service name Letterbox's passwords are filed under in
// the desktop keyring (Secret Service on Linux, Keychain on macOS, Credential
// Manager on Windows).
const keyringService = "Letterbox SMTP"

// errNoPassword means the secret store holds no password for the account.
var errNoPassword = errors.New("no password stored")

// Secrets keeps SMTP passwords out of the preferences file. Get returns
// errNoPassword (wrapped) when nothing is stored; any other error means the
// store itself is unavailable (no keyring daemon, locked, refused), and the
// caller then asks for the password at send time instead.
type Secrets interface {
	Get(account string) (string, error)
	Set(account, password string) error
	Delete(account string) error
}

// systemKeyring stores passwords in the desktop keyring through go-keyring.
type systemKeyring struct{}

// Get returns the stored password for account.
func (systemKeyring) Get(account string) (string, error) {
	p, err := keyring.Get(keyringService, account)
	if errors.Is(err, keyring.ErrNotFound) {
		return "", fmt.Errorf("keyring %q: %w", account, errNoPassword)
	}
	if err != nil {
		return "", fmt.Errorf("desktop keyring unavailable: %w", err)
	}
	return p, nil
}

// Set stores password for account, replacing any earlier one.
func (systemKeyring) Set(account, password string) error {
	if err := keyring.Set(keyringService, account, password); err != nil {
		return fmt.Errorf("desktop keyring unavailable: %w", err)
	}
	return nil
}

// Delete forgets the password of account; forgetting a missing one is no error.
func (systemKeyring) Delete(account string) error {
	err := keyring.Delete(keyringService, account)
	if err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return fmt.Errorf("desktop keyring unavailable: %w", err)
	}
	return nil
}

// errNoKeyring is what sessionSecrets.Get says when there is no desktop
// keyring at all (Compose was given none).
var errNoKeyring = errors.New("no desktop keyring")

// sessionSecrets puts a memory of the running session in front of the desktop
// keyring. A password typed at send time and not saved in the keyring (there
// is none, it failed, or the user chose not to) is kept here until Letterbox
// quits, so it is asked for at most once per account; it is never written to
// disk. A password the server refused is forgotten, and a refused keyring
// password is passed over for the rest of the session, so the next send asks
// again instead of failing the same way.
//
// Safe for use from any goroutine; Compose calls it on the Fyne goroutine.
type sessionSecrets struct {
	keyring Secrets // nil when there is no keyring

	mu      sync.Mutex
	typed   map[string]string // account → password typed this session
	refused map[string]bool   // account → the keyring's password was refused this session
}

func newSessionSecrets(keyring Secrets) *sessionSecrets {
	return &sessionSecrets{keyring: keyring, typed: map[string]string{}, refused: map[string]bool{}}
}

// Get returns the password typed this session, else the keyring's. The error
// wraps errNoPassword when the keyring works but holds nothing usable, and is
// errNoKeyring or the keyring's own error when there is no usable keyring.
func (s *sessionSecrets) Get(account string) (string, error) {
	s.mu.Lock()
	pw, ok := s.typed[account]
	refused := s.refused[account]
	s.mu.Unlock()
	if ok {
		return pw, nil
	}
	if s.keyring == nil {
		return "", errNoKeyring
	}
	pw, err := s.keyring.Get(account)
	if err == nil && refused {
		return "", fmt.Errorf("keyring %q: the stored password was refused by the server: %w", account, errNoPassword)
	}
	return pw, err
}

// Set saves password in the keyring. When that fails (or there is no
// keyring) the password is still kept for the session and the error says why
// it was not saved.
func (s *sessionSecrets) Set(account, password string) error {
	err := errNoKeyring
	if s.keyring != nil {
		err = s.keyring.Set(account, password)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.typed[account] = password
		return err
	}
	delete(s.typed, account)
	delete(s.refused, account)
	return nil
}

// Delete forgets account's password here and in the keyring.
func (s *sessionSecrets) Delete(account string) error {
	s.mu.Lock()
	delete(s.typed, account)
	delete(s.refused, account)
	s.mu.Unlock()
	if s.keyring == nil {
		return nil
	}
	return s.keyring.Delete(account)
}

// Keep holds password in memory for the rest of the session only.
func (s *sessionSecrets) Keep(account, password string) {
	s.mu.Lock()
	s.typed[account] = password
	s.mu.Unlock()
}

// Refused forgets the password the server just refused: the typed one, and
// for this session the keyring's (which stays stored: a new one typed and
// remembered replaces it).
func (s *sessionSecrets) Refused(account string) {
	s.mu.Lock()
	delete(s.typed, account)
	s.refused[account] = true
	s.mu.Unlock()
}
