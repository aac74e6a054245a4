package app

import (
	"sync"

	"fyne.io/fyne/v2"
)

// goAsync is the production async seam: it runs f on a new goroutine. Views take
// an async func(func()) so tests can pass one that runs f inline instead.
func goAsync(f func()) { go f() }

// orGo returns async, or goAsync when async is nil.
func orGo(async func(func())) func(func()) {
	if async == nil {
		return goAsync
	}
	return async
}

// coalescer runs a function on the Fyne goroutine at most once per burst: any
// number of Trigger calls from any goroutine before the queued run starts are
// served by that one run. It keeps a chatty producer (DATA progress, a server
// transcript) from flooding the UI queue.
type coalescer struct {
	mu      sync.Mutex
	pending bool
	run     func()
	ui      func(func()) // nil = fyne.Do; tests may queue the runs instead
}

// Trigger queues c.run with fyne.Do unless a run is already queued. Safe from
// any goroutine.
func (c *coalescer) Trigger() {
	c.mu.Lock()
	if c.pending {
		c.mu.Unlock()
		return
	}
	c.pending = true
	ui := c.ui
	c.mu.Unlock()
	if ui == nil {
		ui = fyne.Do
	}
	ui(func() {
		c.mu.Lock()
		c.pending = false
		c.mu.Unlock()
		c.run()
	})
}
