package store

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"letterbox/smtpcore/msg"
)

// dirText holds the search texts: for each message, its decoded text
// (msg.Summary.Text: transfer encoding undone, converted from its charset,
// HTML as text) and its attachment names, folded by searchFold. A body
// search reads these instead of decoding messages. They are a cache like
// the index: a missing one is made again from the message when a search
// needs it, so they are never synced.
//
// The texts are appended to segment files, one per writing process (a
// Store writes only its own, made on its first text), rather than kept one
// file per message: a delivery then creates no file for its text, and a
// search reads a few files from start to end instead of opening 100,000
// (issue 10's body-search target; issue 12's cost per message). A segment
// is named like a tmp/ delivery, seg-<nanoseconds>.letterbox.P<pid>.<host>,
// so the store's owner can tell when its writer is gone (tmpCleaner) and
// fold it, without the texts of deleted messages, into its own.
//
// An entry is textMagic, the id's length (1 octet), the text's length
// (uint32, little-endian), the CRC-32C of id and text, the id and the text.
// An entry is written with one write(2), so a reader sees at most a torn
// last entry (its writer died, or is writing it); reading a segment stops at
// the first entry that is short or fails its checksum. A text is never
// changed, so an id met twice (a fold that was cut short) has the same text
// both times. The directory name carries the format's version; a new format
// gets a new directory and the owner removes the old one.
const dirText = "letterbox-meta/text2"

// oldTextDirs are earlier formats' directories, removed by the owner.
var oldTextDirs = []string{"letterbox-meta/text1"}

const (
	textMagic  = "LT"
	textHeader = len(textMagic) + 1 + 4 + 4
	segPrefix  = "seg-"
	// foldAfter is how many segments of gone writers make the owner fold
	// them into its own at Open.
	foldAfter = 4
)

// foldBytes is how large the gone writers' segments must be for the owner
// to fold even one of them when most of its texts are dead (a variable for
// the tests).
var foldBytes int64 = 64 << 20

// searchFold is the case folding of body and header searches alike.
func searchFold(s string) string { return strings.ToLower(s) }

// searchTextOf is a message's search text.
func searchTextOf(m msg.Summary) string {
	var b strings.Builder
	b.WriteString(m.Text)
	for _, a := range m.Attachments {
		if a.Name != "" {
			b.WriteString("\n")
			b.WriteString(a.Name)
		}
	}
	return searchFold(b.String())
}

// texts is the Store's half of the search texts: this process's segment.
type texts struct {
	dir  string // STORE/letterbox-meta/text2
	tag  string // ends this process's segment names (tmpTag)
	name string // this Store's segment, made on first use

	mu  sync.Mutex
	seg *os.File // nil until the first append, or after a failed write
	buf []byte

	folding sync.WaitGroup // the owner's background tidy (Store.tidy)
}

func newTexts(storeDir, tag string) *texts {
	t := &texts{dir: filepath.Join(storeDir, dirText), tag: tag}
	t.name = t.newName()
	return t
}

// newName is a new segment name of this process.
func (t *texts) newName() string {
	return segPrefix + strconv.FormatInt(time.Now().UnixNano(), 10) + t.tag
}

// add appends the text of id to this Store's segment.
func (t *texts) add(id, text string) error {
	if len(id) == 0 || len(id) > 255 || int64(len(text)) > 1<<32-1 {
		return fmt.Errorf("store: search text %q: id or text too long", id)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.seg == nil {
		f, err := os.OpenFile(filepath.Join(t.dir, t.name), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return fmt.Errorf("store: search text: %w", err)
		}
		t.seg = f
	}
	b := t.buf[:0]
	b = append(b, textMagic...)
	b = append(b, byte(len(id)))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(text)))
	crc := crc32.Update(crc32.Checksum([]byte(id), castagnoli), castagnoli, []byte(text))
	b = binary.LittleEndian.AppendUint32(b, crc)
	b = append(b, id...)
	b = append(b, text...)
	t.buf = b
	if cap(t.buf) > 1<<20 {
		t.buf = nil // do not keep a large message's buffer
	}
	if _, err := t.seg.Write(b); err != nil {
		// A short write leaves a torn entry: later ones would sit behind it
		// unread, so the next text starts a new segment.
		_ = t.seg.Close()
		t.seg = nil
		t.name = t.newName()
		return fmt.Errorf("store: search text: %w", err)
	}
	return nil
}

// close closes this Store's segment after any fold has finished.
func (t *texts) close() {
	t.folding.Wait()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.seg != nil {
		_ = t.seg.Close()
		t.seg = nil
	}
}

// segments lists the segment files.
func (t *texts) segments() ([]string, error) {
	names, err := readNames(t.dir)
	if err != nil {
		return nil, fmt.Errorf("store: search texts: %w", err)
	}
	segs := names[:0]
	for _, n := range names {
		if strings.HasPrefix(n, segPrefix) {
			segs = append(segs, n)
		}
	}
	return segs, nil
}

