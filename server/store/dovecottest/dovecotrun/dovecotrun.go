// Package dovecotrun starts a private Dovecot over a Letterbox store for
// tests in other packages (the IMAP store, the app): the configuration
// `letterbox share` writes, on 127.0.0.1, as an unprivileged user. It is the
// exported form of the harness in server/store/dovecottest.
//
// A test package that uses it calls Main from its TestMain: as root, Dovecot
// refuses to serve mail as root, so Main runs the test binary again as
// "nobody" (see dovecottest's package comment).
package dovecotrun

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"letterbox/cli"
	"letterbox/server/certs"
)

const childEnv = "LETTERBOX_DOVECOTTEST_UNPRIVILEGED"

// Main runs the tests, as "nobody" when started as root and dovecot is
// installed; it returns the exit code for os.Exit.
func Main(m *testing.M) int {
	if _, err := binary(); err != nil {
		return m.Run() // every Dovecot test skips (or fails when CI=true)
	}
	if os.Geteuid() == 0 && os.Getenv(childEnv) == "" {
		code, err := rerunAs("nobody")
		if err != nil {
			fmt.Fprintf(os.Stderr, "dovecotrun: cannot run as nobody: %v\n", err)
			return 1
		}
		return code
	}
	return m.Run()
}

func binary() (string, error) {
	for _, p := range []string{"dovecot", "/usr/sbin/dovecot"} {
		if path, err := exec.LookPath(p); err == nil {
			return path, nil
		}
	}
	return "", errors.New("dovecot is not installed (apt-get install dovecot-imapd; scripts/deps.sh installs it)")
}

func rerunAs(name string) (int, error) {
	u, err := user.Lookup(name)
	if err != nil {
		return 0, err
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	self, err := os.Executable()
	if err != nil {
		return 0, err
	}
	dir, err := os.MkdirTemp("", "dovecotrun-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, filepath.Base(self))
	if err := copyExecutable(self, bin); err != nil {
		return 0, err
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return 0, err
	}
	var args []string
	for _, a := range os.Args[1:] {
		switch name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "="); name {
		case "test.testlogfile", "test.gocoverdir", "test.coverprofile", "test.outputdir", "test.cpuprofile", "test.memprofile":
			continue
		}
		args = append(args, a)
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = os.TempDir()
	cmd.Env = append(os.Environ(), childEnv+"=1", "HOME="+os.TempDir())
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}}
	err = cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), nil
	}
	return 0, err
}

func copyExecutable(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// syncBuffer is a bytes.Buffer safe for a process's output and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Dovecot is a private Dovecot serving one store over STARTTLS.
type Dovecot struct {
	Addr        string // 127.0.0.1:port
	User        string
	Password    string
	Fingerprint string // SHA-256 of the store's certificate, as share prints it
	log         *syncBuffer
}

// Log returns what Dovecot wrote so far.
func (d *Dovecot) Log() string { return d.log.String() }

// TLSConfig trusts exactly the store's certificate.
func (d *Dovecot) TLSConfig() *tls.Config {
	return &tls.Config{
		InsecureSkipVerify: true, // pinned by VerifyConnection instead
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return errors.New("no certificate")
			}
			got := certs.Fingerprint(tls.Certificate{Certificate: [][]byte{cs.PeerCertificates[0].Raw}})
			if got != d.Fingerprint {
				return fmt.Errorf("dovecot serves %s, want the store's certificate %s", got, d.Fingerprint)
			}
			return nil
		},
	}
}

// Start writes the configuration with `letterbox share` for storeDir and
// starts Dovecot in the foreground; it stops when the test ends. Without
// dovecot the test skips, or fails when CI=true.
func Start(t testing.TB, storeDir string) *Dovecot {
	t.Helper()
	bin, err := binary()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	addr := freeAddr(t)
	res, err := cli.WriteShare(cli.ShareOptions{Store: storeDir, Listen: addr, User: "team",
		Out: filepath.Join(t.TempDir(), "dovecot")})
	if err != nil {
		t.Fatalf("letterbox share: %v", err)
	}
	d := &Dovecot{Addr: addr, User: "team", Password: res.Password, Fingerprint: res.Fingerprint, log: &syncBuffer{}}
	cmd := exec.Command(bin, "-F", "-c", res.Conf)
	cmd.Stdout, cmd.Stderr = d.log, d.log
	// Its own process group, so that the stop reaches every Dovecot process:
	// a login process left over from a cut connection would otherwise hold
	// the output pipe open and Wait with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatalf("start dovecot: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
		if t.Failed() {
			t.Logf("dovecot log:\n%s", d.log)
		}
	})
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return d
		}
		select {
		case err := <-exited:
			t.Fatalf("dovecot exited: %v\n%s", err, d.log)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("dovecot does not listen on %s: %v\n%s", addr, err, d.log)
		}
		time.Sleep(20 * time.Millisecond) // polling a port with a deadline, not waiting blind
	}
}

func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
