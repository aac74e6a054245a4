package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/sirupsen/logrus"
)

// appResult holds scenario 7: the desktop app's start and inbox timings.
type appResult struct {
	skipped     string    // why the start-up timing did not run; "" when it did
	startup     []float64 // seconds from exec to a visible "Letterbox" window
	startupCmd  string
	benchCmd    string
	open, show  []float64 // seconds per op: 100,000-message inbox open, message select
	html        []float64 // seconds per op: a 1 MB HTML newsletter drawn whole in the HTML view (issue 10)
	htmlFirst   []float64 // seconds until its first screen is drawn
	htmlMetrics string    // its own figures (first screen, UI goroutine, CPU), as the benchmark printed them
	openN       int
	benchOutput []microLine

	// The click-during-arrivals scenario on the real window (issue 9).
	clickCmd                     string
	clickP50, clickP95, clickMax float64 // ms, click until the view shows the message
	clickAppP50, clickAppP95     float64 // ms, the app's part: list selection until the view is filled
	clickArrived, clickN         int
	clickUnanswered              int // clicks that changed nothing within 5 s
	clickSkipped                 string
}

// appBenchArgs runs the app package's inbox benchmarks (app/inbox_bench_test.go)
// on Fyne's software test driver.
var appBenchArgs = []string{"go", "test", "-run", "^$", "-bench", "^(BenchmarkInboxOpen100k|BenchmarkMessageShow|BenchmarkHTMLNewsletter1MB)$",
	"-benchtime", "5x", "-count", "1", "./app/"}

// runApp is scenario 7: the time from starting bin/letterbox under Xvfb until
// its window is visible (xdotool), -reps times; then the app's benchmarks for
// opening a 100,000-message inbox and selecting a message.
func runApp(ctx context.Context, o *options, rep *report) error {
	res := &rep.app
	res.openN = 100000
	if err := appStartup(ctx, o, res); err != nil {
		return err
	}
	if err := appBench(ctx, res); err != nil {
		return err
	}
	return appClicks(ctx, o, res)
}

// appClickArgs runs the real-window benchmark: Inbox row clicks timed while
// 2,000 messages arrive (app/realwindow_bench_test.go), under a private Xvfb.
var appClickArgs = []string{"scripts/realwindow.sh", "-run", "^$", "-bench", "^BenchmarkRealClickDuringArrivals$", "-benchtime", "40x"}

// clickLine matches the benchmark's line; clickMetric its "value unit" pairs.
var (
	clickLine   = regexp.MustCompile(`^BenchmarkRealClickDuringArrivals\S*\s+(\d+)\s+\S+ ns/op(.*)$`)
	clickMetric = regexp.MustCompile(`([\d.]+) (app-p50-ms|app-p95-ms|p50-ms|p95-ms|max-ms|arrived|unanswered)`)
)

// appClicks times clicks on Inbox rows in the real window while mail
// arrives live.
func appClicks(ctx context.Context, o *options, res *appResult) error {
	if tool := missingTool("Xvfb", "xdotool"); tool != "" {
		res.clickSkipped = tool + " is not installed (make deps)"
		o.log.Warn("app clicks: " + res.clickSkipped + "; skipped")
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 6*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, appClickArgs[0], appClickArgs[1:]...)
	cmd.Env = append(cmd.Environ(), "LANG=en_US.UTF-8", "REALWINDOW_RACE=0")
	res.clickCmd = "REALWINDOW_RACE=0 " + strings.Join(appClickArgs, " ")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w: %s", res.clickCmd, err, tail2(string(out)))
	}
	for _, line := range strings.Split(string(out), "\n") {
		m := clickLine.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			continue
		}
		fmt.Sscan(m[1], &res.clickN)
		for _, mm := range clickMetric.FindAllStringSubmatch(m[2], -1) {
			switch mm[2] {
			case "p50-ms":
				fmt.Sscan(mm[1], &res.clickP50)
			case "p95-ms":
				fmt.Sscan(mm[1], &res.clickP95)
			case "max-ms":
				fmt.Sscan(mm[1], &res.clickMax)
			case "app-p50-ms":
				fmt.Sscan(mm[1], &res.clickAppP50)
			case "app-p95-ms":
				fmt.Sscan(mm[1], &res.clickAppP95)
			case "arrived":
				fmt.Sscan(mm[1], &res.clickArrived)
			case "unanswered":
				fmt.Sscan(mm[1], &res.clickUnanswered)
			}
		}
		o.log.WithFields(logrus.Fields{"p50_ms": res.clickP50, "p95_ms": res.clickP95, "max_ms": res.clickMax,
			"arrived": res.clickArrived}).Info("app clicks during arrivals")
		return nil
	}
	return fmt.Errorf("no BenchmarkRealClickDuringArrivals line in: %s", tail2(string(out)))
}

