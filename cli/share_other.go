//go:build !unix

package cli

import "errors"

var errNoDovecot = errors.New("letterbox share writes a Dovecot configuration, and Dovecot runs on Unix systems only")

func mailOwner(string) (int, int, error) { return 0, 0, errNoDovecot }

func currentNames() (string, string, error) { return "", "", errNoDovecot }
