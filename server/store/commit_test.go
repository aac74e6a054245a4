package store

import (
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// waiting returns how many Commits wait for the next shared data sync.
func waiting(s *Store) int {
	s.dataSync.mu.Lock()
	defer s.dataSync.mu.Unlock()
	if s.dataSync.next == nil {
		return 0
	}
	return s.dataSync.next.calls
}

// checkDurable fails unless msg and its record are durable, names included,
// with the message either in tmp/ or in new/.
func checkDurable(m *modelFS, id, msg string) error {
	rec, ok := m.durableFile(dirRecords + "/" + id + ".json")
	if !ok || len(rec) == 0 || rec[len(rec)-1] != '\n' {
		return fmt.Errorf("record of %s not durable (name %v, %d bytes)", id, ok, len(rec))
	}
	for _, rel := range []string{dirNew + "/" + id, dirTmp + "/" + id + tmpTag(maildirHost())} {
		if b, ok := m.durableFile(rel); ok && string(b) == msg {
			return nil
		}
	}
	return fmt.Errorf("message %s not durable in new/ or tmp/", id)
}

// TestGroupCommitAcknowledgesOnlyAfterItsOwnSync holds the first shared
// sync until 31 more deliveries wait: one run must then serve them all, and
// each Commit must return only once its message and record are durable.
func TestGroupCommitAcknowledgesOnlyAfterItsOwnSync(t *testing.T) {
	const n = 32
	dir := t.TempDir()
	s := openStore(t, dir)
	m := newModelFS(t, dir)
	gate, gated := make(chan struct{}), make(chan struct{})
	var once sync.Once
	m.before = func() { once.Do(func() { close(gated); <-gate }) }
	m.install(s)

	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			msg := fmt.Sprintf("Subject: batch %d\r\n\r\n%s\r\n", i, strings.Repeat("y", i*37))
			d, err := s.Create()
			if err == nil {
				_, err = d.Write([]byte(msg))
			}
			var sum Summary
			if err == nil {
				sum, err = d.Commit(Record{MailFrom: "a@b.test"})
			}
			if err == nil {
				err = checkDurable(m, sum.ID, msg)
			}
			if err != nil {
				errs <- fmt.Errorf("delivery %d: %w", i, err)
			}
		})
	}
	<-gated
	deadline := time.Now().Add(10 * time.Second)
	for waiting(s) < n-1 {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d deliveries are waiting for a shared sync", waiting(s), n-1)
		}
		time.Sleep(time.Millisecond) // polling with a deadline, not waiting for time to pass
	}
	close(gate)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := len(dirNames(t, filepath.Join(dir, dirNew))); got != n {
		t.Errorf("new/ holds %d messages, want %d", got, n)
	}
	s.dataSync.mu.Lock()
	runs, largest := s.dataSync.runs, s.dataSync.largest
	s.dataSync.mu.Unlock()
	if largest < n-1 || runs != 2 {
		t.Errorf("data syncs: %d runs, the largest served %d; want 2 runs, one serving the %d that waited together", runs, largest, n-1)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if got := dirNames(t, filepath.Join(dir, dirTmp)); len(got) != 0 {
		t.Errorf("tmp/ after Close = %q, want empty: the tmp/ names go once new/ is synced", got)
	}
	for _, id := range dirNames(t, filepath.Join(dir, dirNew)) {
		if _, ok := m.durableFile(dirNew + "/" + id); !ok {
			t.Errorf("new/%s is not durable after Close", id)
		}
	}
}

var errBoom = errors.New("disk on fire")

// TestGroupCommitSyncErrorKeepsNothing: a failed data sync is not
// acknowledged and leaves nothing behind; the store keeps working.
func TestGroupCommitSyncErrorKeepsNothing(t *testing.T) {
	for _, what := range []string{"file", "dir"} {
		t.Run(what, func(t *testing.T) {
			dir := t.TempDir()
			s := openStore(t, dir)
			m := newModelFS(t, dir)
			m.install(s)
			m.fail = func(op, rel string) error {
				if op == what && !strings.HasPrefix(rel, dirNew) {
					return errBoom
				}
				return nil
			}
			d, err := s.Create()
			if err != nil {
				t.Fatal(err)
			}
			d.Write([]byte(sampleMsg))
			if _, err := d.Commit(Record{}); !errors.Is(err, errBoom) {
				t.Fatalf("Commit with a failing %s sync: error %v, want %v", what, err, errBoom)
			}
			for _, sub := range []string{dirTmp, dirNew, dirRecords} {
				if got := dirNames(t, filepath.Join(dir, sub)); len(got) != 0 {
					t.Errorf("%s/ after a failed sync = %q, want empty", sub, got)
				}
			}
			if total, _ := s.Counts(); total != 0 {
				t.Errorf("Counts() = %d after a failed Commit, want 0", total)
			}
			m.mu.Lock()
			m.fail = nil
			m.mu.Unlock()
			deliver(t, s, sampleMsg, Record{})
			if total, _ := s.Counts(); total != 1 {
				t.Errorf("Counts() = %d after the next delivery, want 1", total)
			}
		})
	}
}