func appStartup(ctx context.Context, o *options, res *appResult) error {
	if tool := missingTool("Xvfb", "xdotool"); tool != "" {
		res.skipped = tool + " is not installed (make deps)"
		o.log.Warn("app start-up: " + res.skipped + "; skipped")
		return nil
	}
	if _, err := os.Stat(o.letterbox); err != nil {
		res.skipped = o.letterbox + " is missing (make build)"
		return nil
	}
	display, stop, err := startXvfb(ctx, o)
	if err != nil {
		return err
	}
	defer stop()
	res.startupCmd = fmt.Sprintf("Xvfb %s -screen 0 1280x800x24 -nolisten tcp; DISPLAY=%s LANG=en_US.UTF-8 "+
		"XDG_RUNTIME_DIR=<0700 temp dir> LETTERBOX_STORE=<empty temp store> %s; "+
		"until xdotool search --onlyvisible --name '^Letterbox'", display, display, o.letterbox)
	for r := 0; r < o.reps; r++ {
		secs, err := appStartOnce(ctx, o, display)
		if err != nil {
			return fmt.Errorf("app start-up: %w", err)
		}
		res.startup = append(res.startup, secs)
		o.log.WithFields(logrus.Fields{"round": r + 1, "secs": fmt.Sprintf("%.3f", secs)}).Info("app start-up")
	}
	return nil
}

// missingTool returns the first of tools that is not on PATH, or "".
func missingTool(tools ...string) string {
	for _, t := range tools {
		if _, err := exec.LookPath(t); err != nil {
			return t
		}
	}
	return ""
}

// startXvfb runs Xvfb on the first free display from :91 and waits for its
// socket.
func startXvfb(ctx context.Context, o *options) (string, func(), error) {
	for n := 91; n < 120; n++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
			continue
		}
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n)); err == nil {
			continue
		}
		display := fmt.Sprintf(":%d", n)
		cmd := exec.CommandContext(ctx, "Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp")
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := cmd.Start(); err != nil {
			return "", nil, fmt.Errorf("starting Xvfb: %w", err)
		}
		stop := func() {
			_ = cmd.Process.Signal(syscall.SIGTERM)
			_ = cmd.Wait()
		}
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
				return display, stop, nil
			}
			time.Sleep(20 * time.Millisecond)
		}
		stop()
		return "", nil, fmt.Errorf("xvfb on %s did not come up in 10 s", display)
	}
	return "", nil, errors.New("no free X display between :91 and :119")
}

