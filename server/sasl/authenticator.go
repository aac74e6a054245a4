package sasl

// Authenticator checks credentials for the mechanisms. Implementations must
// be safe for concurrent use: every session calls the same value from its
// own goroutine. Checks take time that does not depend on whether the user
// exists.
type Authenticator interface {
	// CheckPassword reports whether pass is user's password (PLAIN, LOGIN).
	CheckPassword(user, pass string) bool
	// CheckCRAMMD5 reports whether digest, the 16 raw bytes of the client's
	// answer, equals HMAC-MD5(password, challenge) for user (RFC 2195).
	CheckCRAMMD5(user string, challenge, digest []byte) bool
	// OffersCRAMMD5 reports whether any user can pass CRAM-MD5, that is
	// whether EHLO should advertise it.
	OffersCRAMMD5() bool
}

// Any returns the Authenticator that accepts every user name and password,
// and every well-formed CRAM-MD5 answer: for testing applications that
// always log in. The mechanisms still reject malformed exchanges.
func Any() Authenticator { return anyAuth{} }

type anyAuth struct{}

func (anyAuth) CheckPassword(user, pass string) bool                    { return true }
func (anyAuth) CheckCRAMMD5(user string, challenge, digest []byte) bool { return true }
func (anyAuth) OffersCRAMMD5() bool                                     { return true }
