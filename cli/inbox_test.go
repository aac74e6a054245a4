package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"letterbox/server/store"
	"letterbox/smtpcore"
)

// newStore makes a store in a temp dir; it stays open, as a server's would,
// while the commands under test open it a second time.
func newStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// deliver commits raw (LF line ends become CRLF) with a session record.
func deliver(t *testing.T, st *store.Store, raw string, rec store.Record) string {
	t.Helper()
	d, err := st.Create()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Write([]byte(strings.ReplaceAll(raw, "\n", "\r\n"))); err != nil {
		t.Fatal(err)
	}
	sum, err := d.Commit(rec)
	if err != nil {
		t.Fatal(err)
	}
	return sum.ID
}

const goodMsg = `From: =?utf-8?q?Zo=C3=AB?= <zoe@example.org>
To: Bob <bob@example.net>, "Doe, Jane" <jane@example.net>
Cc: carol@example.com
Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=
Date: Mon, 30 Nov 2026 14:00:00 +0000
Message-ID: <good-1@example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

Hello Bob.
--b1
Content-Type: application/pdf
Content-Disposition: attachment; filename="report.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQK
--b1--
`

const badMsg = `From: Mallory <mallory@example.org>
To: bob@example.net
Subject: no date
MIME-Version: 1.0
Content-Type: text/plain

Caf` + "\xe9" + `
`

func sizeOf(t *testing.T, st *store.Store, id string) int64 {
	s, err := st.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	return s.Size
}

func record(from string, rcpts ...string) store.Record {
	return store.Record{MailFrom: from, Rcpts: rcpts, Remote: "127.0.0.1:5000",
		Transcript: []smtpcore.Event{{Dir: smtpcore.DirClient, Text: "MAIL FROM:<" + from + "> BODY=8BITMIME"}}}
}

func run(t *testing.T, dir string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Inbox(append([]string{"--store", dir}, args...), Env{Stdout: &out, Stderr: &errb})
	return out.String(), errb.String(), code
}

func TestListJSON(t *testing.T) {
	st := newStore(t)
	id := deliver(t, st, goodMsg, record("zoe@example.org", "bob@example.net", "jane@example.net", "carol@example.com", "secret@example.com"))
	out, errs, code := run(t, st.Dir(), "list", "--json")
	if code != ExitOK {
		t.Fatalf("list --json = %d, %s", code, errs)
	}
	var items []map[string]any
	if err := json.Unmarshal([]byte(out), &items); err != nil || len(items) != 1 {
		t.Fatalf("list --json printed %q: %v", out, err)
	}
	got := items[0]
	want := map[string]any{
		"id": id, "from": "Zoë <zoe@example.org>", "subject": "Grüße", "size": float64(sizeOf(t, st, id)),
		"envelope_from": "zoe@example.org", "seen": false, "date": "2026-11-30T14:00:00Z",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("list --json %s = %#v, want %#v", k, got[k], v)
		}
	}
	for k, v := range map[string]string{
		"to":          `["Bob <bob@example.net>","Doe, Jane <jane@example.net>"]`,
		"cc":          `["carol@example.com"]`,
		"envelope_to": `["bob@example.net","jane@example.net","carol@example.com","secret@example.com"]`,
		"attachments": `[{"name":"report.pdf","size":9,"type":"application/pdf"}]`,
		"findings":    `{"error":0,"info":0,"warning":0}`,
	} {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.Encode(got[k])
		if strings.TrimSpace(b.String()) != v {
			t.Errorf("list --json %s = %s, want %s", k, b.String(), v)
		}
	}
	for _, k := range []string{"received"} {
		if _, ok := got[k]; !ok {
			t.Errorf("list --json has no %q", k)
		}
	}
}

func TestListFilters(t *testing.T) {
	st := newStore(t)
	deliver(t, st, goodMsg, record("zoe@example.org", "bob@example.net"))
	bad := deliver(t, st, badMsg, record("mallory@example.org", "eve@example.com"))
	for _, tc := range []struct {
		args []string
		want int
	}{
		{nil, 2},
		{[]string{"--to", "eve@example.com"}, 1},
		{[]string{"--to", "example.net"}, 1},
		{[]string{"--from", "mallory@example.org"}, 1},
		{[]string{"--from", "example.org"}, 2},
		{[]string{"--subject", "GRÜ"}, 1},
		{[]string{"--subject", "/^no d.te$/"}, 1},
		{[]string{"--since", "1h"}, 2},
		{[]string{"--search", "mallory"}, 1},
		{[]string{"--limit", "1"}, 1},
	} {
		out, errs, code := run(t, st.Dir(), append([]string{"list", "--json"}, tc.args...)...)
		var items []Item
		if err := json.Unmarshal([]byte(out), &items); code != 0 || err != nil || len(items) != tc.want {
			t.Errorf("list %q = %d items (exit %d, %s), want %d", tc.args, len(items), code, errs, tc.want)
		}
		if tc.args != nil && tc.args[0] == "--to" && tc.want == 1 && tc.args[1] == "eve@example.com" && items[0].ID != bad {
			t.Errorf("list --to eve@example.com gave %s, want %s", items[0].ID, bad)
		}
	}
}

