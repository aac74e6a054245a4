package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeSyncer stands in for the file system's syncs. A sync makes durable
// only what it could have seen when it started, so every call snapshots the
// store directories at its start and, when it returns, marks durable what
// that snapshot held. A file in tmp/ counts as written only once it has its
// final size. At the start of every call it checks that every name in new/
// already has durable data and a durable record: otherwise a crash could
// show a half message. Tests then check that each acknowledged message's
// name in new/ was made durable by a sync that saw it.
type fakeSyncer struct {
	t    *testing.T
	root string // the store

	mu      sync.Mutex
	sizes   map[string]int64        // message id → final size, set by the test before writing
	durable map[string]bool         // "data:ID", "rec:ID" (record data), "recname:ID", "name:ID" (new/)
	files   int                     // file() calls
	fail    func(what string) error // what: "fs", "file", "dir:new", "dir:letterbox-meta/records"

	gate     chan struct{} // when not nil, the first shared run waits for it
	gateOnce sync.Once
	gated    chan struct{} // closed when the first shared run is waiting at the gate
}

func newFakeSyncer(t *testing.T, dir string) *fakeSyncer {
	return &fakeSyncer{t: t, root: dir, sizes: map[string]int64{}, durable: map[string]bool{}}
}

// install puts f in place of s's real syncer.
func (f *fakeSyncer) install(s *Store) { s.sync = f }

func (f *fakeSyncer) expect(id string, size int64) {
	f.mu.Lock()
	f.sizes[id] = size
	f.mu.Unlock()
}

// snapshot lists what a sync starting now covers, and checks the invariant
// that nothing in new/ lacks durable data or a durable record.
func (f *fakeSyncer) snapshot() map[string]bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	snap := map[string]bool{}
	list := func(sub string) []os.DirEntry {
		ents, err := os.ReadDir(filepath.Join(f.root, sub))
		if err != nil {
			f.t.Errorf("ReadDir(%s): %v", sub, err)
		}
		return ents
	}
	for _, e := range list(dirTmp) {
		if info, err := e.Info(); err == nil && info.Size() == f.sizes[tmpID(e.Name())] && info.Size() > 0 {
			snap["data:"+tmpID(e.Name())] = true
		}
	}
	for _, e := range list(dirRecords) {
		id, _ := strings.CutSuffix(e.Name(), ".json")
		if info, err := e.Info(); err == nil && info.Size() > 0 {
			snap["rec:"+id], snap["recname:"+id] = true, true
		}
	}
	for _, e := range list(dirNew) {
		id := e.Name()
		for _, k := range []string{"data:", "rec:", "recname:"} {
			if !f.durable[k+id] {
				f.t.Errorf("new/%s appeared before its %s was durable", id, strings.TrimSuffix(k, ":"))
			}
		}
		snap["name:"+id] = true
	}
	return snap
}

// finish marks what a finished sync covered.
func (f *fakeSyncer) finish(snap map[string]bool, keep func(k string) bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for k := range snap {
		if keep(k) {
			f.durable[k] = true
		}
	}
}

func (f *fakeSyncer) failure(what string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return f.fail(what)
	}
	return nil
}

func (f *fakeSyncer) waitGate() {
	if f.gate == nil {
		return
	}
	f.gateOnce.Do(func() {
		close(f.gated)
		<-f.gate
	})
}

func (f *fakeSyncer) fs(*os.File) error {
	snap := f.snapshot()
	f.waitGate()
	if err := f.failure("fs"); err != nil {
		return err
	}
	f.finish(snap, func(string) bool { return true })
	return nil
}

func (f *fakeSyncer) dir(path string) error {
	snap := f.snapshot()
	f.waitGate()
	sub, _ := filepath.Rel(f.root, path)
	if err := f.failure("dir:" + filepath.ToSlash(sub)); err != nil {
		return err
	}
	prefix := map[string]string{dirNew: "name:", dirRecords: "recname:"}[filepath.ToSlash(sub)]
	if prefix == "" {
		f.t.Errorf("dir(%q): not a directory the store syncs", path)
	}
	f.finish(snap, func(k string) bool { return strings.HasPrefix(k, prefix) })
	return nil
}

func (f *fakeSyncer) file(file *os.File) error {
	f.snapshot()
	if err := f.failure("file"); err != nil {
		return err
	}
	name := filepath.Base(file.Name())
	info, err := file.Stat()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.files++
	switch id, isRec := strings.CutSuffix(name, ".json"); {
	case err != nil:
		f.t.Errorf("file(%s): %v", name, err)
	case isRec && info.Size() > 0:
		f.durable["rec:"+id] = true
	case !isRec && info.Size() == f.sizes[tmpID(id)]:
		f.durable["data:"+tmpID(id)] = true
	}
	return nil
}

// waiting returns how many Commits wait for a next shared run.
func waiting(s *Store) int {
	n := 0
	for _, g := range []*syncGroup{&s.fsSync, &s.recSync, &s.newSync} {
		g.mu.Lock()
		if g.next != nil {
			n += g.next.calls
		}
		g.mu.Unlock()
	}
	return n
}

