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
// Reading (ReadView, ExtractPart, Summarize, DecodeHeader) is tolerant, in
// the style of go-message: a damaged message (broken multipart boundaries,
// bad base64, unknown charsets, absurd nesting) gives a usable View plus a
// non-fatal error; it never panics and its memory is bounded by ReadLimits.
// HTMLToText uses the golang.org/x/net/html tokenizer (WHATWG HTML
// tokenization rules); SanitizeHTML and SanitizeHTMLBody apply an allowlist
// (bluemonday) over the same parser.
//
// This is Letterbox's one reading layer: the store's index and body search,
// the message view and the command line all read mail through it, so they
// cannot disagree. It decodes
//   - header text: RFC 2047 B and Q encoded words (adjacent words joined,
//     §6.2, also when they split a character; the tolerated malformations
//     listed at decodeWords), RFC 6532 UTF-8 headers, and 8-bit headers in a
//     legacy charset (read in the charset of the message's text, else
//     Windows-1252);
//   - address lists (RFC 5322 §3.4) with decoded display names;
//   - MIME parameters with RFC 2231 continuations and charset'lang' values
//     in any charset, and file names as mailers really write them;
//   - transfer encodings (RFC 2045 §6) and charsets: everything
//     go-message's charset package and golang.org/x/text know (IANA and
//     WHATWG labels: ISO-2022-JP, Shift_JIS, EUC-JP, EUC-KR, GB2312, GBK,
//     GB18030, Big5, KOI8-R, KOI8-U, Windows-125x, ISO-8859-x, …) plus the
//     aliases of charset.go, registered with go-message when this package
//     is imported (its only package-level hook).
//
// Summarize(r, limits) gives the Summary a list shows (From, To, Cc,
// Subject, Date, attachments with name, type and size, the text and a
// snippet). The store indexes every message with it, `letterbox inbox
// list/show` prints it, and View.Summary gives the same from a View, so the
// Inbox row, the message view and the command line show the same values.
//
// Dot-stuffing (RFC 5321 §4.5.2) is not done here: it belongs to the SMTP
// DATA writer. Everything this package writes uses CRLF line endings and
// keeps every line within the 998-octet limit of RFC 5322 §2.1.1.
package msg
