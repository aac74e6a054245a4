package cli

import (
	"fmt"
	"math/rand/v2"
	"net"
	"net/mail"
	"net/textproto"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"letterbox/server/store"
)

// crashRounds is how many times TestCrashRounds kills the server.
const crashRounds = 20

// TestCrashRounds is issue 5 §6: 20 times over, four clients deliver distinct
// messages (1 to 128 KB, dot-stuffed lines, an end marker as the last line)
// to `letterbox serve`, which is SIGKILLed at a random moment 20 to 300 ms in
// and restarted on the same store. After each restart:
//   - every message ever acknowledged with 250 is in new/ or cur/, and its
//     bytes after the trace fields are exactly what was sent;
//   - every file in new/ and cur/ is a whole message that was sent (it parses
//     and ends with its end marker), none twice;
//   - tmp/ is empty;
//   - the store's index lists exactly the Maildir's files, with their sizes,
//     envelope senders and session records.
//
// The seed of the random choices is logged, so a failing run can be replayed
// with LETTERBOX_CRASH_SEED.
func TestCrashRounds(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("LETTERBOX_CRASH_SEED"); s != "" {
		fmt.Sscan(s, &seed)
	}
	t.Logf("seed %d (LETTERBOX_CRASH_SEED replays it)", seed)
	rng := rand.New(rand.NewPCG(seed, 0x1e77e7b0c5))
	dir := t.TempDir()
	led := &crashLedger{sent: map[string]crashSent{}, acked: map[string]string{}, verified: map[string]bool{}}
	p := startServe(t, dir)
	start := time.Now()
	for round := range crashRounds {
		delay := time.Duration(20+rng.IntN(281)) * time.Millisecond
		acked := crashRunRound(t, p, led, round, delay, rng.Uint64())
		p = startServe(t, dir) // store.Open cleans tmp/ and reconciles the index before it listens
		crashCheckStore(t, dir, led)
		if t.Failed() {
			t.Fatalf("round %d (kill after %v, %d acknowledged) broke the store", round, delay, acked)
		}
	}
	t.Logf("%d rounds in %v: %d messages attempted, %d acknowledged, %d in the store",
		crashRounds, time.Since(start).Round(time.Millisecond), len(led.sent), len(led.acked), len(led.verified))
	if len(led.acked) == 0 {
		t.Error("no message was acknowledged in any round: the test proved nothing")
	}
}

// crashLedger is what the clients of all rounds sent and what was acknowledged.
type crashLedger struct {
	mu       sync.Mutex
	sent     map[string]crashSent // subject → message
	acked    map[string]string    // queue id → subject
	fresh    []string             // ids acknowledged in the current round
	verified map[string]bool      // Maildir names already checked whole
}

// crashSent is one message as a client sent it.
type crashSent struct {
	from, to string // envelope
	text     string // as given to DATA, before dot-stuffing
}

// crashRunRound runs four clients against p, kills p after delay, and waits
// for the clients to notice. It returns how many messages were acknowledged.
func crashRunRound(t *testing.T, p *serveProc, led *crashLedger, round int, delay time.Duration, seed uint64) int {
	led.mu.Lock()
	led.fresh = nil
	led.mu.Unlock()
	var wg sync.WaitGroup
	for c := range 4 {
		rng := rand.New(rand.NewPCG(seed, uint64(c)))
		wg.Go(func() { crashClient(p.addr, led, round, c, rng) })
	}
	<-time.After(delay) // the random moment of the crash
	p.kill()
	wg.Wait()
	led.mu.Lock()
	defer led.mu.Unlock()
	return len(led.fresh)
}

// crashClient delivers messages on one session until the server is gone.
func crashClient(addr string, led *crashLedger, round, client int, rng *rand.Rand) {
	conn, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	tp := textproto.NewConn(conn)
	if _, _, err := tp.ReadResponse(220); err != nil {
		return
	}
	if tp.PrintfLine("EHLO crash%d.test", client) != nil {
		return
	}
	if _, _, err := tp.ReadResponse(250); err != nil {
		return
	}
	for n := 0; ; n++ {
		subject := fmt.Sprintf("round %d client %d message %d", round, client, n)
		m := crashSent{
			from: fmt.Sprintf("c%d.r%d@crash.test", client, round),
			to:   fmt.Sprintf("m%d@crash.test", n),
		}
		m.text = crashBody(subject, m, rng)
		led.mu.Lock()
		led.sent[subject] = m
		led.mu.Unlock()
		id, err := crashSend(tp, m)
		if err != nil {
			return
		}
		led.mu.Lock()
		led.acked[id] = subject
		led.fresh = append(led.fresh, id)
		led.mu.Unlock()
	}
}

// crashBody is a message of 1 to 128 KB whose every line is unique to
// subject; some lines start with a dot, and the last is the end marker.
func crashBody(subject string, m crashSent, rng *rand.Rand) string {
	var b strings.Builder
	fmt.Fprintf(&b, "From: <%s>\r\nTo: <%s>\r\nSubject: %s\r\nMessage-ID: <%x@crash.test>\r\n\r\n",
		m.from, m.to, subject, rng.Uint64())
	size := 1<<10 + rng.IntN(127<<10)
	for i := 0; b.Len() < size; i++ {
		if i%9 == 0 {
			b.WriteString(".")
		}
		fmt.Fprintf(&b, "%s line %d %x\r\n", subject, i, rng.Uint64())
	}
	b.WriteString(crashEnd(subject))
	return b.String()
}

