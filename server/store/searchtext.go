package store

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"letterbox/smtpcore/msg"
)

// dirText holds one search text file per message, <id>, beside the
// records: the message's decoded text (msg.Summary.Text: transfer encoding
// undone, converted from its charset, HTML as text) and its attachment
// names, folded by searchFold. A body search reads these instead of
// decoding messages. They are a cache like the index: a missing one is made
// again from the message when a search needs it. The directory name carries
// the format's version; a new format gets a new directory.
const dirText = "letterbox-meta/text1"

// searchFold is the case folding of body and header searches alike.
func searchFold(s string) string { return strings.ToLower(s) }

// searchTextOf is the content of a message's search text file.
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

func (s *Store) textPath(id string) string {
	return filepath.Join(s.dir, dirText, id)
}

// keepSearchText stores the search text of message id, read as m, and
// returns it. A failure is logged, not returned: a search makes the file
// again.
func (s *Store) keepSearchText(id string, m msg.Summary) string {
	text := searchTextOf(m)
	if err := s.writeSearchText(id, text); err != nil {
		s.log.WithError(err).Warn("store: cannot keep search text")
	}
	return text
}

// writeSearchText stores the search text of id, replacing any: it is
// written to a temporary file and renamed, so a reader never sees half of
// one. It is not synced; a torn or lost one is made again.
func (s *Store) writeSearchText(id, text string) error {
	f, err := os.CreateTemp(filepath.Join(s.dir, dirText), id+".*.tmp")
	if err != nil {
		return fmt.Errorf("store: search text %s: %w", id, err)
	}
	_, err = f.WriteString(text)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), s.textPath(id))
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return fmt.Errorf("store: search text %s: %w", id, err)
	}
	return nil
}

// hasSearchText reports whether id has a search text file.
func (s *Store) hasSearchText(id string) bool {
	_, err := os.Lstat(s.textPath(id))
	return err == nil
}

// searchText returns the search text of e, read into buf (which it may
// grow and returns). A missing file is made from the message.
func (s *Store) searchText(e *entry, buf []byte) ([]byte, error) {
	f, err := os.Open(s.textPath(e.sum.ID))
	if err == nil {
		buf, err = readAllInto(f, buf)
		_ = f.Close()
		return buf, err
	}
	if !errors.Is(err, os.ErrNotExist) {
		return buf, fmt.Errorf("store: search: %w", err)
	}
	mf, err := os.Open(filepath.Join(s.dir, e.dir, e.name))
	if err != nil {
		return buf, fmt.Errorf("store: search: %w", err)
	}
	m, _ := msg.Summarize(mf, readLimits) // a damaged message is searched as far as it reads
	_ = mf.Close()
	return append(buf[:0], s.keepSearchText(e.sum.ID, m)...), nil
}

// readAllInto reads r to its end into buf[:0], growing it as needed.
func readAllInto(r io.Reader, buf []byte) ([]byte, error) {
	b := bytes.NewBuffer(buf[:0])
	if _, err := b.ReadFrom(r); err != nil {
		return b.Bytes(), fmt.Errorf("store: search: %w", err)
	}
	return b.Bytes(), nil
}

// cleanSearchText removes the search text files whose message is gone and
// the temporary files a crashed writer left. onDisk holds the ids of the
// files in new/ and cur/.
func (s *Store) cleanSearchText(onDisk map[string]bool) {
	names, err := readNames(filepath.Join(s.dir, dirText))
	if err != nil {
		s.log.WithError(err).Warn("store: cannot list search texts")
		return
	}
	for _, n := range names {
		if !onDisk[n] {
			if err := os.Remove(filepath.Join(s.dir, dirText, n)); err != nil && !errors.Is(err, os.ErrNotExist) {
				s.log.WithError(err).Warn("store: cannot remove stray search text")
			}
		}
	}
}
