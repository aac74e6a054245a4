package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// TestWriteShare: share writes a 0600 passwd-file whose BLF-CRYPT hash
// checks the printed password, and a dovecot.conf that serves this store
// with its certificate; a second run keeps the certificate and makes a new
// password. (server/store/dovecottest starts a real Dovecot with it.)
func TestWriteShare(t *testing.T) {
	storeDir := filepath.Join(t.TempDir(), "mail")
	out := filepath.Join(t.TempDir(), "dv")
	userOwnedStore(t, storeDir)
	opts := ShareOptions{Store: storeDir, Listen: "127.0.0.1:1143", User: "team", Out: out}
	res, err := WriteShare(opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{res.Users, res.Conf} {
		fi, err := os.Stat(p)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, mode %v; want 0600", p, err, fi.Mode().Perm())
		}
	}
	users, _ := os.ReadFile(res.Users)
	user, hash, ok := strings.Cut(strings.TrimSpace(string(users)), ":{BLF-CRYPT}")
	if !ok || user != "team" || bcrypt.CompareHashAndPassword([]byte(hash), []byte(res.Password)) != nil {
		t.Errorf("users = %q; want team:{BLF-CRYPT}<bcrypt of %q>", users, res.Password)
	}
	conf, _ := os.ReadFile(res.Conf)
	for _, want := range []string{
		"mail_location = maildir:" + storeDir + "\n",
		"ssl = required\n",
		"ssl_key = <" + filepath.Join(storeDir+".letterbox", "tls", "key.pem") + "\n",
		"args = scheme=BLF-CRYPT " + out + "/users\n",
		"    address = 127.0.0.1\n    port = 1143\n",
	} {
		if !bytes.Contains(conf, []byte(want)) {
			t.Errorf("dovecot.conf lacks %q:\n%s", want, conf)
		}
	}
	if res.Command != "dovecot -F -c "+out+"/dovecot.conf" {
		t.Errorf("Command = %q", res.Command)
	}
	again, err := WriteShare(opts)
	if err != nil {
		t.Fatal(err)
	}
	if again.Fingerprint != res.Fingerprint || again.Password == res.Password {
		t.Errorf("second run: fingerprint %s (want %s kept), password changed %v (want a new one)",
			again.Fingerprint, res.Fingerprint, again.Password != res.Password)
	}
}

// userOwnedStore makes dir and, when the tests run as root, gives it to
// nobody: Dovecot never reads mail as root, so share refuses a root store.
func userOwnedStore(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		if err := os.Chown(dir, 65534, 65534); err != nil {
			t.Fatal(err)
		}
	}
}

func TestShareRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		opts ShareOptions
		want string
	}{
		{"user with colon", ShareOptions{Store: filepath.Join(dir, "a"), Listen: "127.0.0.1:1143", User: "a:b"}, "--user"},
		{"listen without port", ShareOptions{Store: filepath.Join(dir, "b"), Listen: "127.0.0.1", User: "team"}, "--listen"},
		{"listen by name", ShareOptions{Store: filepath.Join(dir, "c"), Listen: "localhost:1143", User: "team"}, "--listen"},
		{"store path with colon", ShareOptions{Store: filepath.Join(dir, "x:y"), Listen: "127.0.0.1:1143", User: "team"}, "cannot name a path"},
		{"store path with space", ShareOptions{Store: filepath.Join(dir, "x y"), Listen: "127.0.0.1:1143", User: "team"}, "cannot name a path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Out = filepath.Join(dir, "out-"+strings.ReplaceAll(tt.name, " ", "-"))
			if _, err := WriteShare(tt.opts); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("WriteShare = %v, want an error about %s", err, tt.want)
			}
		})
	}
}

func TestShareCommandPrintsPasswordOnce(t *testing.T) {
	var stdout, stderr bytes.Buffer
	store := filepath.Join(t.TempDir(), "mail")
	out := filepath.Join(t.TempDir(), "dv")
	userOwnedStore(t, store)
	code := Share([]string{"--store", store, "--out", out, "--user", "alice"}, Env{Stdout: &stdout, Stderr: &stderr})
	if code != ExitOK {
		t.Fatalf("share = %d: %s", code, stderr.String())
	}
	s := stdout.String()
	if strings.Count(s, "password:") != 1 || !strings.Contains(s, "user:        alice") ||
		!strings.Contains(s, "dovecot -F -c "+out+"/dovecot.conf") || !strings.Contains(s, "SHA-256 ") {
		t.Errorf("share printed:\n%s", s)
	}
	if code := Share([]string{"extra"}, Env{Stdout: &stdout, Stderr: &stderr}); code != ExitUsage {
		t.Errorf("share extra = %d, want %d", code, ExitUsage)
	}
}
