// Package dovecottest runs a real Dovecot over a live Letterbox store
// (issue 11 §4): the store as mutt, Dovecot and a team of IMAP readers see it
// while Letterbox keeps receiving. Dovecot is started with the very
// configuration `letterbox share` writes, so that configuration is known to
// work.
//
// Dovecot never accesses mail as root and refuses to run its login process as
// root, so when the tests run as root (CI containers) TestMain runs the test
// binary again as the unprivileged user "nobody": the store, Letterbox and
// Dovecot then all run as that user, as they do on a desktop. That is why
// these tests live in a package of their own.
package dovecottest
