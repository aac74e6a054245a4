package app

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"letterbox/smtpcore"
)

// authCompose is Compose with a saved server that logs in as ann, over
// secrets (nil = no keyring), sending through send.
func authCompose(t *testing.T, secrets Secrets, send SendFunc) *Compose {
	t.Helper()
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	c := NewCompose(w, a.Preferences(), secrets, NewTranscript(w), send, inline)
	w.SetContent(c.Build())
	w.Resize(fyne.NewSize(900, 700))
	if err := (profileStore{a.Preferences()}).Put("", Profile{Name: "Work", Host: "smtp.example.org", Port: 587, TLS: TLSStartTLS, Username: "ann"}); err != nil {
		t.Fatal(err)
	}
	c.RefreshServers()
	c.server.SetSelected("Work")
	c.from.SetText("ann@example.org")
	return c
}

// passwordSender records the password of each send and answers with the
// errors in errs, in turn (nil = accepted).
type passwordSender struct {
	passwords []string
	pins      []string
	errs      []error
}

func (f *passwordSender) send(_ context.Context, cfg smtpcore.ClientConfig, env smtpcore.Envelope,
	build func(bool) (smtpcore.Message, error)) (*smtpcore.Result, error) {
	pw := "<none>"
	if cfg.Auth != nil {
		pw = cfg.Auth.Password
	}
	f.passwords = append(f.passwords, pw)
	f.pins = append(f.pins, cfg.PinnedSHA256)
	if len(f.errs) > 0 {
		err := f.errs[0]
		f.errs = f.errs[1:]
		if err != nil {
			return nil, err
		}
	}
	if _, err := build(true); err != nil {
		return nil, err
	}
	return &smtpcore.Result{Rcpts: []smtpcore.RcptResult{{Addr: env.To[0], Accepted: true, Reply: &smtpcore.Reply{Code: 250, Text: "OK"}}}}, nil
}

// askedPassword returns the focused password field of the password dialog,
// or nil when no such dialog is open.
func askedPassword(c *Compose) *keyEntry {
	if c.window.Canvas().Overlays().Top() == nil {
		return nil
	}
	e, _ := c.window.Canvas().Focused().(*keyEntry)
	return e
}

// sendAndAnswer fills in a recipient, taps Send and, if the password is
// asked for, types password and presses Enter. It reports whether it was asked.
func sendAndAnswer(t *testing.T, c *Compose, password string) bool {
	t.Helper()
	c.to.SetText("bob@example.net")
	test.Tap(c.sendBtn)
	e := askedPassword(c)
	if e == nil {
		return false
	}
	dlg := c.window.Canvas().Overlays().Top()
	test.Type(e, password)
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	for _, o := range c.window.Canvas().Overlays().List() {
		if o == dlg {
			t.Fatal("Enter in the password field left the dialog open, want it submitted")
		}
	}
	return true
}

func TestComposePasswordAskedOnceWithoutKeyring(t *testing.T) {
	for _, tt := range []struct {
		name    string
		secrets Secrets
	}{
		{"no keyring", nil},
		{"keyring unavailable", &memSecrets{m: map[string]string{}, broken: true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := &passwordSender{}
			c := authCompose(t, tt.secrets, f.send)
			if !sendAndAnswer(t, c, "s3cret") {
				t.Fatal("first send: the password was not asked for")
			}
			if sendAndAnswer(t, c, "other") {
				t.Error("second send: the password was asked for again, want it kept for the session")
			}
			if len(f.passwords) != 2 || f.passwords[0] != "s3cret" || f.passwords[1] != "s3cret" {
				t.Errorf("sent with passwords %q, want [s3cret s3cret]", f.passwords)
			}
		})
	}
}

func TestComposePasswordEscapeCancels(t *testing.T) {
	f := &passwordSender{}
	c := authCompose(t, nil, f.send)
	c.to.SetText("bob@example.net")
	test.Tap(c.sendBtn)
	e := askedPassword(c)
	if e == nil {
		t.Fatal("the password was not asked for")
	}
	test.Type(e, "half")
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if top := c.window.Canvas().Overlays().Top(); top != nil {
		t.Errorf("Escape left an overlay (%T) open, want the dialog closed", top)
	}
	if len(f.passwords) != 0 {
		t.Errorf("Escape sent %d messages, want none", len(f.passwords))
	}
	if !sendAndAnswer(t, c, "s3cret") {
		t.Error("after Escape the next send did not ask for the password")
	}
}

func TestComposePasswordRefusedIsAskedAgain(t *testing.T) {
	refused := &smtpcore.SendError{Phase: smtpcore.PhaseAuth, Err: &smtpcore.Reply{Code: 535, Enhanced: "5.7.8", Text: "Authentication credentials invalid"}}
	f := &passwordSender{errs: []error{refused}}
	c := authCompose(t, nil, f.send)
	if !sendAndAnswer(t, c, "wrong") {
		t.Fatal("first send: the password was not asked for")
	}
	if got := c.result.Text(); !strings.Contains(got, "refused the user name or password") {
		t.Errorf("result panel %q, want it to say the login was refused", got)
	}
	if !sendAndAnswer(t, c, "right") {
		t.Fatal("after a 535 the password was not asked for again")
	}
	if len(f.passwords) != 2 || f.passwords[1] != "right" {
		t.Errorf("sent with passwords %q, want [wrong right]", f.passwords)
	}
}

