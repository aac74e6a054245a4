package imapstore

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"letterbox/server/store"
	"letterbox/server/store/dovecottest/dovecotrun"
)

func TestMain(m *testing.M) { os.Exit(dovecotrun.Main(m)) }

func message(i int) string {
	return fmt.Sprintf("From: Ann Sender <a@x.test>\r\nTo: to@y.test\r\nCc: cc@z.test\r\nSubject: message %d\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\n\r\nbody %d: %s\r\n", i, i, strings.Repeat("é", i%50))
}

func deliver(t testing.TB, st *store.Store, msg string) string {
	t.Helper()
	d, err := st.Create()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(d, msg); err != nil {
		t.Fatal(err)
	}
	sum, err := d.Commit(store.Record{MailFrom: "a@x.test", Rcpts: []string{"to@y.test"}})
	if err != nil {
		t.Fatal(err)
	}
	return sum.ID
}

// served starts Dovecot over a new store holding n messages and dials it.
func served(t testing.TB, n int) (*store.Store, *Store, *dovecotrun.Dovecot) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "mail")
	st, err := store.Open(dir, store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for i := range n {
		deliver(t, st, message(i))
	}
	dv := dovecotrun.Start(t, dir)
	rs, err := Dial(Config{Addr: dv.Addr, Security: StartTLS, TLS: dv.TLSConfig(),
		Username: dv.User, Password: dv.Password, MinBackoff: 50 * time.Millisecond})
	if err != nil {
		t.Fatalf("Dial: %v\n%s", err, dv.Log())
	}
	t.Cleanup(func() { rs.Close() })
	return st, rs, dv
}

// TestRemoteListReadSearchDelete: 200 messages listed in pages of 50 (each
// once, newest first), one opened byte for byte, \Seen set, searched, and
// one deleted.
func TestRemoteListReadSearchDelete(t *testing.T) {
	st, rs, _ := served(t, 200)
	if total, unread := rs.Counts(); total != 200 || unread != 200 {
		t.Fatalf("Counts = %d, %d; want 200, 200", total, unread)
	}
	seen := map[string]bool{}
	var first store.Summary
	for off := 0; off < 200; off += 50 {
		items, total, err := rs.List(store.Query{Offset: off, Limit: 50})
		if err != nil || total != 200 || len(items) != 50 {
			t.Fatalf("List(%d) = %d items, total %d, %v", off, len(items), total, err)
		}
		for _, it := range items {
			if seen[it.ID] {
				t.Fatalf("%s listed twice", it.ID)
			}
			seen[it.ID] = true
		}
		if off == 0 {
			first = items[0]
		}
	}
	if first.From != `"Ann Sender" <a@x.test>` || len(first.To) != 2 || !first.Unread || first.Size == 0 {
		t.Errorf("summary = %+v", first)
	}
	if got := rs.Domains(); strings.Join(got, ",") != "y.test,z.test" {
		t.Errorf("Domains = %v", got)
	}

	// Open: the same bytes as the local store has for that subject.
	want := map[string][]byte{}
	items, _, _ := st.List(store.Query{})
	for _, it := range items {
		rc, _ := st.Open(it.ID)
		b, _ := io.ReadAll(rc)
		rc.Close()
		want[it.Subject] = b
	}
	rc, err := rs.Open(first.ID)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	if !bytes.Equal(got, want[first.Subject]) {
		t.Errorf("Open(%s) differs from the stored message %q", first.ID, first.Subject)
	}
	if s, _ := rs.Get(first.ID); !s.Unread {
		t.Error("Open set \\Seen (BODY.PEEK must not)")
	}
	if err := rs.MarkRead(first.ID); err != nil {
		t.Fatal(err)
	}
	if _, unread := rs.Counts(); unread != 199 {
		t.Errorf("unread after MarkRead = %d", unread)
	}

	for _, c := range []struct {
		q    store.Query
		want int
	}{
		{store.Query{Search: "message 17"}, 11}, // 17, 170…179
		{store.Query{Search: "ANN SENDER"}, 200},
		{store.Query{Search: "nobody-has-this"}, 0},
		{store.Query{Search: "body 42:", SearchBody: true}, 1},
		{store.Query{Domain: "z.test"}, 200},
		{store.Query{Recipient: "to@y.test", Search: "message 5"}, 11},
	} {
		items, total, err := rs.List(c.q)
		if err != nil || total != c.want || len(items) != c.want {
			t.Errorf("List(%+v) = %d items, total %d, %v; want %d", c.q, len(items), total, err, c.want)
		}
	}

	if _, err := rs.Record(first.ID); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Record = %v, want ErrNotExist", err)
	}
	if err := rs.Delete(first.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := rs.Get(first.ID); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Get after Delete = %v", err)
	}
	if _, total, _ := rs.List(store.Query{Limit: 1}); total != 199 {
		t.Errorf("total after Delete = %d", total)
	}
	if err := st.Refresh(); err != nil {
		t.Fatal(err)
	}
	if total, _ := st.Counts(); total != 199 {
		t.Errorf("the local store has %d messages after a remote delete, want 199", total)
	}
}

// TestRemoteIdle: a message delivered into the Maildir while the store
// idles reaches Subscribe within a second; a flag set by another client
// comes as Changed.
func TestRemoteIdle(t *testing.T) {
	st, rs, _ := served(t, 3)
	events, cancel := rs.Subscribe(16)
	defer cancel()
	start := time.Now()
	deliver(t, st, message(1000))
	e := nextEvent(t, events, store.Added)
	if d := time.Since(start); d > time.Second {
		t.Errorf("the new message took %v to arrive", d)
	}
	t.Logf("appended message reached Subscribe in %v", time.Since(start))
	if e.Summary.Subject != "message 1000" {
		t.Errorf("Added %+v", e.Summary)
	}
	if _, _, err := rs.List(store.Query{}); err != nil { // caches every summary
		t.Fatal(err)
	}
	if err := st.MarkRead(localID(t, st, "message 0")); err != nil {
		t.Fatal(err)
	}
	for e := nextEvent(t, events, store.Changed); e.Summary.Subject != "message 0" || e.Summary.Unread; {
		e = nextEvent(t, events, store.Changed)
	}
}

func localID(t *testing.T, st *store.Store, subject string) string {
	items, _, _ := st.List(store.Query{Search: subject})
	for _, it := range items {
		if it.Subject == subject {
			return it.ID
		}
	}
	t.Fatalf("no %q in the store", subject)
	return ""
}

func nextEvent(t *testing.T, events <-chan store.Event, kind store.EventKind) store.Event {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case e := <-events:
			if e.Kind == kind {
				return e
			}
		case <-timeout:
			t.Fatalf("no %v event within 5 s", kind)
		}
	}
}

// TestRemoteExpungeCounts: a cached unread message deleted by another
// client is counted out of the unread total once. The sync recounts UNSEEN
// from the server; dropping the message from the cache must not subtract it
// a second time (it did: 3 messages, 1 expunged, Counts said 2, 1).
func TestRemoteExpungeCounts(t *testing.T) {
	st, rs, _ := served(t, 3)
	if _, _, err := rs.List(store.Query{}); err != nil { // caches every summary
		t.Fatal(err)
	}
	events, cancel := rs.Subscribe(16)
	defer cancel()
	if err := st.Delete(localID(t, st, "message 1")); err != nil {
		t.Fatal(err)
	}
	nextEvent(t, events, store.Deleted)
	if total, unread := rs.Counts(); total != 2 || unread != 2 {
		t.Errorf("Counts after another client's delete = %d, %d; want 2, 2", total, unread)
	}
}
