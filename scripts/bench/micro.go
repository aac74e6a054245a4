package main

import (
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"time"
)

// microLine is one line of `go test -bench -benchmem` output.
type microLine struct {
	pkg, name string
	nsOp      float64
	mbs       string // MB/s, "" when the benchmark sets no bytes
	bOp       string
	allocs    string
}

// microRuns are the go test invocations of scenario 6: the parser and the
// DATA codec, and one durable store commit (its fsyncs bound what a single
// session can ingest).
var microRuns = [][]string{
	{"go", "test", "-run", "^$", "-bench", ".", "-benchmem", "-count", "1", "./smtpcore/"},
	{"go", "test", "-run", "^$", "-bench", "Commit", "-benchtime", "300x", "-benchmem", "-count", "1", "./server/store/"},
	// issue 11: the first page of a 10,000-message remote inbox over loopback
	// (private Dovecot; no line when dovecot is not installed)
	{"go", "test", "-run", "^$", "-bench", "RemoteFirstPage", "-benchtime", "5x", "-count", "1", "./server/imapstore/"},
}

var benchLine = regexp.MustCompile(`^(Benchmark\S+)\s+\d+\s+([\d.]+) ns/op(?:\s+([\d.]+) MB/s)?(?:\s+(\d+) B/op\s+(\d+) allocs/op)?`)

// runMicro is scenario 6.
func runMicro(ctx context.Context, o *options, rep *report) error {
	for _, argv := range microRuns {
		ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
		cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
		cmd.Env = append(cmd.Environ(), "CGO_ENABLED=0")
		out, err := cmd.CombinedOutput()
		cancel()
		if err != nil {
			return fmt.Errorf("%s: %w: %s", strings.Join(argv, " "), err, tail2(string(out)))
		}
		pkg := argv[len(argv)-1]
		for _, line := range strings.Split(string(out), "\n") {
			m := benchLine.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			var ns float64
			fmt.Sscan(m[2], &ns)
			rep.micro = append(rep.micro, microLine{pkg: pkg, name: m[1], nsOp: ns, mbs: m[3], bOp: m[4], allocs: m[5]})
		}
		rep.microCommands = append(rep.microCommands, "CGO_ENABLED=0 "+strings.Join(argv, " "))
	}
	if len(rep.micro) == 0 {
		return fmt.Errorf("no benchmark lines in the go test output")
	}
	return nil
}

func tail2(s string) string {
	if len(s) > 600 {
		s = s[len(s)-600:]
	}
	return strings.TrimSpace(s)
}
