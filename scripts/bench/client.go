package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/smtp"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/sirupsen/logrus"

	"letterbox/smtpcore"
)

// clientMessages is how many messages each client sends over one connection.
const clientMessages = 1000

// swaksRuns is how many swaks processes are timed (one message each).
const swaksRuns = 100

// clientRun is one client's run against smtp-sink.
type clientRun struct {
	rate float64 // messages per second
}

// attachRun is one `letterbox send` of the big attachment, from /usr/bin/time -v.
type attachRun struct {
	secs   float64
	maxRSS int64
}

// runClient is scenario 4: 1,000 messages over one connection to smtp-sink
// from Letterbox's client and Go's net/smtp, swaks at one message per
// process, and one big attachment through `letterbox send`.
func runClient(ctx context.Context, o *options, rep *report) error {
	dir, err := os.MkdirTemp(o.work, "client-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	p, err := sinkServer().start(ctx, o, dir)
	if err != nil {
		return err
	}
	defer p.stop()
	msg := testMessage(5120)
	msgFile := filepath.Join(dir, "message.eml")
	if err := os.WriteFile(msgFile, msg, 0o600); err != nil {
		return err
	}
	clients := []struct {
		name string
		fn   func(context.Context) (float64, error)
	}{
		{"Letterbox (smtpcore.Client)", func(ctx context.Context) (float64, error) { return sendLetterbox(ctx, p.addr, msg) }},
		{"Go net/smtp", func(context.Context) (float64, error) { return sendNetSMTP(p.addr, msg) }},
		{"swaks", func(ctx context.Context) (float64, error) { return sendSwaks(ctx, p.addr, msgFile) }},
	}
	for r := 0; r < o.reps; r++ {
		for k := range clients {
			c := clients[(k+r)%len(clients)]
			rate, err := c.fn(ctx)
			if err != nil {
				rep.fail("client/%s: %v", c.name, err)
				continue
			}
			rep.clients[c.name] = append(rep.clients[c.name], clientRun{rate: rate})
			o.log.WithFields(logrus.Fields{"client": c.name, "msg/s": fmt.Sprintf("%.0f", rate)}).Info("client")
		}
	}
	rep.clientOrder = []string{clients[0].name, clients[1].name, clients[2].name}
	rep.swaksCommand = swaksArgs("127.0.0.1:PORT", "message.eml")
	return runAttach(ctx, o, rep, p.addr, dir)
}

// testMessage is a plain-text message of about size bytes with CRLF lines.
func testMessage(size int) []byte {
	var b bytes.Buffer
	b.WriteString("From: Bench <sender@bench.test>\r\nTo: <rcpt@bench.test>\r\nSubject: client benchmark\r\n" +
		"Date: Mon, 01 Jan 2024 00:00:00 +0000\r\nMessage-ID: <client@bench.test>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: text/plain; charset=us-ascii\r\n\r\n")
	line := "The quick brown fox jumps over the lazy dog, again and again and again.\r\n"
	for b.Len() < size {
		b.WriteString(line)
	}
	return b.Bytes()
}

// rawMessage is a ready message for smtpcore.Client.SendMail.
type rawMessage []byte

func (m rawMessage) Size() int64                        { return int64(len(m)) }
func (m rawMessage) Is8bit() bool                       { return false }
func (m rawMessage) WriteTo(w io.Writer) (int64, error) { n, err := w.Write(m); return int64(n), err }

// sendLetterbox sends clientMessages over one smtpcore.Client connection.
func sendLetterbox(ctx context.Context, addr string, msg []byte) (float64, error) {
	start := time.Now()
	c, err := smtpcore.Dial(ctx, smtpcore.ClientConfig{Addr: addr, Helo: "bench.test"})
	if err != nil {
		return 0, err
	}
	defer c.Close()
	env := smtpcore.Envelope{From: "sender@bench.test", To: []string{"rcpt@bench.test"}}
	for i := range clientMessages {
		if _, err := c.SendMail(ctx, env, rawMessage(msg)); err != nil {
			return 0, fmt.Errorf("message %d: %w", i+1, err)
		}
	}
	if err := c.Quit(); err != nil {
		return 0, err
	}
	return clientMessages / time.Since(start).Seconds(), nil
}

// sendNetSMTP sends clientMessages over one net/smtp connection.
func sendNetSMTP(addr string, msg []byte) (float64, error) {
	start := time.Now()
	c, err := smtp.Dial(addr)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	if err := c.Hello("bench.test"); err != nil {
		return 0, err
	}
	for i := range clientMessages {
		if err := netSMTPOne(c, msg); err != nil {
			return 0, fmt.Errorf("message %d: %w", i+1, err)
		}
	}
	if err := c.Quit(); err != nil {
		return 0, err
	}
	return clientMessages / time.Since(start).Seconds(), nil
}

func netSMTPOne(c *smtp.Client, msg []byte) error {
	if err := c.Mail("sender@bench.test"); err != nil {
		return err
	}
	if err := c.Rcpt("rcpt@bench.test"); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	return w.Close()
}

func swaksArgs(addr, file string) []string {
	return []string{"swaks", "--server", addr, "--helo", "bench.test", "--from", "sender@bench.test",
		"--to", "rcpt@bench.test", "--data", "@" + file, "--silent", "2"}
}

// sendSwaks times swaksRuns swaks processes, one message each, and returns
// their rate: swaks cannot send several messages over one connection.
func sendSwaks(ctx context.Context, addr, file string) (float64, error) {
	start := time.Now()
	for i := range swaksRuns {
		if _, _, err := runTimed(ctx, time.Minute, swaksArgs(addr, file)); err != nil {
			return 0, fmt.Errorf("run %d: %w", i+1, err)
		}
	}
	return swaksRuns / time.Since(start).Seconds(), nil
}

// runAttach sends one attachment of -attach-bytes (random bytes, so nothing
// can shortcut the base64) with `letterbox send` under /usr/bin/time -v.
func runAttach(ctx context.Context, o *options, rep *report, addr, dir string) error {
	file := filepath.Join(dir, "attachment.bin")
	if err := writeRandom(file, o.attachBytes); err != nil {
		return err
	}
	defer os.Remove(file)
	rep.attachBytes = o.attachBytes
	rep.attachCommand = attachArgs("bin/letterbox", "127.0.0.1:PORT", "attachment.bin")
	for r := 0; r < o.reps; r++ {
		_, out, err := runTimed(ctx, 5*time.Minute, attachArgs(o.letterbox, addr, file))
		if err != nil {
			rep.fail("attach: %v", err)
			continue
		}
		res, err := parseGNUTime(out)
		if err != nil {
			rep.fail("attach: %v", err)
			continue
		}
		rep.attach = append(rep.attach, res)
		o.log.WithFields(logrus.Fields{"secs": fmt.Sprintf("%.2f", res.secs), "max_rss": humanBytes(res.maxRSS)}).Info("attachment")
	}
	return nil
}

func attachArgs(letterbox, addr, file string) []string {
	return []string{"/usr/bin/time", "-v", letterbox, "send", "--server", addr, "--from", "sender@bench.test",
		"--to", "rcpt@bench.test", "--subject", "big attachment", "--body", "See the attachment.", "--attach", file, "--quiet"}
}

// writeRandom fills path with n pseudo-random bytes.
func writeRandom(path string, n int64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	rng := rand.NewChaCha8([32]byte{'l', 'e', 't', 't', 'e', 'r', 'b', 'o', 'x'})
	if _, err := io.CopyN(f, rng, n); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

var (
	timeRSS     = regexp.MustCompile(`Maximum resident set size \(kbytes\): (\d+)`)
	timeElapsed = regexp.MustCompile(`Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)`)
)

// parseGNUTime reads the wall time and peak RSS from /usr/bin/time -v.
func parseGNUTime(out string) (attachRun, error) {
	m, e := timeRSS.FindStringSubmatch(out), timeElapsed.FindStringSubmatch(out)
	if m == nil || e == nil {
		return attachRun{}, fmt.Errorf("no /usr/bin/time -v report in %q", out)
	}
	kb, _ := strconv.ParseInt(m[1], 10, 64)
	secs := 0.0
	for _, part := range strings.Split(e[1], ":") {
		v, _ := strconv.ParseFloat(part, 64)
		secs = secs*60 + v
	}
	return attachRun{secs: secs, maxRSS: kb << 10}, nil
}
