package cli

import (
	"fmt"
	"strings"
)

// dovecotConf is the configuration `letterbox share` writes for Dovecot 2.3.
type dovecotConf struct {
	Store, Dir        string // the Maildir; the directory of this configuration
	Host, Port        string // the IMAP listener
	UID, GID          int    // who Dovecot reads and writes the Maildir as
	Cert, Key         string // the store's certificate and key (server.TLSDir)
	RunUser, RunGroup string // set when Dovecot runs unprivileged, as this user
}

// render returns dovecot.conf. Every line is there for a reason given in its
// comment; Dovecot's defaults fill in the rest.
func (c dovecotConf) render() string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	w("# Written by `letterbox share` for the Letterbox store %s.", c.Store)
	w("# Start: dovecot -F -c %s/dovecot.conf   (-F: foreground, logs to stderr)", c.Dir)
	w("# Letterbox receives into the Maildir; Dovecot serves it over IMAP to any")
	w("# number of readers. Letterbox's metadata (letterbox-meta/) is no dot-")
	w("# directory, so this Maildir++ layout never lists it as a mailbox.")
	w("protocols = imap")
	w("listen = %s", c.Host)
	w("instance_name = letterbox-share")
	w("base_dir = %s/run", c.Dir)
	w("state_dir = %s/state", c.Dir)
	w("log_path = /dev/stderr")
	w("")
	w("# TLS with Letterbox's own certificate: clients that pinned it for SMTP")
	w("# pin the same one here. No password before TLS (RFC 9051 §6.2.3).")
	w("ssl = required")
	w("ssl_cert = <%s", c.Cert)
	w("ssl_key = <%s", c.Key)
	w("ssl_min_protocol = TLSv1.2")
	w("disable_plaintext_auth = yes")
	w("auth_mechanisms = plain login")
	w("")
	w("mail_location = maildir:%s", c.Store)
	w("# Keep APPENDed mail with CRLF line ends, as Letterbox keeps what SMTP")
	w("# delivers (RFC 5322 §2.1), so every file in the Maildir is alike.")
	w("mail_save_crlf = yes")
	w("namespace inbox {")
	w("  inbox = yes")
	w("}")
	w("first_valid_uid = %d", c.UID)
	w("last_valid_uid = %d", c.UID)
	w("first_valid_gid = %d", c.GID)
	w("last_valid_gid = %d", c.GID)
	w("passdb {")
	w("  driver = passwd-file")
	w("  args = scheme=BLF-CRYPT %s/users", c.Dir)
	w("}")
	w("userdb {")
	w("  driver = static")
	w("  args = uid=%d gid=%d home=%s/home", c.UID, c.GID, c.Dir)
	w("}")
	w("")
	if c.RunUser != "" {
		w("# Dovecot runs as %s, not root: its internal and login processes run", c.RunUser)
		w("# as that user too, and cannot chroot.")
		w("default_internal_user = %s", c.RunUser)
		w("default_internal_group = %s", c.RunGroup)
		w("default_login_user = %s", c.RunUser)
		w("service anvil {")
		w("  chroot =")
		w("}")
	}
	w("service imap-login {")
	w("  inet_listener imap {")
	w("    address = %s", c.Host)
	w("    port = %s", c.Port)
	w("  }")
	w("  inet_listener imaps {")
	w("    port = 0")
	w("  }")
	if c.RunUser != "" {
		w("  chroot =")
	}
	w("}")
	return b.String()
}
