package store

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// modelFS is a fileSys that writes through to the real file system, so the
// Store works as usual, and keeps a model of what is on stable storage: for
// every file its written and its durable bytes, for every directory its
// live and its durable names. A sync makes durable what it could see when
// it started, and only when it returns. crash shows the disk as a power
// loss at that moment could leave it: every directory keeps its durable
// names plus a random subset of the changes no sync covered, and every file
// keeps its durable bytes plus, at random, none, some or all of the rest,
// or the rest's length in zeros (a size that reached the disk before the
// data did). Directories and files are chosen separately.
type modelFS struct {
	t    testing.TB
	root string // the store

	mu     sync.Mutex
	dirs   map[string]*modelDir // by path relative to root
	ops    int                  // operations so far, for crash points
	onOp   func(op int)         // called (without mu) after each operation
	fail   func(op, rel string) error
	noLink bool   // link answers errors.ErrUnsupported
	syncs  int    // syncFile calls
	before func() // called (without mu) at the start of every syncFile
}

type modelDir struct{ live, durable map[string]*modelInode }

type modelInode struct{ data, durable []byte }

type modelFile struct {
	*os.File
	fs  *modelFS
	ino *modelInode
}

func newModelFS(t testing.TB, root string) *modelFS {
	m := &modelFS{t: t, root: root, dirs: map[string]*modelDir{}}
	for _, d := range []string{dirTmp, dirNew, dirCur, dirRecords} {
		m.dirs[d] = &modelDir{live: map[string]*modelInode{}, durable: map[string]*modelInode{}}
	}
	return m
}

// install puts m in place of s's file system. s must hold no message yet.
func (m *modelFS) install(s *Store) { s.fs = m }

func (m *modelFS) split(path string) (*modelDir, string) {
	rel, err := filepath.Rel(m.root, path)
	if err != nil {
		m.t.Fatalf("modelFS: %s is outside the store", path)
	}
	d := m.dirs[filepath.ToSlash(filepath.Dir(rel))]
	if d == nil {
		m.t.Fatalf("modelFS: no model of the directory of %s", rel)
	}
	return d, filepath.Base(rel)
}

// op counts one operation and runs the crash hook outside the lock.
func (m *modelFS) op() {
	m.mu.Lock()
	m.ops++
	n, hook := m.ops, m.onOp
	m.mu.Unlock()
	if hook != nil {
		hook(n)
	}
	runtime.Gosched() // let the deliveries interleave
}

func (m *modelFS) failure(op, path string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail == nil {
		return nil
	}
	rel, _ := filepath.Rel(m.root, path)
	return m.fail(op, filepath.ToSlash(rel))
}

func (m *modelFS) create(path string) (file, error) {
	defer m.op()
	f, err := createExcl(path)
	if err != nil {
		return nil, err
	}
	ino := &modelInode{}
	m.mu.Lock()
	d, name := m.split(path)
	d.live[name] = ino
	m.mu.Unlock()
	return &modelFile{File: f, fs: m, ino: ino}, nil
}

func (f *modelFile) Write(p []byte) (int, error) {
	defer f.fs.op()
	n, err := f.File.Write(p)
	f.fs.mu.Lock()
	f.ino.data = append(f.ino.data, p[:n]...)
	f.fs.mu.Unlock()
	return n, err
}

func (m *modelFS) link(oldPath, newPath string) error {
	defer m.op()
	if m.noLink {
		return fmt.Errorf("modelFS: link: %w", errors.ErrUnsupported)
	}
	if err := os.Link(oldPath, newPath); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	od, oname := m.split(oldPath)
	nd, nname := m.split(newPath)
	ino := od.live[oname]
	nd.live[nname] = ino
	if nd == m.dirs[dirNew] && !bytes.Equal(ino.data, ino.durable) {
		m.t.Errorf("new/%s appeared with %d of its %d bytes durable", nname, len(ino.durable), len(ino.data))
	}
	return nil
}

