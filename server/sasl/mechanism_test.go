package sasl

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// step is one exchange: the initial response and the client's answers.
type step struct {
	name      string
	initial   []byte
	responses []string
	wantChall []string // challenges the server must send, in order
	wantErr   error    // nil: success
	wantID    string
}

func runSteps(t *testing.T, mech string, a Authenticator, tests []step) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := NewMechanism(mech, a, "mx.example")
			if err != nil {
				t.Fatalf("NewMechanism(%q) error %v", mech, err)
			}
			resp := make([][]byte, len(tt.responses))
			for i, r := range tt.responses {
				resp[i] = []byte(r)
			}
			chall, err, used := exchange(m, tt.initial, resp...)
			if used != len(resp) {
				t.Errorf("%s %q: used %d of %d responses", mech, tt.responses, used, len(resp))
			}
			if tt.wantChall != nil && !slices.Equal(chall, tt.wantChall) {
				t.Errorf("%s %q: challenges %q, want %q", mech, tt.responses, chall, tt.wantChall)
			}
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Errorf("%s %q: error %v, want %v", mech, tt.responses, err, tt.wantErr)
			}
			if got := m.Identity(); got != tt.wantID {
				t.Errorf("%s %q: Identity() = %q, want %q", mech, tt.responses, got, tt.wantID)
			}
			if _, _, err := m.Next([]byte("again")); !errors.Is(err, ErrMalformed) {
				t.Errorf("%s: Next after the end = %v, want ErrMalformed", mech, err)
			}
		})
	}
}

func TestPlain(t *testing.T) {
	a := testFile(t)
	long := strings.Repeat("x", MaxResponse)
	runSteps(t, Plain, a, []step{
		{name: "initial response", initial: []byte("\x00alice\x00secret"), wantID: "alice"},
		{name: "after empty challenge", responses: []string{"\x00alice\x00secret"}, wantChall: []string{""}, wantID: "alice"},
		{name: "authzid equals authcid", initial: []byte("alice\x00alice\x00secret"), wantID: "alice"},
		{name: "authzid of another user", initial: []byte("bob\x00alice\x00secret"), wantErr: ErrAuthFailed},
		{name: "wrong password", initial: []byte("\x00alice\x00Secret"), wantErr: ErrAuthFailed},
		{name: "unknown user", initial: []byte("\x00mallory\x00secret"), wantErr: ErrAuthFailed},
		{name: "user without bcrypt", initial: []byte("\x00tim\x00tanstaaftanstaaf"), wantErr: ErrAuthFailed},
		{name: "password past bcrypt limit", initial: []byte("\x00bob\x00hunter2" + strings.Repeat("z", 80)), wantErr: ErrAuthFailed},
		{name: "empty initial response", initial: []byte{}, wantErr: ErrAuthFailed},
		{name: "empty response after the challenge", responses: []string{""}, wantChall: []string{""}, wantErr: ErrAuthFailed},
		{name: "two fields", initial: []byte("alice\x00secret"), wantErr: ErrMalformed},
		{name: "four fields", initial: []byte("\x00alice\x00secret\x00"), wantErr: ErrMalformed},
		{name: "no NUL at all", initial: []byte("alice secret"), wantErr: ErrMalformed},
		{name: "empty authcid", initial: []byte("\x00\x00secret"), wantErr: ErrMalformed},
		{name: "empty password", initial: []byte("\x00alice\x00"), wantErr: ErrMalformed},
		{name: "CRLF in user", initial: []byte("\x00alice\r\nX-Evil: 1\x00secret"), wantErr: ErrMalformed},
		{name: "space in user", initial: []byte("\x00al ice\x00secret"), wantErr: ErrMalformed},
		{name: "user not UTF-8", initial: []byte("\x00al\xffice\x00secret"), wantErr: ErrMalformed},
		{name: "password not UTF-8", initial: []byte("\x00alice\x00sec\xfe"), wantErr: ErrMalformed},
		{name: "oversized", initial: []byte("\x00alice\x00" + long), wantErr: ErrMalformed},
		{name: "base64 left undecoded", initial: []byte("AGFsaWNlAHNlY3JldA=="), wantErr: ErrMalformed},
	})
}

