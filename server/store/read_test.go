package store

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"
	"time"
)

func TestSlowSubscriberDoesNotBlock(t *testing.T) {
	s := openStore(t, t.TempDir())
	events, cancel := s.Subscribe(3)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 10 {
			deliver(t, s, "Subject: x\r\n\r\nx\r\n", Record{})
		}
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Commit blocked on a subscriber that does not read")
	}
	var kinds []EventKind
	for len(events) > 0 {
		kinds = append(kinds, (<-events).Kind)
	}
	if want := []EventKind{Added, Added, Resync}; !reflect.DeepEqual(kinds, want) {
		t.Errorf("events of a slow subscriber = %v, want %v", kinds, want)
	}
	if got := s.Dropped(); got != 8 {
		t.Errorf("Dropped() = %d, want 8", got)
	}
	// Once it has caught up it gets events again.
	sum := deliver(t, s, "Subject: y\r\n\r\ny\r\n", Record{})
	if ev := <-events; ev.Kind != Added || ev.ID != sum.ID {
		t.Errorf("event after catching up = %v %s, want added %s", ev.Kind, ev.ID, sum.ID)
	}
	cancel()
	if _, ok := <-events; ok {
		t.Errorf("channel still open after cancel")
	}
}

func TestMarkReadMovesToCur(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	events, cancel := s.Subscribe(10)
	defer cancel()
	sum := deliver(t, s, sampleMsg, Record{})
	<-events
	if err := s.MarkRead(sum.ID); err != nil {
		t.Fatalf("MarkRead(%q) error: %v", sum.ID, err)
	}
	if got, want := dirNames(t, filepath.Join(dir, "cur")), []string{sum.ID + ":2,S"}; !reflect.DeepEqual(got, want) {
		t.Errorf("cur/ = %q, want %q", got, want)
	}
	if got := dirNames(t, filepath.Join(dir, "new")); len(got) != 0 {
		t.Errorf("new/ = %q, want empty", got)
	}
	if ev := <-events; ev.Kind != Changed || ev.Summary.Unread {
		t.Errorf("event = %v unread=%v, want changed, read", ev.Kind, ev.Summary.Unread)
	}
	if _, unread := s.Counts(); unread != 0 {
		t.Errorf("Counts() unread = %d, want 0", unread)
	}
	if err := s.MarkRead(sum.ID); err != nil {
		t.Errorf("second MarkRead error: %v", err)
	}
	p, _ := s.Path(sum.ID)
	if b, _ := os.ReadFile(p); string(b) != sampleMsg {
		t.Errorf("message changed by MarkRead: %q", b)
	}
	// Flags a mail reader set are kept, in ASCII order.
	for _, tc := range []struct{ name, want string }{
		{"A:2,F", "A:2,FS"}, {"A:2,T", "A:2,ST"}, {"A", "A:2,S"}, {"A:2,S", "A:2,S"},
	} {
		if got := withFlag(tc.name, 'S'); got != tc.want {
			t.Errorf("withFlag(%q, 'S') = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestMarkUnreadKeepsOtherFlags(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	sum := deliver(t, s, sampleMsg, Record{})
	if err := s.MarkRead(sum.ID); err != nil {
		t.Fatalf("MarkRead(%q) error: %v", sum.ID, err)
	}
	// A mail reader flags it as well (Dovecot's \Flagged is F).
	if err := os.Rename(filepath.Join(dir, "cur", sum.ID+":2,S"), filepath.Join(dir, "cur", sum.ID+":2,FS")); err != nil {
		t.Fatal(err)
	}
	events, cancel := s.Subscribe(10)
	defer cancel()
	if err := s.MarkUnread(sum.ID); err != nil {
		t.Fatalf("MarkUnread(%q) error: %v", sum.ID, err)
	}
	if got, want := dirNames(t, filepath.Join(dir, "cur")), []string{sum.ID + ":2,F"}; !reflect.DeepEqual(got, want) {
		t.Errorf("cur/ after MarkUnread = %q, want %q", got, want)
	}
	// The store first notices the reader's rename (Changed, still read),
	// then publishes the unread state.
	for ev := range events {
		if ev.Kind != Changed {
			t.Fatalf("event = %v, want changed", ev.Kind)
		}
		if ev.Summary.Unread {
			break
		}
	}
	if _, unread := s.Counts(); unread != 1 {
		t.Errorf("Counts() unread = %d, want 1", unread)
	}
	if err := s.MarkUnread(sum.ID); err != nil {
		t.Errorf("second MarkUnread error: %v", err)
	}
	if err := s.MarkRead(sum.ID); err != nil {
		t.Fatalf("MarkRead after MarkUnread: %v", err)
	}
	if got, want := dirNames(t, filepath.Join(dir, "cur")), []string{sum.ID + ":2,FS"}; !reflect.DeepEqual(got, want) {
		t.Errorf("cur/ after MarkRead again = %q, want %q", got, want)
	}
	for _, tc := range []struct{ name, want string }{
		{"A:2,FS", "A:2,F"}, {"A:2,S", "A:2,"}, {"A:2,RST", "A:2,RT"},
	} {
		if got := withoutFlag(tc.name, 'S'); got != tc.want {
			t.Errorf("withoutFlag(%q, 'S') = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestDelete(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	a := deliver(t, s, sampleMsg, Record{})
	b := deliver(t, s, sampleMsg, Record{})
	c := deliver(t, s, sampleMsg, Record{})
	events, cancel := s.Subscribe(10)
	defer cancel()
	if err := s.Delete(a.ID); err != nil {
		t.Fatalf("Delete(%q) error: %v", a.ID, err)
	}
	if ev := <-events; ev.Kind != Deleted || ev.ID != a.ID {
		t.Errorf("event = %v %s, want deleted %s", ev.Kind, ev.ID, a.ID)
	}
	if err := s.Delete(a.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Delete(%q) again error = %v, want ErrNotFound", a.ID, err)
	}
	s.MarkRead(b.ID)
	if err := s.DeleteAll(); err != nil {
		t.Fatalf("DeleteAll() error: %v", err)
	}
	<-events // Changed of MarkRead
	if ev := <-events; ev.Kind != Cleared {
		t.Errorf("event = %v, want cleared", ev.Kind)
	}
	for _, sub := range []string{"new", "cur", dirRecords} {
		if got := dirNames(t, filepath.Join(dir, sub)); len(got) != 0 {
			t.Errorf("%s/ after DeleteAll = %q, want empty", sub, got)
		}
	}
	if total, unread := s.Counts(); total != 0 || unread != 0 {
		t.Errorf("Counts() = %d, %d, want 0, 0", total, unread)
	}
	if _, err := s.Open(c.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Open(%q) after DeleteAll error = %v, want ErrNotFound", c.ID, err)
	}
}

func TestListPagingAndFilters(t *testing.T) {
	s := openStore(t, t.TempDir())
	type msg struct{ from, to, subject, body string }
	var ids []string // oldest first
	for _, m := range []msg{
		{"ann@a.test", "bob@x.test", "Invoice 1", "total due"},
		{"bob@b.test", "carol@y.test", "Lunch?", "pizza NEEDLE"},
		{"ann@a.test", "bob@x.test", "Re: Invoice 1", "paid"},
		{"dan@c.test", "eve@x.test", "hello", "hi"},
		{"=?UTF-8?B?w4Rubg==?= <ann@a.test>", "fay@y.test", "Überweisung", "x"},
	} {
		raw := fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: %s\r\n\r\n%s\r\n", m.from, m.to, m.subject, m.body)
		ids = append(ids, deliver(t, s, raw, Record{MailFrom: "env@e.test", Rcpts: []string{m.to, "bcc@z.test"}}).ID)
	}
	newest := func(idx ...int) []string {
		var out []string
		for _, i := range idx {
			out = append(out, ids[i])
		}
		return out
	}
	cases := []struct {
		name  string
		q     Query
		want  []string
		total int
	}{
		{"all", Query{}, newest(4, 3, 2, 1, 0), 5},
		{"first page", Query{Limit: 2}, newest(4, 3), 5},
		{"second page", Query{Offset: 2, Limit: 2}, newest(2, 1), 5},
		{"last page", Query{Offset: 4, Limit: 2}, newest(0), 5},
		{"past the end", Query{Offset: 9, Limit: 2}, nil, 5},
		{"domain", Query{Domain: "X.test"}, newest(3, 2, 0), 3},
		{"bcc domain", Query{Domain: "z.test"}, newest(4, 3, 2, 1, 0), 5},
		{"recipient", Query{Recipient: "Bob@x.test"}, newest(2, 0), 2},
		{"domain and page", Query{Domain: "x.test", Offset: 1, Limit: 1}, newest(2), 3},
		{"search subject", Query{Search: "invoice"}, newest(2, 0), 2},
		{"search from", Query{Search: "dan@"}, newest(3), 1},
		{"search decoded", Query{Search: "änn"}, newest(4), 1},
		{"search unicode subject", Query{Search: "überw"}, newest(4), 1},
		{"search body off", Query{Search: "needle"}, nil, 0},
		{"search body", Query{Search: "needle", SearchBody: true}, newest(1), 1},
		{"search body and header", Query{Search: "a.test", SearchBody: true, Limit: 2}, newest(4, 2), 3},
		{"search and domain", Query{Search: "invoice", Domain: "y.test"}, nil, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			items, total, err := s.List(tc.q)
			if err != nil {
				t.Fatalf("List(%+v) error: %v", tc.q, err)
			}
			var got []string
			for _, it := range items {
				got = append(got, it.ID)
			}
			if !reflect.DeepEqual(got, tc.want) || total != tc.total {
				t.Errorf("List(%+v) = %q total %d, want %q total %d", tc.q, got, total, tc.want, tc.total)
			}
		})
	}
	if got, want := s.Domains(), []string{"x.test", "y.test", "z.test"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Domains() = %q, want %q", got, want)
	}
	if got, want := s.Recipients("x.test"), []string{"bob@x.test", "eve@x.test"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Recipients(x.test) = %q, want %q", got, want)
	}
	all := s.Recipients("")
	if !sort.StringsAreSorted(all) || len(all) != 5 {
		t.Errorf("Recipients(\"\") = %q, want 5 sorted addresses", all)
	}
}

func TestClosedStore(t *testing.T) {
	s := openStore(t, t.TempDir())
	sum := deliver(t, s, sampleMsg, Record{})
	events, _ := s.Subscribe(4)
	if err := s.Close(); err != nil {
		t.Fatalf("Close() error: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close() error: %v", err)
	}
	if _, ok := <-events; ok {
		t.Errorf("subscription still open after Close")
	}
	if _, err := s.Create(); !errors.Is(err, ErrClosed) {
		t.Errorf("Create() after Close error = %v, want ErrClosed", err)
	}
	if _, err := s.Get(sum.ID); !errors.Is(err, ErrClosed) {
		t.Errorf("Get() after Close error = %v, want ErrClosed", err)
	}
}

func TestRefreshSeesOtherWriters(t *testing.T) {
	dir := t.TempDir()
	reader := openStore(t, dir)
	writer, err := Open(dir, Options{}) // a second process, in effect
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	events, cancel := reader.Subscribe(8)
	defer cancel()
	sum := deliver(t, writer, sampleMsg, Record{MailFrom: "w@x.test"})
	if err := reader.Refresh(); err != nil {
		t.Fatalf("Refresh() error: %v", err)
	}
	got, err := reader.Get(sum.ID)
	if err != nil || got.MailFrom != "w@x.test" {
		t.Errorf("Get(%q) after Refresh = %+v, %v; want the writer's message", sum.ID, got, err)
	}
	if ev := <-events; ev.Kind != Added || ev.ID != sum.ID {
		t.Errorf("event = %v %s, want added %s", ev.Kind, ev.ID, sum.ID)
	}
	if !bytes.Equal([]byte(got.Subject), []byte("Grüße aus Berlin")) {
		t.Errorf("Subject = %q", got.Subject)
	}
}
