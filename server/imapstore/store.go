package imapstore

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/sirupsen/logrus"

	"letterbox/server/store"
)

// Security is how the connection is encrypted. There is no plain-text mode:
// the password is never sent in the clear.
type Security int

const (
	ImplicitTLS Security = iota // TLS from the first byte (RFC 8314 §3.2, port 993)
	StartTLS                    // STARTTLS upgrade (RFC 9051 §6.2.1, port 143)
)

// Config says where and how to connect.
type Config struct {
	Addr     string      // host:port
	Security Security    // ImplicitTLS or StartTLS
	TLS      *tls.Config // nil = system roots, ServerName from Addr
	Username string
	Password string
	Mailbox  string // "" = INBOX
	// MinBackoff and MaxBackoff bound the wait before the IDLE connection is
	// made again after it broke (0 = 500 ms and 30 s).
	MinBackoff, MaxBackoff time.Duration
	Log                    logrus.FieldLogger // nil = logrus.StandardLogger()
}

// Account is "user@host:port", as the app shows it.
func (c Config) Account() string { return c.Username + "@" + c.Addr }

// fetchChunk bounds how many summaries one UID FETCH asks for.
const fetchChunk = 500

// Store is a remote mailbox. Its methods are safe for concurrent use; they do
// network I/O (except Counts, Domains, Recipients and Subscribe, which read
// the cache) and must not run on a UI goroutine.
type Store struct {
	cfg Config
	log logrus.FieldLogger

	io sync.Mutex         // one command at a time on c
	c  *imapclient.Client // the command connection; redialled when closed

	mu       sync.Mutex // guards what follows
	validity uint32
	all      []imap.UID // every message, ascending, as of the last sync
	cache    map[imap.UID]store.Summary
	unseen   int
	gen      int // bumped on every change; invalidates the query cache
	lastQ    store.Query
	lastGen  int
	lastUIDs []imap.UID
	closed   bool

	hub  hub
	wake chan struct{}
	stop chan struct{}
	wg   sync.WaitGroup
}

// Dial connects, logs in, selects the mailbox, reads its UIDs and starts
// following it with IDLE on a second connection. Certificate failures come
// back as they are (smtpcore.UnverifiedLeaf finds the certificate in them).
func Dial(cfg Config) (*Store, error) {
	if cfg.Mailbox == "" {
		cfg.Mailbox = "INBOX"
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = 500 * time.Millisecond
	}
	if cfg.MaxBackoff < cfg.MinBackoff {
		cfg.MaxBackoff = max(30*time.Second, cfg.MinBackoff)
	}
	s := &Store{cfg: cfg, log: cfg.Log, cache: map[imap.UID]store.Summary{},
		wake: make(chan struct{}, 1), stop: make(chan struct{})}
	if s.log == nil {
		s.log = logrus.StandardLogger()
	}
	s.log = s.log.WithField("imap", cfg.Account())
	s.io.Lock()
	err := s.redial()
	if err == nil {
		err = s.syncLocked()
	}
	s.io.Unlock()
	if err != nil {
		s.closeConn()
		return nil, err
	}
	s.wg.Add(2)
	go s.syncLoop()
	go s.watch()
	return s, nil
}

// connect dials, logs in and selects the mailbox read-write.
func (s *Store) connect(h *imapclient.UnilateralDataHandler) (*imapclient.Client, *imap.SelectData, error) {
	tc := s.cfg.TLS
	if tc == nil {
		host, _, err := net.SplitHostPort(s.cfg.Addr)
		if err != nil {
			return nil, nil, err
		}
		tc = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	}
	opts := &imapclient.Options{TLSConfig: tc.Clone(), UnilateralDataHandler: h, WordDecoder: wordDecoder,
		Dialer: &net.Dialer{Timeout: 15 * time.Second}}
	var c *imapclient.Client
	var err error
	if s.cfg.Security == StartTLS {
		c, err = imapclient.DialStartTLS(s.cfg.Addr, opts)
	} else {
		c, err = imapclient.DialTLS(s.cfg.Addr, opts)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("imap: connect to %s: %w", s.cfg.Addr, err)
	}
	if err := c.Login(s.cfg.Username, s.cfg.Password).Wait(); err != nil {
		c.Close()
		return nil, nil, fmt.Errorf("imap: login as %s: %w", s.cfg.Username, err)
	}
	sel, err := c.Select(s.cfg.Mailbox, nil).Wait()
	if err != nil {
		c.Close()
		return nil, nil, fmt.Errorf("imap: select %s: %w", s.cfg.Mailbox, err)
	}
	return c, sel, nil
}

