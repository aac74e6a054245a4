package server

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// credentialsFile writes a credentials file with alice:right (bcrypt at its
// lowest cost, so tests stay fast under -race) and returns its path.
func credentialsFile(t *testing.T) string {
	t.Helper()
	hash, err := bcrypt.GenerateFromPassword([]byte("right"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "users")
	if err := os.WriteFile(path, []byte("alice:"+string(hash)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestAuthEmptyAndCancelledInitialResponse: RFC 4954 §4 — "=" as the
// initial response is an empty response, not a decoding error: PLAIN with no
// credentials fails with 535 5.7.8 (and counts as a failure); "*" cancels
// with 501. Before the fix both got "501 5.5.2 Cannot decode response".
func TestAuthEmptyAndCancelledInitialResponse(t *testing.T) {
	srv, _ := testServer(t, Config{Auth: credentialsFile(t), AllowInsecureAuth: true, MaxAuthFailures: 3})
	c := pipeSession(t, srv)
	c.ehlo("client.test")
	c.cmd("AUTH PLAIN =", 535, "5.7.8")
	c.cmd("AUTH PLAIN", 334, "")
	c.cmd("", 535, "5.7.8") // the empty response after the challenge
	if r := c.cmd("AUTH LOGIN =", 501, "5.5.2"); r.Text == "Cannot decode response" {
		t.Errorf("AUTH LOGIN = -> %q: an empty response is not a decoding error", r.Error())
	}
	c.cmd("AUTH PLAIN *", 501, "5.0.0")
	c.cmd("AUTH LOGIN *", 501, "5.0.0")
	c.cmd("AUTH PLAIN !!!", 501, "5.5.2")
	c.cmd("AUTH PLAIN "+plainResponse("alice", "right"), 235, "2.7.0")
}
