package main

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"net"
	"net/textproto"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sirupsen/logrus"
)

// dirtyMessages is how many messages, one connection each, are timed from
// the final dot to the 250 in the dirty-data scenario.
const dirtyMessages = 50

// dirtyRun is one server's part of the dirty-data scenario: the DATA→250
// times without and with another program's unsynced writes, and how much
// dirty data the kernel held just before and just after the loaded messages
// (Dirty in /proc/meminfo), which shows whether the server made it write
// out data that is not its own.
type dirtyRun struct {
	base, loaded            []float64 // seconds per message
	dirtyBefore, dirtyAfter int64     // bytes
}

// dirtyServers are the durable servers: the ones that sync before the 250.
func dirtyServers() []peer { return []peer{letterboxServer(), postfixServer()} }

// runDirty is the "other program's dirty data" scenario (issue 12): for each
// durable server, 50 messages of 5 KB in a row (a new connection each) are
// timed from the final dot to the 250, then -dirty-bytes are written to a
// file on the same file system without a sync (as `dd` does) and the 50 are
// timed again while the writer goes on (up to as much again). It runs once per server: writing and then flushing 2 GB is
// the expensive part, and the 50 timings are the sample.
func runDirty(ctx context.Context, o *options, rep *report) error {
	for _, s := range dirtyServers() {
		run, err := dirtyOnce(ctx, o, s)
		if err != nil {
			rep.fail("dirty %s: %v", s.name, err)
			o.log.WithField("server", s.name).WithError(err).Error("dirty-data run failed")
			if ctx.Err() != nil {
				return ctx.Err()
			}
			continue
		}
		rep.dirty[s.name] = run
		o.log.WithFields(logrus.Fields{"server": s.name, "p99 clean": ms(percentile(run.base, 99)),
			"p99 dirty": ms(percentile(run.loaded, 99)), "dirty MB before/after": fmt.Sprintf("%d/%d",
				run.dirtyBefore>>20, run.dirtyAfter>>20)}).Info("dirty data")
	}
	rep.dirtyBytes = o.dirtyBytes
	return nil
}

func dirtyOnce(ctx context.Context, o *options, s peer) (dirtyRun, error) {
	var run dirtyRun
	dir, err := os.MkdirTemp(o.work, "dirty-")
	if err != nil {
		return run, err
	}
	defer os.RemoveAll(dir)
	p, err := s.start(ctx, o, dir)
	if err != nil {
		return run, err
	}
	defer p.stop()
	msg := testMessage(5120)
	if run.base, err = dotTimes(p.addr, msg, dirtyMessages); err != nil {
		return run, fmt.Errorf("without dirty data: %w", err)
	}
	f, err := os.Create(filepath.Join(dir, "dirty.bin"))
	if err != nil {
		return run, err
	}
	defer func() { // off the clock: write it out, so the next scenario starts clean
		f.Sync()
		f.Close()
	}()
	chunk := bytes.Repeat([]byte{0xA5}, 1<<20)
	for n := int64(0); n < o.dirtyBytes; n += int64(len(chunk)) {
		if _, err := f.Write(chunk); err != nil {
			return run, err
		}
	}
	// The other program goes on writing (at most as much again) while the
	// messages are timed, as a build or a download would.
	stop, wrote := make(chan struct{}), make(chan error, 1)
	go func() {
		for n := int64(0); n < o.dirtyBytes; n += int64(len(chunk)) {
			select {
			case <-stop:
				wrote <- nil
				return
			default:
			}
			if _, err := f.Write(chunk); err != nil {
				wrote <- err
				return
			}
		}
		wrote <- nil
	}()
	run.dirtyBefore = meminfoDirty()
	run.loaded, err = dotTimes(p.addr, msg, dirtyMessages)
	run.dirtyAfter = meminfoDirty()
	close(stop)
	if werr := <-wrote; err == nil && werr != nil {
		err = fmt.Errorf("the dirty writer: %w", werr)
	}
	if err != nil {
		return run, fmt.Errorf("with dirty data: %w", err)
	}
	return run, nil
}

// dotTimes sends n messages, one connection each, and returns for each the
// seconds from writing the final dot to reading the 250.
func dotTimes(addr string, msg []byte, n int) ([]float64, error) {
	out := make([]float64, 0, n)
	for range n {
		d, err := dotTime(addr, msg)
		if err != nil {
			return nil, err
		}
		out = append(out, d.Seconds())
	}
	return out, nil
}

