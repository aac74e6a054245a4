package dovecottest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"letterbox/server/store"
)

// deliver commits msg through the store's own delivery path, as the SMTP
// server does, with a record holding a Bcc recipient.
func deliver(t *testing.T, st *store.Store, msg string) string {
	t.Helper()
	d, err := st.Create()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(d, msg); err != nil {
		t.Fatal(err)
	}
	sum, err := d.Commit(store.Record{MailFrom: "a@x.test", Rcpts: []string{"to@y.test", "bcc@z.test"}})
	if err != nil {
		t.Fatal(err)
	}
	return sum.ID
}

func message(i int) string {
	return fmt.Sprintf("From: a@x.test\r\nTo: to@y.test\r\nSubject: message %d\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\n\r\nbody %d: %s\r\n", i, i, strings.Repeat("é", i*37))
}

func openStore(t *testing.T, dir string) *store.Store {
	t.Helper()
	st, err := store.Open(dir, store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func storedBytes(t *testing.T, st *store.Store, id string) []byte {
	t.Helper()
	rc, err := st.Open(id)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fetchAll returns every message of the selected mailbox, BODY.PEEK[].
func fetchAll(t *testing.T, c *imapclient.Client) [][]byte {
	t.Helper()
	section := &imap.FetchItemBodySection{Peek: true}
	var all imap.SeqSet
	all.AddRange(1, 0) // 1:*
	msgs, err := c.Fetch(all, &imap.FetchOptions{BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		t.Fatalf("FETCH: %v", err)
	}
	var out [][]byte
	for _, m := range msgs {
		out = append(out, m.FindBodySection(section))
	}
	return out
}

// TestDovecotServesTheStore: over a live store, Dovecot (configured by
// `letterbox share`) lists only INBOX, cannot delete the metadata folder
// (F2), returns every message byte for byte, sees mail delivered while it
// runs, and the flags and expunges made through it are what the store finds
// on reopen, records still attached.
func TestDovecotServesTheStore(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mail")
	st := openStore(t, dir)
	want := map[string][]byte{}
	var ids []string
	for i := range 40 {
		id := deliver(t, st, message(i))
		ids = append(ids, id)
		want[string(storedBytes(t, st, id))] = nil
	}
	dv := startDovecot(t, dir)
	c := dv.login(t)

	boxes, err := c.List("", "*", nil).Collect()
	if err != nil {
		t.Fatalf("LIST: %v", err)
	}
	if len(boxes) != 1 || boxes[0].Mailbox != "INBOX" {
		t.Errorf("LIST \"\" * = %v, want only INBOX", mailboxNames(boxes))
	}
	for _, name := range []string{"letterbox-meta", ".letterbox-meta", "letterbox"} {
		if err := c.Delete(name).Wait(); err == nil {
			t.Errorf("DELETE %q succeeded", name)
		}
	}
	// Selecting it made Dovecot create cur/new/tmp inside the old .letterbox.
	if _, err := c.Select("letterbox-meta", nil).Wait(); err == nil {
		t.Error("SELECT letterbox-meta succeeded")
	}
	if _, err := os.Stat(filepath.Join(store.MetaDir(dir), "cur")); err == nil {
		t.Error("Dovecot made a mailbox of the metadata directory")
	}
	if recs, _ := os.ReadDir(filepath.Join(store.MetaDir(dir), "records")); len(recs) != 40 {
		t.Errorf("%d records after the DELETEs, want 40", len(recs))
	}
	checkPythonFolders(t, dir)

	sel, err := c.Select("INBOX", nil).Wait()
	if err != nil || sel.NumMessages != 40 {
		t.Fatalf("SELECT INBOX = %+v, %v; want 40 messages", sel, err)
	}
	got := fetchAll(t, c)
	for i, b := range got {
		if _, ok := want[string(b)]; !ok {
			t.Errorf("FETCH %d returned %d bytes that are no stored message", i+1, len(b))
		}
	}
	if len(got) != 40 {
		t.Errorf("FETCH returned %d messages, want 40", len(got))
	}

	// Letterbox keeps receiving while Dovecot serves.
	late := deliver(t, st, message(99))
	if err := c.Noop().Wait(); err != nil {
		t.Fatal(err)
	}
	if got := fetchAll(t, c); len(got) != 41 || !bytes.Equal(got[40], storedBytes(t, st, late)) {
		t.Errorf("after a delivery FETCH gives %d messages, want 41 ending with the new one", len(got))
	}

	// Flags and an expunge through IMAP (messages 1 and 2 are the first two
	// delivered: Dovecot numbers new/ in name order, which is delivery order).
	flags := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagSeen, imap.FlagFlagged}}
	if _, err := c.Store(imap.SeqSetNum(1), flags, nil).Collect(); err != nil {
		t.Fatalf("STORE: %v", err)
	}
	del := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}
	if _, err := c.Store(imap.SeqSetNum(2), del, nil).Collect(); err != nil {
		t.Fatalf("STORE: %v", err)
	}
	if _, err := c.Expunge().Collect(); err != nil {
		t.Fatalf("EXPUNGE: %v", err)
	}
	st.Close()

	st = openStore(t, dir)
	defer st.Close()
	if _, total, _ := st.List(store.Query{}); total != 40 {
		t.Errorf("the store holds %d messages after one expunge, want 40", total)
	}
	if _, err := st.Get(ids[1]); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Get(expunged %s) = %v, want ErrNotFound", ids[1], err)
	}
	sum, err := st.Get(ids[0])
	if err != nil || sum.Unread {
		t.Errorf("Get(%s) = %+v, %v; want it read (\\Seen through IMAP)", ids[0], sum, err)
	}
	if p, _ := st.Path(ids[0]); !strings.HasSuffix(p, ":2,FS") {
		t.Errorf("path of the flagged message = %s, want the info :2,FS", p)
	}
	if rec, err := st.Record(ids[0]); err != nil || len(rec.Rcpts) != 2 {
		t.Errorf("Record(%s) after IMAP changed its flags = %+v, %v; want the envelope, Bcc included", ids[0], rec, err)
	}
}

