package server

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/sirupsen/logrus"

	"letterbox/server/sasl"
	"letterbox/server/store"
	"letterbox/smtpcore"
)

// ErrServerClosed is returned by Serve after Shutdown.
var ErrServerClosed = errors.New("server: closed")

// delivery is what a session needs of a message being stored; *store.Delivery
// has it. It is an interface so that tests can make the store fail.
type delivery interface {
	io.Writer
	ID() string
	Size() int64
	Commit(store.Record) (store.Summary, error)
	Abort() error
}

// Server is an SMTP server (RFC 5321) that keeps every message it accepts in a
// store and relays nothing. Its methods are safe for concurrent use; each
// session runs on its own goroutine.
type Server struct {
	cfg         Config
	log         logrus.FieldLogger
	create      func() (delivery, error)
	storeDir    string
	tlsConfig   *tls.Config // nil when TLS is off
	fingerprint string
	auth        sasl.Authenticator // nil when AUTH is off
	slots       checkSlots         // one credential check at a time per client address
	quit        chan struct{}      // closed when Shutdown begins
	loops       sync.WaitGroup     // accept loops (serve) running
	// backoffMin and backoffMax bound the pause after a failed Accept
	// (5 ms doubling to 1 s, as net/http); tests lengthen them.
	backoffMin, backoffMax time.Duration
	// abandonAfter is how long Shutdown waits, after ctx ends, for the
	// interrupted sessions to say 421 and go: 2×goodbyeTimeout.
	abandonAfter time.Duration
	bufs         sync.Pool // *[]byte copy buffers for DATA and BDAT
	readers      sync.Pool // *bufio.Reader of ended sessions
	writers      sync.Pool // *bufio.Writer of ended sessions

	mu         sync.Mutex
	listeners  map[net.Listener]struct{}
	sessions   map[*session]struct{}
	perIP      map[string]int
	addr       net.Addr
	tlsAddr    net.Addr
	warnings   []string
	closing    bool
	done       chan struct{} // closed when closing and no session is left
	doneClosed bool

	// hook, when set by a test, runs before each command is handled.
	hook func(smtpcore.Command)
}

// New returns a server that stores mail in st. It loads or creates the TLS
// certificate and the AUTH credentials, so a bad setting fails here. It does
// not listen yet: call Start, Serve or ServeConn.
func New(cfg Config, st *store.Store) (*Server, error) {
	if st == nil {
		return nil, errors.New("server: New needs a store")
	}
	cfg = cfg.withDefaults()
	s := &Server{
		cfg:       cfg,
		log:       cfg.Logger,
		storeDir:  st.Dir(),
		listeners: map[net.Listener]struct{}{},
		sessions:  map[*session]struct{}{},
		perIP:     map[string]int{},
		done:      make(chan struct{}),
		quit:      make(chan struct{}),

		backoffMin: 5 * time.Millisecond,
		backoffMax: time.Second,

		abandonAfter: 2 * goodbyeTimeout,
	}
	s.create = func() (delivery, error) {
		d, err := st.Create()
		if err != nil {
			return nil, err
		}
		return d, nil
	}
	s.bufs.New = func() any { b := make([]byte, 32<<10); return &b }
	if err := s.setupTLS(); err != nil {
		return nil, err
	}
	if err := s.setupAuth(); err != nil {
		return nil, err
	}
	if cfg.RequireAuth && s.auth == nil {
		return nil, errors.New("server: RequireAuth needs AUTH (Auth is off)")
	}
	return s, nil
}

// Start binds Listen (and TLSListen when set) now, so that an address already in
// use is reported here, and serves each listener on a background goroutine
// until Shutdown.
func (s *Server) Start() error {
	l, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("server: listen on %s: %w", s.cfg.Listen, err)
	}
	var tl net.Listener
	if s.cfg.TLSListen != "" {
		if s.tlsConfig == nil {
			l.Close()
			return errors.New("server: an implicit-TLS listener needs TLS, which is off")
		}
		if tl, err = net.Listen("tcp", s.cfg.TLSListen); err != nil {
			l.Close()
			return fmt.Errorf("server: listen on %s: %w", s.cfg.TLSListen, err)
		}
	}
	s.mu.Lock()
	s.addr = l.Addr()
	s.warnings = append(s.warnings, exposureWarnings(l.Addr(), s.cfg)...)
	if tl != nil {
		s.tlsAddr = tl.Addr()
		s.warnings = append(s.warnings, exposureWarnings(tl.Addr(), s.cfg)...)
	}
	s.mu.Unlock()
	go s.serveInBackground(l, false)
	if tl != nil {
		go s.serveInBackground(tl, true)
	}
	return nil
}