func TestLogin(t *testing.T) {
	a := testFile(t)
	runSteps(t, Login, a, []step{
		{name: "prompted", responses: []string{"bob", "hunter2"}, wantChall: []string{"Username:", "Password:"}, wantID: "bob"},
		{name: "user as initial response", initial: []byte("bob"), responses: []string{"hunter2"}, wantChall: []string{"Password:"}, wantID: "bob"},
		{name: "wrong password", responses: []string{"bob", "hunter3"}, wantErr: ErrAuthFailed},
		{name: "unknown user", responses: []string{"mallory", "hunter2"}, wantErr: ErrAuthFailed},
		{name: "empty password", responses: []string{"bob", ""}, wantErr: ErrAuthFailed},
		{name: "empty user", responses: []string{""}, wantErr: ErrMalformed},
		{name: "empty initial response", initial: []byte{}, wantErr: ErrMalformed},
		{name: "LF in user", responses: []string{"bob\nX: y"}, wantErr: ErrMalformed},
		{name: "oversized user", responses: []string{strings.Repeat("u", MaxResponse+1)}, wantErr: ErrMalformed},
		{name: "oversized password", responses: []string{"bob", strings.Repeat("p", MaxResponse+1)}, wantErr: ErrMalformed},
	})
}

func TestCRAMMD5(t *testing.T) {
	a := testFile(t)
	for _, tt := range []step{
		{name: "initial response refused", initial: []byte("tim 00"), wantErr: ErrMalformed},
		{name: "empty initial response refused", initial: []byte{}, wantErr: ErrMalformed},
		{name: "no space", responses: []string{"tim"}, wantErr: ErrMalformed},
		{name: "short digest", responses: []string{"tim b913a602"}, wantErr: ErrMalformed},
		{name: "digest not hex", responses: []string{"tim " + strings.Repeat("g", 32)}, wantErr: ErrMalformed},
		{name: "empty user", responses: []string{" " + strings.Repeat("0", 32)}, wantErr: ErrMalformed},
		{name: "wrong digest", responses: []string{"alice " + strings.Repeat("0", 32)}, wantErr: ErrAuthFailed},
		{name: "oversized", responses: []string{strings.Repeat("u", MaxResponse) + " " + strings.Repeat("0", 32)}, wantErr: ErrMalformed},
	} {
		runSteps(t, CRAMMD5, a, []step{tt})
	}
}

// RFC 2195 §2's example: user tim, password tanstaaftanstaaf.
func TestCRAMMD5RFC2195(t *testing.T) {
	const challenge = "<1896.697170952@postoffice.reston.mci.net>"
	tests := []struct {
		name, answer string
		auth         Authenticator
		wantErr      error
	}{
		{"file", "tim b913a602c7eda7a495b4e6e7334d3890", testFile(t), nil},
		{"upper-case hex", "tim B913A602C7EDA7A495B4E6E7334D3890", testFile(t), nil},
		{"any", "tim b913a602c7eda7a495b4e6e7334d3890", Any(), nil},
		{"other user's digest", "alice b913a602c7eda7a495b4e6e7334d3890", testFile(t), ErrAuthFailed},
		{"user without CRAM-MD5 context", "bob b913a602c7eda7a495b4e6e7334d3890", testFile(t), ErrAuthFailed},
		{"one bit off", "tim b913a602c7eda7a495b4e6e7334d3891", testFile(t), ErrAuthFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &cramMD5{auth: tt.auth, challenge: []byte(challenge)}
			ch, err, _ := exchange(m, nil, []byte(tt.answer))
			if len(ch) != 1 || ch[0] != challenge {
				t.Fatalf("challenges %q, want [%q]", ch, challenge)
			}
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("answer %q: error %v, want %v", tt.answer, err, tt.wantErr)
			}
			if want := map[bool]string{true: "tim", false: ""}[err == nil]; m.Identity() != want {
				t.Errorf("Identity() = %q, want %q", m.Identity(), want)
			}
		})
	}
}

func TestCRAMMD5Challenge(t *testing.T) {
	tests := []struct{ host, wantSuffix string }{
		{"mx.example", "@mx.example>"},
		{"", "@localhost>"},
		{"bad host>", "@localhost>"},
		{"crlf\r\n", "@localhost>"},
	}
	for _, tt := range tests {
		a, b := string(newChallenge(tt.host)), string(newChallenge(tt.host))
		if !strings.HasPrefix(a, "<") || !strings.HasSuffix(a, tt.wantSuffix) || strings.Count(a, "@") != 1 {
			t.Errorf("newChallenge(%q) = %q, want <random.time%s", tt.host, a, tt.wantSuffix)
		}
		if a == b {
			t.Errorf("newChallenge(%q) gave %q twice", tt.host, a)
		}
	}
}

