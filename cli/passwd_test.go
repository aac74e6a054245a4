package cli

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"letterbox/server/sasl"
)

func TestPasswdLineLoadsAndChecks(t *testing.T) {
	var out, errOut bytes.Buffer
	getenv := func(k string) string { return map[string]string{"PW": "s3cret pass"}[k] }
	noTTY := func(string) (string, error) { return "", errors.New("no terminal to ask on") }
	if code := passwdMain([]string{"--password-env", "PW", "alice"}, getenv, noTTY, &out, &errOut); code != 0 {
		t.Fatalf("passwd alice = exit %d, stderr %q", code, errOut.String())
	}
	if strings.Contains(out.String(), "s3cret") || !strings.HasPrefix(out.String(), "alice:") {
		t.Fatalf("passwd printed %q: want a hashed line for alice without the password", out.String())
	}
	file := filepath.Join(t.TempDir(), "credentials")
	if err := os.WriteFile(file, out.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	auth, err := sasl.LoadFile(file)
	if err != nil {
		t.Fatalf("LoadFile(passwd output) error = %v", err)
	}
	if !auth.CheckPassword("alice", "s3cret pass") || auth.CheckPassword("alice", "wrong") {
		t.Fatal("the printed line does not check the password it was made from")
	}
	if !auth.OffersCRAMMD5() {
		t.Fatal("the printed line has no CRAM-MD5 context")
	}
}

func TestPasswdRefusesWithoutPassword(t *testing.T) {
	var out, errOut bytes.Buffer
	noTTY := func(string) (string, error) { return "", errors.New("no terminal to ask on") }
	if code := passwdMain([]string{"bob"}, func(string) string { return "" }, noTTY, &out, &errOut); code == 0 || out.Len() != 0 {
		t.Fatalf("passwd without a terminal = exit %d, stdout %q; want failure and no line", code, out.String())
	}
	answers := []string{"one", "two"}
	differ := func(string) (string, error) { a := answers[0]; answers = answers[1:]; return a, nil }
	if code := passwdMain([]string{"bob"}, nil, differ, &out, &errOut); code == 0 || !strings.Contains(errOut.String(), "differ") {
		t.Fatalf("passwd with differing answers = exit %d, stderr %q", code, errOut.String())
	}
}
