package smtpcore

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

var dotReaderTests = []struct {
	name   string
	in     string
	want   string
	rest   string // what must remain unread after the end of data
	bareLF int64
	bareCR int64
	err    error
}{
	{"empty", ".\r\n", "", "", 0, 0, nil},
	{"one line", "hello\r\n.\r\n", "hello\r\n", "", 0, 0, nil},
	{"stuffed", "..a\r\n..\r\n.\r\n", ".a\r\n.\r\n", "", 0, 0, nil},
	{"no final CRLF is not the end", "a\r\n.x\r\n.\r\nQUIT\r\n", "a\r\nx\r\n", "QUIT\r\n", 0, 0, nil},
	{"pipelined rest", "a\r\n.\r\nMAIL FROM:<>\r\n", "a\r\n", "MAIL FROM:<>\r\n", 0, 0, nil},
	{"smuggle LF.LF", "a\n.\nMAIL FROM:<x@y>\r\n.\r\n", "a\n.\nMAIL FROM:<x@y>\r\n", "", 2, 0, nil},
	{"smuggle LF.CRLF", "a\n.\r\nMAIL FROM:<x@y>\r\n.\r\n", "a\n.\r\nMAIL FROM:<x@y>\r\n", "", 1, 0, nil},
	{"smuggle CRLF.LF", "a\r\n.\nMAIL FROM:<x@y>\r\n.\r\n", "a\r\n\nMAIL FROM:<x@y>\r\n", "", 1, 0, nil},
	{"bare CR", "a\rb\r\n.\r\n", "a\rb\r\n", "", 0, 1, nil},
	{"CR CR LF", "a\r\r\n.\r\n", "a\r\r\n", "", 0, 1, nil},
	{"dot CR x", "a\r\n.\rx\r\n.\r\n", "a\r\n\rx\r\n", "", 0, 1, nil},
	{"truncated", "a\r\nb", "a\r\nb", "", 0, 0, io.ErrUnexpectedEOF},
	{"truncated after dot", "a\r\n.", "a\r\n", "", 0, 0, io.ErrUnexpectedEOF},
	{"8bit kept", "grüße\r\n.\r\n", "grüße\r\n", "", 0, 0, nil},
}

func TestDotReader(t *testing.T) {
	for _, tt := range dotReaderTests {
		for _, oneByte := range []bool{false, true} {
			t.Run(tt.name, func(t *testing.T) {
				var src io.Reader = strings.NewReader(tt.in)
				if oneByte {
					src = iotest.OneByteReader(src)
				}
				br := bufio.NewReaderSize(src, 16)
				d := NewDotReader(br)
				var got []byte
				var err error
				if oneByte {
					got, err = io.ReadAll(iotest.OneByteReader(d))
				} else {
					got, err = io.ReadAll(d)
				}
				if !errors.Is(err, tt.err) && !(tt.err == nil && err == nil) {
					t.Fatalf("read %q: error %v, want %v", tt.in, err, tt.err)
				}
				if string(got) != tt.want {
					t.Fatalf("read %q = %q, want %q", tt.in, got, tt.want)
				}
				rest, _ := io.ReadAll(br)
				if tt.err == nil && string(rest) != tt.rest {
					t.Fatalf("read %q left %q unread, want %q", tt.in, rest, tt.rest)
				}
				if d.BareLF() != tt.bareLF || d.BareCR() != tt.bareCR {
					t.Fatalf("read %q: bare LF %d CR %d, want %d %d", tt.in, d.BareLF(), d.BareCR(), tt.bareLF, tt.bareCR)
				}
			})
		}
	}
}

var dotWriterTests = []struct{ in, want string }{
	{"", ".\r\n"},
	{"a", "a\r\n.\r\n"},
	{"a\r\n", "a\r\n.\r\n"},
	{".a\n..b\r\n.", "..a\r\n...b\r\n..\r\n.\r\n"},
	{"a\nb\rc\r\nd", "a\r\nb\r\nc\r\nd\r\n.\r\n"},
	{"\r\n.\r\n", "\r\n..\r\n.\r\n"},
}

func TestDotWriter(t *testing.T) {
	for _, tt := range dotWriterTests {
		t.Run(tt.in, func(t *testing.T) {
			for _, split := range []int{0, 1} {
				var b bytes.Buffer
				w := NewDotWriter(&b)
				if split == 1 {
					for i := 0; i < len(tt.in); i++ {
						w.Write([]byte{tt.in[i]})
					}
				} else {
					w.Write([]byte(tt.in))
				}
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
				if b.String() != tt.want {
					t.Fatalf("DotWriter(%q, split %d) wrote %q, want %q", tt.in, split, b.String(), tt.want)
				}
				if w.Written() != int64(b.Len()) {
					t.Fatalf("Written() = %d, want %d", w.Written(), b.Len())
				}
			}
		})
	}
}

// normalize is what DotWriter promises: every line ending becomes CRLF, and a
// non-empty text ends with CRLF.
func normalize(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.ReplaceAll(s, "\n", "\r\n")
	if s != "" && !strings.HasSuffix(s, "\r\n") {
		s += "\r\n"
	}
	return s
}

func FuzzDotReader(f *testing.F) {
	for _, tt := range dotReaderTests {
		f.Add([]byte(tt.in))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		// Whatever arrives: no panic, and the output is never longer than the input.
		d := NewDotReader(bufio.NewReaderSize(bytes.NewReader(in), 16))
		got, _ := io.ReadAll(d)
		if len(got) > len(in) {
			t.Fatalf("DotReader(%q) produced %d bytes from %d", in, len(got), len(in))
		}
		// What DotWriter writes, DotReader reads back (normalized), and it ends exactly at the mark.
		var wire bytes.Buffer
		w := NewDotWriter(&wire)
		w.Write(in)
		w.Close()
		wire.WriteString("NEXT")
		br := bufio.NewReaderSize(&wire, 16)
		back, err := io.ReadAll(NewDotReader(br))
		if err != nil || string(back) != normalize(string(in)) {
			t.Fatalf("round trip of %q = %q, %v; want %q", in, back, err, normalize(string(in)))
		}
		if rest, _ := io.ReadAll(br); string(rest) != "NEXT" {
			t.Fatalf("round trip of %q left %q, want NEXT", in, rest)
		}
	})
}

func BenchmarkDotReader(b *testing.B) {
	line := strings.Repeat("x", 76) + "\r\n"
	msg := strings.Repeat(line, 64*1024/len(line)) + ".\r\n"
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	r := strings.NewReader(msg)
	br := bufio.NewReaderSize(r, 4096)
	buf := make([]byte, 32*1024)
	for i := 0; i < b.N; i++ {
		r.Reset(msg)
		br.Reset(r)
		d := NewDotReader(br)
		for {
			if _, err := d.Read(buf); err != nil {
				if err != io.EOF {
					b.Fatal(err)
				}
				break
			}
		}
	}
}

func BenchmarkParseCommand(b *testing.B) {
	line := []byte("MAIL FROM:<someone@example.com> SIZE=12345 BODY=8BITMIME")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		cmd, err := ParseCommand(line)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := ParseMailArg(cmd.Arg); err != nil {
			b.Fatal(err)
		}
	}
}
