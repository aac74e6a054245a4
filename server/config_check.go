package server

import (
	"fmt"

	"letterbox/server/certs"
	"letterbox/server/sasl"
)

// Check reports the first setting of c that cannot work, or nil. Its words
// are meant for the person who chose the setting: the app shows them in its
// settings dialog, and `letterbox serve` prints them before it starts; each
// names the command-line flags involved in parentheses.
//
// It refuses what New would refuse, and also the combinations New accepts
// but that would leave a server no client can use (issue 13 §3): RequireTLS
// with neither STARTTLS nor an implicit-TLS listener, a certificate without
// its key or the reverse, a certificate and key that do not load as a pair,
// and a credentials file that cannot be read or parsed. It reads the
// certificate, key and credentials files, so call it off the UI goroutine
// when they may be slow.
func (c Config) Check() error {
	switch {
	case c.MaxMessageBytes < 0:
		return fmt.Errorf("the message size limit must be a positive number of bytes, not %d (--max-message-size)", c.MaxMessageBytes)
	case c.RequireTLS && c.DisableSTARTTLS && c.TLSListen == "":
		// RFC 3207 §4: with neither STARTTLS nor an implicit-TLS port no
		// session can ever be encrypted, so every MAIL would get 530.
		return fmt.Errorf("require TLS needs STARTTLS or an implicit-TLS port: with neither, every client would be refused (--require-tls with --no-starttls and no --tls-listen)")
	case c.TLSListen != "" && c.TLSListen == c.withDefaults().Listen:
		return fmt.Errorf("the implicit-TLS address %s is also the plain SMTP address; give it another port (--tls-listen, --listen)", c.TLSListen)
	case c.TLSCert != "" && c.TLSKey == "":
		return fmt.Errorf("a TLS certificate needs both a certificate file and a key file: the certificate %s has no key (--tls-cert without --tls-key)", c.TLSCert)
	case c.TLSCert == "" && c.TLSKey != "":
		return fmt.Errorf("a TLS certificate needs both a certificate file and a key file: the key %s has no certificate (--tls-key without --tls-cert)", c.TLSKey)
	case c.TLSCert != "":
		if _, err := certs.Load(c.TLSCert, c.TLSKey); err != nil {
			return fmt.Errorf("the TLS certificate and key cannot be used (--tls-cert, --tls-key): %w", err)
		}
	}
	switch c.Auth {
	case "", "off":
		if c.RequireAuth {
			return fmt.Errorf("require AUTH needs AUTH on (any login, or a credentials file) (--require-auth with --auth off)")
		}
	case "any":
	default:
		if _, err := sasl.LoadFile(c.Auth); err != nil {
			return fmt.Errorf("the AUTH credentials file cannot be used (--auth %s): %w", c.Auth, err)
		}
	}
	return nil
}
