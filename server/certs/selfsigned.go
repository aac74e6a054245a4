package certs

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// File names inside the directory given to LoadOrCreate.
const (
	CertFile = "cert.pem"
	KeyFile  = "key.pem"
)

const (
	validity    = 365 * 24 * time.Hour
	renewBefore = 30 * 24 * time.Hour
	// backdate tolerates clients whose clocks run a little behind.
	backdate = time.Hour
)

// LoadOrCreate returns the certificate kept in dir as cert.pem and key.pem,
// creating a self-signed one when there is none (created is then true). It is
// LoadOrCreateOutcome without the account of what was replaced.
func LoadOrCreate(dir string, hosts []string) (cert tls.Certificate, created bool, err error) {
	o, err := LoadOrCreateOutcome(dir, hosts)
	return o.Cert, o.Created, err
}

// Outcome is what LoadOrCreateOutcome found in its directory and did.
type Outcome struct {
	Cert    tls.Certificate
	Created bool // a new certificate was made (none, or a replaced one)
	// Replaced is the SHA-256 fingerprint (as Fingerprint) of the
	// certificate that was found and replaced, and Reason says why; both ""
	// when nothing was replaced.
	Replaced, Reason string
	// WasCA: the replaced certificate was a CA (as Letterbox made them
	// before issue 13). Whoever trusted it trusted every certificate its key
	// could sign, for any name; the caller should warn.
	WasCA bool
}

// LoadOrCreateOutcome returns the certificate kept in dir as cert.pem and
// key.pem, creating a self-signed one when there is none.
//
// A created certificate is a leaf, not a CA (RFC 5280 §4.2.1.9: basic
// constraints cA false; §4.2.1.3: key usage digitalSignature only, no
// keyCertSign; §4.2.1.12: extended key usage serverAuth), so trusting it as
// a root (a client's --ca-file) trusts this one certificate and nothing its
// key might sign. It has an ECDSA P-256 key, is valid for one year, and names
// localhost, 127.0.0.1, ::1, os.Hostname() and hosts (DNS names or IP
// addresses, "[::1]" accepted). It is replaced by a new one, with a new
// fingerprint, when it is a CA, when it has expired or expires within 30
// days, when one of hosts is not among its names, or when key.pem does not
// belong to cert.pem (a crash between the two renames). A change of
// os.Hostname() alone does not replace it, so a user's trust survives
// renaming the machine.
//
// Files are written atomically (temporary file, fsync, rename); the key is
// mode 0600 (tightened if found looser) and dir is created 0700. Unreadable
// or corrupt files are an error, never silently overwritten.
func LoadOrCreateOutcome(dir string, hosts []string) (Outcome, error) {
	return loadOrCreate(dir, hosts, time.Now())
}

func loadOrCreate(dir string, hosts []string, now time.Time) (Outcome, error) {
	dns, ips, err := subjectAltNames(hosts)
	if err != nil {
		return Outcome{}, err
	}
	certPath, keyPath := filepath.Join(dir, CertFile), filepath.Join(dir, KeyFile)
	cert, err := loadExisting(certPath, keyPath)
	var o Outcome
	switch {
	case err == nil:
		if o.Reason = renewalReason(cert.Leaf, hosts, now); o.Reason == "" {
			if err := tightenKey(keyPath); err != nil {
				return Outcome{}, err
			}
			return Outcome{Cert: cert}, nil
		}
		o.Replaced, o.WasCA = Fingerprint(cert), cert.Leaf.IsCA
	case errors.Is(err, errKeyMismatch):
		o.Reason = "key.pem does not belong to cert.pem"
	case errors.Is(err, fs.ErrNotExist):
	default:
		return Outcome{}, err
	}
	dns, ips = withDefaults(dns, ips)
	if o.Cert, err = create(dir, dns, ips, now); err != nil {
		return Outcome{}, err
	}
	o.Created = true
	return o, nil
}

var errKeyMismatch = errors.New("certs: key.pem does not belong to cert.pem")

// loadExisting loads the pair, telling a missing file (fs.ErrNotExist) and
// a pair that does not match (errKeyMismatch) from other failures.
func loadExisting(certPath, keyPath string) (tls.Certificate, error) {
	certPEM, err := os.ReadFile(certPath)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("certs: %w", err)
	}
	keyPEM, err := os.ReadFile(keyPath)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("certs: %w", err)
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err == nil {
		return cert, nil
	}
	if mismatched(certPEM, keyPEM) {
		return tls.Certificate{}, errKeyMismatch
	}
	return tls.Certificate{}, fmt.Errorf("certs: %s and %s: %w", certPath, keyPath, err)
}

// mismatched reports whether both files parse but the key is not the
// certificate's.
func mismatched(certPEM, keyPEM []byte) bool {
	cb, _ := pem.Decode(certPEM)
	kb, _ := pem.Decode(keyPEM)
	if cb == nil || kb == nil {
		return false
	}
	leaf, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return false
	}
	key, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
	if err != nil {
		return false
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return false
	}
	eq, ok := signer.Public().(interface{ Equal(crypto.PublicKey) bool })
	return ok && !eq.Equal(leaf.PublicKey)
}

