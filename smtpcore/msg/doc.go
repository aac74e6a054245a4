// Package msg is Letterbox's MIME layer, built on github.com/emersion/go-message.
//
// It composes messages to send and reads received messages for display.
//
// Composition (Draft, Build, Message) follows RFC 5322 (Internet Message
// Format), RFC 2045–2049 (MIME: multipart/mixed and multipart/alternative,
// quoted-printable and base64 transfer encodings), RFC 2047 (encoded words in
// Subject, display names and other unstructured fields), RFC 2231 (non-ASCII
// attachment file names as filename*=utf-8”…, with continuations), RFC 2183
// (Content-Disposition) and RFC 6152 (8BITMIME: Message.Is8bit). Addresses are
// checked against the RFC 5322 mailbox grammar, RFC 6532 (UTF-8 in addresses,
// which needs SMTPUTF8, RFC 6531) and the size limits of RFC 5321 §4.5.3.1.
//
// Reading (ReadView, ExtractPart) is tolerant, in the style of go-message: a
// damaged message (broken multipart boundaries, bad base64, unknown charsets,
// absurd nesting) gives a usable View plus a non-fatal error; it never panics
// and its memory is bounded by ReadLimits. HTMLToText and SanitizeHTML use the
// golang.org/x/net/html tokenizer (WHATWG HTML tokenization rules).
//
// Dot-stuffing (RFC 5321 §4.5.2) is not done here: it belongs to the SMTP
// DATA writer. Everything this package writes uses CRLF line endings and
// keeps every line within the 998-octet limit of RFC 5322 §2.1.1.
package msg

import (
	// Registers the extra charsets (ISO-8859-x, Windows-125x, GB18030, …)
	// with go-message; the decoder used here also calls charset.Reader
	// directly.
	_ "github.com/emersion/go-message/charset"
)