func TestGroupCommitAcknowledgesOnlyAfterItsOwnSync(t *testing.T) {
	for _, mode := range []struct {
		name    string
		perFile bool
	}{{"syncfs", false}, {"file by file", true}} {
		t.Run(mode.name, func(t *testing.T) { testGroupCommit(t, mode.perFile) })
	}
}

// testGroupCommit commits many deliveries at once through a fakeSyncer.
func testGroupCommit(t *testing.T, perFile bool) {
	const n = 32
	dir := t.TempDir()
	s := openStore(t, dir)
	s.perFile.Store(perFile) // where there is no syncfs the store is file by file anyway
	fake := newFakeSyncer(t, dir)
	fake.gate, fake.gated = make(chan struct{}), make(chan struct{})
	fake.install(s)

	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			d, err := s.Create()
			if err != nil {
				errs <- err
				return
			}
			msg := fmt.Sprintf("Subject: batch %d\r\n\r\n%s\r\n", i, strings.Repeat("y", i*37))
			fake.expect(d.ID(), int64(len(msg)))
			if _, err := d.Write([]byte(msg)); err != nil {
				errs <- err
				return
			}
			sum, err := d.Commit(Record{MailFrom: "a@b.test"})
			if err != nil {
				errs <- fmt.Errorf("Commit(batch %d) error: %w", i, err)
				return
			}
			fake.mu.Lock()
			ok := fake.durable["name:"+sum.ID]
			fake.mu.Unlock()
			if !ok {
				errs <- fmt.Errorf("Commit(batch %d) returned before a sync that started after new/%s existed", i, sum.ID)
			}
		})
	}
	// Hold the first shared sync until every other delivery waits for the
	// next one: that one run must then serve them all.
	<-fake.gated
	deadline := time.Now().Add(10 * time.Second)
	for waiting(s) < n-1 {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d deliveries are waiting for a shared sync", waiting(s), n-1)
		}
		time.Sleep(time.Millisecond) // polling with a deadline, not waiting for time to pass
	}
	close(fake.gate)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := len(dirNames(t, filepath.Join(dir, dirNew))); got != n {
		t.Errorf("new/ holds %d messages, want %d", got, n)
	}
	runs, largest := 0, 0
	for _, g := range []*syncGroup{&s.fsSync, &s.recSync, &s.newSync} {
		g.mu.Lock()
		runs += g.runs
		largest = max(largest, g.largest)
		g.mu.Unlock()
	}
	if largest < n-1 {
		t.Errorf("the largest shared sync served %d deliveries, want %d: the ones that waited together", largest, n-1)
	}
	if runs >= 2*n {
		t.Errorf("%d shared syncs for %d deliveries of two syncs each: nothing was shared", runs, n)
	}
}

func TestGroupCommitSyncErrorKeepsNothing(t *testing.T) {
	boom := errors.New("disk on fire")
	cases := []struct {
		name string
		fail func(what string) error
	}{
		{"data", func(string) error { return boom }},
		{"name", func(what string) error {
			if what == "dir:"+dirNew {
				return boom
			}
			return nil
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s := openStore(t, dir)
			fake := newFakeSyncer(t, dir)
			fake.install(s)
			d, err := s.Create()
			if err != nil {
				t.Fatal(err)
			}
			fake.expect(d.ID(), int64(len(sampleMsg)))
			d.Write([]byte(sampleMsg))
			fake.mu.Lock()
			fake.fail = tc.fail
			fake.mu.Unlock()
			if _, err := d.Commit(Record{}); !errors.Is(err, boom) {
				t.Fatalf("Commit with a failing %s sync: error %v, want %v", tc.name, err, boom)
			}
			for _, sub := range []string{dirTmp, dirNew, dirRecords} {
				if got := dirNames(t, filepath.Join(dir, sub)); len(got) != 0 {
					t.Errorf("%s/ after a failed sync = %q, want empty", sub, got)
				}
			}
			if total, _ := s.Counts(); total != 0 {
				t.Errorf("Counts() = %d after a failed Commit, want 0", total)
			}
			// The store keeps working: the next delivery is stored.
			fake.mu.Lock()
			fake.fail = nil
			fake.mu.Unlock()
			d2, _ := s.Create()
			fake.expect(d2.ID(), int64(len(sampleMsg)))
			d2.Write([]byte(sampleMsg))
			if _, err := d2.Commit(Record{}); err != nil {
				t.Fatalf("Commit after the failure: %v", err)
			}
			if tc.name == "data" { // syncfs reported an error: from now on file by file
				fake.mu.Lock()
				files := fake.files
				fake.mu.Unlock()
				if !s.perFile.Load() || files != 2 {
					t.Errorf("after a failed data sync: perFile %v, %d file syncs; want file by file (2)", s.perFile.Load(), files)
				}
			}
		})
	}
}