// renewalReason says why leaf must be replaced, or "" when it may stay.
func renewalReason(leaf *x509.Certificate, hosts []string, now time.Time) string {
	switch {
	case leaf == nil:
		return "no certificate"
	case leaf.IsCA || leaf.KeyUsage&x509.KeyUsageCertSign != 0:
		return "it is a CA certificate: trusting it trusted whatever its key signs"
	case now.Add(renewBefore).After(leaf.NotAfter):
		return "it expires within 30 days"
	case now.Before(leaf.NotBefore):
		return "it is not valid yet"
	}
	for _, h := range hosts {
		if h = normalizeHost(h); h != "" && leaf.VerifyHostname(h) != nil {
			return fmt.Sprintf("it does not name %s", h)
		}
	}
	return ""
}

// tightenKey makes a key file found readable by others private again.
func tightenKey(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("certs: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(path, 0o600); err != nil {
			return fmt.Errorf("certs: %w", err)
		}
	}
	return nil
}

// create makes a self-signed certificate and writes the key, then the
// certificate, each atomically.
func create(dir string, dns []string, ips []net.IP, now time.Time) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("certs: generate key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("certs: serial: %w", err)
	}
	cn := dns[0] // localhost, or the machine's name when it has one
	if len(dns) > 1 {
		cn = dns[1]
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{Organization: []string{"Letterbox"}, CommonName: "Letterbox self-signed " + cn},
		NotBefore:    now.Add(-backdate),
		NotAfter:     now.Add(validity),
		// A self-signed leaf (issue 13 §2): trusted as its own anchor by Go,
		// OpenSSL and Python, but not a CA, so its key signs nothing else a
		// client would accept. ECDSA signs the handshake and never
		// encrypts a key, so digitalSignature is the only key usage
		// (RFC 5280 §4.2.1.3; keyEncipherment is for RSA key transport).
		IsCA:                  false,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:              dns,
		IPAddresses:           ips,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("certs: create certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("certs: marshal key: %w", err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return tls.Certificate{}, fmt.Errorf("certs: %w", err)
	}
	if err := writeAtomic(dir, KeyFile, keyPEM, 0o600); err != nil {
		return tls.Certificate{}, err
	}
	if err := writeAtomic(dir, CertFile, certPEM, 0o644); err != nil {
		return tls.Certificate{}, err
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("certs: %w", err)
	}
	return cert, nil
}

// writeAtomic replaces dir/name with data so a crash leaves the old or the
// new file, never a part: temporary file, fsync, rename, fsync of dir.
func writeAtomic(dir, name string, data []byte, perm os.FileMode) error {
	f, err := os.CreateTemp(dir, "."+name+".*")
	if err != nil {
		return fmt.Errorf("certs: %w", err)
	}
	tmp := f.Name()
	err = f.Chmod(perm)
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, name))
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("certs: write %s: %w", name, err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync() // best effort: not every file system syncs directories
		d.Close()
	}
	return nil
}

// normalizeHost trims spaces and the brackets of "[::1]", and lowers case.
func normalizeHost(h string) string {
	h = strings.TrimSpace(h)
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	return strings.ToLower(h)
}

// subjectAltNames sorts hosts into DNS names and IP addresses.
func subjectAltNames(hosts []string) ([]string, []net.IP, error) {
	var dns []string
	var ips []net.IP
	for _, raw := range hosts {
		h := normalizeHost(raw)
		switch {
		case h == "":
		case net.ParseIP(h) != nil:
			ips = appendIP(ips, net.ParseIP(h))
		case validDNSName(h):
			dns = appendName(dns, h)
		default:
			return nil, nil, fmt.Errorf("certs: host %q is neither a DNS name nor an IP address", raw)
		}
	}
	return dns, ips, nil
}

// withDefaults puts localhost, the loopback addresses and the machine's
// name first.
func withDefaults(dns []string, ips []net.IP) ([]string, []net.IP) {
	names := []string{"localhost"}
	if h, err := os.Hostname(); err == nil && validDNSName(strings.ToLower(h)) {
		names = appendName(names, strings.ToLower(h))
	}
	for _, d := range dns {
		names = appendName(names, d)
	}
	addrs := []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
	for _, ip := range ips {
		addrs = appendIP(addrs, ip)
	}
	return names, addrs
}

func appendName(names []string, n string) []string {
	for _, have := range names {
		if have == n {
			return names
		}
	}
	return append(names, n)
}

func appendIP(ips []net.IP, ip net.IP) []net.IP {
	for _, have := range ips {
		if have.Equal(ip) {
			return ips
		}
	}
	return append(ips, ip)
}

// validDNSName accepts LDH labels (RFC 1123 §2.1), a leading "*." wildcard
// and underscores as found in real host names.
func validDNSName(h string) bool {
	h = strings.TrimPrefix(strings.TrimSuffix(h, "."), "*.")
	if h == "" || len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range []byte(label) {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}
