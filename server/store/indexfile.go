package store

import (
	"bufio"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"letterbox/smtpcore/msg"
	"letterbox/smtpcore/msg/lint"
)

const (
	indexFile  = "letterbox-meta/index"
	indexMagic = "letterbox-index"
	// indexVersion 2: summaries read by smtpcore/msg (every charset), with
	// attachment names; caches of version 1 are rebuilt.
	// indexVersion 3: with the conformance findings' counts.
	// indexVersion 4: entries in chunks of indexChunk.
	indexVersion = 4
	// indexChunk is how many entries one gob value holds. One value for the
	// whole list made gob read a 100,000-message cache into one buffer grown
	// by copying, most of a warm Open's time.
	indexChunk = 1024
)

// indexHeader starts the cache file; the entries follow in chunks of
// indexChunk, one gob value each, then an end marker, so a torn file is
// detected rather than half believed.
type indexHeader struct {
	Magic   string
	Version int
	Count   int
}

// diskEntry is an index entry as cached on disk.
type diskEntry struct {
	Sum       Summary
	Dir, Name string
	HasRecord bool
}

// readIndexFile loads the cache: id → entry. Any problem is an error, and the
// caller rebuilds from the Maildir.
func (s *Store) readIndexFile() (map[string]*entry, error) {
	f, err := os.Open(filepath.Join(s.dir, indexFile))
	if err != nil {
		return nil, fmt.Errorf("store: index cache: %w", err)
	}
	defer f.Close()
	dec := gob.NewDecoder(bufio.NewReaderSize(f, 1<<16))
	var h indexHeader
	if err := dec.Decode(&h); err != nil {
		return nil, fmt.Errorf("store: index cache header: %w", err)
	}
	if h.Magic != indexMagic || h.Version != indexVersion || h.Count < 0 {
		return nil, fmt.Errorf("store: index cache is %q version %d: %w", h.Magic, h.Version, errBadIndex)
	}
	out := make(map[string]*entry, min(h.Count, 1<<20))
	var chunk []diskEntry
	for n := 0; n < h.Count; n += len(chunk) {
		chunk = nil // gob leaves a reused element's zero fields as they were
		if err := dec.Decode(&chunk); err != nil {
			return nil, fmt.Errorf("store: index cache entries: %w", err)
		}
		if len(chunk) == 0 || len(chunk) > indexChunk {
			return nil, fmt.Errorf("store: index cache chunk of %d entries: %w", len(chunk), errBadIndex)
		}
		for _, d := range chunk {
			out[d.Sum.ID] = newEntry(d.Sum, d.Dir, d.Name, d.HasRecord)
		}
	}
	var end string
	if err := dec.Decode(&end); err != nil || end != indexMagic || len(out) != h.Count {
		return nil, fmt.Errorf("store: index cache is truncated: %w", errBadIndex)
	}
	return out, nil
}

var errBadIndex = errors.New("store: bad index cache")

// saveIndex writes the cache atomically (temporary file, then rename) when the
// index changed since the last write. The cache needs no fsync: a torn or
// old cache is detected at Open and repaired from the Maildir.
func (s *Store) saveIndex() error {
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	s.mu.RLock()
	dirty := s.dirty
	list := make([]diskEntry, 0, len(s.idx.sorted))
	for _, e := range s.idx.sorted {
		list = append(list, diskEntry{Sum: e.sum, Dir: e.dir, Name: e.name, HasRecord: e.hasRecord})
	}
	s.mu.RUnlock()
	if dirty == 0 {
		return nil
	}
	path := filepath.Join(s.dir, indexFile)
	// A unique temporary name: the app and `letterbox serve` may share a store,
	// and two writers must never interleave in one file.
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("store: write index cache: %w", err)
	}
	w := bufio.NewWriterSize(f, 1<<16)
	enc := gob.NewEncoder(w)
	err = enc.Encode(indexHeader{Magic: indexMagic, Version: indexVersion, Count: len(list)})
	for rest := list; err == nil && len(rest) > 0; rest = rest[min(indexChunk, len(rest)):] {
		err = enc.Encode(rest[:min(indexChunk, len(rest))])
	}
	if err == nil {
		err = enc.Encode(indexMagic)
	}
	if err == nil {
		err = w.Flush()
	}
	tmp := f.Name()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("store: write index cache: %w", err)
	}
	s.mu.Lock()
	s.dirty -= dirty
	s.mu.Unlock()
	return nil
}

// diskName is a message file found in new/ or cur/.
type diskName struct{ dir, name string }

// listMaildir returns the message names in new/ and cur/: one directory read
// each, no stat.
func (s *Store) listMaildir() ([]diskName, error) {
	var out []diskName
	for _, d := range []string{dirNew, dirCur} {
		names, err := readNames(filepath.Join(s.dir, d))
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			if validName(n) {
				out = append(out, diskName{d, n})
			}
		}
	}
	return out, nil
}

func readNames(dir string) ([]string, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer f.Close()
	names, err := f.Readdirnames(-1)
	if err != nil {
		return nil, fmt.Errorf("store: list %s: %w", dir, err)
	}
	return names, nil
}