func dotTime(addr string, msg []byte) (time.Duration, error) {
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return 0, err
	}
	defer nc.Close()
	nc.SetDeadline(time.Now().Add(30 * time.Second))
	c := textproto.NewConn(nc)
	if _, _, err := c.ReadResponse(220); err != nil {
		return 0, fmt.Errorf("greeting: %w", err)
	}
	for _, step := range []struct {
		cmd  string
		code int
	}{{"EHLO bench.test", 250}, {"MAIL FROM:<sender@bench.test>", 250}, {"RCPT TO:<rcpt@bench.test>", 250}, {"DATA", 354}} {
		if err := c.PrintfLine("%s", step.cmd); err != nil {
			return 0, err
		}
		if _, _, err := c.ReadResponse(step.code); err != nil {
			return 0, fmt.Errorf("%s: %w", step.cmd, err)
		}
	}
	if _, err := c.W.Write(msg); err != nil { // testMessage: CRLF lines, none starting with a dot
		return 0, err
	}
	if err := c.W.Flush(); err != nil {
		return 0, err
	}
	start := time.Now()
	if _, err := c.W.WriteString(".\r\n"); err != nil {
		return 0, err
	}
	if err := c.W.Flush(); err != nil {
		return 0, err
	}
	if _, _, err := c.ReadResponse(250); err != nil {
		return 0, fmt.Errorf("final dot: %w", err)
	}
	d := time.Since(start)
	c.PrintfLine("QUIT")
	return d, nil
}

// meminfoDirty is the kernel's dirty page cache (Dirty in /proc/meminfo).
func meminfoDirty() int64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "Dirty:"); ok {
			f := strings.Fields(v)
			if n, err := strconv.ParseInt(f[0], 10, 64); err == nil && len(f) == 2 {
				return n << 10
			}
		}
	}
	return -1
}

// percentile is the p-th percentile of xs (nearest rank); 0 for none.
func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[max(i, 0)]
}

// dirtyTarget judges the target: p99 DATA→250 < 50 ms with the
// dirty data.
func (r *report) dirtyTarget() target {
	run, ok := r.dirty["Letterbox"]
	p99 := percentile(run.loaded, 99)
	return target{
		name:     fmt.Sprintf("With %s of another program's unsynced writes: p99 DATA→250 < 50 ms", humanBytes(r.dirtyBytes)),
		measured: fmt.Sprintf("p99 %s (p50 %s; %s without them)", ms(p99), ms(percentile(run.loaded, 50)), ms(percentile(run.base, 99))),
		met:      p99 < 0.05, known: ok && len(run.loaded) > 0,
	}
}

// mdDirty writes the dirty-data section.
func (r *report) mdDirty(w writef) {
	if len(r.dirty) == 0 {
		return
	}
	w("## Another program's dirty data\n\nOn the file system of the stores, %s are written to a file without a sync "+
		"(as `dd if=/dev/zero of=dirty.bin bs=1M count=2000` does), then, while that program goes on writing (up to as much again), "+
		"%d messages of 5 KB are sent in a row, "+
		"a new connection each, timing each from the final dot to the 250; the same %d were timed before the write. "+
		"Dirty is the kernel's unwritten page cache (/proc/meminfo) just before and just after the %d: a server that "+
		"flushes the whole file system drains it, and waits for it.\n\n", humanBytes(r.dirtyBytes), dirtyMessages, dirtyMessages, dirtyMessages)
	w("| Server | p50 / p99 without | p50 / p99 with the dirty data | max with | Dirty before → after |\n|---|---|---|---|---|\n")
	for _, s := range dirtyServers() {
		run, ok := r.dirty[s.name]
		if !ok {
			w("| %s | – | – | – | (failed) |\n", s.name)
			continue
		}
		w("| %s | %s / %s | %s / %s | %s | %s → %s |\n", s.name, ms(percentile(run.base, 50)), ms(percentile(run.base, 99)),
			ms(percentile(run.loaded, 50)), ms(percentile(run.loaded, 99)), ms(slices.Max(run.loaded)),
			humanBytes(run.dirtyBefore), humanBytes(run.dirtyAfter))
	}
	w("\n")
}
