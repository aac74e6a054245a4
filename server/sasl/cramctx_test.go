package sasl

import (
	"crypto/hmac"
	"crypto/md5"
	"strings"
	"testing"
)

// Dovecot's `doveadm pw -s CRAM-MD5 -p PASSWORD` output, as published in
// the test suites of projects that store these contexts.
func TestCRAMContextDovecotVectors(t *testing.T) {
	tests := []struct{ pass, want string }{
		{"password", "{CRAM-MD5}9186d855e11eba527a7a52ca82b313e180d62234f0acc9051b527243d41e2740"},
		{"new_password", "{CRAM-MD5}820de4c70957274d41111c5fbcae4c87240c9f047fc56f3e720f103571be6cbc"},
	}
	for _, tt := range tests {
		t.Run(tt.pass, func(t *testing.T) {
			if got := newCRAMContext([]byte(tt.pass)).String(); got != tt.want {
				t.Errorf("newCRAMContext(%q) = %s, want %s", tt.pass, got, tt.want)
			}
			c, err := parseCRAMContext(tt.want)
			if err != nil || c != newCRAMContext([]byte(tt.pass)) {
				t.Errorf("parseCRAMContext(%q) = %v, %v; want the context of %q", tt.want, c, err, tt.pass)
			}
		})
	}
}

// The resumed computation must equal plain HMAC-MD5 for every key length,
// including keys longer than the block (hashed first, RFC 2104 §2).
func TestCRAMContextMatchesHMAC(t *testing.T) {
	challenge := []byte("<1896.697170952@postoffice.reston.mci.net>")
	for _, n := range []int{0, 1, 16, 63, 64, 65, 72, 200} {
		key := []byte(strings.Repeat("k", n))
		mac := hmac.New(md5.New, key)
		mac.Write(challenge)
		want := mac.Sum(nil)
		c := newCRAMContext(key)
		if got := c.digest(challenge); !hmac.Equal(got, want) {
			t.Errorf("context digest with %d-byte key = %x, want %x", n, got, want)
		}
		if !c.verify(challenge, want) {
			t.Errorf("verify with %d-byte key rejected the right digest", n)
		}
		if c.verify(challenge, append(want[:15:15], want[15]^1)) {
			t.Errorf("verify with %d-byte key accepted a wrong digest", n)
		}
	}
}

func TestParseCRAMContextErrors(t *testing.T) {
	for _, in := range []string{
		"{CRAM-MD5}",
		"{CRAM-MD5}9186d855",
		"{CRAM-MD5}9186d855e11eba527a7a52ca82b313e180d62234f0acc9051b527243d41e274",
		"{CRAM-MD5}9186d855e11eba527a7a52ca82b313e180d62234f0acc9051b527243d41e27zz",
	} {
		if _, err := parseCRAMContext(in); err == nil {
			t.Errorf("parseCRAMContext(%q) = nil error, want one", in)
		}
	}
}
