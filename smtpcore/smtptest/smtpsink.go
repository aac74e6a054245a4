package smtptest

import (
	"net"
	"os"
	"os/exec"
	"testing"
	"time"
)

// StartSmtpSink runs Postfix's smtp-sink (at path) on a free loopback port
// until the test ends, and returns its address once it accepts connections.
// smtp-sink accepts every message and discards it.
func StartSmtpSink(t testing.TB, path string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	args := []string{"-c", addr, "256"}
	if os.Geteuid() == 0 { // smtp-sink will not run as root
		args = append([]string{"-u", "nobody"}, args...)
	}
	cmd := exec.Command(path, args...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			return addr
		}
		if time.Now().After(deadline) {
			t.Fatalf("smtp-sink did not listen on %s: %v", addr, err)
		}
		time.Sleep(10 * time.Millisecond) // polling with a deadline
	}
}