func TestExitCodes(t *testing.T) {
	st := newStore(t)
	id := deliver(t, st, badMsg, record("mallory@example.org", "bob@example.net"))
	good := deliver(t, st, goodMsg, record("zoe@example.org", "bob@example.net"))
	for _, tc := range []struct {
		name string
		dir  string
		args []string
		want int
	}{
		{"unknown command", st.Dir(), []string{"frobnicate"}, ExitUsage},
		{"unknown flag", st.Dir(), []string{"list", "--bogus"}, ExitUsage},
		{"bad regex", st.Dir(), []string{"list", "--subject", "/(/"}, ExitUsage},
		{"no store", filepath.Join(t.TempDir(), "none"), []string{"list"}, ExitStore},
		{"show missing", st.Dir(), []string{"show", "NOPE"}, ExitNotFound},
		{"lint errors", st.Dir(), []string{"lint", id}, ExitLint},
		{"lint clean", st.Dir(), []string{"lint", good}, ExitOK},
		{"lint missing", st.Dir(), []string{"lint", "NOPE"}, ExitNotFound},
		{"wait timeout", st.Dir(), []string{"wait", "--timeout", "50ms"}, ExitNotFound},
		{"delete missing", st.Dir(), []string{"delete", "NOPE"}, ExitNotFound},
		{"delete both", st.Dir(), []string{"delete", "--all", id}, ExitUsage},
		{"help", st.Dir(), []string{"list", "-h"}, ExitOK},
	} {
		if _, errs, code := run(t, tc.dir, tc.args...); code != tc.want {
			t.Errorf("%s: inbox %q = exit %d (%s), want %d", tc.name, tc.args, code, errs, tc.want)
		}
	}
	if _, err := os.Stat(filepath.Join(t.TempDir(), "none")); err == nil {
		t.Error("inbox list created a store where there was none")
	}
}

func TestShowModes(t *testing.T) {
	st := newStore(t)
	id := deliver(t, st, goodMsg, record("zoe@example.org", "bob@example.net"))
	out, _, _ := run(t, st.Dir(), "show", id)
	for _, want := range []string{"From:     Zoë <zoe@example.org>", "Subject:  Grüße", "Attached: report.pdf (application/pdf, 9 B)", "Hello Bob."} {
		if !strings.Contains(out, want) {
			t.Errorf("show %s printed %q, want a line %q", id, out, want)
		}
	}
	out, _, _ = run(t, st.Dir(), "show", id, "--text")
	if out != "Hello Bob.\n" {
		t.Errorf("show --text = %q", out)
	}
	out, _, _ = run(t, st.Dir(), "show", "--raw", id)
	if out != strings.ReplaceAll(goodMsg, "\n", "\r\n") {
		t.Errorf("show --raw = %q, want the stored bytes", out)
	}
	var d map[string]any
	out, _, _ = run(t, st.Dir(), "show", id, "--json")
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "headers", "text", "html", "parts", "record", "findings", "attachments"} {
		if _, ok := d[k]; !ok {
			t.Errorf("show --json has no %q: %s", k, out)
		}
	}
	file := filepath.Join(t.TempDir(), "r.pdf")
	if _, errs, code := run(t, st.Dir(), "show", id, "--part", "2", "--output", file); code != 0 {
		t.Fatalf("show --part 2 = %d: %s", code, errs)
	}
	if b, _ := os.ReadFile(file); string(b) != "%PDF-1.4\n" {
		t.Errorf("show --part 2 wrote %q", b)
	}
}

func TestDelete(t *testing.T) {
	st := newStore(t)
	a := deliver(t, st, goodMsg, record("zoe@example.org", "bob@example.net"))
	deliver(t, st, goodMsg, record("zoe@example.org", "bob@example.net"))
	if _, errs, code := run(t, st.Dir(), "delete", a); code != 0 {
		t.Fatalf("delete %s = %d: %s", a, code, errs)
	}
	out, _, _ := run(t, st.Dir(), "list", "--json")
	if strings.Contains(out, a) || strings.Count(out, `"id"`) != 1 {
		t.Errorf("after delete %s, list = %s", a, out)
	}
	run(t, st.Dir(), "delete", "--all")
	if out, _, _ := run(t, st.Dir(), "list", "--json"); strings.TrimSpace(out) != "[]" {
		t.Errorf("after delete --all, list = %s", out)
	}
}

