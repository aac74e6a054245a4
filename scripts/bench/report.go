package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// report collects every measurement of a run.
type report struct {
	started  time.Time
	elapsed  time.Duration
	reps     int
	runSecs  float64 // target seconds of one ingest run
	machine  machine
	failures []string

	ingestRuns    map[ingestCase]map[string][]ingestRun
	ingestErrs    map[ingestCase]map[string][]string
	ingestCommand []string

	bigBytes   int64
	bigCommand []string
	big        map[string][]bigRun
	idle       map[string][]idleRun

	dirty      map[string]dirtyRun
	dirtyBytes int64

	clients      map[string][]clientRun
	clientOrder  []string
	swaksCommand []string

	attachBytes   int64
	attachCommand []string
	attach        []attachRun

	store storeResult
	app   appResult

	micro         []microLine
	microCommands []string
}

func newReport(start time.Time, reps int) *report {
	return &report{started: start, reps: reps,
		ingestRuns: map[ingestCase]map[string][]ingestRun{}, ingestErrs: map[ingestCase]map[string][]string{},
		big: map[string][]bigRun{}, idle: map[string][]idleRun{}, dirty: map[string]dirtyRun{}, clients: map[string][]clientRun{}}
}

func (r *report) fail(format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}

func (r *report) ingest(c ingestCase, server string, run ingestRun) {
	if r.ingestRuns[c] == nil {
		r.ingestRuns[c] = map[string][]ingestRun{}
	}
	r.ingestRuns[c][server] = append(r.ingestRuns[c][server], run)
}

func (r *report) ingestErr(c ingestCase, server string, err error) {
	if r.ingestErrs[c] == nil {
		r.ingestErrs[c] = map[string][]string{}
	}
	r.ingestErrs[c][server] = append(r.ingestErrs[c][server], err.Error())
	r.fail("ingest %s / %s: %v", c, server, err)
}

// ingestRate is the median msg/s of a case and server; 0 when none ran.
func (r *report) ingestRate(c ingestCase, server string) float64 {
	var rates []float64
	for _, run := range r.ingestRuns[c][server] {
		rates = append(rates, run.rate())
	}
	return median(rates)
}

func (r *report) bigMedian(server string) (secs float64, growth int64) {
	var s, g []float64
	for _, b := range r.big[server] {
		s, g = append(s, b.secs), append(g, float64(b.growth))
	}
	return median(s), int64(median(g))
}

func (r *report) idleMedian(server string) int64 {
	var v []float64
	for _, x := range r.idle[server] {
		v = append(v, float64(x.perConn))
	}
	return int64(median(v))
}

func (r *report) clientMedian(name string) float64 {
	var v []float64
	for _, x := range r.clients[name] {
		v = append(v, x.rate)
	}
	return median(v)
}

func (r *report) attachMedian() (secs float64, rss int64) {
	var s, m []float64
	for _, a := range r.attach {
		s, m = append(s, a.secs), append(m, float64(a.maxRSS))
	}
	return median(s), int64(median(m))
}

// printTerminal writes the medians and ratios as plain tables.
func (r *report) printTerminal(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if len(r.ingestRuns) > 0 {
		r.printIngest(tw)
	}
	fmt.Fprintln(w)
	for _, t := range r.targets() {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", t.name, t.measured, t.verdict())
	}
	tw.Flush()
	for _, f := range r.failures {
		fmt.Fprintln(w, "FAILED:", f)
	}
	fmt.Fprintf(w, "\nbench took %s\n", r.elapsed.Round(time.Second))
}

// printIngest writes scenario 1's medians and ratios.
func (r *report) printIngest(tw *tabwriter.Writer) {
	fmt.Fprintf(tw, "\nIngest (smtp-source, medians of %d runs)\tmsg/s\tvs Mailpit\tvs smtp-sink\n", r.reps)
	for _, c := range ingestCases {
		mp, sink := r.ingestRate(c, "Mailpit"), r.ingestRate(c, "smtp-sink")
		for _, s := range ingestServers() {
			v := r.ingestRate(c, s.name)
			fmt.Fprintf(tw, "  %s  %s\t%.0f\t%s\t%s\n", c, s.name, v, ratio(v, mp), ratio(v, sink))
		}
	}
	tw.Flush()
}

