package store

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// nextEvent waits up to a second (the bound) for an event of kind
// about id, skipping others.
func nextEvent(t *testing.T, events <-chan Event, kind EventKind, id string) Event {
	t.Helper()
	deadline := time.After(time.Second)
	for {
		select {
		case ev := <-events:
			if ev.Kind == kind && ev.ID == id {
				return ev
			}
		case <-deadline:
			t.Fatalf("no %v event for %s within a second", kind, id)
			return Event{}
		}
	}
}

// TestWatchFollowsOtherPrograms: another program appends into new/, moves a
// message to cur/ with flags and expunges it; subscribers hear each within a
// second, without Refresh, and the record stays attached across the rename
// (issue 11 §3). Before the watcher none of these events came.
func TestWatchFollowsOtherPrograms(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	own := deliver(t, s, sampleMsg, Record{MailFrom: "a@b.test", Rcpts: []string{"bcc@x.test"}})
	events, cancel := s.Subscribe(64)
	defer cancel()

	// An append, the Maildir way: write in tmp/, rename into new/.
	foreign := "1764500000.M1P2.otherhost"
	tmp := filepath.Join(dir, "tmp", foreign)
	if err := os.WriteFile(tmp, []byte("Subject: appended\r\n\r\nhi\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, "new", foreign)); err != nil {
		t.Fatal(err)
	}
	if ev := nextEvent(t, events, Added, foreign); ev.Summary.Subject != "appended" || ev.Summary.MailFrom != "" {
		t.Errorf("Added %+v; want the appended message, without an envelope", ev.Summary)
	}
	if _, err := s.Record(foreign); err == nil {
		t.Error("a message another program delivered has a record")
	}

	// A reader moves our message to cur/ and flags it seen and flagged.
	if err := os.Rename(filepath.Join(dir, "new", own.ID), filepath.Join(dir, "cur", own.ID+":2,FS")); err != nil {
		t.Fatal(err)
	}
	if ev := nextEvent(t, events, Changed, own.ID); ev.Summary.Unread {
		t.Errorf("Changed %+v; want it read", ev.Summary)
	}
	if rec, err := s.Record(own.ID); err != nil || len(rec.Rcpts) != 1 {
		t.Errorf("Record after the rename = %+v, %v; want the envelope", rec, err)
	}
	if sum, _ := s.Get(own.ID); sum.MailFrom != "a@b.test" {
		t.Errorf("Get after the rename: MailFrom %q, want the record's", sum.MailFrom)
	}

	// An expunge.
	if err := os.Remove(filepath.Join(dir, "cur", own.ID+":2,FS")); err != nil {
		t.Fatal(err)
	}
	nextEvent(t, events, Deleted, own.ID)
	if _, total, _ := s.List(Query{}); total != 1 {
		t.Errorf("List total = %d, want 1", total)
	}
}

// TestWatchIgnoresOwnChanges: the store's own deliveries, moves and deletes
// produce exactly one event each, never a second from the watcher.
func TestWatchIgnoresOwnChanges(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	events, cancel := s.Subscribe(64)
	defer cancel()
	sum := deliver(t, s, sampleMsg, Record{})
	if err := s.MarkRead(sum.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(sum.ID); err != nil {
		t.Fatal(err)
	}
	var kinds []EventKind
	for range 3 {
		kinds = append(kinds, (<-events).Kind)
	}
	// Wait past the watcher's delay with a sentinel: an external append
	// whose Added must be the very next event.
	tmp := filepath.Join(dir, "tmp", "sentinel")
	os.WriteFile(tmp, []byte("Subject: s\r\n\r\n"), 0o600)
	os.Rename(tmp, filepath.Join(dir, "new", "sentinel"))
	deadline := time.After(time.Second)
	for done := false; !done; {
		select {
		case ev := <-events:
			if ev.ID == "sentinel" && ev.Kind == Added {
				done = true
			} else {
				kinds = append(kinds, ev.Kind)
			}
		case <-deadline:
			t.Fatal("no Added event for the sentinel within a second")
		}
	}
	if len(kinds) != 3 || kinds[0] != Added || kinds[1] != Changed || kinds[2] != Deleted {
		t.Errorf("events before the sentinel = %v; want [added changed deleted]", kinds)
	}
}
