package dovecottest

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

	"github.com/emersion/go-imap/v2/imapclient"

	"letterbox/cli"
	"letterbox/server/certs"
)

// TestMain runs the tests as "nobody" when started as root (see the package
// comment): it copies this test binary where that user may run it and runs it
// again under that user, passing on every flag but the go tool's log and
// coverage files, which only root may write.
func TestMain(m *testing.M) {
	if _, err := exec.LookPath("dovecot"); err != nil {
		if _, err := os.Stat("/usr/sbin/dovecot"); err != nil {
			os.Exit(m.Run()) // every test skips (or fails when CI=true)
		}
	}
	if os.Geteuid() == 0 && os.Getenv(childEnv) == "" {
		code, err := rerunAs("nobody")
		if err != nil {
			fmt.Fprintf(os.Stderr, "dovecottest: cannot run as nobody: %v\n", err)
			os.Exit(1)
		}
		os.Exit(code)
	}
	os.Exit(m.Run())
}

const childEnv = "LETTERBOX_DOVECOTTEST_UNPRIVILEGED"

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
	dir, err := os.MkdirTemp("", "dovecottest-")
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
		case "test.testlogfile", "test.gocoverdir", "test.coverprofile", "test.outputdir":
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
	if err != nil {
		return 0, err
	}
	return 0, nil
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

// dovecotPath finds the dovecot binary, or skips (fails when CI=true).
func dovecotPath(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"dovecot", "/usr/sbin/dovecot"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	msg := "dovecot is not installed (apt-get install dovecot-imapd; scripts/deps.sh installs it)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// syncBuffer is a bytes.Buffer safe for a process's stderr and the test.
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

// dovecot is a private Dovecot serving one store.
type dovecot struct {
	addr  string
	share cli.ShareResult
	log   *syncBuffer
}

// startDovecot writes the configuration with `letterbox share` and starts
// Dovecot in the foreground; it is stopped when the test ends.
func startDovecot(t *testing.T, storeDir string) *dovecot {
	t.Helper()
	bin := dovecotPath(t)
	addr := freeAddr(t)
	res, err := cli.WriteShare(cli.ShareOptions{Store: storeDir, Listen: addr, User: "team",
		Out: filepath.Join(t.TempDir(), "dovecot")})
	if err != nil {
		t.Fatalf("letterbox share: %v", err)
	}
	d := &dovecot{addr: addr, share: res, log: &syncBuffer{}}
	cmd := exec.Command(bin, "-F", "-c", res.Conf)
	cmd.Stdout, cmd.Stderr = d.log, d.log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start dovecot: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
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

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// login connects with STARTTLS, checks that Dovecot serves the store's
// certificate (the fingerprint share printed), and logs in.
func (d *dovecot) login(t *testing.T) *imapclient.Client {
	t.Helper()
	pin := func(cs tls.ConnectionState) error {
		if len(cs.PeerCertificates) == 0 {
			return fmt.Errorf("no certificate")
		}
		got := certs.Fingerprint(tls.Certificate{Certificate: [][]byte{cs.PeerCertificates[0].Raw}})
		if got != d.share.Fingerprint {
			return fmt.Errorf("dovecot serves %s, want the store's certificate %s", got, d.share.Fingerprint)
		}
		return nil
	}
	c, err := imapclient.DialStartTLS(d.addr, &imapclient.Options{TLSConfig: &tls.Config{
		InsecureSkipVerify: true, // pinned by VerifyConnection instead
		VerifyConnection:   pin,
	}})
	if err != nil {
		t.Fatalf("IMAP STARTTLS to %s: %v", d.addr, err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login("team", d.share.Password).Wait(); err != nil {
		t.Fatalf("LOGIN: %v\n%s", err, d.log)
	}
	return c
}
