package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/sirupsen/logrus"
)

// bigRun is one big message sent to a fresh server.
type bigRun struct {
	secs   float64
	growth int64 // peak RSS during the message minus RSS before it
}

// bigOnlyOnce are the peers that get the big message once, not -reps times:
// they hold the whole message in memory and take tens of seconds for it,
// which the 15-minute budget of `make bench` cannot pay three times.
var bigOnlyOnce = map[string]bool{"Mailpit": true, "aiosmtpd": true}

// runBig is scenario 2: one message of -big-bytes through smtp-source, timed,
// with the server's peak resident memory (VmHWM) against its RSS before.
func runBig(ctx context.Context, o *options, rep *report) error {
	servers := ingestServers()
	rep.bigBytes = int64(o.bigBytes)
	rep.bigCommand = bigArgs(o.bigBytes, "127.0.0.1:PORT")
	for r := 0; r < o.reps; r++ {
		for k := range servers {
			s := servers[(k+r)%len(servers)]
			if r > 0 && bigOnlyOnce[s.name] {
				continue
			}
			res, err := bigOnce(ctx, o, s)
			if err != nil {
				rep.fail("big/%s: %v", s.name, err)
				if ctx.Err() != nil {
					return ctx.Err()
				}
				continue
			}
			rep.big[s.name] = append(rep.big[s.name], res)
			o.log.WithFields(logrus.Fields{"server": s.name, "secs": fmt.Sprintf("%.2f", res.secs),
				"growth": humanBytes(res.growth)}).Info("big message")
		}
	}
	return nil
}

func bigArgs(size int, addr string) []string {
	return []string{sourcePath, "-s", "1", "-m", "1", "-l", strconv.Itoa(size),
		"-M", "bench.test", "-f", "sender@bench.test", "-t", "rcpt@bench.test", addr}
}

func bigOnce(ctx context.Context, o *options, s peer) (bigRun, error) {
	dir, err := os.MkdirTemp(o.work, "big-")
	if err != nil {
		return bigRun{}, err
	}
	defer os.RemoveAll(dir)
	p, err := s.start(ctx, o, dir)
	if err != nil {
		return bigRun{}, err
	}
	defer p.stop()
	resetPeak(p.pid())
	before, err := readMemory(p.pid())
	if err != nil {
		return bigRun{}, err
	}
	d, _, err := runTimed(ctx, 5*time.Minute, bigArgs(o.bigBytes, p.addr))
	if err != nil {
		return bigRun{}, err
	}
	after, err := readMemory(p.pid())
	if err != nil {
		return bigRun{}, err
	}
	if s.stored != nil {
		if n, err := s.stored(p, dir); err != nil || n != 1 {
			return bigRun{}, fmt.Errorf("store holds %d messages after 1 was acknowledged (%v)", n, err)
		}
	}
	return bigRun{secs: d.Seconds(), growth: after.hwm - before.rss}, nil
}

// idleRun is one server holding idle connections.
type idleRun struct {
	perConn int64 // RSS growth per connection, bytes
	stillUp bool  // a new client was greeted while they were held
}

// idleConns is how many connections scenario 3 holds open.
const idleConns = 1000

// idleServers are the peers of scenario 3. smtp-sink is left out: it serves
// only so many connections at once and leaves the rest unanswered.
func idleServers() []peer { return []peer{letterboxServer(), mailpitServer(), aiosmtpdServer()} }

// runIdle is scenario 3: open idleConns connections, read each greeting and
// the reply to EHLO, and divide the server's RSS growth by their number.
func runIdle(ctx context.Context, o *options, rep *report) error {
	servers := idleServers()
	for r := 0; r < o.reps; r++ {
		for k := range servers {
			s := servers[(k+r)%len(servers)]
			res, err := idleOnce(ctx, o, s)
			if err != nil {
				rep.fail("idle/%s: %v", s.name, err)
				if ctx.Err() != nil {
					return ctx.Err()
				}
				continue
			}
			rep.idle[s.name] = append(rep.idle[s.name], res)
			o.log.WithFields(logrus.Fields{"server": s.name, "per_conn": humanBytes(res.perConn)}).Info("idle connections")
		}
	}
	return nil
}

func idleOnce(ctx context.Context, o *options, s peer) (idleRun, error) {
	dir, err := os.MkdirTemp(o.work, "idle-")
	if err != nil {
		return idleRun{}, err
	}
	defer os.RemoveAll(dir)
	p, err := s.start(ctx, o, dir)
	if err != nil {
		return idleRun{}, err
	}
	defer p.stop()
	// One whole session first, so lazily built state is not counted.
	if _, _, err := runTimed(ctx, time.Minute, bigArgs(1024, p.addr)); err != nil {
		return idleRun{}, err
	}
	before, err := readMemory(p.pid())
	if err != nil {
		return idleRun{}, err
	}
	conns := make([]net.Conn, 0, idleConns)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range idleConns {
		if ctx.Err() != nil {
			return idleRun{}, ctx.Err()
		}
		c, err := openIdle(p.addr)
		if err != nil {
			return idleRun{}, fmt.Errorf("connection %d: %w", len(conns)+1, err)
		}
		conns = append(conns, c)
	}
	// The RSS settles within a few hundred ms; take the highest of 10 samples.
	peak := before.rss
	for range 10 {
		time.Sleep(100 * time.Millisecond)
		m, err := readMemory(p.pid())
		if err != nil {
			return idleRun{}, err
		}
		peak = max(peak, m.rss)
	}
	return idleRun{perConn: (peak - before.rss) / idleConns, stillUp: greet(p.addr) == nil}, nil
}

// openIdle connects, reads the greeting, says EHLO and reads its reply, and
// leaves the connection open.
func openIdle(addr string) (net.Conn, error) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(c)
	err = readReply(r, "220")
	if err == nil {
		_, err = c.Write([]byte("EHLO idle.bench.test\r\n"))
	}
	if err == nil {
		err = readReply(r, "250")
	}
	if err != nil { // a refused or broken greeting must not count as idle
		c.Close()
		return nil, err
	}
	c.SetDeadline(time.Time{})
	return c, nil
}

// readReply reads one (possibly multi-line) reply and checks its code.
func readReply(r *bufio.Reader, code string) error {
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return err
		}
		if !strings.HasPrefix(line, code) {
			return fmt.Errorf("reply %q, want %s", strings.TrimSpace(line), code)
		}
		if len(line) < 4 || line[3] != '-' {
			return nil
		}
	}
}
