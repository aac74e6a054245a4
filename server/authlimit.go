package server

import (
	"os"
	"sync"
	"time"

	"letterbox/server/sasl"
)

// checkSlots lets one credential check run at a time per client address
// (issue 13 §8): a bcrypt comparison takes a core for tens of milliseconds,
// and without a bound 32 parallel guessers from one address kept 1.4 cores
// busy. Guessers from one address queue behind each other; other addresses
// are not held up.
type checkSlots struct {
	mu sync.Mutex
	m  map[string]*checkSlot
}

// checkSlot is the slot of one address: a semaphore of one, and the number
// of sessions holding it or waiting for it (the entry goes when that is 0).
type checkSlot struct {
	sem   chan struct{}
	users int
}

// acquire waits for ip's slot. It gives up with errShuttingDown when quit is
// closed and with os.ErrDeadlineExceeded after timeout, so that Shutdown
// and the command timeout still end a session that waits. On success the
// caller must call release once.
func (c *checkSlots) acquire(ip string, quit <-chan struct{}, timeout time.Duration) (release func(), err error) {
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]*checkSlot{}
	}
	sl := c.m[ip]
	if sl == nil {
		sl = &checkSlot{sem: make(chan struct{}, 1)}
		c.m[ip] = sl
	}
	sl.users++
	c.mu.Unlock()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case sl.sem <- struct{}{}:
		return func() { <-sl.sem; c.leave(ip, sl) }, nil
	case <-quit:
		err = errShuttingDown
	case <-timer.C:
		err = os.ErrDeadlineExceeded
	}
	c.leave(ip, sl)
	return nil, err
}

func (c *checkSlots) leave(ip string, sl *checkSlot) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if sl.users--; sl.users == 0 {
		delete(c.m, ip)
	}
}

// users returns how many sessions hold or wait for ip's slot (for tests).
func (c *checkSlots) users(ip string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if sl := c.m[ip]; sl != nil {
		return sl.users
	}
	return 0
}

// slottedAuth is a session's view of the server's Authenticator: every
// check first takes the session's address slot. When the slot cannot be had
// (shutdown, timeout) the check fails and err says why; the session then
// ends instead of answering 535.
type slottedAuth struct {
	sasl.Authenticator
	sess *session
	err  error
}

func (a *slottedAuth) take() (func(), bool) {
	release, err := a.sess.srv.slots.acquire(a.sess.remoteIP, a.sess.srv.quit, a.sess.cfg.CommandTimeout)
	if err != nil {
		a.err = err
		return nil, false
	}
	return release, true
}

func (a *slottedAuth) CheckPassword(user, pass string) bool {
	release, ok := a.take()
	if !ok {
		return false
	}
	defer release()
	return a.Authenticator.CheckPassword(user, pass)
}

func (a *slottedAuth) CheckCRAMMD5(user string, challenge, digest []byte) bool {
	release, ok := a.take()
	if !ok {
		return false
	}
	defer release()
	return a.Authenticator.CheckCRAMMD5(user, challenge, digest)
}
