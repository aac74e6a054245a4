package store

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"letterbox/smtpcore"
	"letterbox/smtpcore/msg/lint"
)

func openStore(t testing.TB, dir string) *Store {
	t.Helper()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatalf("Open(%q) error: %v", dir, err)
	}
	t.Cleanup(func() { s.Close() })
	s.texts.folding.Wait() // the owner's clean-ups after Open (tidy)
	return s
}

// deliver writes msg in small chunks and commits it with rec.
func deliver(t testing.TB, s *Store, msg string, rec Record) Summary {
	t.Helper()
	d, err := s.Create()
	if err != nil {
		t.Fatalf("Create() error: %v", err)
	}
	for b := []byte(msg); len(b) > 0; {
		n := min(len(b), 7)
		if _, err := d.Write(b[:n]); err != nil {
			t.Fatalf("Write() error: %v", err)
		}
		b = b[n:]
	}
	sum, err := d.Commit(rec)
	if err != nil {
		t.Fatalf("Commit() error: %v", err)
	}
	return sum
}

func dirNames(t testing.TB, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("ReadDir(%q): %v", dir, err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

const sampleMsg = "Return-Path: <alice@example.org>\r\n" +
	"Received: from client.example.org ([127.0.0.1]) by letterbox with ESMTP id X; Mon, 1 Jan 2024 10:00:00 +0000\r\n" +
	"From: =?UTF-8?Q?Ren=C3=A9e_Dupont?= <renee@example.org>\r\n" +
	"To: Bob <bob@example.com>, carol@example.net\r\n" +
	"Cc: \"Dave, Jr.\" <dave@example.com>\r\n" +
	"Subject: =?ISO-8859-1?Q?Gr=FC=DFe?= aus\r\n  Berlin\r\n" +
	"Date: Mon, 1 Jan 2024 10:00:00 +0100\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n" +
	"\r\n" +
	"Hello Bob,\r\n\r\nthis is   the body.\r\n"

func TestCommitReadsBackByteForByte(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	started := time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC)
	rec := Record{
		MailFrom: "alice@example.org",
		Rcpts:    []string{"bob@example.com", "carol@example.net", "hidden@bcc.test"},
		Remote:   "127.0.0.1:5555", Helo: "client.example.org", Protocol: "ESMTPS",
		TLS:        &TLSInfo{Version: "TLS 1.3", Cipher: "TLS_AES_128_GCM_SHA256"},
		Started:    started,
		Transcript: []smtpcore.Event{{Time: started, Dir: smtpcore.DirClient, Text: "EHLO client.example.org"}},
		Warnings:   []string{"bare LF"},
	}
	sum := deliver(t, s, sampleMsg, rec)

	if got := dirNames(t, filepath.Join(dir, "new")); !reflect.DeepEqual(got, []string{sum.ID}) {
		t.Fatalf("new/ = %q, want [%q]", got, sum.ID)
	}
	s.waitSettled() // the tmp/ name goes once new/ is synced, after Commit
	if got := dirNames(t, filepath.Join(dir, "tmp")); len(got) != 0 {
		t.Errorf("tmp/ = %q after Commit, want empty", got)
	}
	rc, err := s.Open(sum.ID)
	if err != nil {
		t.Fatalf("Open(%q) error: %v", sum.ID, err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != sampleMsg {
		t.Errorf("Open(%q) = %q, want %q", sum.ID, b, sampleMsg)
	}
	want := Summary{
		ID: sum.ID, Received: sum.Received,
		Date:    time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC),
		From:    "Renée Dupont <renee@example.org>",
		To:      []string{"Bob <bob@example.com>", "carol@example.net", "Dave, Jr. <dave@example.com>"},
		Subject: "Grüße aus Berlin", MailFrom: rec.MailFrom, Rcpts: rec.Rcpts,
		Size: int64(len(sampleMsg)), Unread: true, Snippet: "Hello Bob, this is the body.",
		// Counted at ingest: the sample has no Message-ID, among others.
		Findings: lint.Count(lint.Check([]byte(sampleMsg), rec.LintEnvelope())),
	}
	if want.Findings == (lint.Counts{}) {
		t.Fatalf("the sample message has no findings; the test needs some")
	}
	got, err := s.Get(sum.ID)
	if err != nil {
		t.Fatalf("Get(%q) error: %v", sum.ID, err)
	}
	if !got.Date.Equal(want.Date) {
		t.Errorf("Get(%q).Date = %v, want %v", sum.ID, got.Date, want.Date)
	}
	got.Date = want.Date
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Get(%q) =\n%+v\nwant\n%+v", sum.ID, got, want)
	}
	r, err := s.Record(sum.ID)
	if err != nil {
		t.Fatalf("Record(%q) error: %v", sum.ID, err)
	}
	if r.ID != sum.ID || r.Size != int64(len(sampleMsg)) || r.MailFrom != rec.MailFrom ||
		!reflect.DeepEqual(r.Rcpts, rec.Rcpts) || r.TLS == nil || *r.TLS != *rec.TLS ||
		len(r.Transcript) != 1 || r.Transcript[0].Text != rec.Transcript[0].Text || r.Received.IsZero() {
		t.Errorf("Record(%q) = %+v, want the committed record %+v", sum.ID, r, rec)
	}
	if total, unread := s.Counts(); total != 1 || unread != 1 {
		t.Errorf("Counts() = %d, %d, want 1, 1", total, unread)
	}
}

func TestAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	d, err := s.Create()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Write([]byte(sampleMsg)); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if err := d.Abort(); err != nil {
			t.Errorf("Abort() #%d error: %v", i+1, err)
		}
	}
	for _, sub := range []string{"tmp", "new", "cur", dirRecords} {
		if got := dirNames(t, filepath.Join(dir, sub)); len(got) != 0 {
			t.Errorf("%s/ after Abort = %q, want empty", sub, got)
		}
	}
	if _, err := d.Commit(Record{}); err == nil {
		t.Errorf("Commit after Abort succeeded, want an error")
	}
	// Abort after a successful Commit must not remove the message.
	d2, _ := s.Create()
	d2.Write([]byte(sampleMsg))
	sum, err := d2.Commit(Record{})
	if err != nil {
		t.Fatal(err)
	}
	if err := d2.Abort(); err != nil {
		t.Errorf("Abort after Commit error: %v", err)
	}
	if _, err := s.Path(sum.ID); err != nil {
		t.Errorf("Path(%q) after Commit+Abort error: %v", sum.ID, err)
	}
}

