// Package imapstore reads a remote mailbox over IMAP (RFC 9051, and RFC 3501
// servers) with the interface the app's Inbox uses for the local Maildir
// store: summaries listed in pages from ENVELOPE, RFC822.SIZE, FLAGS,
// INTERNALDATE and BODYSTRUCTURE (UID FETCH), bodies on demand (BODY.PEEK[]),
// IMAP SEARCH for the search box, \Seen and \Deleted + UID EXPUNGE, and live
// updates through IDLE (RFC 2177) on a second connection, reconnected with
// back-off.
//
// A message's ID is its UID in decimal. A change of UIDVALIDITY (RFC 9051
// §2.3.1.1) empties the cache and sends a store.Resync event. Remote messages
// have no session record: Record always returns an error wrapping
// os.ErrNotExist. It never imports Fyne.
package imapstore
