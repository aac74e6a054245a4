package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// peer is one SMTP server under test.
type peer struct {
	name string
	// durable says whether, and how, the message is on disk before the 250
	// reply to the final dot; the report prints it.
	durable string
	// start runs a fresh server with its store in dir.
	start func(ctx context.Context, o *options, dir string) (*proc, error)
	// stored counts the messages the server holds; nil when it keeps none.
	stored func(p *proc, dir string) (int, error)
}

// Limits Letterbox runs with in the benchmarks: its defaults (256 sessions,
// 32 per client address, 25 MiB) would refuse the 100-session, 1,000-idle
// and 100 MB scenarios, which all come from 127.0.0.1.
var letterboxLimits = []string{
	"--max-connections", "1100", "--max-connections-per-ip", "1100", "--max-message-size", "256M",
}

func letterboxServer() peer {
	return peer{
		name: "Letterbox",
		durable: "yes: one sync shared by concurrent deliveries (fdatasync of each file and its session record, which holds the file's size and CRC-32C, and fsync of tmp/ and records/), " +
			"then linked into new/ and 250; new/ is fsynced after, and a power loss before that is repaired from tmp/ at the next start",
		start: func(ctx context.Context, o *options, dir string) (*proc, error) {
			addr, err := localAddr()
			if err != nil {
				return nil, err
			}
			argv := append([]string{o.letterbox, "serve", "--listen", addr, "--store", filepath.Join(dir, "mail")}, letterboxLimits...)
			return startProc(ctx, "letterbox", addr, filepath.Join(dir, "letterbox.log"), argv)
		},
		stored: func(_ *proc, dir string) (int, error) { return countMaildir(filepath.Join(dir, "mail")) },
	}
}

func mailpitServer() peer {
	return peer{
		name: "Mailpit",
		durable: "no: stored in SQLite (WAL, synchronous=NORMAL) before 250, so it survives a crash of " +
			"Mailpit but the WAL is fsynced only at checkpoints: a power loss can drop acknowledged mail",
		start: func(ctx context.Context, o *options, dir string) (*proc, error) {
			addr, err := localAddr()
			if err != nil {
				return nil, err
			}
			ui, err := localAddr()
			if err != nil {
				return nil, err
			}
			argv := []string{o.mailpit, "--smtp", addr, "--listen", ui, "--database", filepath.Join(dir, "mailpit.db"),
				"--smtp-disable-rdns", "--max", "0", "--disable-version-check"}
			p, err := startProc(ctx, "mailpit", addr, filepath.Join(dir, "mailpit.log"), argv)
			if p != nil {
				p.ui = ui
			}
			return p, err
		},
		stored: func(p *proc, _ string) (int, error) { return mailpitTotal(p.ui) },
	}
}

func aiosmtpdServer() peer {
	return peer{
		name: "aiosmtpd",
		durable: "partly: aiosmtpd.handlers.Mailbox adds to a Python mailbox.Maildir, which fsyncs the file " +
			"in tmp/ and links it into new/ but never fsyncs the directory, so a power loss can drop " +
			"acknowledged mail; the whole message is held in memory and parsed first",
		start: func(ctx context.Context, o *options, dir string) (*proc, error) {
			addr, err := localAddr()
			if err != nil {
				return nil, err
			}
			md := filepath.Join(dir, "Maildir")
			argv := []string{"/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", addr, "-s", "0",
				"-c", "aiosmtpd.handlers.Mailbox", md}
			return startProc(ctx, "aiosmtpd", addr, filepath.Join(dir, "aiosmtpd.log"), argv)
		},
		stored: func(_ *proc, dir string) (int, error) { return countMaildir(filepath.Join(dir, "Maildir")) },
	}
}

func sinkServer() peer {
	return peer{
		name:    "smtp-sink",
		durable: "no: discards every message (the ceiling of what smtp-source can push)",
		start: func(ctx context.Context, o *options, dir string) (*proc, error) {
			addr, err := localAddr()
			if err != nil {
				return nil, err
			}
			argv := []string{sinkPath}
			if os.Geteuid() == 0 {
				argv = append(argv, "-u", "nobody") // smtp-sink drops root privileges
			}
			argv = append(argv, addr, "1024")
			return startProc(ctx, "smtp-sink", addr, filepath.Join(dir, "smtp-sink.log"), argv)
		},
	}
}

const (
	sinkPath   = "/usr/sbin/smtp-sink"
	sourcePath = "/usr/sbin/smtp-source"
)

func localAddr() (string, error) {
	port, err := freePort()
	if err != nil {
		return "", err
	}
	return "127.0.0.1:" + strconv.Itoa(port), nil
}

// countMaildir counts the messages in a Maildir's new/ and cur/.
func countMaildir(dir string) (int, error) {
	n := 0
	for _, sub := range []string{"new", "cur"} {
		ents, err := os.ReadDir(filepath.Join(dir, sub))
		if err != nil && !os.IsNotExist(err) {
			return 0, err
		}
		for _, e := range ents {
			if e.Type().IsRegular() {
				n++
			}
		}
	}
	return n, nil
}

// mailpitTotal asks Mailpit's API how many messages it holds.
func mailpitTotal(ui string) (int, error) {
	c := http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get("http://" + ui + "/api/v1/messages?limit=1")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var v struct {
		Total int `json:"total"`
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("mailpit API: %s", resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		return 0, fmt.Errorf("mailpit API: %w", err)
	}
	return v.Total, nil
}