func TestAny(t *testing.T) {
	a := Any()
	runSteps(t, Plain, a, []step{
		{name: "any password", initial: []byte("\x00whoever\x00whatever"), wantID: "whoever"},
		{name: "still malformed", initial: []byte("whoever"), wantErr: ErrMalformed},
		{name: "still one identity", initial: []byte("boss\x00whoever\x00x"), wantErr: ErrAuthFailed},
	})
	runSteps(t, Login, a, []step{
		{name: "any password", responses: []string{"app@example.com", "x"}, wantID: "app@example.com"},
	})
	runSteps(t, CRAMMD5, a, []step{
		{name: "any digest", responses: []string{"app " + strings.Repeat("ab", 16)}, wantID: "app"},
		{name: "still malformed", responses: []string{"app nothex"}, wantErr: ErrMalformed},
	})
}

func TestNewMechanism(t *testing.T) {
	tests := []struct {
		name    string
		auth    Authenticator
		wantErr error
	}{
		{"PLAIN", Any(), nil},
		{"plain", Any(), nil},
		{"Login", Any(), nil},
		{"cram-md5", Any(), nil},
		{"DIGEST-MD5", Any(), ErrUnsupported},
		{"", Any(), ErrUnsupported},
		{"PLAIN", nil, ErrUnsupported},
	}
	for _, tt := range tests {
		m, err := NewMechanism(tt.name, tt.auth, "h")
		if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) || (err == nil) != (m != nil) {
			t.Errorf("NewMechanism(%q, %v) = %v, %v; want error %v", tt.name, tt.auth, m, err, tt.wantErr)
		}
	}
}

func TestMechanismsAndPermit(t *testing.T) {
	file := testFile(t)
	noCRAM, err := parseFile(strings.NewReader(line(t, "bob", "hunter2", true, false)), "t")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name          string
		auth          Authenticator
		tls, insecure bool
		want          []string
		enc           []string // refused with ErrEncryptionRequired
	}{
		{"off", nil, true, true, nil, nil},
		{"any plaintext", Any(), false, false, []string{CRAMMD5}, []string{Plain, Login}},
		{"any TLS", Any(), true, false, []string{Plain, Login, CRAMMD5}, nil},
		{"any insecure allowed", Any(), false, true, []string{Plain, Login, CRAMMD5}, nil},
		{"file plaintext", file, false, false, nil, []string{Plain, Login, CRAMMD5}},
		{"file TLS", file, true, false, []string{Plain, Login, CRAMMD5}, nil},
		{"file insecure allowed", file, false, true, []string{Plain, Login, CRAMMD5}, nil},
		{"file without CRAM plaintext", noCRAM, false, false, nil, []string{Plain, Login}},
		{"file without CRAM TLS", noCRAM, true, false, []string{Plain, Login}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Mechanisms(tt.auth, tt.tls, tt.insecure)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Mechanisms(tls=%v, insecure=%v) = %q, want %q", tt.tls, tt.insecure, got, tt.want)
			}
			for _, name := range []string{Plain, Login, CRAMMD5, "XOAUTH2"} {
				err := Permit(name, tt.auth, tt.tls, tt.insecure)
				if (err == nil) != slices.Contains(tt.want, name) {
					t.Errorf("Permit(%q, tls=%v, insecure=%v) = %v, want nil exactly when advertised", name, tt.tls, tt.insecure, err)
				}
				if wantEnc := slices.Contains(tt.enc, name); errors.Is(err, ErrEncryptionRequired) != wantEnc {
					t.Errorf("Permit(%q, tls=%v, insecure=%v) = %v, want ErrEncryptionRequired: %v", name, tt.tls, tt.insecure, err, wantEnc)
				}
			}
		})
	}
}

func TestStartTwice(t *testing.T) {
	for _, name := range []string{Plain, Login, CRAMMD5} {
		m, _ := NewMechanism(name, Any(), "h")
		m.Start(nil)
		if _, done, err := m.Start(nil); !done || !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: second Start = done %v, %v; want done, ErrMalformed", name, done, err)
		}
	}
}
