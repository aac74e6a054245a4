package sasl

import "errors"

// Sentinel errors returned by [NewMechanism], [Permit] and the [Mechanism]
// methods, possibly wrapped with detail for logs. The detail is for the
// server's log only; the client gets the fixed reply named in the package
// comment.
var (
	// ErrUnsupported: the mechanism is unknown or not enabled (504 5.5.4).
	ErrUnsupported = errors.New("sasl: mechanism not supported")
	// ErrEncryptionRequired: PLAIN or LOGIN asked for before TLS (538 5.7.11, RFC 4954 §6).
	ErrEncryptionRequired = errors.New("sasl: encryption required for mechanism")
	// ErrMalformed: the client response does not follow the mechanism (501 5.5.2).
	ErrMalformed = errors.New("sasl: malformed response")
	// ErrAuthFailed: the credentials are not valid (535 5.7.8).
	ErrAuthFailed = errors.New("sasl: authentication failed")
)