func (s *Server) serveInBackground(l net.Listener, implicitTLS bool) {
	if err := s.serve(l, implicitTLS); err != nil && !errors.Is(err, ErrServerClosed) {
		s.log.WithError(err).WithField("listen", l.Addr().String()).Error("listener stopped")
	}
}

// Serve accepts connections on l and serves each on its own goroutine. It
// blocks until l fails or Shutdown is called, and then returns ErrServerClosed.
// Serve closes l when it returns.
func (s *Server) Serve(l net.Listener) error { return s.serve(l, false) }

func (s *Server) serve(l net.Listener, implicitTLS bool) error {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		l.Close()
		return ErrServerClosed
	}
	s.listeners[l] = struct{}{}
	s.loops.Add(1)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.listeners, l)
		s.mu.Unlock()
		l.Close()
		s.loops.Done()
	}()
	var backoff time.Duration
	for {
		c, err := l.Accept()
		if err != nil {
			if s.isClosing() {
				return ErrServerClosed
			}
			if errors.Is(err, net.ErrClosed) {
				return fmt.Errorf("server: accept: %w", err)
			}
			// EMFILE and friends: wait a little and try again, as net/http
			// does; Shutdown ends the wait at once.
			backoff = min(max(2*backoff, s.backoffMin), s.backoffMax)
			s.log.WithError(err).Warnf("accept failed; retrying in %v", backoff)
			if !s.pause(backoff) {
				return ErrServerClosed
			}
			continue
		}
		backoff = 0
		go s.handle(c, implicitTLS)
	}
}

// pause waits for d and reports true, or false as soon as Shutdown begins.
func (s *Server) pause(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.quit:
		return false
	}
}

// ServeConn runs one SMTP session on c and returns when it ends; c is closed
// then. It counts against the connection limits like an accepted connection.
func (s *Server) ServeConn(c net.Conn) { s.handle(c, false) }

// handle admits c under the connection limits and runs its session.
func (s *Server) handle(c net.Conn, implicitTLS bool) {
	sess := newSession(s, c)
	defer s.recycle(sess)
	if reply := s.admit(sess); reply != nil {
		if implicitTLS { // a plaintext reply would be garbage to a TLS client
			sess.log.WithField("reply", reply.Error()).Warn("connection refused")
			c.Close()
			return
		}
		sess.reject(reply)
		return
	}
	defer s.release(sess)
	sess.serve(implicitTLS)
}

// recycle keeps the buffers of an ended session for the next one: a new
// connection per message is how most clients send, and 12 KB of fresh
// buffers per connection kept the garbage collector busy. Nothing uses sess
// afterwards.
func (s *Server) recycle(sess *session) {
	sess.r.Reset(nil)
	sess.w.Reset(nil)
	s.readers.Put(sess.r)
	s.writers.Put(sess.w)
	sess.r, sess.w = nil, nil
}

// reader returns a buffered reader of c, a recycled one when there is one.
func (s *Server) reader(c net.Conn) *bufio.Reader {
	if r, ok := s.readers.Get().(*bufio.Reader); ok {
		r.Reset(c)
		return r
	}
	return bufio.NewReaderSize(c, readBufferSize)
}

// writer returns a buffered writer to c, a recycled one when there is one.
func (s *Server) writer(c net.Conn) *bufio.Writer {
	if w, ok := s.writers.Get().(*bufio.Writer); ok {
		w.Reset(c)
		return w
	}
	return bufio.NewWriterSize(c, writeBufferSize)
}

// admit registers sess, or returns the reply that turns it away.
func (s *Server) admit(sess *session) *smtpcore.Reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closing:
		return smtpcore.NewReply(421, "4.3.2", "%s Service shutting down, try again later", s.cfg.Hostname)
	case len(s.sessions) >= s.cfg.MaxConnections:
		return smtpcore.NewReply(421, "4.3.2", "%s Too many connections, try again later", s.cfg.Hostname)
	case s.perIP[sess.remoteIP] >= s.cfg.MaxConnectionsPerIP && s.limitsAddress(sess.remoteIP):
		return smtpcore.NewReply(421, "4.3.2", "%s Too many connections from your address, try again later", s.cfg.Hostname)
	}
	s.sessions[sess] = struct{}{}
	s.perIP[sess.remoteIP]++
	return nil
}

// limitsAddress reports whether MaxConnectionsPerIP applies to clients from
// ip: every address but loopback, unless LimitLoopback.
func (s *Server) limitsAddress(ip string) bool {
	addr := net.ParseIP(ip)
	return s.cfg.LimitLoopback || addr == nil || !addr.IsLoopback()
}