func TestOpenCleansCrashLeftovers(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	kept := deliver(t, s, sampleMsg, Record{MailFrom: "a@b.test"})
	// A delivery in flight when the process dies: data in tmp/, no Commit.
	d, err := s.Create()
	if err != nil {
		t.Fatal(err)
	}
	d.Write([]byte("Subject: half\r\n\r\nhalf a mess"))
	d.w.Flush()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// A Delete that crashed between the message and its record.
	stray := filepath.Join(dir, dirRecords, "STRAY.json")
	os.WriteFile(stray, []byte(`{"id":"STRAY"}`), 0o600)
	// The record of a delivery in flight in another process (pid 1 runs):
	// its message is still in tmp/.
	young := filepath.Join(dir, dirRecords, "YOUNG.json")
	os.WriteFile(young, []byte(`{"id":"YOUNG"}`), 0o600)
	os.WriteFile(filepath.Join(dir, dirTmp, "YOUNG"+tmpMarker+"1."+maildirHost()), []byte("Subject: y\r\n"), 0o600)
	// An index cache whose writer died before the rename.
	halfIndex := filepath.Join(dir, indexFile+".12345.tmp")
	os.WriteFile(halfIndex, []byte("half"), 0o600)

	s2 := openStore(t, dir)
	if got := dirNames(t, filepath.Join(dir, "tmp")); len(got) != 1 || !strings.HasPrefix(got[0], "YOUNG") {
		t.Errorf("tmp/ after Open = %q, want only the delivery in flight", got)
	}
	if _, err := os.Stat(stray); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stray record after Open: Stat error %v, want not exist", err)
	}
	if _, err := os.Stat(young); err != nil {
		t.Errorf("the record of a delivery in flight went: %v", err)
	}
	if _, err := os.Stat(halfIndex); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("half-written index cache after Open: Stat error %v, want not exist", err)
	}
	items, total, _ := s2.List(Query{})
	if total != 1 || len(items) != 1 || items[0].ID != kept.ID {
		t.Errorf("List after crash = %d items %v, want only %s", total, items, kept.ID)
	}
	if _, err := s2.Get(d.ID()); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get(unfinished %q) error = %v, want ErrNotFound", d.ID(), err)
	}
}

