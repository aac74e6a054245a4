package smtpcore

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestReplyLines(t *testing.T) {
	tests := []struct {
		r    Reply
		want string
	}{
		{Reply{250, "2.0.0", "OK"}, "250 2.0.0 OK\r\n"},
		{Reply{250, "", "mx.example greets you\nPIPELINING\nSIZE 100"}, "250-mx.example greets you\r\n250-PIPELINING\r\n250 SIZE 100\r\n"},
		{Reply{550, "5.1.1", "no such user\nreally"}, "550-5.1.1 no such user\r\n550 5.1.1 really\r\n"},
		{Reply{354, "", "Start mail input; end with <CRLF>.<CRLF>"}, "354 Start mail input; end with <CRLF>.<CRLF>\r\n"},
		{Reply{421, "4.4.2", "injected\r\n250 OK"}, "421-4.4.2 injected\r\n421 4.4.2 250 OK\r\n"},
	}
	for _, tt := range tests {
		var b strings.Builder
		tt.r.WriteTo(&b)
		if b.String() != tt.want {
			t.Errorf("%+v.WriteTo = %q, want %q", tt.r, b.String(), tt.want)
		}
	}
}

var readReplyTests = []struct {
	in   string
	want *Reply
	err  error
}{
	{"250 2.0.0 OK\r\n", &Reply{250, "2.0.0", "OK"}, nil},
	{"250-mx.example\r\n250-PIPELINING\r\n250 8BITMIME\r\n", &Reply{250, "", "mx.example\nPIPELINING\n8BITMIME"}, nil},
	{"550-5.1.1 no\r\n550 5.1.1 such user\r\n", &Reply{550, "5.1.1", "no\nsuch user"}, nil},
	{"220\r\n", &Reply{220, "", ""}, nil},
	{"250 OK\n", &Reply{250, "", "OK"}, nil},
	{"451 4.3.0 \r\n", &Reply{451, "4.3.0", ""}, nil},
	{"250 5.0.0 class mismatch stays text\r\n", &Reply{250, "", "5.0.0 class mismatch stays text"}, nil},
	{"250-a\r\n251 b\r\n", nil, ErrMalformedReply},
	{"abc\r\n", nil, ErrMalformedReply},
	{"25\r\n", nil, ErrMalformedReply},
	{"250_x\r\n", nil, ErrMalformedReply},
	{"650 x\r\n", nil, ErrMalformedReply},
	{"250-a\r\n", nil, io.ErrUnexpectedEOF},
	{"", nil, io.EOF},
}

func TestReadReply(t *testing.T) {
	for _, tt := range readReplyTests {
		t.Run(tt.in, func(t *testing.T) {
			got, _, err := ReadReply(bufio.NewReader(strings.NewReader(tt.in)))
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("ReadReply(%q) error = %v, want %v", tt.in, err, tt.err)
				}
				return
			}
			if err != nil || *got != *tt.want {
				t.Fatalf("ReadReply(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestReplyIsError(t *testing.T) {
	var err error = NewReply(452, "4.5.3", "Too many recipients (max %d)", 100)
	var r *Reply
	if !errors.As(err, &r) || !r.Temporary() || r.Text != "Too many recipients (max 100)" {
		t.Fatalf("errors.As(%v) = %+v, want a temporary 452", err, r)
	}
	if got := err.Error(); got != "452 4.5.3 Too many recipients (max 100)" {
		t.Fatalf("Error() = %q", got)
	}
}

func TestReadLine(t *testing.T) {
	long := strings.Repeat("x", 100)
	br := bufio.NewReaderSize(strings.NewReader("ok\r\n"+long+"\r\nnext\nlast"), 16)
	var buf []byte
	want := []struct {
		line string
		err  error
	}{{"ok", nil}, {"", ErrLineTooLong}, {"next", nil}, {"", io.ErrUnexpectedEOF}}
	for i, w := range want {
		line, err := ReadLine(br, 50, buf[:0])
		if !errors.Is(err, w.err) || (err == nil && string(line) != w.line) {
			t.Fatalf("ReadLine #%d = %q, %v; want %q, %v", i, line, err, w.line, w.err)
		}
	}
	if _, err := ReadLine(br, 50, nil); err != io.EOF {
		t.Fatalf("ReadLine at end = %v, want io.EOF", err)
	}
}

func FuzzReadReply(f *testing.F) {
	for _, tt := range readReplyTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		r, raw, err := ReadReply(bufio.NewReader(strings.NewReader(in)))
		if err != nil {
			return
		}
		if r.Code < 200 || r.Code > 559 || len(raw) == 0 {
			t.Fatalf("ReadReply(%q) = %+v with %d raw lines", in, r, len(raw))
		}
		// A parsed reply written out parses back the same.
		var b strings.Builder
		r.WriteTo(&b)
		back, _, err := ReadReply(bufio.NewReader(strings.NewReader(b.String())))
		if err != nil || back.Code != r.Code {
			t.Fatalf("re-read of %q = %+v, %v; want %+v", b.String(), back, err, r)
		}
	})
}