// redial makes the command connection. A new UIDVALIDITY (RFC 9051 §2.3.1.1:
// the old UIDs mean nothing now) empties the cache and sends a Resync.
// Call with s.io held.
func (s *Store) redial() error {
	if s.c != nil {
		s.c.Close()
		s.c = nil
	}
	c, sel, err := s.connect(nil)
	if err != nil {
		return err
	}
	s.c = c
	s.mu.Lock()
	changed := s.validity != 0 && s.validity != sel.UIDValidity
	s.validity = sel.UIDValidity
	if changed {
		s.cache = map[imap.UID]store.Summary{}
		s.all = nil
		s.gen++
	}
	s.mu.Unlock()
	if changed {
		s.log.WithField("uidvalidity", sel.UIDValidity).Info("imap: UIDVALIDITY changed; reloading")
		s.hub.publish(store.Event{Kind: store.Resync})
	}
	return nil
}

// client returns the command connection, made again if it was closed.
// Call with s.io held.
func (s *Store) client() (*imapclient.Client, error) {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return nil, fmt.Errorf("imap: %w", store.ErrClosed)
	}
	if s.c != nil {
		select {
		case <-s.c.Closed():
		default:
			return s.c, nil
		}
	}
	if err := s.redial(); err != nil {
		return nil, err
	}
	return s.c, nil
}

// Close logs out and stops following the mailbox; subscriptions end.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	close(s.stop)
	s.wg.Wait()
	s.closeConn()
	s.hub.close()
	return nil
}

func (s *Store) closeConn() {
	s.io.Lock()
	defer s.io.Unlock()
	if s.c != nil {
		s.c.Logout().Wait()
		s.c.Close()
		s.c = nil
	}
}

// errNotFound is what Get, Open and the others return for an unknown ID.
func errNotFound(id string) error {
	return fmt.Errorf("imap: message %q: %w", id, os.ErrNotExist)
}

// Record returns an error wrapping os.ErrNotExist: a message read over IMAP
// has no session record.
func (s *Store) Record(id string) (*store.Record, error) {
	return nil, fmt.Errorf("imap: message %q has no session record: %w", id, os.ErrNotExist)
}

// Counts returns the message and unread counts as of the last sync.
func (s *Store) Counts() (total, unread int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.all), s.unseen
}

// Domains returns the recipient domains (To and Cc) of the summaries fetched
// so far, sorted.
func (s *Store) Domains() []string {
	return s.recipients(func(addr string) (string, bool) {
		_, d, ok := cutDomain(addr)
		return d, ok
	})
}

// Recipients returns the recipient addresses of the summaries fetched so
// far, in domain (all when ""), sorted.
func (s *Store) Recipients(domain string) []string {
	return s.recipients(func(addr string) (string, bool) {
		_, d, ok := cutDomain(addr)
		return addr, ok && (domain == "" || d == domain)
	})
}

func (s *Store) recipients(key func(addr string) (string, bool)) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := map[string]bool{}
	for _, sum := range s.cache {
		for _, to := range sum.To {
			if k, ok := key(bareAddress(to)); ok {
				seen[k] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

var errNoUIDPlus = errors.New("imap: the server cannot expunge one message (no UIDPLUS, RFC 4315); nothing was deleted")
