package app

import (
	"errors"
	"fmt"

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
