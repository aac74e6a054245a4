package dovecottest

import (
	"os"
	"testing"

	"github.com/emersion/go-imap/v2/imapclient"

	"letterbox/server/store/dovecottest/dovecotrun"
)

// TestMain runs the tests as "nobody" when started as root (see the package
// comment and dovecotrun.Main): Dovecot will not read mail as root.
func TestMain(m *testing.M) { os.Exit(dovecotrun.Main(m)) }

// dovecot is a private Dovecot serving one store, configured by
// `letterbox share` (dovecotrun.Start).
type dovecot struct{ *dovecotrun.Dovecot }

// startDovecot starts Dovecot over storeDir; it stops when the test ends.
// Without dovecot the test skips, or fails when CI=true.
func startDovecot(t *testing.T, storeDir string) *dovecot {
	t.Helper()
	return &dovecot{dovecotrun.Start(t, storeDir)}
}

// login connects with STARTTLS, checks that Dovecot serves the store's
// certificate (the fingerprint share printed), and logs in.
func (d *dovecot) login(t *testing.T) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialStartTLS(d.Addr, &imapclient.Options{TLSConfig: d.TLSConfig()})
	if err != nil {
		t.Fatalf("IMAP STARTTLS to %s: %v", d.Addr, err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(d.User, d.Password).Wait(); err != nil {
		t.Fatalf("LOGIN: %v\n%s", err, d.Log())
	}
	return c
}
