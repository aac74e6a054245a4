//go:build unix

package cli

import (
	"os"
	"syscall"
)

func syscallFlockNB(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}
