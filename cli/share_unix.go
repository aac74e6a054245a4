//go:build unix

package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"syscall"
)

// mailOwner returns the owner of the store directory: Dovecot reads and
// writes the Maildir as that user. Dovecot never accesses mail as root.
func mailOwner(storeDir string) (uid, gid int, err error) {
	fi, err := os.Stat(storeDir)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, 0, fmt.Errorf("%s: no store there yet; as root, share needs one owned by the user Letterbox and Dovecot run as", Clean(storeDir))
	}
	if err != nil {
		return 0, 0, err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, fmt.Errorf("%s: cannot tell its owner", Clean(storeDir))
	}
	if st.Uid == 0 {
		return 0, 0, fmt.Errorf("%s belongs to root, and Dovecot refuses to access mail as root: run Letterbox as a user, or chown the store", Clean(storeDir))
	}
	return int(st.Uid), int(st.Gid), nil
}

// currentNames returns the names of this process's user and group, which an
// unprivileged Dovecot runs all its processes as.
func currentNames() (name, group string, err error) {
	u, err := user.Current()
	if err != nil {
		return "", "", err
	}
	g, err := user.LookupGroupId(u.Gid)
	if err != nil {
		return "", "", err
	}
	return u.Username, g.Name, nil
}
