package server

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseSize reads a message size limit as people write it: a positive byte
// count with an optional K, M or G suffix, optionally followed by B or iB, in
// any case ("26214400", "25M", "25MB", "25MiB"). K, M and G are binary
// multiples, as mail size limits usually are. `letterbox serve
// --max-message-size` and the app's server settings both read it, so the same
// text means the same limit in both.
func ParseSize(v string) (int64, error) {
	s := strings.ToUpper(strings.TrimSpace(v))
	s = strings.TrimSuffix(strings.TrimSuffix(s, "B"), "I")
	shift := 0
	if s != "" {
		switch s[len(s)-1] {
		case 'K':
			shift = 10
		case 'M':
			shift = 20
		case 'G':
			shift = 30
		}
		if shift > 0 {
			s = s[:len(s)-1]
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n <= 0 || n > (1<<62)>>shift {
		return 0, fmt.Errorf("bad size %q: want a positive number of bytes, or one with K, M or G, e.g. 25MB", v)
	}
	return n << shift, nil
}

// FormatSize is the inverse of ParseSize: the largest whole unit ("25MB",
// "512KB"), else the byte count.
func FormatSize(n int64) string {
	for _, u := range []struct {
		shift  uint
		suffix string
	}{{30, "GB"}, {20, "MB"}, {10, "KB"}} {
		if n > 0 && n%(1<<u.shift) == 0 {
			return strconv.FormatInt(n>>u.shift, 10) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10)
}