func (m *modelFS) publish(oldPath, newPath string) error {
	defer m.op()
	if err := publishFile(oldPath, newPath); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	od, oname := m.split(oldPath)
	nd, nname := m.split(newPath)
	nd.live[nname] = od.live[oname]
	delete(od.live, oname)
	return nil
}

func (m *modelFS) remove(path string) error {
	defer m.op()
	if err := os.Remove(path); err != nil {
		return err
	}
	m.mu.Lock()
	d, name := m.split(path)
	delete(d.live, name)
	m.mu.Unlock()
	return nil
}

func (m *modelFS) syncFile(f file) error {
	mf := f.(*modelFile)
	m.mu.Lock()
	before := m.before
	m.mu.Unlock()
	if before != nil {
		before()
	}
	m.mu.Lock()
	m.syncs++
	seen := bytes.Clone(mf.ino.data)
	m.mu.Unlock()
	m.op()
	if err := m.failure("file", f.Name()); err != nil {
		return err
	}
	m.mu.Lock()
	if len(seen) > len(mf.ino.durable) {
		mf.ino.durable = seen
	}
	m.mu.Unlock()
	m.op()
	return nil
}

func (m *modelFS) syncDir(path string) error {
	m.mu.Lock()
	rel, _ := filepath.Rel(m.root, path)
	rel = filepath.ToSlash(rel)
	d := m.dirs[rel]
	seen := make(map[string]*modelInode, len(d.live))
	for k, v := range d.live {
		seen[k] = v
	}
	m.mu.Unlock()
	m.op()
	if err := m.failure("dir", path); err != nil {
		return err
	}
	m.mu.Lock()
	d.durable = seen
	m.mu.Unlock()
	m.op()
	return nil
}

// durableFile returns the durable bytes of rel (e.g. "new/ID") and whether
// its name is durable.
func (m *modelFS) durableFile(rel string) ([]byte, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d := m.dirs[filepath.ToSlash(filepath.Dir(rel))]
	ino, ok := d.durable[filepath.Base(rel)]
	if !ok {
		return nil, false
	}
	return bytes.Clone(ino.durable), true
}

// crashImage is the disk after a power loss: relative path → bytes.
type crashImage map[string][]byte

// crash returns what a power loss now could leave, choosing with rng.
func (m *modelFS) crash(rng *rand.Rand) crashImage {
	m.mu.Lock()
	defer m.mu.Unlock()
	img := crashImage{}
	after := map[*modelInode][]byte{}
	content := func(ino *modelInode) []byte {
		if b, ok := after[ino]; ok {
			return b
		}
		b := bytes.Clone(ino.durable)
		if tail := ino.data[len(ino.durable):]; len(tail) > 0 {
			switch rng.IntN(4) {
			case 1: // all of it reached the disk
				b = append(b, tail...)
			case 2: // some of it
				b = append(b, tail[:rng.IntN(len(tail))]...)
			case 3: // the size, not the data
				b = append(b, make([]byte, len(tail))...)
			}
		}
		after[ino] = b
		return b
	}
	for dn, d := range m.dirs {
		names := map[string]*modelInode{}
		for k, v := range d.durable {
			names[k] = v
		}
		for k, v := range d.live { // added or replaced since the last sync
			if d.durable[k] != v && rng.IntN(2) == 0 {
				names[k] = v
			}
		}
		for k := range d.durable { // removed since the last sync
			if _, ok := d.live[k]; !ok && rng.IntN(2) == 0 {
				delete(names, k)
			}
		}
		for k, ino := range names {
			img[dn+"/"+k] = content(ino)
		}
	}
	return img
}

// write makes the image a store directory at dir.
func (img crashImage) write(t testing.TB, dir string) {
	for _, d := range []string{dirTmp, dirNew, dirCur, dirRecords} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	for rel, b := range img {
		if err := os.WriteFile(filepath.Join(dir, rel), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// maildir returns the image's files in new/ and cur/.
func (img crashImage) maildir() map[string][]byte {
	out := map[string][]byte{}
	for rel, b := range img {
		if strings.HasPrefix(rel, dirNew+"/") || strings.HasPrefix(rel, dirCur+"/") {
			out[rel] = b
		}
	}
	return out
}
