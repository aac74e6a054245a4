package smtpcore

import (
	"errors"
	"strings"
	"testing"
)

var commandTests = []struct {
	line    string
	want    Command
	wantErr int // reply code, 0 for success
}{
	{"EHLO client.example", Command{"EHLO", "client.example"}, 0},
	{"ehlo client.example", Command{"EHLO", "client.example"}, 0},
	{"MAIL FROM:<a@b.example> SIZE=10", Command{"MAIL", "FROM:<a@b.example> SIZE=10"}, 0},
	{"QUIT", Command{"QUIT", ""}, 0},
	{"NOOP   ", Command{"NOOP", ""}, 0},
	{"RCPT  TO:<x@y>", Command{"RCPT", "TO:<x@y>"}, 0},
	{"", Command{}, 500},
	{"   ", Command{}, 500},
	{"MA\x00IL FROM:<a@b>", Command{}, 500},
	{"MAIL FROM:<a@b>\x00", Command{}, 500},
	{"MAIL\x01", Command{}, 500},
	{"M@IL FROM:<a@b>", Command{}, 500},
	{"ÉHLO x", Command{}, 500},
	{strings.Repeat("A", 17), Command{}, 500},
}

func TestParseCommand(t *testing.T) {
	for _, tt := range commandTests {
		t.Run(tt.line, func(t *testing.T) {
			got, err := ParseCommand([]byte(tt.line))
			if tt.wantErr != 0 {
				var r *Reply
				if !errors.As(err, &r) || r.Code != tt.wantErr || r.Enhanced != "5.5.2" {
					t.Fatalf("ParseCommand(%q) error = %v, want %d 5.5.2", tt.line, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseCommand(%q) = %+v, %v; want %+v", tt.line, got, err, tt.want)
			}
		})
	}
}

func FuzzParseCommand(f *testing.F) {
	for _, tt := range commandTests {
		f.Add([]byte(tt.line))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		cmd, err := ParseCommand(line)
		if err != nil {
			var r *Reply
			if !errors.As(err, &r) || r.Code != 500 {
				t.Fatalf("ParseCommand(%q) error %v is not a 500 reply", line, err)
			}
			return
		}
		if strings.ContainsAny(cmd.Verb+cmd.Arg, "\r\n\x00") {
			t.Fatalf("ParseCommand(%q) = %+v leaks a control byte", line, cmd)
		}
		if cmd.Verb != strings.ToUpper(cmd.Verb) || cmd.Verb == "" {
			t.Fatalf("ParseCommand(%q) verb %q not upper-case", line, cmd.Verb)
		}
	})
}