// crashEnd is the last line of every message.
func crashEnd(subject string) string { return "END OF " + subject + "\r\n" }

// crashSend runs MAIL, RCPT and DATA and returns the queue id of the 250.
func crashSend(tp *textproto.Conn, m crashSent) (string, error) {
	for _, step := range []struct {
		line string
		code int
	}{{"MAIL FROM:<" + m.from + ">", 250}, {"RCPT TO:<" + m.to + ">", 250}, {"DATA", 354}} {
		if err := tp.PrintfLine("%s", step.line); err != nil {
			return "", err
		}
		if _, _, err := tp.ReadResponse(step.code); err != nil {
			return "", err
		}
	}
	w := tp.DotWriter() // dot-stuffs and ends with CRLF . CRLF
	if _, err := w.Write([]byte(m.text)); err != nil {
		return "", err
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	_, msg, err := tp.ReadResponse(250)
	if err != nil {
		return "", err
	}
	id, ok := strings.CutPrefix(msg, "2.0.0 OK queued as ")
	if !ok {
		return "", fmt.Errorf("250 reply without a queue id: %q", msg)
	}
	return id, nil
}

// crashCheckStore checks the store after a restart against the ledger.
func crashCheckStore(t *testing.T, dir string, led *crashLedger) {
	t.Helper()
	led.mu.Lock()
	defer led.mu.Unlock()
	files := crashMaildir(t, dir) // id → path
	for id, subject := range led.acked {
		if _, ok := files[id]; !ok {
			t.Errorf("acknowledged message %s (%s) is missing", id, subject)
		}
	}
	fresh := map[string]bool{}
	for _, id := range led.fresh {
		fresh[id] = true
	}
	seen := map[string]string{}
	for id, path := range files {
		if led.verified[id] && !fresh[id] {
			continue // checked whole after an earlier round; files are never rewritten
		}
		subject := crashCheckFile(t, path, led)
		if other, dup := seen[subject]; dup {
			t.Errorf("%q is stored twice: %s and %s", subject, other, id)
		}
		seen[subject] = id
		if s, ok := led.acked[id]; ok && s != subject {
			t.Errorf("message %s holds %q, but %q was acknowledged under that id", id, subject, s)
		}
		led.verified[id] = true
	}
	if ents, err := os.ReadDir(filepath.Join(dir, "tmp")); err != nil || len(ents) != 0 {
		t.Errorf("tmp/ after restart holds %d files (%v), want none", len(ents), err)
	}
	crashCheckIndex(t, dir, files, led)
}

// crashMaildir lists new/ and cur/: message id → path.
func crashMaildir(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	for _, sub := range []string{"new", "cur"} {
		ents, err := os.ReadDir(filepath.Join(dir, sub))
		if err != nil {
			t.Fatalf("reading %s/: %v", sub, err)
		}
		for _, e := range ents {
			id, _, _ := strings.Cut(e.Name(), ":")
			files[id] = filepath.Join(dir, sub, e.Name())
		}
	}
	return files
}

// crashCheckFile checks that the file at path is a whole message that a
// client sent, byte for byte after the trace fields, and returns its subject.
func crashCheckFile(t *testing.T, path string, led *crashLedger) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	msg, err := mail.ReadMessage(strings.NewReader(string(b)))
	if err != nil {
		t.Errorf("%s does not parse as a message: %v", path, err)
		return ""
	}
	subject := msg.Header.Get("Subject")
	_, rest := splitTrace(t, string(b))
	want, ok := led.sent[subject]
	switch {
	case !ok:
		t.Errorf("%s holds %q, which no client sent", path, subject)
	case !strings.HasSuffix(rest, crashEnd(subject)):
		t.Errorf("%s (%s) is cut short: it ends %q", path, subject, rest[max(0, len(rest)-80):])
	case rest != want.text:
		t.Errorf("%s (%s) differs from what was sent (%d bytes stored, %d sent)", path, subject, len(rest), len(want.text))
	}
	return subject
}

// crashCheckIndex opens the store beside the running server and checks that
// its index lists exactly the Maildir's files, each with the size of its
// file, its envelope sender and its session record.
func crashCheckIndex(t *testing.T, dir string, files map[string]string, led *crashLedger) {
	t.Helper()
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	defer st.Close()
	list, total, err := st.List(store.Query{})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	var indexed, onDisk []string
	for _, sum := range list {
		indexed = append(indexed, sum.ID)
	}
	for id := range files {
		onDisk = append(onDisk, id)
	}
	slices.Sort(indexed)
	slices.Sort(onDisk)
	if total != len(files) || !slices.Equal(indexed, onDisk) {
		t.Fatalf("index lists %d messages (total %d), the Maildir holds %d; index %v, Maildir %v",
			len(indexed), total, len(onDisk), indexed, onDisk)
	}
	for _, sum := range list {
		fi, err := os.Stat(files[sum.ID])
		if err != nil {
			t.Fatalf("stat %s: %v", sum.ID, err)
		}
		if sum.Size != fi.Size() {
			t.Errorf("index size of %s = %d, file has %d", sum.ID, sum.Size, fi.Size())
		}
		want := led.sent[sum.Subject]
		if sum.MailFrom != want.from || !slices.Equal(sum.Rcpts, []string{want.to}) {
			t.Errorf("index envelope of %s = %s → %v, want %s → %s", sum.ID, sum.MailFrom, sum.Rcpts, want.from, want.to)
		}
		if _, err := st.Record(sum.ID); err != nil {
			t.Errorf("session record of %s: %v", sum.ID, err)
		}
	}
}