func TestIndexRebuildGivesSameList(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := range 12 {
		msg := fmt.Sprintf("From: s%d@example.org\r\nTo: r%d@d%d.test\r\nSubject: number %d\r\n\r\nbody %d\r\n", i, i, i%3, i, i)
		ids = append(ids, deliver(t, s, msg, Record{MailFrom: "x@y.test", Rcpts: []string{fmt.Sprintf("r%d@d%d.test", i, i%3)}}).ID)
	}
	if err := s.MarkRead(ids[3]); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ids[5]); err != nil {
		t.Fatal(err)
	}
	want, _, _ := s.List(Query{})
	s.Close()

	cases := []struct {
		name  string
		spoil func()
	}{
		{"warm", func() {}},
		{"missing", func() { os.Remove(filepath.Join(dir, indexFile)) }},
		{"corrupt", func() { os.WriteFile(filepath.Join(dir, indexFile), []byte("junk\x00junk"), 0o600) }},
		{"truncated", func() {
			b, _ := os.ReadFile(filepath.Join(dir, indexFile))
			os.WriteFile(filepath.Join(dir, indexFile), b[:len(b)/2], 0o600)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.spoil()
			s := openStore(t, dir)
			got, _, _ := s.List(Query{})
			if !equalSummaries(got, want) {
				t.Errorf("List after %s index =\n%+v\nwant\n%+v", tc.name, got, want)
			}
			s.Close()
		})
	}
}

// equalSummaries compares lists, times by instant.
func equalSummaries(a, b []Summary) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if !x.Received.Equal(y.Received) || !x.Date.Equal(y.Date) {
			return false
		}
		x.Received, x.Date, y.Received, y.Date = time.Time{}, time.Time{}, time.Time{}, time.Time{}
		if !reflect.DeepEqual(x, y) {
			return false
		}
	}
	return true
}

func TestStaleIndexFollowsTheMaildir(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	a := deliver(t, s, "Subject: a\r\n\r\na\r\n", Record{})
	b := deliver(t, s, "Subject: b\r\n\r\nb\r\n", Record{})
	s.Close()
	// While the store is closed, a mail reader marks a read and flags it,
	// removes b, and another tool drops in c.
	os.Rename(filepath.Join(dir, "new", a.ID), filepath.Join(dir, "cur", a.ID+":2,FS"))
	os.Remove(filepath.Join(dir, "new", b.ID))
	os.WriteFile(filepath.Join(dir, "new", "1700000000.M1P2.host"), []byte("From: Eve <eve@x.test>\nTo: z@zz.test\nSubject: dropped\n\nhi\n"), 0o600)

	s2 := openStore(t, dir)
	items, total, _ := s2.List(Query{})
	if total != 2 {
		t.Fatalf("List total = %d, want 2: %+v", total, items)
	}
	got := map[string]Summary{}
	for _, it := range items {
		got[it.ID] = it
	}
	if sa, ok := got[a.ID]; !ok || sa.Unread {
		t.Errorf("message a = %+v, want present and read", sa)
	}
	c, ok := got["1700000000.M1P2.host"]
	if !ok || c.Subject != "dropped" || c.From != "Eve <eve@x.test>" || c.MailFrom != "" || len(c.Rcpts) != 0 {
		t.Errorf("dropped-in message = %+v, want Subject dropped, From Eve, no envelope", c)
	}
	if _, err := s2.Record(c.ID); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Record(%q) error = %v, want os.ErrNotExist", c.ID, err)
	}
	if got := s2.Domains(); !reflect.DeepEqual(got, []string{"zz.test"}) {
		t.Errorf("Domains() = %q, want [zz.test] (header To of a message without record)", got)
	}
	if _, err := s2.Get(b.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get(removed %q) error = %v, want ErrNotFound", b.ID, err)
	}
	if _, err := os.Stat(filepath.Join(dir, dirRecords, b.ID+".json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("record of removed message still there (Stat error %v)", err)
	}
}