func mailboxNames(l []*imap.ListData) []string {
	var s []string
	for _, d := range l {
		s = append(s, d.Mailbox)
	}
	return s
}

// checkPythonFolders asks Python's mailbox module, the other Maildir++ reader
// the README names, for the store's folders: there must be none.
func checkPythonFolders(t *testing.T, dir string) {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Log("python3 missing: list_folders() not checked")
		return
	}
	out, err := exec.Command(py, "-c", "import mailbox,sys; print(mailbox.Maildir(sys.argv[1], create=False).list_folders())", dir).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "[]" {
		t.Errorf("python3 mailbox.Maildir.list_folders() = %s (%v), want []", out, err)
	}
}

// TestAppendInFlightSurvivesLetterboxRestart is the F1 reproduction: an IMAP
// APPEND half sent through Dovecot, a Letterbox restart (which cleans tmp/),
// then the rest of the message. Before the fix Open removed Dovecot's tmp/
// file and the APPEND failed with NO [SERVERBUG].
func TestAppendInFlightSurvivesLetterboxRestart(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mail")
	st := openStore(t, dir)
	deliver(t, st, message(1))
	dv := startDovecot(t, dir)
	c := dv.login(t)

	msg := []byte("From: b@x.test\r\nSubject: appended\r\n\r\n" + strings.Repeat("0123456789abcdef\r\n", 1<<14))
	app := c.Append("INBOX", int64(len(msg)), nil)
	half := len(msg) / 2
	if _, err := app.Write(msg[:half]); err != nil {
		t.Fatal(err)
	}
	tmpFile := waitForTmpFile(t, dir)

	st.Close()
	st = openStore(t, dir) // the owner again: it cleans tmp/
	defer st.Close()
	if _, err := os.Stat(tmpFile); err != nil {
		t.Fatalf("the restart removed Dovecot's delivery in progress: %v", err)
	}
	if _, err := app.Write(msg[half:]); err != nil {
		t.Fatal(err)
	}
	if err := app.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := app.Wait(); err != nil {
		t.Fatalf("APPEND after the restart: %v\n%s", err, dv.Log())
	}
	if err := st.Refresh(); err != nil {
		t.Fatal(err)
	}
	items, total, _ := st.List(store.Query{})
	if total != 2 {
		t.Fatalf("the store holds %d messages, want 2", total)
	}
	var found bool
	for _, it := range items {
		if bytes.Equal(storedBytes(t, st, it.ID), msg) {
			found = true
			if _, err := st.Record(it.ID); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("Record(appended) error = %v, want not exist: another program delivered it", err)
			}
		}
	}
	if !found {
		t.Error("the appended message is not in the store byte for byte")
	}
}

// waitForTmpFile polls tmp/ until Dovecot has opened its file there.
func waitForTmpFile(t *testing.T, dir string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ents, _ := os.ReadDir(filepath.Join(dir, "tmp"))
		for _, e := range ents {
			if !strings.Contains(e.Name(), ".letterbox.P") {
				return filepath.Join(dir, "tmp", e.Name())
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("Dovecot made no file in tmp/ for the APPEND in progress")
		}
		time.Sleep(10 * time.Millisecond) // polling with a deadline
	}
}

// waitEvent waits up to a second (issue 11's bound) for an event of kind,
// about id when id is not "".
func waitEvent(t *testing.T, events <-chan store.Event, kind store.EventKind, id string) store.Event {
	t.Helper()
	deadline := time.After(time.Second)
	for {
		select {
		case ev := <-events:
			if ev.Kind == kind && (id == "" || ev.ID == id) {
				return ev
			}
		case <-deadline:
			t.Fatalf("the store heard no %v event for %q within a second", kind, id)
			return store.Event{}
		}
	}
}

// TestStoreFollowsDovecotLive: with the store open (as the app and serve keep
// it), what IMAP readers do through Dovecot reaches the store's subscribers
// within a second, without a restart or Refresh (issue 11 §3).
func TestStoreFollowsDovecotLive(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mail")
	st := openStore(t, dir)
	defer st.Close()
	first := deliver(t, st, message(1))
	second := deliver(t, st, message(2))
	dv := startDovecot(t, dir)
	c := dv.login(t)
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	events, cancel := st.Subscribe(64)
	defer cancel()

	seen := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagSeen}}
	if _, err := c.Store(imap.SeqSetNum(1), seen, nil).Collect(); err != nil {
		t.Fatal(err)
	}
	if ev := waitEvent(t, events, store.Changed, first); ev.Summary.Unread || ev.Summary.MailFrom != "a@x.test" {
		t.Errorf("after \\Seen through IMAP: %+v; want read, envelope kept", ev.Summary)
	}

	msg := "From: c@x.test\r\nSubject: appended live\r\n\r\nhello\r\n"
	app := c.Append("INBOX", int64(len(msg)), nil)
	io.WriteString(app, msg)
	app.Close()
	if _, err := app.Wait(); err != nil {
		t.Fatal(err)
	}
	if ev := waitEvent(t, events, store.Added, ""); ev.Summary.Subject != "appended live" || ev.Summary.MailFrom != "" {
		t.Errorf("after APPEND: %+v; want the appended message without an envelope", ev.Summary)
	}

	del := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}
	if _, err := c.Store(imap.SeqSetNum(2), del, nil).Collect(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Expunge().Collect(); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, events, store.Deleted, second)
}
