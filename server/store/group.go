package store

import "sync"

// syncGroup shares one run of an expensive call (the fdatasyncs of a batch
// of files, an fsync of a directory) among the goroutines that need it at
// about the same time: group commit, as databases share one log flush among
// transactions and as MTAs share one directory sync among deliveries.
//
// The promise is the one a durable commit needs: the run a caller waits for
// starts after the caller joined. A caller that joins while a run is in
// progress does not share that run (it may have started before the caller's
// rename or write); it waits for the next one, which starts as soon as the
// current one ends and covers everyone who joined meanwhile. There is no
// timer: a lone caller runs at once, and batches grow only as long as the
// calls themselves take.
//
// A caller may hand the run files of its own (do's arguments): fn gets
// those of every caller it serves, so that one run can sync each of them.
type syncGroup struct {
	fn func(files []file) error // the shared call

	mu      sync.Mutex
	running bool     // a run is in progress
	next    *syncRun // the run that callers joining now will share
	runs    int      // runs finished, and
	served  int      // the callers they served, and
	largest int      // the most one run served: how well syncs are shared
}

// syncRun is one execution of the group's call and the callers it serves.
type syncRun struct {
	lead  chan struct{} // one token: the waiter who takes it performs the run
	done  chan struct{} // closed when the run has finished; err is set then
	err   error
	calls int    // callers served, for tests and logs
	files []file // the callers' files, for fn
}

// do returns once a run of g.fn that started after this call began, and
// was given files, has finished, with that run's error. It is safe for
// concurrent use.
func (g *syncGroup) do(files ...file) error {
	g.mu.Lock()
	r := g.next
	if r == nil {
		r = &syncRun{lead: make(chan struct{}, 1), done: make(chan struct{})}
		g.next = r
	}
	r.calls++
	r.files = append(r.files, files...)
	if !g.running { // nobody is syncing: this caller runs now, alone or with whoever joins first
		g.running = true
		g.next = nil
		g.mu.Unlock()
		return g.run(r)
	}
	g.mu.Unlock()
	select {
	case <-r.done:
		return r.err
	case <-r.lead:
		return g.run(r)
	}
}

// run performs r, then hands the group to the next run's callers, if any,
// by giving the lead token to exactly one of them.
func (g *syncGroup) run(r *syncRun) error {
	r.err = g.fn(r.files)
	r.files = nil
	close(r.done)
	g.mu.Lock()
	g.runs++
	g.served += r.calls
	g.largest = max(g.largest, r.calls)
	if n := g.next; n != nil {
		g.next = nil
		n.lead <- struct{}{} // running stays true: a waiter of n runs it
	} else {
		g.running = false
	}
	g.mu.Unlock()
	return r.err
}
