package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"strconv"
	"time"

	"github.com/sirupsen/logrus"
)

// ingestCase is one smtp-source load: parallel sessions and payload bytes.
type ingestCase struct{ sessions, size int }

func (c ingestCase) String() string {
	return fmt.Sprintf("%d sessions × %s", c.sessions, humanBytes(int64(c.size)))
}

var ingestCases = []ingestCase{
	{1, 5120}, {20, 5120}, {100, 5120}, {1, 102400}, {20, 102400}, {100, 102400},
}

// ingestServers are the peers of scenario 1, in the order the report shows.
func ingestServers() []peer {
	return []peer{letterboxServer(), mailpitServer(), postfixServer(), aiosmtpdServer(), sinkServer()}
}

// sourceArgs is the smtp-source command line for n messages. Without -d,
// smtp-source opens a new connection for every message, as most
// applications that send mail do.
func sourceArgs(c ingestCase, n int, addr string) []string {
	return []string{sourcePath, "-s", strconv.Itoa(c.sessions), "-m", strconv.Itoa(n), "-l", strconv.Itoa(c.size),
		"-M", "bench.test", "-f", "sender@bench.test", "-t", "rcpt@bench.test", addr}
}

// runIngest is scenario 1: every case against every server, -reps times,
// the servers alternating. Each run starts a fresh server, warms it with a
// few messages (whose rate, in the first round, sets the message count so
// a run takes about -run-secs), times smtp-source, and checks the store.
//
// The runs' directories are removed only when the scenario ends: on ext4
// without a journal (this machine's root file system) creating a file skips
// every inode freed in the last 30 seconds (fs/ext4/ialloc.c,
// recently_deleted), so deleting one run's thousands of messages made the
// next run's file creations cost several times more CPU (measured: 1,850
// instead of 2,780 msg/s for Letterbox, which creates two files a message).
func runIngest(ctx context.Context, o *options, rep *report) error {
	runs, err := os.MkdirTemp(o.work, "ingest-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(runs)
	o2 := *o
	o2.work = runs
	o = &o2
	servers := ingestServers()
	counts := map[string]int{} // case/server → messages per timed run
	for r := 0; r < o.reps; r++ {
		for ci, c := range ingestCases {
			for k := range servers {
				s := servers[(k+r+ci)%len(servers)]
				key := c.String() + "/" + s.name
				res, n, err := ingestOnce(ctx, o, s, c, counts[key])
				if err != nil {
					rep.ingestErr(c, s.name, err)
					o.log.WithFields(logrus.Fields{"case": c.String(), "server": s.name}).WithError(err).Error("ingest run failed")
					if ctx.Err() != nil {
						return ctx.Err()
					}
					continue
				}
				counts[key] = n
				rep.ingest(c, s.name, res)
				o.log.WithFields(logrus.Fields{"case": c.String(), "server": s.name, "round": r + 1,
					"messages": n, "secs": fmt.Sprintf("%.2f", res.secs), "msg/s": fmt.Sprintf("%.0f", res.rate())}).Info("ingest")
			}
		}
	}
	rep.ingestCommand = sourceArgs(ingestCase{20, 5120}, 2000, "127.0.0.1:PORT")
	return nil
}

// ingestRun is one timed smtp-source run.
type ingestRun struct {
	n    int
	secs float64
}

func (r ingestRun) rate() float64 { return float64(r.n) / r.secs }

// ingestOnce runs one case against a fresh server. n is the message count
// chosen in an earlier round, 0 to calibrate it from the warm-up.
func ingestOnce(ctx context.Context, o *options, s peer, c ingestCase, n int) (ingestRun, int, error) {
	dir, err := os.MkdirTemp(o.work, "run-") // removed by runIngest
	if err != nil {
		return ingestRun{}, 0, err
	}
	p, err := s.start(ctx, o, dir)
	if err != nil {
		return ingestRun{}, 0, err
	}
	defer p.stop()
	warm := max(50, c.sessions)
	d, _, err := runTimed(ctx, 2*time.Minute, sourceArgs(c, warm, p.addr))
	if err != nil {
		return ingestRun{}, 0, fmt.Errorf("warm-up: %w", err)
	}
	if n == 0 {
		n = calibrate(float64(warm)/d.Seconds(), o.runSecs, c.sessions)
	}
	d, _, err = runTimed(ctx, 5*time.Minute, sourceArgs(c, n, p.addr))
	if err != nil {
		return ingestRun{}, n, err
	}
	if s.stored != nil {
		got, err := s.stored(p, dir)
		if err != nil {
			return ingestRun{}, n, fmt.Errorf("counting the stored messages: %w", err)
		}
		if got != warm+n {
			return ingestRun{}, n, fmt.Errorf("store holds %d messages after %d were acknowledged", got, warm+n)
		}
	}
	return ingestRun{n: n, secs: d.Seconds()}, n, nil
}

// calibrate picks a message count that takes about secs at rate, at least 2
// per session and at most 50,000.
func calibrate(rate, secs float64, sessions int) int {
	n := int(math.Round(rate * secs))
	n = max(n, 2*sessions, 100)
	return min(n, 50000)
}

// humanBytes prints 5120 as "5 KB" and 104857600 as "100 MB" (binary units).
func humanBytes(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GB", n>>30)
	case n >= 1<<20:
		return fmt.Sprintf("%.0f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
