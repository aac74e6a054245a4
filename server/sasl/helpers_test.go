package sasl

import (
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// exchange drives m the way a session does: Start with initial, then Next
// with each response while the mechanism is not done. It returns the
// challenges seen, the final error, and how many responses were consumed.
func exchange(m Mechanism, initial []byte, responses ...[]byte) (challenges []string, err error, used int) {
	ch, done, err := m.Start(initial)
	for !done {
		challenges = append(challenges, string(ch))
		if used == len(responses) {
			return challenges, nil, used
		}
		ch, done, err = m.Next(responses[used])
		used++
	}
	return challenges, err, used
}

// line builds a credentials line with a fast bcrypt cost, so tests stay quick.
func line(t testing.TB, user, pass string, withBcrypt, withCRAM bool) string {
	t.Helper()
	fields := []string{user}
	if withBcrypt {
		h, err := bcrypt.GenerateFromPassword([]byte(pass), bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		fields = append(fields, string(h))
	}
	if withCRAM {
		fields = append(fields, newCRAMContext([]byte(pass)).String())
	}
	return strings.Join(fields, ":")
}

// testFile is the credentials file most tests use:
//
//	alice  secret            PLAIN/LOGIN and CRAM-MD5
//	bob    hunter2           PLAIN/LOGIN only
//	tim    tanstaaftanstaaf  CRAM-MD5 only (RFC 2195's example user)
func testFile(t testing.TB) *fileAuth {
	t.Helper()
	text := strings.Join([]string{
		"# test users",
		line(t, "alice", "secret", true, true),
		"",
		line(t, "bob", "hunter2", true, false),
		line(t, "tim", "tanstaaftanstaaf", false, true),
	}, "\n")
	a, err := parseFile(strings.NewReader(text), "test")
	if err != nil {
		t.Fatalf("parseFile: %v", err)
	}
	return a
}