// reconcile checks the cached entries against new/ and cur/: entries whose
// file is gone are dropped, entries whose file moved (flags changed, by us or
// by a mail reader) follow it, and files the cache does not know are read.
// It returns the resulting entries, how many differed from the cache, and the
// ids of every file on disk (indexed or not).
func (s *Store) reconcile(prev map[string]*entry) ([]*entry, int, map[string]bool, error) {
	names, err := s.listMaildir()
	if err != nil {
		return nil, 0, nil, err
	}
	out := make([]*entry, 0, len(names))
	seen := make(map[string]bool, len(names))
	var unknown []diskName
	changed := 0
	for _, dn := range names {
		id := idFromName(dn.name)
		if seen[id] {
			s.log.WithField("file", dn.dir+"/"+dn.name).Warn("store: duplicate message name ignored")
			continue
		}
		seen[id] = true
		e := prev[id]
		switch {
		case e == nil:
			unknown = append(unknown, dn)
			continue
		case e.dir != dn.dir || e.name != dn.name:
			e = e.moved(dn.dir, dn.name)
			changed++
		}
		out = append(out, e)
	}
	changed += len(prev) - len(out) // cached entries whose file is gone
	read := s.readMessages(unknown)
	out = append(out, read...)
	return out, changed + len(read), seen, nil
}

// readMessages indexes files the cache does not know, several at a time.
func (s *Store) readMessages(names []diskName) []*entry {
	if len(names) == 0 {
		return nil
	}
	res := make([]*entry, len(names))
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0)*2, len(names)) {
		wg.Go(func() {
			br := bufio.NewReaderSize(nil, 32<<10)
			for i := range work {
				e, err := s.readMessage(names[i].dir, names[i].name, br)
				if err != nil {
					s.log.WithError(err).Warn("store: cannot index message")
					continue
				}
				res[i] = e
			}
		})
	}
	for i := range names {
		work <- i
	}
	close(work)
	wg.Wait()
	out := res[:0]
	for _, e := range res {
		if e != nil {
			out = append(out, e)
		}
	}
	return out
}

// readMessage builds the entry of one file from its headers, its MIME
// structure and, when there is one, its session record.
// br is the caller's read buffer: large enough for most messages in one
// read, and taken over by msg.Summarize rather than wrapped again.
func (s *Store) readMessage(dir, name string, br *bufio.Reader) (*entry, error) {
	f, err := openRead(filepath.Join(s.dir, dir, name))
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	br.Reset(f)
	m, _ := msg.Summarize(br, readLimits) // a damaged message is indexed as far as it reads
	id := idFromName(name)
	sum := summaryOf(id, st.Size(), m)
	sum.Received = st.ModTime().UTC()
	hasRecord := false
	rec, err := s.readRecord(id)
	if err == nil {
		hasRecord = true
		sum.MailFrom, sum.Rcpts = rec.MailFrom, rec.Rcpts
		if !rec.Received.IsZero() {
			sum.Received = rec.Received
		}
	} else {
		rec = nil
		if !errors.Is(err, os.ErrNotExist) {
			s.log.WithError(err).Warn("store: unreadable session record")
		}
		// Another program's delivery: no Commit kept its search text. A
		// Letterbox delivery's was kept at Commit; if a crash lost it, a
		// search makes it again.
		s.keepSearchText(id, m)
	}
	if rec != nil && rec.Linted {
		sum.Findings = lint.Count(rec.Findings) // checked at commit
	} else {
		findings, _ := lintMessage(io.NewSectionReader(f, 0, st.Size()), rec)
		sum.Findings = lint.Count(findings)
	}
	return newEntry(sum, dir, name, hasRecord), nil
}

// cleanRecords removes session records whose message is gone (a Delete that
// crashed half way, or a message another tool removed). onDisk holds the ids
// of the files in new/ and cur/ when Open listed them, so a message that
// could not be read keeps its record. It runs after Open (tidy), while
// deliveries go on, here or in another process: a delivery writes its record
// while its message is in tmp/, so a record is kept while tmp/ holds its id,
// and once the message is in new/ or the index.
func (s *Store) cleanRecords(onDisk map[string]bool) {
	names, err := readNames(filepath.Join(s.dir, dirRecords))
	if err != nil {
		s.log.WithError(err).Warn("store: cannot list records")
		return
	}
	var stray []string
	for _, n := range names {
		if id, ok := strings.CutSuffix(n, ".json"); ok && !onDisk[id] {
			stray = append(stray, id)
		}
	}
	if len(stray) == 0 {
		return
	}
	tmp, err := readNames(filepath.Join(s.dir, dirTmp)) // listed after the records
	if err != nil {
		s.log.WithError(err).Warn("store: cannot list tmp/")
		return
	}
	inFlight := make(map[string]bool, len(tmp))
	for _, n := range tmp {
		inFlight[tmpID(n)] = true
	}
	removed := 0
	for _, id := range stray {
		if inFlight[id] || s.indexed(id) {
			continue
		}
		if _, err := os.Lstat(filepath.Join(s.dir, dirNew, id)); err == nil {
			continue
		}
		if err := os.Remove(s.recordPath(id)); err != nil && !errors.Is(err, os.ErrNotExist) {
			s.log.WithError(err).Warn("store: cannot remove stray record")
			continue
		}
		removed++
	}
	if removed > 0 {
		s.log.WithField("records", removed).Info("store: removed records without a message")
	}
}

// indexed reports whether the index holds id.
func (s *Store) indexed(id string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.idx.byID[id] != nil
}
