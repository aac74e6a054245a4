// Package sasl is the server side of SMTP AUTH (RFC 4954): the SASL
// mechanisms PLAIN (RFC 4616), LOGIN (draft-murchison-sasl-login-00) and
// CRAM-MD5 (RFC 2195), and the credential checks behind them.
//
// The SMTP session owns the wire: it decodes each base64 client response
// (RFC 4954 §4), handles the "*" cancel (501), and base64-encodes the raw
// challenges a [Mechanism] returns into "334" replies. This package never
// sees base64 and never touches a socket.
//
// Errors map to replies as follows (match them with [errors.Is]):
//
//	ErrUnsupported          504 5.5.4 mechanism not supported
//	ErrEncryptionRequired   538 5.7.11 encryption required for the mechanism
//	ErrMalformed            501 5.5.2 cannot decode / malformed response
//	ErrAuthFailed           535 5.7.8 authentication credentials invalid
//
// # Credentials file
//
// [LoadFile] reads a text file with one user per line:
//
//	# comment
//	user:BCRYPT[:{CRAM-MD5}HEX]
//
// BCRYPT is a bcrypt hash ("$2a$", "$2b$" or "$2y$"), optionally with
// Dovecot's "{BLF-CRYPT}" prefix, so the output of `doveadm pw -s BLF-CRYPT`
// can be pasted in. It serves PLAIN and LOGIN.
//
// The optional "{CRAM-MD5}" field is the 64-hex-digit HMAC-MD5 context that
// `doveadm pw -s CRAM-MD5` prints: the MD5 states after the outer and inner
// padded key blocks. CRAM-MD5 needs a secret from which HMAC-MD5(password,
// challenge) can be computed, so it can never be checked against bcrypt;
// the context avoids storing the plaintext, but it is password-equivalent
// for CRAM-MD5 (not for PLAIN or LOGIN), so keep the file mode 0600. A user
// without the field cannot use CRAM-MD5, and CRAM-MD5 is advertised only when
// at least one user has it. The fields may appear in either order.
//
// Blank lines and lines starting with "#" are ignored, surrounding spaces
// and a trailing CR are trimmed. A user name is non-empty UTF-8 without ':',
// spaces or control characters, and appears once. [HashPassword] writes a
// complete line.
package sasl