// scanSegment reads the segment name from its start to its size when opened
// (what a writer appends meanwhile is left for the next search). For each
// whole entry, want(id) says whether its text is needed; if so, found gets
// it (valid only during the call). It stops at a torn or damaged entry.
func (t *texts) scanSegment(name string, want func(id string) bool, found func(id string, text []byte)) error {
	f, err := os.Open(filepath.Join(t.dir, name))
	if errors.Is(err, os.ErrNotExist) {
		return nil // folded meanwhile: its texts are in the owner's segment
	}
	if err != nil {
		return fmt.Errorf("store: search texts: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("store: search texts: %w", err)
	}
	r := bufio.NewReaderSize(io.LimitReader(f, st.Size()), 1<<20)
	var hdr [textHeader + 255]byte
	var text []byte
	for {
		if _, err := io.ReadFull(r, hdr[:textHeader]); err != nil {
			return nil // end, or a torn header
		}
		if string(hdr[:len(textMagic)]) != textMagic {
			return nil // damaged: nothing after it can be trusted
		}
		idLen := int(hdr[2])
		n := int64(binary.LittleEndian.Uint32(hdr[3:7]))
		sum := binary.LittleEndian.Uint32(hdr[7:11])
		if _, err := io.ReadFull(r, hdr[textHeader:textHeader+idLen]); err != nil {
			return nil
		}
		id := string(hdr[textHeader : textHeader+idLen])
		if !want(id) {
			if d, _ := r.Discard(int(n)); int64(d) != n {
				return nil
			}
			continue
		}
		if int64(cap(text)) < n {
			text = make([]byte, n)
		}
		text = text[:n]
		if _, err := io.ReadFull(r, text); err != nil {
			return nil
		}
		if crc32.Update(crc32.Checksum([]byte(id), castagnoli), castagnoli, text) != sum {
			return nil
		}
		found(id, text)
	}
}

// scan reads every segment, several at once.
func (t *texts) scan(want func(id string) bool, found func(id string, text []byte)) error {
	segs, err := t.segments()
	if err != nil {
		return err
	}
	var (
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
		next     = make(chan string)
	)
	for range min(len(segs), searchWorkers()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for name := range next {
				if err := t.scanSegment(name, want, found); err != nil {
					errOnce.Do(func() { firstErr = err })
				}
			}
		}()
	}
	for _, name := range segs {
		next <- name
	}
	close(next)
	wg.Wait()
	return firstErr
}

// keepSearchText stores the search text of message id, read as m, and
// returns it. A failure is logged, not returned: a search makes it again.
func (s *Store) keepSearchText(id string, m msg.Summary) string {
	text := searchTextOf(m)
	if err := s.texts.add(id, text); err != nil {
		s.log.WithError(err).Warn("store: cannot keep search text")
	}
	return text
}

// makeSearchText reads message e, keeps its search text and returns it.
func (s *Store) makeSearchText(e *entry) (string, error) {
	mf, err := os.Open(filepath.Join(s.dir, e.dir, e.name))
	if err != nil {
		return "", fmt.Errorf("store: search: %w", err)
	}
	m, _ := msg.Summarize(mf, readLimits) // a damaged message is searched as far as it reads
	_ = mf.Close()
	return s.keepSearchText(e.sum.ID, m), nil
}

// mostlyDead reports whether the segments gone, of goneBytes in all, are
// large (foldBytes) and hold more texts of deleted messages than of
// messages in the store: a server that runs for long while a test suite
// delivers and deletes leaves such a segment when it stops.
func (t *texts) mostlyDead(gone []string, goneBytes int64, onDisk map[string]bool) bool {
	if goneBytes < foldBytes {
		return false
	}
	live, dead := 0, 0
	for _, n := range gone {
		_ = t.scanSegment(n, func(id string) bool {
			if onDisk[id] {
				live++
			} else {
				dead++
			}
			return false
		}, nil)
	}
	return dead > live
}

// foldTexts runs for the owner after Open (Store.tidy): when foldAfter
// or more segments have gone writers (see tmpCleaner), or they are large and
// mostly hold deleted messages' texts (mostlyDead), their texts of
// messages still in the store are appended to this Store's segment and the
// segments removed, so deleted messages' texts go and a search opens few
// files. It also removes the directories of earlier formats. onDisk holds
// the ids in new/ and cur/.
func (s *Store) foldTexts(onDisk map[string]bool, c tmpCleaner) {
	t := s.texts
	for _, d := range oldTextDirs {
		if err := os.RemoveAll(filepath.Join(s.dir, d)); err != nil {
			s.log.WithError(err).Warn("store: cannot remove old search texts")
		}
	}
	segs, err := t.segments()
	if err != nil {
		s.log.WithError(err).Warn("store: cannot list search texts")
		return
	}
	var gone []string
	var goneBytes int64
	for _, n := range segs {
		// This process's other Stores (tests, a reopened store) still
		// write theirs.
		pid, _, _ := parseTmpName(n)
		fi, err := os.Lstat(filepath.Join(t.dir, n))
		if err == nil && pid != c.pid && c.writerGone(n, fi.ModTime()) {
			gone = append(gone, n)
			goneBytes += fi.Size()
		}
	}
	if len(gone) == 0 || len(gone) < foldAfter && !t.mostlyDead(gone, goneBytes, onDisk) {
		return
	}
	kept := map[string]bool{}
	for _, n := range gone {
		select {
		case <-s.stop: // closing: the fold waits for the next owner
			return
		default:
		}
		err := t.scanSegment(n, func(id string) bool { return onDisk[id] && !kept[id] }, func(id string, text []byte) {
			if t.add(id, string(text)) == nil {
				kept[id] = true
			}
		})
		if err != nil {
			s.log.WithError(err).Warn("store: cannot fold search texts")
			return
		}
	}
	for _, n := range gone {
		if err := os.Remove(filepath.Join(t.dir, n)); err != nil && !errors.Is(err, os.ErrNotExist) {
			s.log.WithError(err).Warn("store: cannot remove a folded search text segment")
		}
	}
	s.log.WithField("segments", len(gone)).WithField("texts", len(kept)).Debug("store: folded search texts")
}
