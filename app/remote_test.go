package app

import (
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"letterbox/server/certs"
	"letterbox/server/imapstore"
	"letterbox/smtpcore"
)

// memIMAP is an in-process IMAP server (go-imap's in-memory one) on
// 127.0.0.1 with implicit TLS and a self-signed certificate; user "u",
// password "pw". (The IMAP store itself is tested against Dovecot in
// server/imapstore.)
type memIMAP struct {
	addr        string
	fingerprint string
}

func startMemIMAP(t *testing.T, messages []string) *memIMAP {
	t.Helper()
	cert, _, err := certs.LoadOrCreate(t.TempDir(), []string{"127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	mem := imapmemserver.New()
	user := imapmemserver.NewUser("u", "pw")
	if err := user.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	mem.AddUser(user)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		InsecureAuth: true,                       // the listener is TLS already
		Logger:       log.New(io.Discard, "", 0), // refused handshakes are what some tests want
	})
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	s := &memIMAP{addr: ln.Addr().String(), fingerprint: certs.Fingerprint(cert)}
	c, err := imapclient.DialTLS(s.addr, &imapclient.Options{TLSConfig: &tls.Config{InsecureSkipVerify: true}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login("u", "pw").Wait(); err != nil {
		t.Fatal(err)
	}
	for _, m := range messages {
		cmd := c.Append("INBOX", int64(len(m)), nil)
		cmd.Write([]byte(m))
		cmd.Close()
		if _, err := cmd.Wait(); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func (s *memIMAP) account() RemoteAccount {
	host, port, _ := net.SplitHostPort(s.addr)
	var p int
	fmt.Sscan(port, &p)
	return RemoteAccount{Host: host, Port: p, TLS: TLSImplicit, Username: "u"}
}

// TestRemoteAccountCertificateAndKeyring: an untrusted self-signed
// certificate is refused with the certificate in the error (the dialog
// offers its fingerprint); pinned, it connects; the typed password goes to
// the keyring and the next connection takes it from there.
func TestRemoteAccountCertificateAndKeyring(t *testing.T) {
	srv := startMemIMAP(t, []string{inboxSimple("a@x.test", "b@y.test", "hello", "body")})
	a := srv.account()
	keys := &memSecrets{m: map[string]string{}}
	_, err := connectRemote(imapstore.Dial, keys, a, "pw", true)
	if err == nil {
		t.Fatal("connected despite a self-signed certificate")
	}
	var leaf string
	if c := smtpcore.UnverifiedLeaf(err); c != nil {
		leaf = smtpcore.LeafFingerprint(c)
	}
	if leaf != srv.fingerprint {
		t.Fatalf("refused certificate %q, want %q (err %v)", leaf, srv.fingerprint, err)
	}
	if _, ok := keys.m[a.KeyringAccount()]; ok {
		t.Error("the password was kept although the login never happened")
	}
	a.Fingerprint = leaf
	st, err := connectRemote(imapstore.Dial, keys, a, "pw", true)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if keys.m["imap:u@"+srv.addr] != "pw" {
		t.Errorf("keyring = %v", keys.m)
	}
	st, err = connectRemote(imapstore.Dial, keys, a, "", true)
	if err != nil {
		t.Fatalf("with the password from the keyring: %v", err)
	}
	st.Close()
	if _, err := connectRemote(imapstore.Dial, keys, a, "wrong", false); err == nil {
		t.Error("a wrong password connected")
	}
}

// TestRemoteInboxShowsRowsAndMessage: the remote store in the same Inbox
// lists its messages as rows under the banner, and selecting one shows it
// in the message view (no session record) and marks it \Seen.
func TestRemoteInboxShowsRowsAndMessage(t *testing.T) {
	test.NewTempApp(t)
	var msgs []string
	for i := range 30 {
		msgs = append(msgs, inboxSimple("Ann <a@x.test>", "b@y.test", fmt.Sprintf("remote %d", i), "remote body text"))
	}
	srv := startMemIMAP(t, msgs)
	a := srv.account()
	a.Fingerprint = srv.fingerprint
	st, err := connectRemote(imapstore.Dial, nil, a, "pw", false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })

	pump := newInboxPump()
	in := NewInbox(st, func(work func()) { work() })
	in.setUI(pump.post)
	in.debounce = 0
	win := test.NewTempWindow(t, widget.NewLabel(""))
	in.Window = win
	win.SetContent(remoteView(a, in, func() {}))
	win.Resize(fyne.NewSize(1280, 800))
	t.Cleanup(in.Close)
	f := &inboxFixture{in: in, pump: pump, win: win}
	f.waitTotal(t, 30)
	if !strings.Contains(strings.Join(inboxLabels(win.Content()), "|"), "Remote: u@"+srv.addr) {
		t.Error("no banner naming the account")
	}
	if len(f.rows()) == 0 {
		t.Fatal("no rows drawn")
	}
	if _, ok := f.rows()["remote 29"]; !ok {
		t.Errorf("the newest message is not among the rows %v", f.rows())
	}
	data := f.selectSubject(t, "remote 7")
	if data.rec != nil {
		t.Error("a remote message has a session record")
	}
	if !strings.Contains(data.raw, "remote body text") {
		t.Errorf("the view holds %q", data.raw)
	}
	f.pump.waitFor(t, "\\Seen on the server", func() bool {
		sum, err := st.Get(data.id)
		return err == nil && !sum.Unread
	})
}
