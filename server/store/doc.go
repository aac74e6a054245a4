// Package store keeps the mail the Letterbox server receives.
//
// On disk the store is a Maildir (the de facto format described at
// cr.yp.to/proto/maildir.html, as read by mutt, Dovecot and Python's mailbox
// module): a message is streamed into STORE/tmp, it and its session record
// are made durable, it is linked into STORE/new, and only then does Commit
// return, so the server may answer 250 (RFC 5321 §4.1.1.4, §6.1: once a
// server has accepted a message it must not lose it); see "Durability"
// below. tmp/ is shared with every other program that delivers into the
// Maildir (Dovecot's APPEND, a local MDA): Open touches only Letterbox's own
// unfinished deliveries, recognised by their tmp/ name, and other files only
// once they are untouched for 36 hours, the Maildir rule. The message bytes
// are kept exactly as the server wrote them, trace headers (RFC 5321 §4.4)
// included. Reading marks a message seen the Maildir way: it moves to cur/ with
// the info suffix ":2,S".
//
// Beside the Maildir, under STORE/letterbox-meta/ (MetaDir), the store keeps
// one JSON session record per message (envelope, client, TLS, AUTH,
// transcript, warnings), an index cache, the search texts and the lock
// file. The name has no leading dot on purpose: in the Maildir++ layout,
// Dovecot's default, every dot-directory of the root is a mailbox (Dovecot
// lists it, creates cur/new/tmp in it when a client selects it, and deletes
// it on an IMAP DELETE), and Python's mailbox.Maildir.list_folders() returns
// every dot-directory too; neither looks at a directory whose name does not
// start with a dot, and Dovecot's own files (dovecot-uidlist, dovecot.index*)
// sit in the root the same way. The integration test against a real Dovecot
// (package dovecottest) checks that LIST shows only INBOX and that the folder
// cannot be selected or deleted. The records stay inside the store, so
// copying the Maildir keeps every message's envelope. Secrets do not: the
// self-signed TLS certificate and key live in PrivateDir, a sibling directory
// STORE.letterbox/, so whoever copies or shares the Maildir never gets the
// key. A store in the layout of older versions (everything under
// STORE/.letterbox/) is moved on its first Open.
//
// The index holds what the inbox lists (header From, To, Cc, Subject, Date
// and attachment names, envelope, size, flags) so that a large store opens
// and lists fast; the search text (appended to segment files under
// STORE/letterbox-meta/text2/, one per writing process: searchtext.go) holds
// the message's decoded text, so that a body search finds words whatever
// their transfer encoding or charset without decoding at query time, reading
// a few files from start to end. Both are read
// from the message by smtpcore/msg's Summarize, the reading layer the message
// view and the command line use too, while the message streams in (and again
// at a rebuild). Both are only caches: Open checks the index against the
// names in new/ and cur/ and repairs or rebuilds it from the Maildir and the
// records whenever they disagree, and a missing search text is made again
// when a search needs it.
//
// Other programs share the Maildir: Dovecot serving it over IMAP (see
// `letterbox share`), mutt, a local delivery agent. While a Store is open it
// watches new/ and cur/ (watch.go) and refreshes its index within a second
// of another program's append, rename, flag change or expunge; a record
// stays attached across renames because it is keyed by the unique part of the
// name, and mail another program delivered simply has no record.
//
// # Durability (design notes, issue 12)
//
// The promises: nothing acknowledged is lost, even to a power loss; nothing
// partial is ever visible in new/ or cur/, not even to another Maildir
// reader looking after a power loss and before Letterbox starts again; an
// acknowledged message is in new/ before its 250; and only Letterbox's own
// files are synced (no syncfs(2) or sync(2), which would write out, and wait
// for, every other program's dirty data on the file system).
//
// Commit waits for one shared sync (group commit: concurrent deliveries join
// one run, and each waits for a run that started after its own writes).
// A run issues all at once an fdatasync of each message and record of its
// deliveries and an fsync of tmp/ and of letterbox-meta/records/; on ext4 and
// xfs they share journal commits. The session record is the journal entry
// of the commit: it carries the message's size and CRC-32C, and is synced
// with it. Then the message is linked into new/ (a second name for the same,
// already durable, file), so a name in new/ never points at bytes that are
// not on stable storage. A background sync of new/, shared too, makes that
// name durable, and only then is the tmp/ name removed: on disk the tmp/
// name never goes before the new/ name is there.
//
// After a power loss Open (the lock holder) publishes into new/ each file in
// tmp/ that is not in new/ or cur/ and whose record decodes and names its
// exact size and CRC-32C; whatever else is in tmp/ is a torn delivery that
// was never acknowledged and is removed, its record with it. Why not the
// alternatives: renaming into new/ before the one sync would show torn files
// in new/ to other readers after a power loss, until Letterbox cleaned up;
// syncing data and then the name in new/ before the 250 is two sync waits
// per message, which made one sender slower than a catcher that never syncs;
// and a separate journal file would be a third file to write and sync where
// the record already exists. Where the file system has no hard links the
// message is renamed and new/ synced before the 250 (two waits, same
// promises). A SIGKILL loses nothing the kernel has, so the crash test and
// the power-loss model test (powerloss_test.go, a modelled disk that drops
// unsynced data, sizes and names separately) check the two halves.
//
// A Store is safe for concurrent use: many server sessions deliver at once
// while the GUI lists and reads. One Store per directory is the expected use;
// a second process may open the same directory, but only the first one (the
// holder of STORE/letterbox-meta/lock; a store opened with Options.Reader
// never takes it) cleans tmp/ and stray records, and each
// process follows the other's deliveries through its watcher (or Refresh).
package store