// appStartOnce starts the app with an empty store and returns the seconds
// until xdotool finds its window visible (20 s at most).
func appStartOnce(ctx context.Context, o *options, display string) (float64, error) {
	dir, err := os.MkdirTemp(o.work, "app-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	rt := filepath.Join(dir, "runtime")
	if err := os.Mkdir(rt, 0o700); err != nil {
		return 0, err
	}
	lf, err := os.Create(filepath.Join(dir, "app.log"))
	if err != nil {
		return 0, err
	}
	defer lf.Close()
	cmd := exec.Command(o.letterbox)
	cmd.Env = append(os.Environ(), "DISPLAY="+display, "LANG=en_US.UTF-8", "XDG_RUNTIME_DIR="+rt,
		"LETTERBOX_STORE="+filepath.Join(dir, "mail"))
	cmd.Stdout, cmd.Stderr = lf, lf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("starting %s: %w", o.letterbox, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	defer func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
	}()
	deadline := start.Add(20 * time.Second)
	for time.Now().Before(deadline) {
		find := exec.CommandContext(ctx, "xdotool", "search", "--onlyvisible", "--name", "^Letterbox")
		find.Env = append(os.Environ(), "DISPLAY="+display)
		if out, err := find.Output(); err == nil && strings.TrimSpace(string(out)) != "" {
			return time.Since(start).Seconds(), nil
		}
		select {
		case <-exited:
			return 0, fmt.Errorf("the app exited before its window appeared: %s", tail(lf.Name(), 400))
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
	return 0, fmt.Errorf("no visible Letterbox window after 20 s: %s", tail(lf.Name(), 400))
}

// appBench runs the app's inbox benchmarks once (each op timed 5 times).
func appBench(ctx context.Context, res *appResult) error {
	ctx, cancel := context.WithTimeout(ctx, 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, appBenchArgs[0], appBenchArgs[1:]...)
	cmd.Env = append(cmd.Environ(), "CGO_ENABLED=0", "LANG=en_US.UTF-8")
	res.benchCmd = "CGO_ENABLED=0 go test -run '^$' -bench '" + appBenchArgs[5] + "' " + strings.Join(appBenchArgs[6:], " ")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w: %s", res.benchCmd, err, tail2(string(out)))
	}
	for _, line := range strings.Split(string(out), "\n") {
		m := benchLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		var ns float64
		fmt.Sscan(m[2], &ns)
		res.benchOutput = append(res.benchOutput, microLine{pkg: "./app/", name: m[1], nsOp: ns})
		switch {
		case strings.HasPrefix(m[1], "BenchmarkInboxOpen100k"):
			res.open = append(res.open, ns/1e9)
		case strings.HasPrefix(m[1], "BenchmarkMessageShow"):
			res.show = append(res.show, ns/1e9)
		case strings.HasPrefix(m[1], "BenchmarkHTMLNewsletter1MB"):
			res.html = append(res.html, ns/1e9)
			res.htmlMetrics = strings.Join(htmlMetric.FindAllString(line, -1), ", ")
			if f := htmlFirstMs.FindStringSubmatch(line); f != nil {
				var first float64
				fmt.Sscan(f[1], &first)
				res.htmlFirst = append(res.htmlFirst, first/1000)
			}
		}
	}
	if len(res.open) == 0 || len(res.show) == 0 {
		return fmt.Errorf("no app benchmark lines in: %s", tail2(string(out)))
	}
	return nil
}

// htmlMetric picks the HTML benchmark's own figures out of its line.
var (
	htmlMetric  = regexp.MustCompile(`[\d.]+ (first-ms|ui-ms|cpu-ms)`)
	htmlFirstMs = regexp.MustCompile(`([\d.]+) first-ms`)
)

// appTargets are issue 4's (and issue 10's) performance goals for the desktop app.
func (r *report) appTargets() []target {
	a := r.app
	startup := median(a.startup)
	open, show, htmlAll, htmlFirst := median(a.open), median(a.show), median(a.html), median(a.htmlFirst)
	return []target{
		{"App: a 1 MB HTML newsletter rendered in the view < 200 ms: its first screen", ms(htmlFirst), htmlFirst < 0.2, len(a.htmlFirst) > 0},
		{"App: a 1 MB HTML newsletter rendered in the view < 200 ms: all of it laid out (" + a.htmlMetrics + ")",
			ms(htmlAll), htmlAll < 0.2, len(a.html) > 0},
		{"App: window visible < 1 s after start (Xvfb)", ms(startup), startup < 1, len(a.startup) > 0},
		{"App: inbox over a 100,000-message store built and drawn < 1 s", ms(open), open < 1, len(a.open) > 0},
		{"App: selecting a message shows it < 100 ms", ms(show), show < 0.1, len(a.show) > 0},
		{"App: a click on a row while 2,000 messages arrive is answered < 100 ms (p95, real window)",
			fmt.Sprintf("%.1f ms (%d of %d clicks not answered in 5 s)", a.clickP95, a.clickUnanswered, a.clickN), a.clickP95 < 100 && a.clickUnanswered == 0, a.clickN > 0},
	}
}

func (r *report) mdApp(w writef) {
	a := r.app
	w("## 7. Desktop app\n\n")
	switch {
	case a.skipped != "":
		w("Start-up not measured: %s.\n\n", a.skipped)
	case len(a.startup) > 0:
		w("```\n%s\n```\n\n", a.startupCmd)
		w("| | median | min | max |\n|---|---|---|---|\n")
		w("| start until the window is visible | %s | %s | %s |\n\n", ms(median(a.startup)), ms(minOf(a.startup)), ms(maxOf(a.startup)))
	}
	switch {
	case a.clickSkipped != "":
		w("Clicks during arrivals not measured: %s.\n\n", a.clickSkipped)
	case a.clickN > 0:
		w("Clicks on Inbox rows in the real window (GLFW under Xvfb, xdotool) while messages arrive live, "+
			"timed from the click to the message shown:\n\n```\n%s\n```\n\n", a.clickCmd)
		w("| clicks | not answered in 5 s | arrived meanwhile | median | 95th percentile | worst | app's part, median | app's part, 95th |\n|---|---|---|---|---|---|---|---|\n")
		w("| %d | %d | %d | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f ms |\n\n", a.clickN, a.clickUnanswered, a.clickArrived, a.clickP50, a.clickP95, a.clickMax, a.clickAppP50, a.clickAppP95)
		w("The app's part runs from the list asking the message view to show a message until the view is filled, on " +
			"Fyne's goroutine. The rest is X input and drawing: Xvfb has no GPU, so every frame is drawn by Mesa's " +
			"software renderer (llvmpipe), which a CPU profile of the idle run shows as most of the time.\n\n")
	}
	if len(a.benchOutput) > 0 {
		w("Inbox benchmarks (app/inbox_bench_test.go, Fyne's software test driver, no display):\n\n```\n%s\n```\n\n", a.benchCmd)
		w("| Benchmark | time per op |\n|---|---|\n")
		for _, m := range a.benchOutput {
			w("| %s | %s |\n", m.name, ms(m.nsOp/1e9))
		}
		w("\n")
	}
}
