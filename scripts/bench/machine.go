package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// machine describes where the numbers were measured.
type machine struct {
	cpus                    int
	cpu, ram, kernel, goVer string
	fs                      string  // file system under the work directory
	fsyncMs                 float64 // median of a 5 KB write+fsync there
	peers                   [][2]string
	letterboxRev            string
	loadStart, loadEnd      string // /proc/loadavg when the run started and ended
}

func describeMachine(ctx context.Context, o *options) machine {
	m := machine{cpus: runtime.NumCPU()}
	m.cpu = field(readText("/proc/cpuinfo"), "model name")
	if kb := strings.Fields(field(readText("/proc/meminfo"), "MemTotal")); len(kb) > 0 {
		m.ram = kb[0] + " kB"
	}
	m.kernel = output(ctx, "uname", "-sr")
	m.goVer = output(ctx, "go", "version")
	if f := strings.Fields(lastLine(output(ctx, "df", "-T", o.work))); len(f) > 1 {
		m.fs = f[1] + " (" + f[0] + ")"
	}
	m.fsyncMs = fsyncLatency(o.work)
	m.loadStart = loadAvg()
	m.letterboxRev = output(ctx, "git", "describe", "--always", "--dirty")
	m.peers = [][2]string{
		{"Letterbox", output(ctx, o.letterbox, "version")},
		{"Mailpit", mailpitVersion + " (" + firstLine(output(ctx, o.mailpit, "version", "--no-release-check")) + ")"},
		{"Postfix (server, smtp-source, smtp-sink)", dpkgVersion(ctx, "postfix")},
		{"python3-aiosmtpd", dpkgVersion(ctx, "python3-aiosmtpd") + ", " + output(ctx, "/usr/bin/python3", "--version")},
		{"swaks", dpkgVersion(ctx, "swaks")},
		{"GNU time", dpkgVersion(ctx, "time")},
	}
	return m
}

// mailpitVersion is the release scripts/bench.sh installs.
const mailpitVersion = "v1.27.11"

// fsyncLatency is the median time of writing 5 KB to a new file and fsyncing
// it, in milliseconds: the floor under every durable delivery.
func fsyncLatency(dir string) float64 {
	buf := make([]byte, 5120)
	var ms []float64
	for i := range 100 {
		p := filepath.Join(dir, "fsync-probe")
		t := time.Now()
		f, err := os.Create(p)
		if err != nil {
			return 0
		}
		f.Write(buf)
		f.Sync()
		f.Close()
		ms = append(ms, float64(time.Since(t).Microseconds())/1000)
		os.Remove(p)
		_ = i
	}
	return median(ms)
}

func dpkgVersion(ctx context.Context, pkg string) string {
	return output(ctx, "dpkg-query", "-W", "-f=${Version}", pkg)
}

func output(ctx context.Context, name string, args ...string) string {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, name, args...).Output()
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	return strings.TrimSpace(string(out))
}

func readText(path string) string {
	b, _ := os.ReadFile(path)
	return string(b)
}

// field returns the value of the first "key : value" line.
func field(text, key string) string {
	for _, line := range strings.Split(text, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

func firstLine(s string) string { l, _, _ := strings.Cut(s, "\n"); return l }

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	return s[strings.LastIndex(s, "\n")+1:]
}

// loadAvg is the 1, 5 and 15 minute load averages: other work on the machine
// during a run makes every number worse.
func loadAvg() string {
	f := strings.Fields(readText("/proc/loadavg"))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
