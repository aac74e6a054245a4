package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"letterbox/smtpcore/msg"
)

// draftDelay is how long Compose waits after the last change before it
// writes the draft: typing costs no disk write per key.
const draftDelay = 400 * time.Millisecond

// How notes about the saved draft show in the status line.
const (
	draftErrImportance  = widget.WarningImportance
	draftNoteImportance = widget.LowImportance
)

// draftFile keeps the message being written on disk, so that it survives a
// restart or a crash: a JSON copy of the msg.Draft, replaced atomically
// (written to a temporary file, synced, renamed) so a crash mid-write leaves
// the previous copy. Save and Remove may be called from any goroutine; the
// newest call wins.
type draftFile struct {
	path string

	mu  sync.Mutex
	seq uint64 // the newest request; an older write that comes late is dropped
}

// Load returns the saved draft; ok is false when there is none.
func (f *draftFile) Load() (d msg.Draft, ok bool, err error) {
	b, err := os.ReadFile(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return d, false, nil
	}
	if err != nil {
		return d, false, err
	}
	if err := json.Unmarshal(b, &d); err != nil {
		return d, false, fmt.Errorf("the saved draft %s is damaged: %w", f.path, err)
	}
	return d, true, nil
}

// next reserves a sequence number for a write about to be made.
func (f *draftFile) next() uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	return f.seq
}

// commit runs write under the lock if seq is still the newest request.
func (f *draftFile) commit(seq uint64, write func() error) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if seq != f.seq {
		return nil // a newer draft is on its way
	}
	return write()
}

// Save writes d in place of the saved draft. Slow (it syncs): call it off
// the UI goroutine.
func (f *draftFile) Save(seq uint64, d msg.Draft) error {
	b, err := json.MarshalIndent(d, "", "\t")
	if err != nil {
		return err
	}
	return f.commit(seq, func() error {
		if err := os.MkdirAll(filepath.Dir(f.path), 0o700); err != nil {
			return err
		}
		tmp, err := os.CreateTemp(filepath.Dir(f.path), ".draft-*.tmp")
		if err != nil {
			return err
		}
		defer os.Remove(tmp.Name()) // fails harmlessly once renamed
		if _, err := tmp.Write(b); err != nil {
			tmp.Close()
			return err
		}
		if err := tmp.Sync(); err != nil {
			tmp.Close()
			return err
		}
		if err := tmp.Close(); err != nil {
			return err
		}
		return os.Rename(tmp.Name(), f.path)
	})
}

// Remove deletes the saved draft (the message was sent or emptied).
func (f *draftFile) Remove(seq uint64) error {
	return f.commit(seq, func() error {
		if err := os.Remove(f.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	})
}

// SetDraftFile makes Compose keep its message in the file at path as it is
// typed, and restores the message saved there, if any. Call it once, on the
// Fyne goroutine, after Build. A draft that cannot be read is reported in the
// status line and left on disk.
func (c *Compose) SetDraftFile(path string) {
	c.drafts = &draftFile{path: path}
	d, ok, err := c.drafts.Load()
	if err != nil {
		c.setStatus(draftErrImportance, "The saved draft could not be restored: "+err.Error())
		return
	}
	if ok {
		c.restoring = true
		c.Load(d)
		c.restoring = false
		if c.HasContent() && c.status.Text == "" {
			c.setStatus(draftNoteImportance, "The message you were writing was restored")
		}
	}
}

// draftChanged schedules a save of the draft after the user stops typing.
// Fyne goroutine.
func (c *Compose) draftChanged() {
	if c.drafts == nil || c.restoring {
		return
	}
	if c.draftTimer != nil {
		c.draftTimer.Stop()
	}
	c.draftTimer = time.AfterFunc(draftDelay, func() { fyne.Do(c.saveDraftNow) })
}

// saveDraftNow writes the draft (or removes the file when Compose is empty)
// off the UI goroutine. Fyne goroutine.
func (c *Compose) saveDraftNow() {
	if c.drafts == nil {
		return
	}
	f, seq, empty, d := c.drafts, c.drafts.next(), !c.HasContent(), c.Draft()
	c.async(func() {
		var err error
		if empty {
			err = f.Remove(seq)
		} else {
			err = f.Save(seq, d)
		}
		if err != nil {
			fyne.Do(func() { c.setStatus(draftErrImportance, "The draft could not be saved: "+err.Error()) })
		}
	})
}
