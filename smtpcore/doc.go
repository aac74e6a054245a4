// Package smtpcore is Letterbox's SMTP wire protocol, shared by the client and the
// server: replies with enhanced status codes (RFC 5321 §4.2, RFC 3463), command and
// path parsing (RFC 5321 §4.1, RFC 6531 for SMTPUTF8), the DATA dot codec
// (RFC 5321 §4.5.2), the client (RFC 5321, RFC 3207 STARTTLS, RFC 8314 implicit
// TLS, RFC 4954 AUTH, RFC 1870 SIZE, RFC 2920 PIPELINING, RFC 6152 8BITMIME,
// RFC 6531 SMTPUTF8) and transcript events. The client sends with DATA; BDAT
// (RFC 3030 CHUNKING) is spoken by the server only.
//
// It uses the standard library only.
package smtpcore
