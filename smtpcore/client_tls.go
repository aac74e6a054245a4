package smtpcore

import (
	"context"
	"crypto/tls"
	"fmt"
	"strings"
)

// buildTLSConfig returns the settings for this connection: a clone of
// cfg.TLSConfig with ServerName and MinVersion filled, or NewTLSConfig's.
// It runs before connecting, so a bad CA file or fingerprint fails early.
func (c *Client) buildTLSConfig() (*tls.Config, error) {
	if c.cfg.Security == SecurityNone {
		return nil, nil
	}
	if c.cfg.TLSConfig != nil {
		t := c.cfg.TLSConfig.Clone()
		if t.ServerName == "" {
			t.ServerName = c.cfg.host()
		}
		if t.MinVersion < tls.VersionTLS12 {
			t.MinVersion = tls.VersionTLS12
		}
		return t, nil
	}
	return NewTLSConfig(c.cfg.host(), c.cfg.CAFile, c.cfg.Insecure, c.cfg.PinnedSHA256)
}

// handshake runs the TLS client handshake over the TCP connection and
// describes it in the transcript. A certificate refusal is explained in
// words (ExplainCertError) with the fingerprint to pin.
func (c *Client) handshake(ctx context.Context) error {
	sni := c.tlsCfg.ServerName
	if isIP(sni) {
		sni += " (an IP address: no SNI sent)"
	}
	c.emit(DirTLS, "TLS handshake, server name "+sni, 0)
	tc := tls.Client(c.raw, c.tlsCfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		c.setBroken(err) // the connection is mid-handshake: nothing more can be said on it
		if leaf := UnverifiedLeaf(err); leaf != nil {
			for _, l := range DescribeCertificate(leaf) {
				c.emit(DirTLS, l, 0)
			}
		}
		return err
	}
	st := tc.ConnectionState()
	c.tls = &st
	c.emit(DirTLS, fmt.Sprintf("%s, %s", tls.VersionName(st.Version), tls.CipherSuiteName(st.CipherSuite)), 0)
	if len(st.PeerCertificates) > 0 {
		for _, l := range DescribeCertificate(st.PeerCertificates[0]) {
			c.emit(DirTLS, l, 0)
		}
	}
	c.emit(DirTLS, c.verification(st), 0)
	c.setIO(tc)
	return nil
}

// verification says how the peer came to be trusted. In insecure mode it also
// says what a normal check would have found, so the transcript never hides it.
func (c *Client) verification(st tls.ConnectionState) string {
	if c.tlsCfg.InsecureSkipVerify && c.tlsCfg.VerifyConnection == nil {
		err := verifyChain(st, c.tlsCfg.RootCAs)
		if err == nil {
			return "verification: NOT VERIFIED (insecure mode); it would have passed"
		}
		return "verification: NOT VERIFIED (insecure mode); a normal check fails: " + ExplainCertError(err)
	}
	if pin, err := NormalizeFingerprint(c.cfg.PinnedSHA256); err == nil && len(st.PeerCertificates) > 0 &&
		LeafFingerprint(st.PeerCertificates[0]) == pin {
		return "verification: OK, trusted by its pinned fingerprint"
	}
	src := "the system roots"
	if c.cfg.CAFile != "" {
		src = c.cfg.CAFile
	}
	if n := len(st.VerifiedChains); n > 0 && len(st.VerifiedChains[0]) > 0 {
		chain := st.VerifiedChains[0]
		root := chain[len(chain)-1]
		return fmt.Sprintf("verification: OK, chain to %s from %s, name %s", root.Subject.String(), src, st.ServerName)
	}
	return fmt.Sprintf("verification: OK against %s, name %s", src, strings.TrimSpace(st.ServerName))
}
