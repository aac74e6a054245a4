package store

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// TestOpenLeavesOtherProgramsTmpFiles: tmp/ belongs to every program that
// delivers into the Maildir (issue 11 F1). Open removes Letterbox's own
// leftovers (this process's, or a dead Letterbox process's on this host) and
// another program's file only when it is untouched for 36 hours. Before the
// fix every file in tmp/ went, and the "young foreign" rows failed.
func TestOpenLeavesOtherProgramsTmpFiles(t *testing.T) {
	host := maildirHost()
	dead := deadPid(t)
	live := os.Getppid() // the go tool that runs this test
	old := time.Now().Add(-37 * time.Hour)
	young := time.Now().Add(-35 * time.Hour)
	tests := []struct {
		name  string
		mtime time.Time
		keep  bool
	}{
		{"1764500000.M123P456.dovecot-host,S=1234", time.Now(), true}, // Dovecot APPEND in flight
		{"1764500000.M123P456.dovecot-host,S=1234x", young, true},     // untouched 35 h
		{"1764500000.M123P456.dovecot-host,S=1234y", old, false},      // untouched 37 h
		{"HONAP9E4K70UE1RR" + tmpTag(host), time.Now(), false},        // this process's own
		{"HONAP9E4K70UE1RS.letterbox.P" + strconv.Itoa(dead) + "." + host, time.Now(), false},
		{"HONAP9E4K70UE1RT.letterbox.P" + strconv.Itoa(live) + "." + host, time.Now(), true},
		{"HONAP9E4K70UE1RU.letterbox.P" + strconv.Itoa(live) + "." + host, old, false},
		{"HONAP9E4K70UE1RV.letterbox.P" + strconv.Itoa(dead) + ".other-host", time.Now(), true},
		{"HONAP9E4K70UE1RW", time.Now(), true}, // an older Letterbox's name: foreign, 36 h rule
	}
	dir := t.TempDir()
	for _, d := range []string{"tmp", "new", "cur"} {
		os.MkdirAll(filepath.Join(dir, d), 0o700)
	}
	for _, tt := range tests {
		p := filepath.Join(dir, "tmp", tt.name)
		if err := os.WriteFile(p, []byte("Subject: x\r\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, tt.mtime, tt.mtime); err != nil {
			t.Fatal(err)
		}
	}
	openStore(t, dir)
	for _, tt := range tests {
		_, err := os.Stat(filepath.Join(dir, "tmp", tt.name))
		if kept := err == nil; kept != tt.keep {
			t.Errorf("%s (mtime %s ago): kept %v, want %v (%v)", tt.name,
				time.Since(tt.mtime).Round(time.Hour), kept, tt.keep, err)
		}
	}
}

// deadPid returns the pid of a process that has exited.
func deadPid(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	if processAlive(cmd.Process.Pid) {
		t.Skip("the pid of an exited process was reused at once")
	}
	return cmd.Process.Pid
}

func TestParseTmpName(t *testing.T) {
	tests := []struct {
		name string
		pid  int
		host string
		ok   bool
	}{
		{"ID.letterbox.P42.box.example", 42, "box.example", true},
		{"ID.letterbox.P42.a\\072b", 42, "a\\072b", true},
		{"ID.letterbox.Px.box", 0, "", false},
		{"ID.letterbox.P42", 0, "", false},
		{".letterbox.P42.box", 0, "", false},
		{"1764500000.M1P2.host", 0, "", false},
	}
	for _, tt := range tests {
		pid, host, ok := parseTmpName(tt.name)
		if pid != tt.pid || host != tt.host || ok != tt.ok {
			t.Errorf("parseTmpName(%q) = %d, %q, %v; want %d, %q, %v", tt.name, pid, host, ok, tt.pid, tt.host, tt.ok)
		}
	}
	if _, _, ok := parseTmpName("X" + tmpTag(maildirHost())); !ok {
		t.Error("this process's tmp tag does not parse")
	}
}

// TestDeliveryTmpNameIsMarked: a delivery in flight carries the marker that
// lets a restart recognise it, and its new/ name is the bare id.
func TestDeliveryTmpNameIsMarked(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	d, err := s.Create()
	if err != nil {
		t.Fatal(err)
	}
	names := dirNames(t, filepath.Join(dir, "tmp"))
	if len(names) != 1 || names[0] != d.ID()+tmpTag(maildirHost()) {
		t.Fatalf("tmp/ = %q, want [%s%s]", names, d.ID(), tmpTag(maildirHost()))
	}
	d.Write([]byte(sampleMsg))
	if _, err := d.Commit(Record{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "new", d.ID())); errors.Is(err, os.ErrNotExist) {
		t.Errorf("new/%s missing after Commit", d.ID())
	}
}

// TestTmpLeftover checks the rule for tmp/ files with a fixed clock. The
// row "live pid, before the boot" failed before recovery and clean-up shared
// writerGone: recovery treated such a file as its writer's leftover (the pid
// was reused since the boot) but the clean-up kept it for 36 hours.
func TestTmpLeftover(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	c := tmpCleaner{host: "h", pid: 7, now: now, boot: now.Add(-time.Hour),
		alive: func(pid int) bool { return pid == 42 }}
	tests := []struct {
		name  string
		mtime time.Time
		want  bool
	}{
		{"ID.letterbox.P7.h", now, true},                         // this process
		{"ID.letterbox.P9.h", now, true},                         // its writer is gone
		{"ID.letterbox.P42.h", now, false},                       // its writer runs
		{"ID.letterbox.P42.h", now.Add(-2 * time.Hour), true},    // live pid, before the boot
		{"ID.letterbox.P9.other", now, false},                    // another host's
		{"1764500000.M1P2.host", now.Add(-2 * time.Hour), false}, // another program's
		{"1764500000.M1P2.host", now.Add(-37 * time.Hour), true}, // untouched 37 h
	}
	for _, tt := range tests {
		if got := c.leftover(tt.name, tt.mtime); got != tt.want {
			t.Errorf("leftover(%s, %s ago) = %v, want %v", tt.name, now.Sub(tt.mtime), got, tt.want)
		}
	}
}
