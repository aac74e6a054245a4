package sasl

import (
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func TestParseFileErrors(t *testing.T) {
	good := line(t, "alice", "secret", true, true)
	tests := []struct {
		name     string
		text     string
		wantLine int
		wantText string
	}{
		{"no hash", "# c\nalice\n", 2, "got 1 fields"},
		{"too many fields", good + ":extra\n", 1, "got 4 fields"},
		{"empty user", ":$2a$04$abc\n", 1, "empty user name"},
		{"space in user", "\n\nal ice:$2a$04$abc\n", 3, "space"},
		{"unknown scheme", "alice:{SHA512-CRYPT}abc\n", 1, "neither"},
		{"plaintext", "alice:secret\n", 1, "neither"},
		{"bad bcrypt", "alice:$2a$04$short\n", 1, "bcrypt"},
		{"bad cram length", "bob:{CRAM-MD5}abcd\n", 1, "hex digits"},
		{"bad cram hex", "bob:{CRAM-MD5}" + strings.Repeat("zz", 32) + "\n", 1, "CRAM-MD5"},
		{"two bcrypt", "alice:$2a$04$" + strings.Repeat("a", 53) + ":$2a$04$" + strings.Repeat("a", 53), 1, "two bcrypt"},
		{"two cram", "tim:{CRAM-MD5}" + strings.Repeat("00", 32) + ":{CRAM-MD5}" + strings.Repeat("00", 32), 1, "two CRAM-MD5"},
		{"duplicate user", good + "\n# again\n" + good + "\n", 3, "appears again"},
		{"long line", "# ok\n" + strings.Repeat("a", maxLine+1) + "\n", 2, "longer than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseFile(strings.NewReader(tt.text), "users.txt")
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("parseFile(%q) error = %v, want a *FileError", tt.text, err)
			}
			if fe.Line != tt.wantLine || fe.Path != "users.txt" {
				t.Errorf("parseFile(%q) error at %s:%d, want users.txt:%d", tt.text, fe.Path, fe.Line, tt.wantLine)
			}
			if !strings.Contains(err.Error(), tt.wantText) || !strings.HasPrefix(err.Error(), "users.txt:") {
				t.Errorf("parseFile(%q) error %q, want users.txt:N: …%s…", tt.text, err, tt.wantText)
			}
		})
	}
}

func TestParseFileAccepts(t *testing.T) {
	bcryptHash := strings.SplitN(line(t, "x", "pw", true, false), ":", 2)[1]
	cram := newCRAMContext([]byte("pw")).String()
	tests := []struct {
		name     string
		text     string
		wantCRAM bool
	}{
		{"empty file", "", false},
		{"only comments", "# nobody\n\n   # indented\n", false},
		{"bcrypt", "u:" + bcryptHash, false},
		{"dovecot prefix, CRLF, spaces", "  u:{BLF-CRYPT}" + bcryptHash + "  \r\n", false},
		{"both", "u:" + bcryptHash + ":" + cram, true},
		{"cram first", "u:" + cram + ":" + bcryptHash, true},
		{"cram only", "u:" + cram, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := parseFile(strings.NewReader(tt.text), "f")
			if err != nil {
				t.Fatalf("parseFile(%q) error %v", tt.text, err)
			}
			if a.OffersCRAMMD5() != tt.wantCRAM {
				t.Errorf("parseFile(%q).OffersCRAMMD5() = %v, want %v", tt.text, a.OffersCRAMMD5(), tt.wantCRAM)
			}
			if _, ok := a.users["u"]; ok != strings.Contains(tt.text, "u:") {
				t.Errorf("parseFile(%q): user u present = %v", tt.text, ok)
			}
			hasBcrypt := strings.Contains(tt.text, "$2")
			if got := a.CheckPassword("u", "pw"); got != hasBcrypt {
				t.Errorf("CheckPassword(u, pw) = %v, want %v", got, hasBcrypt)
			}
		})
	}
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "users")
	if err := os.WriteFile(path, []byte(line(t, "bob", "hunter2", true, false)+"\nbad line\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFile(path); err == nil || !strings.HasPrefix(err.Error(), path+":2: ") {
		t.Errorf("LoadFile(%q) error = %v, want it to name %s:2", path, err, path)
	}
	if err := os.WriteFile(path, []byte(line(t, "bob", "hunter2", true, false)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	a, err := LoadFile(path)
	if err != nil {
		t.Fatalf("LoadFile(%q) error %v", path, err)
	}
	if !a.CheckPassword("bob", "hunter2") || a.CheckPassword("bob", "hunter") {
		t.Errorf("LoadFile(%q): bob's password not checked right", path)
	}
	if _, err := LoadFile(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("LoadFile(missing) error = %v, want os.ErrNotExist", err)
	}
}

func TestHashPassword(t *testing.T) {
	l, err := HashPassword("app@example.com", "correct horse")
	if err != nil {
		t.Fatalf("HashPassword error %v", err)
	}
	if !strings.HasPrefix(l, "app@example.com:$2a$10$") || !strings.Contains(l, ":{CRAM-MD5}") || strings.ContainsAny(l, "\r\n") {
		t.Errorf("HashPassword = %q, want app@example.com:$2a$10$…:{CRAM-MD5}… on one line", l)
	}
	if strings.Contains(l, "correct horse") {
		t.Errorf("HashPassword = %q contains the plaintext", l)
	}
	a, err := parseFile(strings.NewReader(l), "f")
	if err != nil {
		t.Fatalf("parseFile(HashPassword line) error %v", err)
	}
	if !a.CheckPassword("app@example.com", "correct horse") || a.CheckPassword("app@example.com", "correct horsE") {
		t.Error("password from HashPassword not checked right")
	}
	m := &cramMD5{auth: a, challenge: []byte("<1.2@h>")}
	d := newCRAMContext([]byte("correct horse")).digest(m.challenge)
	if _, err, _ := exchange(m, nil, []byte("app@example.com "+hex.EncodeToString(d))); err != nil {
		t.Errorf("CRAM-MD5 with HashPassword line: %v", err)
	}

	for _, tt := range []struct{ user, pass string }{
		{"", "pw"}, {"a b", "pw"}, {"a:b", "pw"}, {"a\nb", "pw"},
		{"u", ""}, {"u", strings.Repeat("p", 73)}, {"u", "p\x00w"},
	} {
		if l, err := HashPassword(tt.user, tt.pass); err == nil {
			t.Errorf("HashPassword(%q, %q) = %q, want an error", tt.user, tt.pass, l)
		}
	}
}

// A miss must cost a bcrypt comparison at the file's own cost, so timing
// does not tell unknown users from wrong passwords.
func TestDummyHashCost(t *testing.T) {
	h4, _ := bcrypt.GenerateFromPassword([]byte("a"), 4)
	h5, _ := bcrypt.GenerateFromPassword([]byte("b"), 5)
	a, err := parseFile(strings.NewReader("a:"+string(h4)+"\nb:"+string(h5)+"\n"), "f")
	if err != nil {
		t.Fatal(err)
	}
	if cost, err := bcrypt.Cost(a.dummy); err != nil || cost != 5 {
		t.Errorf("dummy hash cost = %d, %v; want 5, the highest in the file", cost, err)
	}
	for _, user := range []string{"nobody", "a"} {
		if a.CheckPassword(user, "wrong") {
			t.Errorf("CheckPassword(%q, wrong) = true", user)
		}
	}
}
