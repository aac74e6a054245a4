package certs

import (
	"crypto/tls"
	"io"
	"net"
	"slices"
	"sync/atomic"
	"testing"
	"time"
)

// nonAEADSuites are the TLS 1.2 suites crypto/tls knows (secure and
// insecure lists) that are not in AEADSuites: the CBC, SHA-1, RC4, 3DES and
// RSA-key-exchange ones.
func nonAEADSuites() []*tls.CipherSuite {
	var out []*tls.CipherSuite
	for _, cs := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		if slices.Contains(cs.SupportedVersions, tls.VersionTLS12) && !slices.Contains(AEADSuites(), cs.ID) {
			out = append(out, cs)
		}
	}
	return out
}

// TestServerConfigRefusesNonAEADSuites: a TLS 1.2 client that offers only
// one CBC (or otherwise non-AEAD) suite fails the handshake; one that offers
// an AEAD suite gets it (issue 13 §7). Before the fix
// TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA and _256_CBC_SHA were accepted.
func TestServerConfigRefusesNonAEADSuites(t *testing.T) {
	cert, _ := newCert(t)
	bad := nonAEADSuites()
	if len(bad) < 10 {
		t.Fatalf("only %d non-AEAD suites known to crypto/tls; the test lost its cases", len(bad))
	}
	for _, cs := range bad {
		t.Run(cs.Name, func(t *testing.T) {
			if err := handshake12(t, cert, cs.ID); err == nil {
				t.Errorf("TLS 1.2 handshake offering only %s succeeded, want it refused", cs.Name)
			}
		})
	}
	for _, id := range AEADSuites() {
		name := tls.CipherSuiteName(id)
		if !slices.Contains([]uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256}, id) {
			continue // RSA-authenticated: this certificate has an ECDSA key
		}
		t.Run(name, func(t *testing.T) {
			if err := handshake12(t, cert, id); err != nil {
				t.Errorf("TLS 1.2 handshake offering only %s: %v, want it accepted", name, err)
			}
		})
	}
}

// handshake12 runs a TLS 1.2 handshake against ServerConfig(cert) with a
// client that offers only suite.
func handshake12(t *testing.T, cert tls.Certificate, suite uint16) error {
	t.Helper()
	cc, sc := net.Pipe()
	defer cc.Close()
	go func() {
		defer sc.Close()
		s := tls.Server(sc, ServerConfig(cert))
		s.SetDeadline(time.Now().Add(10 * time.Second))
		s.Handshake()
	}()
	c := tls.Client(cc, &tls.Config{
		RootCAs: pool(cert), ServerName: "localhost",
		MinVersion: tls.VersionTLS12, MaxVersion: tls.VersionTLS12,
		CipherSuites: []uint16{suite},
	})
	c.SetDeadline(time.Now().Add(10 * time.Second))
	return c.Handshake()
}

// TestSessionTicketLifetime: a ticket is accepted while it is at most
// MaxTicketAge old and refused (a full handshake instead) after, on the
// server's clock (Config.Time), for TLS 1.2 and 1.3 (issue 13 §7). Before the
// fix crypto/tls accepted tickets for 7 days and the 25-hour case resumed.
func TestSessionTicketLifetime(t *testing.T) {
	cert, _ := newCert(t)
	for _, version := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		for _, tt := range []struct {
			later      time.Duration
			wantResume bool
		}{
			{time.Minute, true},
			{23 * time.Hour, true},
			{25 * time.Hour, false},
			{6 * 24 * time.Hour, false},
		} {
			t.Run(tls.VersionName(version)+" after "+tt.later.String(), func(t *testing.T) {
				var clock atomic.Int64
				clock.Store(time.Now().Unix())
				srv := ServerConfig(cert)
				srv.Time = func() time.Time { return time.Unix(clock.Load(), 0) }
				client := &tls.Config{
					RootCAs: pool(cert), ServerName: "localhost", MaxVersion: version,
					ClientSessionCache: tls.NewLRUClientSessionCache(4),
				}
				if first := connect(t, srv, client); first.DidResume {
					t.Fatal("first connection resumed a session")
				}
				clock.Add(int64(tt.later / time.Second))
				if got := connect(t, srv, client); got.DidResume != tt.wantResume {
					t.Errorf("%v later: DidResume = %v, want %v", tt.later, got.DidResume, tt.wantResume)
				}
			})
		}
	}
}

// TestTLS12ResumptionDoesNotExtendTicketLife: the ticket a resumed TLS 1.2
// connection gets is not accepted again, so a chain of resumptions cannot
// keep one master secret alive past MaxTicketAge.
func TestTLS12ResumptionDoesNotExtendTicketLife(t *testing.T) {
	cert, _ := newCert(t)
	srv := ServerConfig(cert)
	client := &tls.Config{
		RootCAs: pool(cert), ServerName: "localhost", MaxVersion: tls.VersionTLS12,
		ClientSessionCache: tls.NewLRUClientSessionCache(4),
	}
	var resumed []bool
	for range 4 {
		resumed = append(resumed, connect(t, srv, client).DidResume)
	}
	if want := []bool{false, true, false, true}; !slices.Equal(resumed, want) {
		t.Errorf("DidResume of 4 connections = %v, want %v", resumed, want)
	}
}

// connect runs one connection with a server on srv: handshake, one byte
// from the server (which carries TLS 1.3 tickets to the client), close.
func connect(t *testing.T, srv, client *tls.Config) tls.ConnectionState {
	t.Helper()
	cc, sc := net.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer sc.Close()
		s := tls.Server(sc, srv)
		s.SetDeadline(time.Now().Add(10 * time.Second))
		if s.Handshake() == nil {
			s.Write([]byte("x"))
		}
	}()
	c := tls.Client(cc, client)
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if err := c.Handshake(); err != nil {
		t.Fatalf("handshake: %v", err)
	}
	if _, err := io.ReadFull(c, make([]byte, 1)); err != nil {
		t.Fatalf("read: %v", err)
	}
	st := c.ConnectionState()
	c.Close()
	<-done
	return st
}
