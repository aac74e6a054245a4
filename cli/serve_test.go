package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"letterbox/server"
)

// The built binary is shared by every test that drives `letterbox`.
var (
	binOnce sync.Once
	binPath string
	binErr  error
	binDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// letterboxBinary builds the binary once per test run (cgo, as `make build`;
// without cgo when CGO_ENABLED=0, with the ci tag, as the fast lane).
func letterboxBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		if binDir, binErr = os.MkdirTemp("", "letterbox-bin-"); binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "letterbox")
		args := []string{"build", "-o", binPath}
		if os.Getenv("CGO_ENABLED") == "0" {
			args = append(args, "-tags", "ci")
		}
		out, err := exec.Command("go", append(args, "letterbox")...).CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// needPeer finds an interop peer: skipped with a message when it is missing,
// failed instead when CI=true.
func needPeer(t *testing.T, name string) string {
	t.Helper()
	// The system's copy first: /usr/bin/python3 rather than a pyenv shim on PATH.
	for _, p := range []string{"/usr/bin/" + name, "/usr/sbin/" + name, name} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not installed; CI needs it (make deps installs it)", name)
	}
	t.Skipf("%s is not installed (make deps installs it); skipping this interop test", name)
	return ""
}

// serveProc is a running `letterbox serve`.
type serveProc struct {
	t     *testing.T
	cmd   *exec.Cmd
	addr  string
	store string
	mu    sync.Mutex
	logs  bytes.Buffer
	exit  chan error
}

// startServe runs `letterbox serve` on 127.0.0.1:0 with a JSON log and waits
// for its "listening" line.
func startServe(t *testing.T, store string, extra ...string) *serveProc {
	t.Helper()
	args := append([]string{"serve", "--listen", "127.0.0.1:0", "--store", store,
		"--hostname", "mx.test", "--log-format", "json"}, extra...)
	p := &serveProc{t: t, cmd: exec.Command(letterboxBinary(t), args...), store: store, exit: make(chan error, 1)}
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("starting letterbox serve: %v", err)
	}
	addr := make(chan string, 1)
	go p.readLog(stderr, addr)
	t.Cleanup(func() { p.stop() })
	select {
	case a := <-addr:
		p.addr = a
	case <-time.After(30 * time.Second):
		t.Fatalf("letterbox serve did not log its address; log:\n%s", p.log())
	}
	return p
}

func (p *serveProc) readLog(r io.Reader, addr chan<- string) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		p.mu.Lock()
		p.logs.Write(sc.Bytes())
		p.logs.WriteByte('\n')
		p.mu.Unlock()
		var entry struct{ Msg, Addr string }
		if json.Unmarshal(sc.Bytes(), &entry) == nil && entry.Msg == "listening" {
			addr <- entry.Addr
		}
	}
	p.exit <- p.cmd.Wait()
}

func (p *serveProc) log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.logs.String()
}

// stop sends SIGTERM and returns the exit error (nil for status 0).
func (p *serveProc) stop() error {
	select {
	case err := <-p.exit: // already gone
		p.exit <- err
		return err
	default:
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.exit:
		p.exit <- err
		return err
	case <-time.After(40 * time.Second):
		p.cmd.Process.Kill()
		return fmt.Errorf("letterbox serve ignored SIGTERM; log:\n%s", p.log())
	}
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *serveProc) kill() {
	p.cmd.Process.Kill()
	err := <-p.exit
	p.exit <- err
}