func TestComposePasswordRefusedKeyringIsPassedOver(t *testing.T) {
	refused := &smtpcore.SendError{Phase: smtpcore.PhaseAuth, Err: &smtpcore.Reply{Code: 535, Text: "no"}}
	keyring := &memSecrets{m: map[string]string{"ann@smtp.example.org:587": "stale"}}
	f := &passwordSender{errs: []error{refused}}
	c := authCompose(t, keyring, f.send)
	if sendAndAnswer(t, c, "") {
		t.Fatal("first send asked for the password the keyring holds")
	}
	if !sendAndAnswer(t, c, "fresh") {
		t.Fatal("after the keyring's password got 535, the next send did not ask")
	}
	if keyring.m["ann@smtp.example.org:587"] != "fresh" {
		t.Errorf("keyring holds %q, want the new password (Remember is on by default)", keyring.m["ann@smtp.example.org:587"])
	}
	if sendAndAnswer(t, c, "") || f.passwords[2] != "fresh" {
		t.Errorf("third send: passwords %q, want the keyring's new one without asking", f.passwords)
	}
}

func TestComposeTrustCertificateDoesNotAskPassword(t *testing.T) {
	cert := selfSigned(t)
	certErr := &smtpcore.SendError{Phase: smtpcore.PhaseTLS, Err: &tls.CertificateVerificationError{
		UnverifiedCertificates: []*x509.Certificate{cert},
		Err:                    x509.UnknownAuthorityError{Cert: cert},
	}}
	f := &passwordSender{errs: []error{certErr}}
	c := authCompose(t, nil, f.send)
	if !sendAndAnswer(t, c, "s3cret") {
		t.Fatal("first send: the password was not asked for")
	}
	top := c.window.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("after a refused certificate no dialog is shown, want the offer to trust it")
	}
	var trust *widget.Button
	for _, o := range test.LaidOutObjects(top) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Trust and send again" {
			trust = b
		}
	}
	if trust == nil {
		t.Fatal("the certificate dialog has no \"Trust and send again\" button")
	}
	test.Tap(trust)
	if e := askedPassword(c); e != nil {
		t.Fatal("Trust and send again asked for the password again")
	}
	fp := smtpcore.LeafFingerprint(cert)
	if len(f.passwords) != 2 || f.passwords[1] != "s3cret" || f.pins[1] != fp {
		t.Errorf("sends: passwords %q, pins %q; want the second with s3cret pinned to %s", f.passwords, f.pins, fp)
	}
	if top := c.window.Canvas().Overlays().Top(); top != nil {
		t.Errorf("after the trusted send an overlay (%T) is open, want none", top)
	}
}

func TestSessionSecrets(t *testing.T) {
	const acct = "ann@smtp.example.org:587"
	t.Run("no keyring", func(t *testing.T) {
		s := newSessionSecrets(nil)
		if _, err := s.Get(acct); !errors.Is(err, errNoKeyring) {
			t.Fatalf("Get on an empty session without keyring = %v, want errNoKeyring", err)
		}
		if err := s.Set(acct, "a"); err == nil {
			t.Error("Set without a keyring = nil, want an error saying it was not saved")
		}
		if pw, err := s.Get(acct); pw != "a" || err != nil {
			t.Errorf("Get after Set = %q, %v; want the password kept in memory", pw, err)
		}
		s.Refused(acct)
		if _, err := s.Get(acct); err == nil {
			t.Error("Get after Refused found a password, want none")
		}
	})
	t.Run("keyring", func(t *testing.T) {
		k := &memSecrets{m: map[string]string{}}
		s := newSessionSecrets(k)
		if _, err := s.Get(acct); !errors.Is(err, errNoPassword) {
			t.Fatalf("Get = %v, want errNoPassword", err)
		}
		if err := s.Set(acct, "k"); err != nil || k.m[acct] != "k" {
			t.Fatalf("Set = %v, keyring %q; want it saved in the keyring", err, k.m[acct])
		}
		s.Keep(acct, "typed")
		if pw, _ := s.Get(acct); pw != "typed" {
			t.Errorf("Get = %q, want the password typed this session", pw)
		}
		s.Refused(acct)
		if _, err := s.Get(acct); !errors.Is(err, errNoPassword) {
			t.Errorf("Get after Refused = %v, want errNoPassword (the keyring's is passed over)", err)
		}
		if k.m[acct] != "k" {
			t.Errorf("Refused changed the keyring to %q, want it left alone", k.m[acct])
		}
	})
}

// selfSigned returns a throwaway self-signed certificate.
func selfSigned(t *testing.T) *x509.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "smtp.example.org"},
		DNSNames:     []string{"smtp.example.org"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}
