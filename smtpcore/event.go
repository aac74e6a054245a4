package smtpcore

import (
	"fmt"
	"time"
)

// Dir says where a transcript line came from.
type Dir int

const (
	DirClient   Dir = iota // a line the client sent
	DirServer              // a line the server sent
	DirTLS                 // TLS handshake details
	DirInfo                // connection, timing and summary notes
	DirError               // a local error: timeout, refused certificate, cancel
	DirProgress            // DATA progress: Sent of Total bytes; Text is empty
)

var dirNames = [...]string{"client", "server", "tls", "info", "error", "progress"}

// String returns the lower-case name of d ("client", "server", ...).
func (d Dir) String() string {
	if d < 0 || int(d) >= len(dirNames) {
		return fmt.Sprintf("dir(%d)", int(d))
	}
	return dirNames[d]
}

// Marker returns the swaks-like prefix used when a transcript is printed:
// "->" client, "<-" server, "~~" TLS, "==" info, "!!" error.
func (d Dir) Marker() string {
	switch d {
	case DirClient:
		return "->"
	case DirServer:
		return "<-"
	case DirTLS:
		return "~~"
	case DirError:
		return "!!"
	default:
		return "=="
	}
}

// MarshalText lets Dir appear by name in JSON session records.
func (d Dir) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText is the inverse of MarshalText.
func (d *Dir) UnmarshalText(b []byte) error {
	for i, n := range dirNames {
		if n == string(b) {
			*d = Dir(i)
			return nil
		}
	}
	return fmt.Errorf("smtpcore: unknown transcript direction %q", b)
}

// Event is one line of a transcript. Client and server emit the same type, so the
// GUI pane, the CLI output and the stored session record all read one format.
// Secrets never reach an Event: AUTH payloads and passwords are masked by the emitter,
// and a DATA body appears as a one-line summary.
type Event struct {
	Time    time.Time     `json:"time"`
	Session string        `json:"session,omitempty"`
	Dir     Dir           `json:"dir"`
	Text    string        `json:"text,omitempty"`
	Elapsed time.Duration `json:"elapsed,omitempty"` // for a server reply: time since the command that caused it
	Sent    int64         `json:"sent,omitempty"`    // DirProgress: bytes of DATA written so far
	Total   int64         `json:"total,omitempty"`   // DirProgress: bytes of DATA in all (0 if unknown)
}

// String formats e as one transcript line: "15:04:05.000 -> MAIL FROM:<a@b>".
func (e Event) String() string {
	ts := e.Time.Format("15:04:05.000")
	if e.Dir == DirProgress {
		return fmt.Sprintf("%s == %s of %s sent", ts, FormatSize(e.Sent), FormatSize(e.Total))
	}
	if e.Elapsed > 0 {
		return fmt.Sprintf("%s %s %s  (%s)", ts, e.Dir.Marker(), e.Text, e.Elapsed.Round(time.Microsecond*100))
	}
	return fmt.Sprintf("%s %s %s", ts, e.Dir.Marker(), e.Text)
}

// EventFunc receives transcript events. It is called on the goroutine that speaks
// SMTP and must not block for long; a GUI sink queues the work with fyne.Do.
type EventFunc func(Event)

// FormatSize renders n bytes for people: "512 B", "5.2 KB", "1.3 MB", "2.0 GB".
func FormatSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "KMGTPE"[exp])
}
