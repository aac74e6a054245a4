package store

import (
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// watchDelay is how long the watcher gathers changes before it refreshes:
// a burst (a reader marking a thousand messages seen) costs one Refresh, and
// a single change shows within well under a second.
const watchDelay = 100 * time.Millisecond

// startWatch follows what other programs do to new/ and cur/ — Dovecot or
// mutt moving mail to cur/, changing flags, expunging, appending — and
// refreshes the index, so subscribers (the app's Inbox, `serve`) see it
// within a second without a restart. Records stay attached across renames:
// a record is keyed by the unique part of the name, which the info suffix
// never changes. Changes the store made itself are recognised and cost
// nothing. Where the system cannot watch, the store works as before and
// Refresh is the way to catch up.
func (s *Store) startWatch() {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		s.log.WithError(err).Info("store: cannot watch the Maildir; other programs' changes show after Refresh")
		return
	}
	for _, d := range []string{dirNew, dirCur} {
		if err := w.Add(filepath.Join(s.dir, d)); err != nil {
			s.log.WithError(err).Info("store: cannot watch the Maildir; other programs' changes show after Refresh")
			w.Close()
			return
		}
	}
	s.watchDone = make(chan struct{})
	go s.watch(w)
}

// watch runs until the store closes.
func (s *Store) watch(w *fsnotify.Watcher) {
	defer close(s.watchDone)
	defer w.Close()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	pending := false
	for {
		select {
		case <-s.stop:
			timer.Stop()
			return
		case ev, ok := <-w.Events:
			if !ok {
				return
			}
			if !pending && s.foreignChange(ev) {
				pending = true
				timer.Reset(watchDelay)
			}
		case err, ok := <-w.Errors:
			if !ok {
				return
			}
			// An overflow lost events: refresh to be sure.
			s.log.WithError(err).Debug("store: watcher")
			if !pending {
				pending = true
				timer.Reset(watchDelay)
			}
		case <-timer.C:
			pending = false
			if err := s.Refresh(); err != nil {
				s.log.WithError(err).Warn("store: refresh after a change in the Maildir")
			}
		}
	}
}

// foreignChange reports whether ev may be a change the index does not know:
// a name appearing that the index does not hold under that name, or a name
// going that the index still holds. The store's own deliveries, moves and
// deletes update the index themselves; a delivery's name in new/ is in
// s.publishing from before it appears until after its insert.
func (s *Store) foreignChange(ev fsnotify.Event) bool {
	dir, name := filepath.Base(filepath.Dir(ev.Name)), filepath.Base(ev.Name)
	if !validName(name) || ev.Op&(fsnotify.Create|fsnotify.Remove|fsnotify.Rename) == 0 {
		return false
	}
	if _, ok := s.publishing.Load(name); ok && dir == dirNew {
		return false // a delivery of ours, inserted as soon as it is durable
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return false
	}
	e := s.idx.byID[idFromName(name)]
	held := e != nil && e.dir == dir && e.name == name
	if ev.Has(fsnotify.Create) {
		return !held
	}
	return held // Remove or Rename: the name is gone
}
