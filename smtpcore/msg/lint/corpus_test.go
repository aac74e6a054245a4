package lint

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"

	"letterbox/smtpcore/msg"
)

// TestBadCorpus: each message in testdata/bad yields exactly the rules its
// .want file lists (scripts/lint_bad_corpus.py writes both).
func TestBadCorpus(t *testing.T) {
	files, _ := filepath.Glob("testdata/bad/*.eml")
	if len(files) < 40 {
		t.Fatalf("only %d files in testdata/bad", len(files))
	}
	covered := map[string]bool{}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".eml")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			want, env := readWant(t, strings.TrimSuffix(file, ".eml")+".want")
			fs := Check(raw, env)
			var got []string
			for _, f := range fs {
				got = append(got, f.Rule)
				covered[f.Rule] = true
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("Check(%s) rules = %q, want %q\n%s", file, got, want, dump(fs))
			}
		})
	}
	for _, r := range Rules {
		if !covered[r.ID] && r.ID != "lint.truncated" {
			t.Errorf("rule %s has no message in testdata/bad", r.ID)
		}
	}
}

// readWant reads a .want file: an optional "envelope k=v ..." line, then
// rule ids.
func readWant(t *testing.T, path string) ([]string, Envelope) {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rules []string
	var env Envelope
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if rest, ok := strings.CutPrefix(l, "envelope "); ok {
			env.Known = true
			for _, kv := range strings.Fields(rest) {
				k, v, _ := strings.Cut(kv, "=")
				switch k {
				case "8bitmime":
					env.Body8BitMIME = v == "true"
				case "smtputf8":
					env.SMTPUTF8 = v == "true"
				case "barelf":
					env.BareLF = v == "true"
				default:
					t.Fatalf("%s: unknown envelope key %q", path, k)
				}
			}
			continue
		}
		if l != "" {
			rules = append(rules, l)
		}
	}
	return rules, env
}

func dump(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("  " + f.Severity.String() + " " + f.Rule + " (" + f.Where.String() + "): " + f.Message + " [" + f.Excerpt + "]\n")
	}
	return b.String()
}

// TestGoodCorpus: mail written by well-behaved software yields no error and
// no warning, whether or not the envelope is known.
func TestGoodCorpus(t *testing.T) {
	files, _ := filepath.Glob("testdata/good/*.eml")
	if len(files) < 8 {
		t.Fatalf("only %d files in testdata/good", len(files))
	}
	msgs := map[string][]byte{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		msgs[f] = raw
	}
	for name, raw := range generated(t) {
		msgs[name] = raw
	}
	envs := []Envelope{{}, {Known: true, Body8BitMIME: true, MailFrom: "alice@example.org", Rcpts: []string{"bob@example.net"}}}
	for name, raw := range msgs {
		for _, env := range envs {
			for _, f := range Check(raw, env) {
				if f.Severity != Info {
					t.Errorf("Check(%s, known=%v): %s %s (%s): %s [%s]", name, env.Known, f.Severity, f.Rule, f.Where, f.Message, f.Excerpt)
				}
			}
		}
	}
}

// generated writes messages with go-message's writer and with Letterbox's
// own builder (smtpcore/msg.Draft), as an application using them would.
func generated(t *testing.T) map[string][]byte {
	out := map[string][]byte{}
	date := time.Date(2026, 11, 30, 14, 0, 0, 0, time.UTC)

	var h mail.Header
	h.SetDate(date)
	h.SetAddressList("From", []*mail.Address{{Name: "Zoë Ünal", Address: "zoe@example.org"}})
	h.SetAddressList("To", []*mail.Address{{Name: "Bob", Address: "bob@example.net"}})
	h.SetSubject("go-message: Grüße und Küsse")
	h.SetMessageID("go-message-1@example.org")
	var buf bytes.Buffer
	mw, err := mail.CreateWriter(&buf, h)
	if err != nil {
		t.Fatal(err)
	}
	iw, _ := mw.CreateInline()
	var th mail.InlineHeader
	th.Set("Content-Type", "text/plain; charset=utf-8")
	th.Set("Content-Transfer-Encoding", "quoted-printable")
	w, _ := iw.CreatePart(th)
	w.Write([]byte("Grüße aus dem go-message writer.\r\n"))
	w.Close()
	var hh mail.InlineHeader
	hh.Set("Content-Type", "text/html; charset=utf-8")
	hh.Set("Content-Transfer-Encoding", "quoted-printable")
	w, _ = iw.CreatePart(hh)
	w.Write([]byte("<p>Grüße aus dem <b>go-message</b> writer.</p>\r\n"))
	w.Close()
	iw.Close()
	var ah mail.AttachmentHeader
	ah.Set("Content-Type", "application/octet-stream")
	ah.Set("Content-Transfer-Encoding", "base64")
	ah.SetFilename("Übersicht.bin")
	w, _ = mw.CreateAttachment(ah)
	w.Write(bytes.Repeat([]byte{0, 1, 2, 250}, 300))
	w.Close()
	mw.Close()
	out["go-message writer"] = buf.Bytes()

	d := msg.Draft{From: "Zoë <zoe@example.org>", To: []string{"bob@example.net"}, Cc: []string{"Carol <carol@example.com>"},
		Subject: "Letterbox: Grüße " + strings.Repeat("long subject ", 8), Text: "Grüße!\n" + strings.Repeat("word ", 40) + "\n",
		HTML: "<p>Grüße!</p>", Date: date}
	for _, allow := range []bool{false, true} {
		m, err := d.Build(msg.BuildOptions{Allow8bit: allow})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if _, err := m.WriteTo(&b); err != nil {
			t.Fatal(err)
		}
		out["msg.Draft 8bit="+map[bool]string{false: "no", true: "yes"}[allow]] = b.Bytes()
	}
	return out
}
