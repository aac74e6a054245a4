package msg

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const python = "/usr/bin/python3"

// readBack parses a message with Python's email package (policy.default),
// an independent MIME implementation.
const readBack = `
import email, email.policy, hashlib, json, sys
m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
atts = [{"filename": p.get_filename(), "type": p.get_content_type(),
         "sha256": hashlib.sha256(p.get_content()).hexdigest()} for p in m.iter_attachments()]
print(json.dumps({"subject": str(m["subject"]), "from": str(m["from"]), "to": str(m["to"]),
  "cc": str(m["cc"]), "bcc": m["bcc"], "x_note": str(m["x-note"]),
  "text": m.get_body(("plain",)).get_content(), "html": m.get_body(("html",)).get_content(),
  "attachments": atts, "defects": [str(d) for d in m.defects] +
  [str(d) for p in m.walk() for d in p.defects]}))
`

// needPeer skips when an interop peer is missing, but fails under CI=true.
func needPeer(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("interop peer %s is missing: %v", path, err)
		}
		t.Skipf("interop peer %s is missing (install python3): %v", path, err)
	}
}

func TestPythonReadsBack(t *testing.T) {
	needPeer(t, python)
	for _, opts := range []BuildOptions{{}, {Allow8bit: true}} {
		d := sampleDraft(t)
		attachment, err := os.ReadFile(d.Attachments[0].Path)
		if err != nil {
			t.Fatal(err)
		}
		_, raw := build(t, d, opts)
		eml := filepath.Join(t.TempDir(), "m.eml")
		if err := os.WriteFile(eml, raw, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(python, "-c", readBack, eml).Output()
		if err != nil {
			t.Fatalf("python: %v", err)
		}
		var got struct {
			Subject, From, To, Cc, XNote, Text, HTML string
			Bcc                                      *string
			Attachments                              []struct{ Filename, Type, Sha256 string }
			Defects                                  []string
		}
		if err := json.Unmarshal(bytes.ReplaceAll(out, []byte(`"x_note"`), []byte(`"xnote"`)), &got); err != nil {
			t.Fatalf("python output %s: %v", out, err)
		}
		sum := sha256.Sum256(attachment)
		checks := []struct{ what, got, want string }{
			{"Subject", got.Subject, d.Subject},
			{"From", got.From, "Jörg Müller <me@x.test>"},
			{"To", got.To, `you@y.test, "Doe, John" <j@y.test>`},
			{"Cc", got.Cc, "c@z.test"},
			{"X-Note", got.XNote, "résumé"},
			{"text", got.Text, strings.ReplaceAll(d.Text, "\r\n", "\n") + "\n"},
			{"html", got.HTML, d.HTML + "\n"},
		}
		if len(got.Attachments) == 1 {
			checks = append(checks, struct{ what, got, want string }{"filename", got.Attachments[0].Filename, d.Attachments[0].Name},
				struct{ what, got, want string }{"attachment sha256", got.Attachments[0].Sha256, hex.EncodeToString(sum[:])})
		} else {
			t.Fatalf("python found %d attachments, want 1", len(got.Attachments))
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("Allow8bit=%v: python reads %s = %q, want %q", opts.Allow8bit, c.what, c.got, c.want)
			}
		}
		if got.Bcc != nil || len(got.Defects) > 0 {
			t.Errorf("python sees Bcc %v, defects %q", got.Bcc, got.Defects)
		}
	}
}