func TestLintJSONAndEnvelope(t *testing.T) {
	st := newStore(t)
	rec := record("mallory@example.org", "bob@example.net")
	rec.Transcript[0].Text = "MAIL FROM:<mallory@example.org>" // no BODY=8BITMIME
	rec.Warnings = []string{"1 bare LF in the message text (RFC 5321 §2.3.8)"}
	id := deliver(t, st, badMsg, rec)
	out, _, code := run(t, st.Dir(), "lint", "--json", id)
	var fs []LintFinding
	if err := json.Unmarshal([]byte(out), &fs); err != nil || code != ExitLint {
		t.Fatalf("lint --json = %d, %q: %v", code, out, err)
	}
	rules := map[string]bool{}
	for _, f := range fs {
		if f.ID != id {
			t.Errorf("finding %s has id %q, want %q", f.Rule, f.ID, id)
		}
		rules[f.Rule] = true
	}
	for _, r := range []string{"rfc5322.date-missing", "env.8bit-without-8bitmime", "env.bare-lf-accepted", "mime.charset-missing"} {
		if !rules[r] {
			t.Errorf("lint --json lacks %s: %s", r, out)
		}
	}
}

// TestWaitSeesOtherWriter: wait, with its own Store, returns a message the
// "server's" Store commits after wait started, and not the older one.
func TestWaitSeesOtherWriter(t *testing.T) {
	st := newStore(t)
	deliver(t, st, goodMsg, record("zoe@example.org", "bob@example.net"))
	type result struct {
		out, errs string
		code      int
	}
	done := make(chan result, 1)
	started := make(chan struct{})
	go func() {
		var out, errb bytes.Buffer
		close(started)
		code := Inbox([]string{"--store", st.Dir(), "wait", "--to", "bob@example.net", "--timeout", "20s", "--json"}, Env{Stdout: &out, Stderr: &errb})
		done <- result{out.String(), errb.String(), code}
	}()
	<-started
	// Deliver every 200 ms until wait answers: a message counts only when it
	// is committed after wait took its baseline, which the test cannot see.
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	var r result
	for n := 0; ; n++ {
		select {
		case r = <-done:
		case <-tick.C:
			if n > 50 {
				t.Fatal("wait did not answer within 10 s of deliveries")
			}
			deliver(t, st, strings.Replace(goodMsg, "=?utf-8?q?Gr=C3=BC=C3=9Fe?=", "Neu", 1), record("zoe@example.org", "bob@example.net"))
			continue
		}
		break
	}
	var items []Item
	if err := json.Unmarshal([]byte(r.out), &items); r.code != 0 || err != nil || len(items) != 1 {
		t.Fatalf("wait = %d %q %s, want one message", r.code, r.out, r.errs)
	}
	if items[0].Subject != "Neu" {
		t.Errorf("wait returned %q (%s), want a new message", items[0].Subject, items[0].ID)
	}
}

func TestClean(t *testing.T) {
	for _, tc := range []struct{ in, want, block string }{
		{"plain é", "plain é", "plain é"},
		{"a\x1b[2Jb", `a\x1b[2Jb`, `a\x1b[2Jb`},
		{"l1\r\nl2\tx", `l1\x0d\x0al2\x09x`, "l1\nl2\tx"},
		{"\u202eevil", `\u202eevil`, `\u202eevil`},
		{"\xff", `\xff`, `\xff`},
		{"a\u009bb\x7f", `a\u009bb\x7f`, `a\u009bb\x7f`},
		{"family 👨\u200d👩\u200d👧", "family 👨\u200d👩\u200d👧", "family 👨\u200d👩\u200d👧"}, // a joiner is no control: the emoji stay whole
	} {
		if got := Clean(tc.in); got != tc.want {
			t.Errorf("Clean(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := CleanBlock(tc.in); got != tc.block {
			t.Errorf("CleanBlock(%q) = %q, want %q", tc.in, got, tc.block)
		}
	}
}

// TestInboxIsNotTheOwner: with no server running, inbox opens the store as a
// reader: it leaves tmp/ alone (a delivery in flight from another program)
// and never takes the owner lock, even when the lock file does not exist
// yet, so a server that starts during a `wait` gets it.
func TestInboxIsNotTheOwner(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(dir, store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	deliver(t, st, goodMsg, record("zoe@example.org", "bob@example.net"))
	st.Close()
	if err := os.Remove(store.LockPath(dir)); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	inFlight := filepath.Join(dir, "tmp", "1764500000.M1P2.dovecot")
	if err := os.WriteFile(inFlight, []byte("From: a@b\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// What `wait` holds open: the lock stays free for a server to take.
	rd, err := openStore(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	f, err := os.OpenFile(store.LockPath(dir), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscallFlockNB(f); err != nil {
		t.Errorf("a server starting while inbox has the store open cannot take the owner lock: %v", err)
	}
	if _, errs, code := run(t, dir, "list"); code != 0 {
		t.Fatalf("list = %d: %s", code, errs)
	}
	if _, err := os.Stat(inFlight); err != nil {
		t.Errorf("inbox list removed %s from tmp/: %v", inFlight, err)
	}
}
