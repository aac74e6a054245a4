package server

import (
	"errors"
	"fmt"

	"letterbox/server/sasl"
)

// Check reports the first setting of c that cannot work, in words meant for
// the person who chose it (the app shows them in its settings dialog,
// `letterbox serve` can print them), or nil. It is what New would refuse and
// also the combinations New accepts but that would leave a server no client
// can use, such as RequireTLS with no TLS at all. It reads the AUTH
// credentials file, so call it off the UI goroutine when the file may be slow.
func (c Config) Check() error {
	switch {
	case c.MaxMessageBytes < 0:
		return fmt.Errorf("the message size limit must be a positive number of bytes, not %d", c.MaxMessageBytes)
	case c.RequireTLS && c.DisableSTARTTLS && c.TLSListen == "":
		// RFC 3207 §4: with neither STARTTLS nor an implicit-TLS port no
		// session can ever be encrypted, so every MAIL would get 530.
		return errors.New("require TLS needs STARTTLS or an implicit-TLS port: with neither, every client would be refused")
	case c.TLSListen != "" && c.TLSListen == c.withDefaults().Listen:
		return fmt.Errorf("the implicit-TLS address %s is also the plain SMTP address; give it another port", c.TLSListen)
	case (c.TLSCert == "") != (c.TLSKey == ""):
		return errors.New("a TLS certificate needs both a certificate file and a key file")
	}
	switch c.Auth {
	case "", "off":
		if c.RequireAuth {
			return errors.New("require AUTH needs AUTH on (any login, or a credentials file)")
		}
	case "any":
	default:
		if _, err := sasl.LoadFile(c.Auth); err != nil {
			return fmt.Errorf("the AUTH credentials file cannot be used: %w", err)
		}
	}
	return nil
}
