package mimesyntax

import "testing"

func TestIsToken(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"utf-8", true}, {"x-foo.bar_1~!#$%&'*+^`{|}", true},
		{"", false}, {"a b", false}, {"a\tb", false}, {"text/plain", false}, {`a"b`, false},
		{"a=b", false}, {"a;b", false}, {"é", false}, {"a\x7f", false}, {"[x]", false}, {"a?", false},
	} {
		if got := IsToken(tc.in); got != tc.want {
			t.Errorf("IsToken(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestHexOctet(t *testing.T) {
	for _, tc := range []struct {
		in   string
		i    int
		want byte
		ok   bool
	}{
		{"=C3", 0, 0xc3, true}, {"a%e9b", 1, 0xe9, true}, {"=0a", 0, 0x0a, true}, {"=Ff", 0, 0xff, true},
		{"=C", 0, 0, false}, {"=", 0, 0, false}, {"=G1", 0, 0, false}, {"=1g", 0, 0, false}, {"= 1", 0, 0, false},
	} {
		got, ok := HexOctet(tc.in, tc.i)
		if got != tc.want || ok != tc.ok {
			t.Errorf("HexOctet(%q, %d) = %#x, %v; want %#x, %v", tc.in, tc.i, got, ok, tc.want, tc.ok)
		}
		if gb, okb := HexOctet([]byte(tc.in), tc.i); gb != got || okb != ok {
			t.Errorf("HexOctet([]byte(%q), %d) = %#x, %v; the string form gives %#x, %v", tc.in, tc.i, gb, okb, got, ok)
		}
	}
}

func TestUnquote(t *testing.T) {
	for _, tc := range []struct {
		in, content, rest string
		closed            bool
	}{
		{`"a b"; c=d`, "a b", "; c=d", true},
		{`"a \"b\" \\c"x`, `a "b" \c`, "x", true},
		{`""`, "", "", true},
		{`"open`, "open", "", false},
		{`"ends in \`, "ends in ", "", false},
	} {
		content, rest, closed := Unquote(tc.in)
		if content != tc.content || rest != tc.rest || closed != tc.closed {
			t.Errorf("Unquote(%q) = %q, %q, %v; want %q, %q, %v", tc.in, content, rest, closed, tc.content, tc.rest, tc.closed)
		}
	}
}
