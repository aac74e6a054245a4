package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// tmpMarker sits between the unique name and the writer's pid in the tmp/
// name of a Letterbox delivery: ID.letterbox.P<pid>.<host>. The final name in
// new/ is the bare ID; the maildir spec does not ask the two to be equal, and
// the marker lets a restart tell its own leftovers from another program's
// delivery in progress.
const tmpMarker = ".letterbox.P"

// staleTmp is the Maildir rule for tmp/: a file untouched for 36 hours is
// left over and may be removed (cr.yp.to/proto/maildir.html).
const staleTmp = 36 * time.Hour

// tmpTag is the part after the ID of this process's tmp/ names.
func tmpTag(host string) string {
	return tmpMarker + strconv.Itoa(os.Getpid()) + "." + host
}

// maildirHost returns the host name as the maildir spec writes it in unique
// names: '/' as \057 and ':' as \072.
func maildirHost() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		h = "localhost"
	}
	return strings.NewReplacer("/", `\057`, ":", `\072`).Replace(h)
}

// parseTmpName returns the pid and host of a Letterbox tmp/ name; ok is
// false for any other name, another program's delivery.
func parseTmpName(name string) (pid int, host string, ok bool) {
	i := strings.Index(name, tmpMarker)
	if i <= 0 {
		return 0, "", false
	}
	rest := name[i+len(tmpMarker):]
	j := strings.IndexByte(rest, '.')
	if j <= 0 {
		return 0, "", false
	}
	pid, err := strconv.Atoi(rest[:j])
	if err != nil || pid <= 0 {
		return 0, "", false
	}
	return pid, rest[j+1:], true
}

// tmpID returns the message id of a Letterbox tmp/ name (the name itself
// for any other).
func tmpID(name string) string {
	if i := strings.Index(name, tmpMarker); i > 0 {
		return name[:i]
	}
	return name
}

// tmpCleaner decides which files in tmp/ are left over.
type tmpCleaner struct {
	host  string
	pid   int
	now   time.Time
	boot  time.Time // when the system started (bootTime); zero if unknown
	alive func(pid int) bool
}

// writerGone reports whether the tmp/ file name, last modified at mtime, is
// a Letterbox delivery of this host that no process writes any more: its
// process is this one (which has none in flight before Open returns) or is
// gone, or the file is older than the last boot (so a pid reused since
// cannot keep it). Another program's file, or a delivery of a Letterbox
// process that still runs (the app and `serve` may share a store) or that
// runs on another host sharing the directory, has a writer as far as
// Letterbox can tell.
func (c tmpCleaner) writerGone(name string, mtime time.Time) bool {
	pid, host, ok := parseTmpName(name)
	if !ok || host != c.host {
		return false
	}
	return pid == c.pid || mtime.Before(c.boot) || !c.alive(pid)
}

// leftover reports whether the tmp/ file name, last modified at mtime, may
// go: its writer is gone, or it is untouched for 36 hours.
func (c tmpCleaner) leftover(name string, mtime time.Time) bool {
	return c.now.Sub(mtime) > staleTmp || c.writerGone(name, mtime)
}

// clean removes the leftovers in the tmp/ directory dir and returns how many
// of Letterbox's own and how many foreign stale files went.
func (c tmpCleaner) clean(dir string) (own, foreign int, err error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return 0, 0, fmt.Errorf("store: read tmp/: %w", err)
	}
	for _, e := range ents {
		if e.IsDir() {
			continue
		}
		fi, err := e.Info()
		if errors.Is(err, os.ErrNotExist) {
			continue // renamed into new/ meanwhile by its writer
		}
		if err != nil {
			return own, foreign, fmt.Errorf("store: clean tmp/: %w", err)
		}
		if !c.leftover(e.Name(), fi.ModTime()) {
			continue
		}
		err = os.Remove(filepath.Join(dir, e.Name()))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return own, foreign, fmt.Errorf("store: clean tmp/: %w", err)
		}
		if _, _, ok := parseTmpName(e.Name()); ok {
			own++
		} else {
			foreign++
		}
	}
	return own, foreign, nil
}
