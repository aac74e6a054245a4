package sasl

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzMechanisms feeds arbitrary exchanges to every mechanism, against both
// a credentials file and Any. Properties: no panic; the exchange ends within
// the responses given or asks for more; errors are only the documented
// kinds; success yields a safe identity and failure none.
func FuzzMechanisms(f *testing.F) {
	seeds := []struct {
		mech         uint8
		hasInitial   bool
		initial      string
		resp1, resp2 string
	}{
		{0, true, "\x00alice\x00secret", "", ""},
		{0, false, "", "authz\x00alice\x00secret", ""},
		{0, true, "", "", ""},
		{1, false, "", "bob", "hunter2"},
		{1, true, "bob", "hunter2", ""},
		{1, false, "", "bob\r\nX: y", "x"},
		{2, false, "", "tim b913a602c7eda7a495b4e6e7334d3890", ""},
		{2, true, "tim", "", ""},
		{2, false, "", "tim", ""},
		{3, false, "", "", ""},
	}
	for _, s := range seeds {
		f.Add(s.mech, s.hasInitial, []byte(s.initial), []byte(s.resp1), []byte(s.resp2))
	}
	file := testFile(f)
	names := []string{Plain, Login, CRAMMD5}
	f.Fuzz(func(t *testing.T, mech uint8, hasInitial bool, initial, resp1, resp2 []byte) {
		if !hasInitial {
			initial = nil
		} else if initial == nil {
			initial = []byte{}
		}
		for _, a := range []Authenticator{file, Any()} {
			name := names[int(mech)%len(names)]
			m, err := NewMechanism(name, a, "fuzz.example")
			if err != nil {
				t.Fatalf("NewMechanism(%q) error %v", name, err)
			}
			_, err, _ = exchange(m, initial, resp1, resp2)
			id := m.Identity()
			switch {
			case err == nil && id != "":
				if checkIdentity([]byte(id)) != nil || bytes.ContainsAny([]byte(id), "\r\n\x00") {
					t.Fatalf("%s: unsafe identity %q", name, id)
				}
			case err == nil: // more responses wanted
			case errors.Is(err, ErrMalformed) || errors.Is(err, ErrAuthFailed):
				if id != "" {
					t.Fatalf("%s: error %v with identity %q", name, err, id)
				}
			default:
				t.Fatalf("%s: undocumented error %v", name, err)
			}
		}
	})
}
