package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// postfixServer is Postfix as a durable anchor: a private instance (its own
// config_directory and queue_directory under the run's directory, started
// in the foreground: master -d, so that it stays in the process group the
// harness stops, where `postfix start-fg` would leave a master behind), smtpd → cleanup → queue →
// virtual(8) into a Maildir. It needs root, as Postfix's master does.
func postfixServer() peer {
	return peer{
		name: "Postfix",
		durable: "yes: cleanup(8) writes the queue file and fsyncs it before smtpd answers 250; " +
			"virtual(8) delivers it into a Maildir after the 250",
		start:  startPostfix,
		stored: postfixStored,
	}
}

const postfixCmd = "/usr/sbin/postfix"

// postfixMain is main.cf of the private instance; %[1]s is its directory.
// Limits are lifted as for Letterbox (letterboxLimits); peer name lookups
// are off, as Letterbox does none.
const postfixMain = `compatibility_level = 3.6
queue_directory = %[1]s/queue
data_directory = %[1]s/data
mail_owner = postfix
setgid_group = postdrop
myhostname = bench.localhost
mydomain = localhost
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relay_domains =
local_transport = error:local delivery is off
alias_maps =
alias_database =
virtual_mailbox_domains = bench.test
virtual_mailbox_base = %[1]s/mail
virtual_mailbox_maps = static:Maildir/
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
virtual_minimum_uid = 100
maillog_file = /dev/stdout
smtpd_peername_lookup = no
smtpd_client_connection_count_limit = 0
default_process_limit = 1100
message_size_limit = 268435456
virtual_mailbox_limit = 0
biff = no
`

// postfixMaster is master.cf: smtpd on %[1]s and the services a virtual
// delivery needs.
const postfixMaster = `%[1]s inet n - n - - smtpd
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n - 0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n - - trivial-rewrite
bounce    unix  - - n - 0 bounce
defer     unix  - - n - 0 bounce
trace     unix  - - n - 0 bounce
verify    unix  - - n - 1 verify
flush     unix  n - n 1000 0 flush
proxymap  unix  - - n - - proxymap
showq     unix  n - n - - showq
error     unix  - - n - - error
retry     unix  - - n - - error
discard   unix  - - n - - discard
virtual   unix  - n n - - virtual
anvil     unix  - - n - 1 anvil
scache    unix  - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
`

func startPostfix(ctx context.Context, o *options, dir string) (*proc, error) {
	if os.Geteuid() != 0 {
		return nil, errors.New("Postfix's master needs root; run the bench as root (as CI does)")
	}
	if _, err := os.Stat(postfixCmd); err != nil {
		return nil, fmt.Errorf("Postfix is not installed: %w", err)
	}
	addr, err := localAddr()
	if err != nil {
		return nil, err
	}
	if err := letThrough(dir); err != nil {
		return nil, err
	}
	pd := filepath.Join(dir, "postfix")
	for _, d := range []string{"etc", "queue", "data", "mail"} {
		if err := os.MkdirAll(filepath.Join(pd, d), 0o755); err != nil {
			return nil, err
		}
	}
	uid, err := postfixUID()
	if err != nil {
		return nil, err
	}
	if err := os.Chown(filepath.Join(pd, "data"), uid, -1); err != nil {
		return nil, err
	}
	if err := os.Chown(filepath.Join(pd, "mail"), 65534, 65534); err != nil {
		return nil, err
	}
	files := map[string]string{"main.cf": fmt.Sprintf(postfixMain, pd), "master.cf": fmt.Sprintf(postfixMaster, addr)}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(pd, "etc", name), []byte(text), 0o644); err != nil {
			return nil, err
		}
	}
	cfg := filepath.Join(pd, "etc")
	// check creates the queue's subdirectories with their owners.
	if _, _, err := runTimed(ctx, time.Minute, []string{postfixCmd, "-c", cfg, "check"}); err != nil {
		return nil, err
	}
	_, daemons, err := runTimed(ctx, time.Minute, []string{"/usr/sbin/postconf", "-c", cfg, "-h", "daemon_directory"})
	if err != nil {
		return nil, err
	}
	master := filepath.Join(strings.TrimSpace(daemons), "master")
	return startProc(ctx, "postfix", addr, filepath.Join(dir, "postfix.log"), []string{master, "-c", cfg, "-d"})
}

// letThrough lets Postfix's unprivileged users reach dir: it adds search
// permission for others to dir and to each of its parents that lacks it (the
// harness's private temporary directories), up to the first that has it.
func letThrough(dir string) error {
	for p := dir; p != filepath.Dir(p); p = filepath.Dir(p) {
		info, err := os.Stat(p)
		if err != nil {
			return err
		}
		if info.Mode().Perm()&0o001 != 0 && p != dir {
			return nil
		}
		if err := os.Chmod(p, info.Mode().Perm()|0o011); err != nil {
			return err
		}
	}
	return nil
}

// postfixUID is the uid of the postfix user (its data_directory owner).
func postfixUID() (int, error) {
	u, err := user.Lookup("postfix")
	if err != nil {
		return 0, fmt.Errorf("Postfix's user: %w", err)
	}
	return strconv.Atoi(u.Uid)
}

// postfixStored waits (60 s at most) until Postfix's queue is empty, every
// acknowledged message delivered, and counts the Maildir.
func postfixStored(_ *proc, dir string) (int, error) {
	pd := filepath.Join(dir, "postfix")
	deadline := time.Now().Add(time.Minute)
	for {
		queued := 0
		for _, q := range []string{"maildrop", "incoming", "active", "deferred"} {
			filepath.WalkDir(filepath.Join(pd, "queue", q), func(_ string, e os.DirEntry, err error) error {
				if err == nil && e.Type().IsRegular() {
					queued++
				}
				return nil
			})
		}
		if queued == 0 {
			return countMaildir(filepath.Join(pd, "mail", "Maildir"))
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("%d messages still in Postfix's queue after a minute", queued)
		}
		time.Sleep(100 * time.Millisecond) // polling with a deadline
	}
}
