// Command bench measures Letterbox against the SMTP servers and clients people
// use today (Mailpit, Python's aiosmtpd with its Maildir handler, Postfix's
// smtp-sink as the ceiling, Go's net/smtp and swaks), on this machine, in one
// run, with the same load generator (Postfix's smtp-source), and writes
// BENCHMARKS.md. `make bench` runs it through scripts/bench.sh, which installs
// the peers first.
//
// Every scenario runs against every server, alternating them, -reps times;
// the report gives medians. All traffic stays on 127.0.0.1.
//
// The profile subcommand runs an in-process Letterbox server (the same
// server and store packages that `letterbox serve` runs) under a CPU profile
// while smtp-source loads it; see profile.go.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/sirupsen/logrus"
)

// options are the command-line settings of a run.
type options struct {
	letterbox   string  // the built letterbox binary
	mailpit     string  // the mailpit binary
	out         string  // BENCHMARKS.md to write; "" = none
	work        string  // scratch directory; "" = a new temp dir
	reps        int     // timed runs per scenario and peer
	runSecs     float64 // target length of one ingest run
	scenarios   map[string]bool
	storeN      int           // messages in the store scenario
	searchProf  string        // CPU profile of the store's body searches; "" = none
	attachBytes int64         // size of the attachment in the client scenario
	bigBytes    int           // size of the one big message
	dirtyBytes  int64         // another program's unsynced writes in the dirty scenario
	timeout     time.Duration // bound on the whole run
	log         *logrus.Logger
}

var allScenarios = []string{"ingest", "dirty", "big", "idle", "client", "store", "micro", "app"}

func main() {
	log := logrus.New()
	log.SetOutput(os.Stderr)
	if len(os.Args) > 1 && os.Args[1] == "profile" {
		os.Exit(runProfile(os.Args[2:], log))
	}
	o, err := parseFlags(os.Args[1:], log)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	if err := run(ctx, o); err != nil {
		log.WithError(err).Error("bench failed")
		os.Exit(1)
	}
}

func parseFlags(args []string, log *logrus.Logger) (*options, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	o := &options{log: log}
	only := fs.String("only", strings.Join(allScenarios, ","), "scenarios to run: "+strings.Join(allScenarios, ","))
	fs.StringVar(&o.letterbox, "letterbox", "bin/letterbox", "the letterbox binary")
	fs.StringVar(&o.mailpit, "mailpit", "mailpit", "the mailpit binary")
	fs.StringVar(&o.out, "out", "BENCHMARKS.md", "markdown report to write (\"\" = none)")
	fs.StringVar(&o.work, "work", "", "scratch directory (default: a new temp dir, removed at the end)")
	fs.IntVar(&o.reps, "reps", 3, "timed runs of each scenario against each peer")
	fs.Float64Var(&o.runSecs, "run-secs", 2, "target seconds of one ingest run (sets the message count)")
	fs.IntVar(&o.storeN, "store-n", 100000, "messages in the store scenario")
	fs.StringVar(&o.searchProf, "search-cpuprofile", "", "write a CPU profile of the store scenario's body searches to this file")
	fs.Int64Var(&o.attachBytes, "attach-bytes", 1<<30, "size of the attachment sent with letterbox send")
	fs.IntVar(&o.bigBytes, "big-bytes", 100<<20, "size of the one big message")
	fs.Int64Var(&o.dirtyBytes, "dirty-bytes", 2000<<20, "unsynced bytes another program writes in the dirty scenario")
	fs.DurationVar(&o.timeout, "timeout", 12*time.Minute, "bound on the whole run")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	o.scenarios = map[string]bool{}
	for _, s := range strings.Split(*only, ",") {
		s = strings.TrimSpace(s)
		if !contains(allScenarios, s) {
			return nil, fmt.Errorf("unknown scenario %q (want %s)", s, strings.Join(allScenarios, ","))
		}
		o.scenarios[s] = true
	}
	if o.reps < 1 {
		return nil, fmt.Errorf("-reps %d: want at least 1", o.reps)
	}
	var err error
	if o.letterbox, err = filepath.Abs(o.letterbox); err != nil {
		return nil, err
	}
	return o, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// run measures the chosen scenarios and writes the report.
func run(ctx context.Context, o *options) error {
	if o.work == "" {
		dir, err := os.MkdirTemp("", "letterbox-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		o.work = dir
	}
	start := time.Now()
	rep := newReport(start, o.reps)
	rep.runSecs = o.runSecs
	rep.machine = describeMachine(ctx, o)
	steps := []struct {
		name string
		fn   func(context.Context, *options, *report) error
	}{
		{"micro", runMicro}, {"ingest", runIngest}, {"dirty", runDirty}, {"big", runBig}, {"idle", runIdle},
		{"client", runClient}, {"store", runStore}, {"app", runApp},
	}
	for _, s := range steps {
		if !o.scenarios[s.name] {
			continue
		}
		t := time.Now()
		o.log.WithField("scenario", s.name).Info("starting")
		if err := s.fn(ctx, o, rep); err != nil {
			rep.failures = append(rep.failures, fmt.Sprintf("%s: %v", s.name, err))
			o.log.WithField("scenario", s.name).WithError(err).Error("scenario failed")
			if ctx.Err() != nil {
				break
			}
		}
		o.log.WithFields(logrus.Fields{"scenario": s.name, "secs": time.Since(t).Round(time.Second)}).Info("done")
	}
	rep.elapsed = time.Since(start)
	rep.machine.loadEnd = loadAvg()
	rep.printTerminal(os.Stdout)
	if o.out != "" {
		if err := os.WriteFile(o.out, []byte(rep.markdown(o)), 0o644); err != nil {
			return err
		}
		o.log.WithField("file", o.out).Info("report written")
	}
	if len(rep.failures) > 0 {
		return fmt.Errorf("%d scenario failure(s): %s", len(rep.failures), strings.Join(rep.failures, "; "))
	}
	return nil
}