// TestCommitSurvivesFailedSyncOfNew: the name in new/ is synced after the
// 250; if that fails, the message is still safe (its tmp/ name stays), and
// the next Open keeps exactly one copy.
func TestCommitSurvivesFailedSyncOfNew(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	m := newModelFS(t, dir)
	m.install(s)
	m.fail = func(op, rel string) error {
		if op == "dir" && rel == dirNew {
			return errBoom
		}
		return nil
	}
	sum := deliver(t, s, sampleMsg, Record{})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if got := dirNames(t, filepath.Join(dir, dirTmp)); len(got) != 1 {
		t.Fatalf("tmp/ after a failed sync of new/ = %q, want the message's tmp/ name", got)
	}
	s = openStore(t, dir)
	if total, _ := s.Counts(); total != 1 {
		t.Errorf("Counts() after reopening = %d, want 1", total)
	}
	if _, err := s.Get(sum.ID); err != nil {
		t.Errorf("Get(%s) after reopening: %v", sum.ID, err)
	}
	if got := dirNames(t, filepath.Join(dir, dirTmp)); len(got) != 0 {
		t.Errorf("tmp/ after reopening = %q, want empty", got)
	}
}

// TestCommitWithoutHardLinks: where the file system has no hard links the
// message is renamed and new/ synced before Commit returns.
func TestCommitWithoutHardLinks(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	m := newModelFS(t, dir)
	m.noLink = true
	m.install(s)
	sum := deliver(t, s, sampleMsg, Record{})
	if b, ok := m.durableFile(dirNew + "/" + sum.ID); !ok || string(b) != sampleMsg {
		t.Errorf("new/%s durable %v with %d bytes when Commit returned; want the whole message", sum.ID, ok, len(b))
	}
	if got := dirNames(t, filepath.Join(dir, dirTmp)); len(got) != 0 {
		t.Errorf("tmp/ = %q, want empty", got)
	}
}

// TestOpenRecoversTmp: Open publishes a whole message left in tmp/ with its
// record (its name in new/ lost to a power loss) and drops torn ones.
func TestOpenRecoversTmp(t *testing.T) {
	whole := []byte(sampleMsg)
	sum := checksumString(crc32.Checksum(whole, castagnoli))
	cases := []struct {
		name    string
		data    []byte
		rec     string // record JSON; "" = none
		inCur   bool   // the message is already in cur/
		publish bool
	}{
		{"whole", whole, `{"id":"ID","size":%d,"crc32c":"%s"}`, false, true},
		{"short", whole[:len(whole)-3], `{"id":"ID","size":%d,"crc32c":"%s"}`, false, false},
		{"size but zeros", make([]byte, len(whole)), `{"id":"ID","size":%d,"crc32c":"%s"}`, false, false},
		{"no record", whole, "", false, false},
		{"torn record", whole, `{"id":"ID","size":%d,"crc3`, false, false},
		{"record without checksum", whole, `{"id":"ID","size":%d}`, false, false},
		{"already in cur", whole, `{"id":"ID","size":%d,"crc32c":"%s"}`, true, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			newModelFS(t, dir).crashImageOf(tc.data, tc.rec, len(whole), sum, tc.inCur).write(t, dir)
			s := openStore(t, dir)
			for _, sub := range []string{dirTmp} {
				if got := dirNames(t, filepath.Join(dir, sub)); len(got) != 0 {
					t.Errorf("%s/ after Open = %q, want empty", sub, got)
				}
			}
			total, _ := s.Counts()
			want := 0
			if tc.publish || tc.inCur {
				want = 1
			}
			if total != want {
				t.Fatalf("Counts() = %d, want %d", total, want)
			}
			if want == 1 {
				rc, err := s.Open("0000000000ID0000")
				if err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				buf.ReadFrom(rc)
				rc.Close()
				if buf.String() != sampleMsg {
					t.Errorf("message after Open = %q, want the whole one", buf.String())
				}
			}
			if !tc.publish && !tc.inCur {
				if got := dirNames(t, filepath.Join(dir, dirRecords)); len(got) != 0 {
					t.Errorf("records after Open = %q, want none", got)
				}
			}
		})
	}
}

// crashImageOf builds a store image with data in tmp/ under the id
// 0000000000ID0000 (written by this process, as if it had died and this
// were its pid after the restart) and the record rec (size and checksum filled in).
func (m *modelFS) crashImageOf(data []byte, rec string, size int, sum string, inCur bool) crashImage {
	const id = "0000000000ID0000"
	img := crashImage{dirTmp + "/" + id + tmpTag(maildirHost()): data}
	if rec != "" {
		r := strings.Replace(rec, `"ID"`, `"`+id+`"`, 1)
		if strings.Contains(r, "%s") {
			r = fmt.Sprintf(r, size, sum)
		} else {
			r = fmt.Sprintf(r, size)
		}
		img[dirRecords+"/"+id+".json"] = []byte(r + "\n")
	}
	if inCur {
		img[dirCur+"/"+id+":2,S"] = data
	}
	return img
}