func TestConcurrentCommits(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	const n = 50
	var wg sync.WaitGroup
	ids := make([]string, n)
	errs := make(chan error, n)
	stop := make(chan struct{})
	readerDone := make(chan struct{})
	go func() { // a GUI listing while sessions deliver
		defer close(readerDone)
		for {
			select {
			case <-stop:
				return
			default:
				s.List(Query{Limit: 10, Search: "msg"})
				s.Counts()
			}
		}
	}()
	for i := range n {
		wg.Go(func() {
			d, err := s.Create()
			if err != nil {
				errs <- err
				return
			}
			fmt.Fprintf(d, "From: s@x.test\r\nTo: r%d@d%d.test\r\nSubject: msg %d\r\n\r\n%s\r\n", i, i%5, i, strings.Repeat("x", i*100))
			sum, err := d.Commit(Record{Rcpts: []string{fmt.Sprintf("r%d@d%d.test", i, i%5)}})
			if err != nil {
				errs <- err
				return
			}
			ids[i] = sum.ID
		})
	}
	wg.Wait()
	close(stop)
	<-readerDone
	close(errs)
	for err := range errs {
		t.Errorf("concurrent delivery error: %v", err)
	}
	items, total, _ := s.List(Query{})
	if total != n || len(items) != n {
		t.Fatalf("List total = %d (%d items), want %d", total, len(items), n)
	}
	for i := 1; i < len(items); i++ {
		if items[i].Received.After(items[i-1].Received) {
			t.Errorf("List not newest first at %d: %v after %v", i, items[i].Received, items[i-1].Received)
		}
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Errorf("id %s assigned twice", id)
		}
		seen[id] = true
	}
	if got := len(dirNames(t, filepath.Join(dir, "new"))); got != n {
		t.Errorf("new/ holds %d files, want %d", got, n)
	}
	if got := s.Domains(); len(got) != 5 {
		t.Errorf("Domains() = %q, want 5 domains", got)
	}
}

// TestReaderNeverOwns checks Options.Reader: with the lock free, a reader
// leaves it free for the next owner and cleans nothing (a stray record stays,
// as the owner alone may remove it), yet lists the store.
func TestReaderNeverOwns(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	kept := deliver(t, s, sampleMsg, Record{MailFrom: "a@b.test"})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	stray := filepath.Join(dir, dirRecords, "STRAY.json")
	if err := os.WriteFile(stray, []byte(`{"id":"STRAY"}`), 0o600); err != nil {
		t.Fatal(err)
	}

	r, err := Open(dir, Options{Reader: true})
	if err != nil {
		t.Fatalf("Open(Reader) error: %v", err)
	}
	defer r.Close()
	if r.owner {
		t.Errorf("a Reader store is the owner")
	}
	owner, unlock := lockStore(LockPath(dir))
	unlock()
	if !owner {
		t.Errorf("the lock is taken while only a Reader store is open")
	}
	if _, err := os.Stat(stray); err != nil {
		t.Errorf("a Reader store removed a stray record: Stat error %v", err)
	}
	if items, total, err := r.List(Query{}); err != nil || total != 1 || items[0].ID != kept.ID {
		t.Errorf("Reader List = %v, %d, %v; want only %s", items, total, err, kept.ID)
	}
}

// TestDeleteTakesTheTmpName: a message whose name in tmp/ is still there (its
// delivery's new/ name not yet durable) loses that name first, so a crash
// during Delete can never leave a tmp/ name beside a matching record, which
// Open would publish again: the deleted message would come back.
func TestDeleteTakesTheTmpName(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	sum := deliver(t, s, sampleMsg, Record{MailFrom: "a@b.test"})
	tmp := filepath.Join(dir, dirTmp, sum.ID+s.tmpTag)
	s.waitSettled() // the delivery's own tmp/ name is gone; put it back, as before the new/ sync settles
	if err := os.Link(filepath.Join(dir, dirNew, sum.ID), tmp); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(sum.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(tmp); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Delete left the tmp/ name: %v", err)
	}
	s.Close()
	if _, total, _ := openStore(t, dir).List(Query{}); total != 0 {
		t.Errorf("after Delete and a new Open the store holds %d messages, want 0", total)
	}
}