// target is one goal from the issue with what was measured.
type target struct {
	name, measured string
	met, known     bool // known: there was a measurement to judge
}

func (t target) verdict() string {
	switch {
	case !t.known:
		return "NOT MEASURED"
	case t.met:
		return "MET"
	}
	return "MISSED"
}

// targets judges every goal of the issue against this run.
func (r *report) targets() []target {
	c5, c100, one5 := ingestCase{20, 5120}, ingestCase{20, 102400}, ingestCase{1, 5120}
	lb5, mp5, sink5 := r.ingestRate(c5, "Letterbox"), r.ingestRate(c5, "Mailpit"), r.ingestRate(c5, "smtp-sink")
	pf5 := r.ingestRate(c5, "Postfix")
	lb100, mp100 := r.ingestRate(c100, "Letterbox"), r.ingestRate(c100, "Mailpit")
	_, growth := r.bigMedian("Letterbox")
	idle := r.idleMedian("Letterbox")
	lbc, gc := r.clientMedian(r.clientName(0)), r.clientMedian(r.clientName(1))
	_, attachRSS := r.attachMedian()
	st := r.store
	ts := []target{
		ratioTarget("Durable ingest ≥ 3× Mailpit (20 sessions × 5 KB)", lb5, mp5, 3),
		ratioTarget("Durable ingest ≥ 3× Postfix (20 sessions × 5 KB)", lb5, pf5, 3),
		ratioTarget("Durable ingest ≥ 50% of smtp-sink (20 sessions × 5 KB)", lb5, sink5, 0.5),
		ratioTarget("Durable ingest ≥ 1.5× Mailpit (1 session × 5 KB)", r.ingestRate(one5, "Letterbox"), r.ingestRate(one5, "Mailpit"), 1.5),
		ratioTarget("Durable ingest ≥ 8× Mailpit (20 sessions × 100 KB)", lb100, mp100, 8),
		r.dirtyTarget(),
		{"100 MB message: server memory growth < 32 MB", humanBytes(growth), growth < 32<<20, len(r.big["Letterbox"]) > 0},
		{"Idle connection < 64 KB", humanBytes(idle) + " per connection", idle < 64<<10, len(r.idle["Letterbox"]) > 0},
		ratioTarget("Client throughput ≥ Go's net/smtp (1,000 messages, one connection)", lbc, gc, 1),
		{humanBytes(r.attachBytes) + " attachment sent with < 64 MB peak memory", humanBytes(attachRSS) + " max RSS",
			attachRSS < 64<<20, len(r.attach) > 0},
	}
	ts = append(ts, r.storeTargets(st)...)
	return append(ts, r.appTargets()...)
}

func (r *report) storeTargets(st storeResult) []target {
	n := fmt.Sprintf("%d-message store", st.n)
	has := len(st.open) > 0
	secsTarget := func(name string, xs []float64, limit float64) target {
		v := median(xs)
		return target{n + ": " + name, ms(v), v < limit, has && len(xs) > 0}
	}
	return []target{
		secsTarget("opens (warm index) < 1 s", st.open, 1),
		secsTarget("rebuilds its index < 10 s", st.rebuild, 10),
		secsTarget("first page < 100 ms", st.firstPage, 0.1),
		secsTarget("subject search < 100 ms", st.subject, 0.1),
		secsTarget("body search < 1 s", st.body, 1),
	}
}

func ratioTarget(name string, got, base, want float64) target {
	return target{name: name, measured: fmt.Sprintf("%.0f vs %.0f msg/s = %s", got, base, ratio(got, base)),
		met: base > 0 && got/base >= want, known: got > 0 && base > 0}
}

func (r *report) clientName(i int) string {
	if i < len(r.clientOrder) {
		return r.clientOrder[i]
	}
	return ""
}

func cmdline(argv []string) string { return strings.Join(argv, " ") }
