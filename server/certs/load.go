package certs

import (
	"crypto/tls"
	"fmt"
)

// Load reads a PEM certificate chain and its PEM private key, as given by
// --tls-cert and --tls-key. The result has Leaf set.
func Load(certFile, keyFile string) (tls.Certificate, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("certs: load %s and %s: %w", certFile, keyFile, err)
	}
	if cert.Leaf == nil {
		return tls.Certificate{}, fmt.Errorf("certs: %s: no leaf certificate", certFile)
	}
	return cert, nil
}
