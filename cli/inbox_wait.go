package cli

import (
	"sort"
	"time"

	"letterbox/server/store"
)

// pollInterval is how often wait looks at the store when no file-system
// event came (a missed inotify event, a file system without them).
const pollInterval = time.Second

// inboxWait runs `letterbox inbox wait`: it returns as soon as --count
// messages that match the filters have arrived after it started (or within
// --since), printing them in arrival order, or fails with ExitNotFound when
// --timeout passes first.
//
// It sees new mail at once through the store's events (its watcher follows
// new/ and cur/); it also refreshes once a second in case the store cannot
// watch.
func inboxWait(dir string, args []string, env Env) error {
	fs := newFlagSet("letterbox inbox", "letterbox inbox [--store DIR] wait [flags]", env.Stderr)
	var f filter
	addFilterFlags(fs, &f)
	count := fs.Int("count", 1, "how many matching messages to wait for")
	timeout := fs.Duration("timeout", 30*time.Second, "how long to wait before giving up (exit code 3)")
	asJSON := fs.Bool("json", false, "print a JSON array, as list --json does")
	if err := parseFilterFlags(fs, &f, args); err != nil {
		return err
	}
	if *count < 1 || *timeout <= 0 {
		return fail(ExitUsage, "--count and --timeout must be positive")
	}
	st, err := openStore(dir, true)
	if err != nil {
		return err
	}
	defer st.Close()
	w := newWaiter(st, f, time.Now())
	sums, err := w.run(*count, *timeout)
	if err != nil {
		return err
	}
	return writeList(env.Stdout, st, sums, *asJSON)
}

// waiter counts the messages that arrive after it starts.
type waiter struct {
	st       *store.Store
	f        filter
	baseline map[string]bool // ids that do not count
}

// newWaiter notes what the store holds at start: those messages do not
// count, except the ones received within --since.
func newWaiter(st *store.Store, f filter, start time.Time) *waiter {
	w := &waiter{st: st, f: f, baseline: map[string]bool{}}
	sums, _, _ := st.List(store.Query{})
	for _, s := range sums {
		if f.since <= 0 || s.Received.Before(start.Add(-f.since)) {
			w.baseline[s.ID] = true
		}
	}
	w.f.since = 0 // applied through the baseline
	return w
}

// run waits for count matches or the timeout. The store's own watcher
// (server/store/watch.go) refreshes the index when another process delivers
// and publishes Added; wait wakes on any event and lists again. The poll
// covers a store that cannot watch (it refreshes, which publishes too).
func (w *waiter) run(count int, timeout time.Duration) ([]store.Summary, error) {
	events, cancel := w.st.Subscribe(16)
	defer cancel()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	for {
		found, err := w.matches()
		if err != nil {
			return nil, err
		}
		if len(found) >= count {
			return found[:count], nil
		}
		select {
		case <-events:
		case <-tick.C:
			if err := w.st.Refresh(); err != nil {
				return nil, fail(ExitStore, "%v", err)
			}
		case <-deadline.C:
			return nil, fail(ExitNotFound, "timed out after %s: %d of %d matching message(s) arrived", timeout, len(found), count)
		}
	}
}

// matches returns the matching new messages the index holds, oldest first.
func (w *waiter) matches() ([]store.Summary, error) {
	sums, _, err := w.st.List(w.f.query())
	if err != nil {
		return nil, fail(ExitStore, "%v", err)
	}
	var out []store.Summary
	for _, s := range sums {
		if !w.baseline[s.ID] && w.f.match(s, time.Now()) {
			out = append(out, s)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Received.Before(out[j].Received) })
	return out, nil
}