// release frees sess's connection slot. It may be called more than once.
func (s *Server) release(sess *session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sess.released {
		return
	}
	sess.released = true
	delete(s.sessions, sess)
	if s.perIP[sess.remoteIP]--; s.perIP[sess.remoteIP] <= 0 {
		delete(s.perIP, sess.remoteIP)
	}
	s.maybeDone()
}

// maybeDone closes s.done once shutting down and idle. s.mu must be held.
func (s *Server) maybeDone() {
	if s.closing && len(s.sessions) == 0 && !s.doneClosed {
		s.doneClosed = true
		close(s.done)
	}
}

func (s *Server) isClosing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closing
}

// Addr returns the address of the plain listener, nil before Start.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

// TLSAddr returns the address of the implicit-TLS listener, nil before Start
// or when there is none.
func (s *Server) TLSAddr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tlsAddr
}

// Fingerprint returns the SHA-256 fingerprint of the TLS certificate as
// colon-separated hex, or "" when TLS is off.
func (s *Server) Fingerprint() string { return s.fingerprint }

// Warnings returns notes for the user about exposure, such as a listener on a
// non-loopback address. It is complete once Start has returned.
func (s *Server) Warnings() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.warnings...)
}

// Shutdown stops accepting connections, waits for the accept loops it
// started (Start, Serve) to return, and closes idle sessions with 421 4.3.2;
// a session in the middle of a mail transaction may finish it. Waits that
// only slow a client down (the pause before a failed AUTH is answered, the
// back-off after a failed Accept, a queue for a credential check) end at
// once. When ctx ends first, the remaining sessions get 421 4.3.2 and are
// closed; Shutdown then returns a *ShutdownError that wraps ctx.Err() and
// counts the sessions closed that way and those it had to abandon (still
// running after 2×goodbyeTimeout, for example blocked in the store). A
// shut-down server cannot start again. It is safe to call more than once.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	if !s.closing {
		s.closing = true
		close(s.quit)
	}
	for l := range s.listeners {
		l.Close()
	}
	sessions := s.sessionList()
	s.maybeDone()
	s.mu.Unlock()
	loops := make(chan struct{})
	go func() { s.loops.Wait(); close(loops) }()
	for _, sess := range sessions {
		sess.interruptIfIdle()
	}
	select {
	case <-loops:
	case <-ctx.Done():
	}
	select {
	case <-s.done:
		return nil
	case <-ctx.Done():
	}
	s.mu.Lock()
	sessions = s.sessionList()
	s.mu.Unlock()
	for _, sess := range sessions {
		sess.interrupt()
	}
	t := time.NewTimer(s.abandonAfter) // each session says 421 and closes within goodbyeTimeout
	defer t.Stop()
	select {
	case <-s.done:
	case <-t.C:
	}
	s.mu.Lock()
	abandoned := len(s.sessions)
	s.mu.Unlock()
	err := &ShutdownError{Closed: len(sessions) - abandoned, Abandoned: abandoned, Err: ctx.Err()}
	if abandoned > 0 {
		s.log.WithFields(logrus.Fields{"closed": err.Closed, "abandoned": abandoned}).
			Warn("shutdown: sessions that did not end after 421 were abandoned")
	}
	return err
}

// ShutdownError is what Shutdown returns when its context ended before every
// session did. errors.Is(err, context.DeadlineExceeded) holds for a timeout.
type ShutdownError struct {
	Closed    int   // sessions interrupted: told 421 4.3.2 and closed
	Abandoned int   // sessions still running when Shutdown returned
	Err       error // ctx.Err()
}

func (e *ShutdownError) Error() string {
	msg := fmt.Sprintf("server: shutdown: %v: closed %d sessions with 421", e.Err, e.Closed)
	if e.Abandoned > 0 {
		msg += fmt.Sprintf(", abandoned %d that did not end", e.Abandoned)
	}
	return msg
}

func (e *ShutdownError) Unwrap() error { return e.Err }

// sessionList returns the current sessions; s.mu must be held.
func (s *Server) sessionList() []*session {
	list := make([]*session, 0, len(s.sessions))
	for sess := range s.sessions {
		list = append(list, sess)
	}
	return list
}

// exposureWarnings explains what listening on addr exposes.
func exposureWarnings(addr net.Addr, cfg Config) []string {
	ta, ok := addr.(*net.TCPAddr)
	if !ok || ta.IP.IsLoopback() {
		return nil
	}
	w := []string{fmt.Sprintf("listening on a non-loopback address %s: other machines can deliver mail here", addr)}
	if cfg.Auth == "any" {
		w = append(w, fmt.Sprintf("AUTH on %s accepts any name and password", addr))
	}
	if cfg.AllowInsecureAuth && cfg.Auth != "off" {
		w = append(w, fmt.Sprintf("passwords may cross the network unencrypted on %s (insecure AUTH allowed)", addr))
	}
	return w
}
