package server

import (
	"crypto/tls"
	"fmt"
	"net"
	"path/filepath"
	"time"

	"github.com/sirupsen/logrus"

	"letterbox/server/certs"
	"letterbox/server/store"
	"letterbox/smtpcore"
)

// TLSDir is where the self-signed certificate and key for the store in
// storeDir are kept: in the store's private directory beside the Maildir, never
// inside it, so whoever copies or shares the Maildir does not get the key.
func TLSDir(storeDir string) string { return filepath.Join(store.PrivateDir(storeDir), "tls") }

// setupTLS loads the configured certificate, or loads or creates the
// self-signed one, unless neither STARTTLS nor implicit TLS is wanted.
func (s *Server) setupTLS() error {
	if s.cfg.DisableSTARTTLS && s.cfg.TLSListen == "" {
		return nil
	}
	var (
		o   certs.Outcome
		err error
	)
	if s.cfg.TLSCert != "" || s.cfg.TLSKey != "" {
		if s.cfg.TLSCert == "" || s.cfg.TLSKey == "" {
			return fmt.Errorf("server: a TLS certificate needs both a certificate and a key file")
		}
		o.Cert, err = certs.Load(s.cfg.TLSCert, s.cfg.TLSKey)
	} else {
		o, err = certs.LoadOrCreateOutcome(TLSDir(s.storeDir), certHosts(s.cfg))
	}
	if err != nil {
		return fmt.Errorf("server: TLS certificate: %w", err)
	}
	s.tlsConfig = certs.ServerConfig(o.Cert)
	s.fingerprint = certs.Fingerprint(o.Cert)
	s.logCertificate(o)
	return nil
}

// logCertificate tells the user about a self-signed certificate that was
// made or replaced: its fingerprint is what clients pin or trust.
func (s *Server) logCertificate(o certs.Outcome) {
	log := s.log.WithFields(logrus.Fields{"dir": TLSDir(s.storeDir), "sha256": s.fingerprint})
	switch {
	case o.WasCA:
		// Issue 13 §2: whoever trusted the old CA certificate (--ca-file)
		// trusted anything its key signs; they must trust the new leaf instead.
		log.WithField("old_sha256", o.Replaced).
			Warn("replaced the self-signed TLS certificate, which was a CA, with a leaf certificate: clients that trusted or pinned the old one (old_sha256) must trust the new one (sha256)")
	case o.Replaced != "":
		log.WithFields(logrus.Fields{"old_sha256": o.Replaced, "reason": o.Reason}).
			Warn("replaced the self-signed TLS certificate: clients that pinned the old one must pin the new one")
	case o.Created:
		log.Info("created a self-signed TLS certificate")
	}
}

// certHosts names the server in a self-signed certificate: the configured
// host name and the listeners' addresses when they are specific.
func certHosts(cfg Config) []string {
	hosts := []string{cfg.Hostname}
	for _, addr := range []string{cfg.Listen, cfg.TLSListen} {
		host, _, err := net.SplitHostPort(addr)
		if ip := net.ParseIP(host); err == nil && ip != nil && !ip.IsUnspecified() {
			hosts = append(hosts, ip.String())
		}
	}
	return hosts
}

func (s *session) startTLSOffered() bool {
	return s.srv.tlsConfig != nil && !s.cfg.DisableSTARTTLS && s.tlsState == nil
}

// cmdStartTLS handles STARTTLS (RFC 3207 §4).
func (s *session) cmdStartTLS(arg string) error {
	switch {
	case s.srv.tlsConfig == nil || s.cfg.DisableSTARTTLS:
		return s.fail(smtpcore.NewReply(502, "5.5.1", "STARTTLS not available"))
	case s.tlsState != nil:
		return s.fail(smtpcore.NewReply(503, "5.5.1", "TLS is already active"))
	case arg != "":
		return s.fail(smtpcore.NewReply(501, "5.5.4", "Syntax: STARTTLS"))
	}
	s.reply(smtpcore.NewReply(220, "2.0.0", "Ready to start TLS"))
	if err := s.flush(); err != nil {
		return err
	}
	// Anything the client sent after STARTTLS arrived before the handshake and
	// was never protected by it: drop it, or an attacker could inject commands
	// into the encrypted session (RFC 3207 §6, CVE-2011-0411).
	if n := s.r.Buffered(); n > 0 {
		s.r.Discard(n)
		s.trans.add(smtpcore.DirError, fmt.Sprintf("discarded %d bytes sent after STARTTLS before the handshake", n))
		s.log.WithField("bytes", n).Warn("discarded plaintext pipelined after STARTTLS")
	}
	if err := s.handshake(); err != nil {
		return errClose
	}
	// RFC 3207 §4.2: forget everything learnt before TLS; the client starts
	// again with EHLO.
	s.endTx()
	s.helo, s.ehlo, s.authUser = "", false, ""
	return nil
}

// handshake runs the server side of TLS on the connection, within the
// command timeout, and switches the session's reader and writer onto it.
func (s *session) handshake() error {
	tc := tls.Server(s.conn, s.srv.tlsConfig)
	tc.SetDeadline(time.Now().Add(s.cfg.CommandTimeout))
	if err := tc.Handshake(); err != nil {
		s.trans.add(smtpcore.DirError, "TLS handshake failed: "+err.Error())
		s.log.WithError(err).Info("TLS handshake failed")
		return err
	}
	tc.SetDeadline(time.Time{})
	s.mu.Lock()
	s.conn = tc
	s.mu.Unlock()
	s.r.Reset(tc)
	s.w.Reset(tc)
	st := tc.ConnectionState()
	s.tlsState = &st
	desc := certs.Describe(st)
	if st.ServerName != "" {
		desc += " (SNI " + printable([]byte(st.ServerName), 255) + ")"
	}
	s.trans.add(smtpcore.DirTLS, desc)
	s.log = s.log.WithField("tls", certs.Describe(st))
	return nil
}
