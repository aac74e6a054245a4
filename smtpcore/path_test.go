package smtpcore

import (
	"errors"
	"strings"
	"testing"
)

var mailArgTests = []struct {
	arg      string
	path     string
	params   Params
	code     int
	enhanced string
}{
	{"FROM:<a@b.example>", "a@b.example", nil, 0, ""},
	{"from:<a@b.example>", "a@b.example", nil, 0, ""},
	{"FROM: <a@b.example>", "a@b.example", nil, 0, ""},
	{"FROM:<>", "", nil, 0, ""},
	{"FROM:<> BODY=8BITMIME", "", Params{"BODY": "8BITMIME"}, 0, ""},
	{"FROM:<a@b.example> SIZE=1000 body=8bitmime SMTPUTF8", "a@b.example", Params{"SIZE": "1000", "BODY": "8bitmime", "SMTPUTF8": ""}, 0, ""},
	{"FROM:<@relay.example,@r2.example:a@b.example>", "a@b.example", nil, 0, ""},
	{`FROM:<"john doe"@b.example>`, `"john doe"@b.example`, nil, 0, ""},
	{`FROM:<"a>b"@b.example>`, `"a>b"@b.example`, nil, 0, ""},
	{"FROM:<a@[192.0.2.1]>", "a@[192.0.2.1]", nil, 0, ""},
	{"FROM:<a@[IPv6:2001:db8::1]>", "a@[IPv6:2001:db8::1]", nil, 0, ""},
	{"FROM:<jürgen@bücher.example> SMTPUTF8", "jürgen@bücher.example", Params{"SMTPUTF8": ""}, 0, ""},
	{"FROM:a@b.example", "", nil, 501, "5.1.7"},
	{"FROM:<a@b.example", "", nil, 501, "5.1.7"},
	{"FROM:<a@>", "", nil, 501, "5.1.7"},
	{"FROM:<@b.example>", "", nil, 501, "5.1.7"},
	{"FROM:<a..b@c.example>", "", nil, 501, "5.1.7"},
	{"FROM:<a@-b.example>", "", nil, 501, "5.1.7"},
	{"FROM:<a b@c.example>", "", nil, 501, "5.1.7"},
	{"FROM:<Postmaster>", "", nil, 501, "5.1.7"},
	{"FROM:<" + strings.Repeat("x", 65) + "@b.example>", "", nil, 501, "5.1.7"},
	{"FROM:<a@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 63) + "." + strings.Repeat("e", 63) + ">", "", nil, 501, "5.1.7"},
	{"FROM:<a@b.example>SIZE=10", "", nil, 501, "5.5.4"},
	{"FROM:<a@b.example> SIZE=", "", nil, 501, "5.5.4"},
	{"FROM:<a@b.example> SIZE=1 SIZE=2", "", nil, 501, "5.5.4"},
	{"FROM:<a@b.example> -X=1", "", nil, 501, "5.5.4"},
	{"TO:<a@b.example>", "", nil, 501, "5.5.4"},
	{"FROM", "", nil, 501, "5.5.4"},
}

func TestParseMailArg(t *testing.T) {
	for _, tt := range mailArgTests {
		t.Run(tt.arg, func(t *testing.T) {
			p, params, err := ParseMailArg(tt.arg)
			checkPathResult(t, "ParseMailArg", tt.arg, p, params, err, tt.path, tt.params, tt.code, tt.enhanced)
		})
	}
}

var rcptArgTests = []struct {
	arg      string
	path     string
	params   Params
	code     int
	enhanced string
}{
	{"TO:<x@y.example>", "x@y.example", nil, 0, ""},
	{"to:<x@y.example> NOTIFY=NEVER", "x@y.example", Params{"NOTIFY": "NEVER"}, 0, ""},
	{"TO:<Postmaster>", "Postmaster", nil, 0, ""},
	{"TO:<postmaster>", "postmaster", nil, 0, ""},
	{"TO:<>", "", nil, 501, "5.1.3"},
	{"TO:<x>", "", nil, 501, "5.1.3"},
	{"TO:<x@y.example\r>", "", nil, 501, "5.1.3"},
	{"TO:<\"unterminated@y.example>", "", nil, 501, "5.1.3"},
	{"FROM:<x@y.example>", "", nil, 501, "5.5.4"},
}

func TestParseRcptArg(t *testing.T) {
	for _, tt := range rcptArgTests {
		t.Run(tt.arg, func(t *testing.T) {
			p, params, err := ParseRcptArg(tt.arg)
			checkPathResult(t, "ParseRcptArg", tt.arg, p, params, err, tt.path, tt.params, tt.code, tt.enhanced)
		})
	}
}

func checkPathResult(t *testing.T, fn, arg string, p Path, params Params, err error, path string, wantParams Params, code int, enhanced string) {
	t.Helper()
	if code != 0 {
		var r *Reply
		if !errors.As(err, &r) || r.Code != code || r.Enhanced != enhanced {
			t.Fatalf("%s(%q) error = %v, want %d %s", fn, arg, err, code, enhanced)
		}
		return
	}
	if err != nil {
		t.Fatalf("%s(%q) error = %v, want path %q", fn, arg, err, path)
	}
	if p.String() != path {
		t.Fatalf("%s(%q) = %q, want %q", fn, arg, p.String(), path)
	}
	if len(params) != len(wantParams) {
		t.Fatalf("%s(%q) params = %v, want %v", fn, arg, params, wantParams)
	}
	for k, v := range wantParams {
		if got, ok := params[k]; !ok || got != v {
			t.Fatalf("%s(%q) params[%s] = %q, want %q", fn, arg, k, got, v)
		}
	}
}

func TestPathIsASCII(t *testing.T) {
	p, _, err := ParseMailArg("FROM:<jürgen@b.example>")
	if err != nil || p.IsASCII() {
		t.Fatalf("ParseMailArg(jürgen) = %v, %v; want a non-ASCII path", p, err)
	}
	p, _, _ = ParseMailArg("FROM:<j@b.example>")
	if !p.IsASCII() {
		t.Fatalf("Path %v.IsASCII() = false, want true", p)
	}
}

func FuzzParsePath(f *testing.F) {
	for _, tt := range mailArgTests {
		f.Add(tt.arg)
	}
	for _, tt := range rcptArgTests {
		f.Add(tt.arg)
	}
	f.Fuzz(func(t *testing.T, arg string) {
		for _, parse := range []func(string) (Path, Params, error){ParseMailArg, ParseRcptArg} {
			p, params, err := parse(arg)
			if err != nil {
				var r *Reply
				if !errors.As(err, &r) || r.Code != 501 {
					t.Fatalf("parse(%q) error %v is not a 501 reply", arg, err)
				}
				continue
			}
			s := p.String()
			if strings.ContainsAny(s, "\r\n\x00 <>") && !strings.HasPrefix(s, `"`) {
				t.Fatalf("parse(%q) = %q leaks a forbidden byte", arg, s)
			}
			if strings.ContainsAny(s, "\r\n") || len(p.Local) > MaxLocalPartLength || len(p.Domain) > MaxDomainLength {
				t.Fatalf("parse(%q) = %q breaks a limit", arg, s)
			}
			// What was parsed reads back the same.
			back, err := ParsePath("<" + s + ">")
			if err != nil || back != p {
				t.Fatalf("ParsePath(<%s>) = %v, %v; want %v", s, back, err, p)
			}
			for k := range params {
				if strings.ContainsAny(k+params[k], " \r\n") {
					t.Fatalf("parse(%q) param %q=%q leaks whitespace", arg, k, params[k])
				}
			}
		}
	})
}
