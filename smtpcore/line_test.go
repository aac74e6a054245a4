package smtpcore

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"testing"
)

// TestReadCRLFLine: a bare LF never ends a line (RFC 5321 §2.3.8); the line
// that holds one is read to its CRLF and reported, and the next line reads
// normally.
func TestReadCRLFLine(t *testing.T) {
	long := strings.Repeat("x", 100)
	in := "NOOP\r\nMAIL FROM:<a@b>\nRCPT TO:<c@d>\r\nRSET\r\n\n\r\n" + long + "\n\r\nx\r\rRSET\r\n\r\nlast\n"
	want := []struct {
		line string
		err  error
	}{
		{"NOOP", nil},
		{"", ErrBareLF}, // MAIL and RCPT: one line, refused whole
		{"RSET", nil},
		{"", ErrBareLF}, // "\n\r\n"
		{"", ErrLineTooLong},
		{"x\r\rRSET", nil}, // a bare CR ends nothing either; ParseCommand refuses it
		{"", nil},
	}
	br := bufio.NewReaderSize(strings.NewReader(in), 16)
	for i, w := range want {
		line, err := ReadCRLFLine(br, 50, nil)
		if !errors.Is(err, w.err) || string(line) != w.line {
			t.Fatalf("ReadCRLFLine #%d = %q, %v; want %q, %v", i, line, err, w.line, w.err)
		}
	}
	if _, err := ReadCRLFLine(br, 50, nil); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("ReadCRLFLine of %q = %v, want io.ErrUnexpectedEOF", "last\n", err)
	}
	if _, err := ReadCRLFLine(br, 50, nil); err != io.EOF {
		t.Fatalf("ReadCRLFLine at end = %v, want io.EOF", err)
	}
}

// FuzzReadCRLFLine: whatever the input, a returned line holds no LF, and
// ReadLine and ReadCRLFLine agree on input that ends every line with CRLF.
func FuzzReadCRLFLine(f *testing.F) {
	f.Add("NOOP\r\nMAIL FROM:<a@b>\nRCPT TO:<c@d>\r\n")
	f.Add("a\r\r\n\n\r\n")
	f.Fuzz(func(t *testing.T, in string) {
		br := bufio.NewReaderSize(strings.NewReader(in), 16)
		for {
			line, err := ReadCRLFLine(br, 40, nil)
			if err != nil && !errors.Is(err, ErrBareLF) && !errors.Is(err, ErrLineTooLong) {
				break
			}
			if strings.ContainsRune(string(line), '\n') || len(line) > 40 {
				t.Fatalf("ReadCRLFLine(%q) returned %q", in, line)
			}
		}
		if strings.Contains(strings.ReplaceAll(in, "\r\n", ""), "\n") {
			return
		}
		a, b := bufio.NewReaderSize(strings.NewReader(in), 16), bufio.NewReaderSize(strings.NewReader(in), 16)
		for {
			la, ea := ReadLine(a, 40, nil)
			lb, eb := ReadCRLFLine(b, 40, nil)
			if string(la) != string(lb) || !errors.Is(ea, eb) && !errors.Is(eb, ea) {
				t.Fatalf("on %q ReadLine = %q, %v; ReadCRLFLine = %q, %v", in, la, ea, lb, eb)
			}
			if ea != nil && !errors.Is(ea, ErrLineTooLong) {
				break
			}
		}
	})
}