// maildir reads every message in new/ and cur/: name → content.
func maildir(t *testing.T, store string) map[string]string {
	t.Helper()
	msgs := map[string]string{}
	for _, sub := range []string{"new", "cur"} {
		ents, err := os.ReadDir(filepath.Join(store, sub))
		if err != nil {
			t.Fatalf("reading %s/: %v", sub, err)
		}
		for _, e := range ents {
			b, err := os.ReadFile(filepath.Join(store, sub, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			msgs[e.Name()] = string(b)
		}
	}
	return msgs
}

// splitTrace separates the trace fields the server prepended (Return-Path,
// then a folded Received) from the message as the client sent it.
func splitTrace(t *testing.T, msg string) (trace, rest string) {
	t.Helper()
	if !strings.HasPrefix(msg, "Return-Path: <") {
		t.Fatalf("message does not start with Return-Path: %.200q", msg)
	}
	i := strings.Index(msg, "\r\nReceived: from ")
	if i < 0 {
		t.Fatalf("no Received field after Return-Path: %.300q", msg)
	}
	j := i + 2
	for {
		k := strings.Index(msg[j:], "\r\n")
		if k < 0 {
			t.Fatalf("unterminated Received field: %.300q", msg)
		}
		j += k + 2
		if !strings.HasPrefix(msg[j:], "\t") {
			return msg[:j], msg[j:]
		}
	}
}

func TestParseServeFlags(t *testing.T) {
	cfg, opts, err := parseServeFlags([]string{"--listen", "0.0.0.0:25", "--max-message-size", "10MB",
		"--timeout", "30s", "--no-chunking", "--auth", "any", "--store", "/tmp/x", "--log-format", "json"}, io.Discard)
	if err != nil {
		t.Fatalf("parseServeFlags: %v", err)
	}
	if cfg.Listen != "0.0.0.0:25" || cfg.MaxMessageBytes != 10<<20 || cfg.CommandTimeout != 30*time.Second ||
		!cfg.DisableChunking || cfg.Auth != "any" || opts.store != "/tmp/x" || opts.logFormat != "json" {
		t.Errorf("parseServeFlags gave %+v %+v", cfg, opts)
	}
	_, opts, _ = parseServeFlags(nil, io.Discard)
	if opts.store != server.DefaultStoreDir() {
		t.Errorf("default store = %q, want %q", opts.store, server.DefaultStoreDir())
	}
	var help bytes.Buffer
	if _, _, err := parseServeFlags([]string{"-h"}, &help); err != flag.ErrHelp || !strings.Contains(help.String(), "--max-message-size") {
		t.Errorf("-h = %v with %q, want flag.ErrHelp and the flag list", err, help.String())
	}
	if _, _, err := parseServeFlags([]string{"--max-message-size", "lots"}, io.Discard); err == nil {
		t.Error("bad --max-message-size accepted")
	}
}

func TestServeExitsCleanly(t *testing.T) {
	p := startServe(t, t.TempDir())
	if err := p.stop(); err != nil {
		t.Errorf("exit after SIGTERM = %v, want status 0; log:\n%s", err, p.log())
	}
	if log := p.log(); !strings.Contains(log, `"sha256":`) || !strings.Contains(log, `"store":`) {
		t.Errorf("start-up log lacks the fingerprint or the store:\n%s", log)
	}
}

func TestServeAddressInUse(t *testing.T) {
	p := startServe(t, t.TempDir())
	out, err := exec.Command(letterboxBinary(t), "serve", "--listen", p.addr, "--store", t.TempDir()).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), "address already in use") {
		t.Errorf("second serve on %s = %v, %q; want exit 1 saying the address is in use", p.addr, err, out)
	}
}

// TestServeRefusesSettingsThatCannotWork: settings no client could use, or
// files that cannot be read, stop `letterbox serve` before it listens, with
// exit 2 and a message naming the setting. Before the fix --require-tls
// with --no-starttls started (MAIL got 530, STARTTLS 502) and the missing
// key or credentials file exited 1.
func TestServeRefusesSettingsThatCannotWork(t *testing.T) {
	cert, key, _ := testCertFiles(t)
	unreadable := t.TempDir() // a directory: unreadable as a file, even for root
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"require TLS without any TLS", []string{"--require-tls", "--no-starttls"}, "require TLS needs STARTTLS or an implicit-TLS port"},
		{"certificate without key", []string{"--tls-cert", cert}, "needs both a certificate file and a key file"},
		{"key without certificate", []string{"--tls-key", key}, "needs both a certificate file and a key file"},
		{"missing credentials file", []string{"--auth", filepath.Join(t.TempDir(), "nope")}, "the AUTH credentials file cannot be used"},
		{"unreadable credentials file", []string{"--auth", unreadable}, "the AUTH credentials file cannot be used"},
		{"require AUTH without AUTH", []string{"--require-auth"}, "require AUTH needs AUTH"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"serve", "--listen", "127.0.0.1:0", "--store", t.TempDir()}, tc.args...)
			cmd := exec.Command(letterboxBinary(t), args...)
			out, err := runWithTimeout(cmd, 10*time.Second)
			code := -1
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			}
			if code != 2 || !strings.Contains(out, tc.want) || strings.Contains(out, "listening") {
				t.Errorf("letterbox %q: exit %d (%v), output %q; want exit 2 before listening, saying %q", args, code, err, out, tc.want)
			}
		})
	}
}

// runWithTimeout runs cmd and returns its combined output; a command still
// running after d is killed (a server that started instead of refusing).
func runWithTimeout(cmd *exec.Cmd, d time.Duration) (string, error) {
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return "", err
	}
	timer := time.AfterFunc(d, func() { cmd.Process.Kill() })
	defer timer.Stop()
	err := cmd.Wait()
	return out.String(), err
}

// TestServeLogEscapesPeerText: peer text in a log entry (a field, an
// error, the message) reaches the log escaped, in both formats. Before the
// fix the JSON log carried C1 controls and bidi overrides as they came.
func TestServeLogEscapesPeerText(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		var out bytes.Buffer
		log, err := newLogger("info", format, &out)
		if err != nil {
			t.Fatal(err)
		}
		log.WithFields(map[string]any{"from": hostile + "@x.test", "rcpts": []string{"a@b"}, "size": 5}).
			WithError(errors.New("bad " + hostile)).Warn("message " + hostile)
		if bad := terminalControls(out.String()); bad != "" {
			t.Errorf("%s log holds %s:\n%q", format, bad, out.String())
		}
		if !strings.Contains(out.String(), `\u202eevil`) || !strings.Contains(out.String(), "size") {
			t.Errorf("%s log lacks the escaped text or a field:\n%s", format, out.String())
		}
	}
}
