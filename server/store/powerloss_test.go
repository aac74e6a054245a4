package store

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// powerLossSeeds is how many power losses TestPowerLoss models.
const powerLossSeeds = 200

// TestPowerLoss is issue 12 §3: four deliverers commit messages of 0 to
// 24 KB through modelFS, and at a random operation the power goes: the disk
// keeps what completed syncs covered plus a random part of the rest (see
// modelFS.crash). Then, before any Letterbox code runs, every file in new/
// and cur/ must be a whole message (other Maildir readers may look first);
// and after Open every message acknowledged before the loss must be listed
// and byte-identical, tmp/ empty, and the index equal to the Maildir.
// LETTERBOX_POWERLOSS_SEED replays one seed.
func TestPowerLoss(t *testing.T) {
	seeds := make([]uint64, powerLossSeeds)
	base := uint64(time.Now().UnixNano())
	for i := range seeds {
		seeds[i] = base + uint64(i)
	}
	if s := os.Getenv("LETTERBOX_POWERLOSS_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		seeds = []uint64{v}
	}
	for _, seed := range seeds {
		powerLossRound(t, seed)
		if t.Failed() {
			t.Fatalf("seed %d broke the store (LETTERBOX_POWERLOSS_SEED=%d replays it)", seed, seed)
		}
	}
}

// powerLossRound runs one delivery burst with one power loss in it.
func powerLossRound(t *testing.T, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b9))
	live := t.TempDir()
	s, err := Open(live, Options{SaveAfter: 1 << 30, SaveInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	m := newModelFS(t, live)
	m.install(s)

	const workers, perWorker = 4, 5
	var (
		mu    sync.Mutex
		sent  = map[string]string{} // every body a delivery wrote, by content
		acked = map[string]string{} // id → message, acknowledged before the loss
		img   crashImage
		down  bool
	)
	crashAt := 1 + rng.IntN(workers*perWorker*22)
	crashRng := rand.New(rand.NewPCG(rng.Uint64(), 1))
	m.onOp = func(op int) {
		if op != crashAt {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		img, down = m.crash(crashRng), true // acked is frozen with it
	}
	sizes := make([]int, workers*perWorker)
	for i := range sizes {
		sizes[i] = rng.IntN(24 << 10)
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range perWorker {
				msg := powerLossMessage(seed, w*perWorker+i, sizes[w*perWorker+i])
				mu.Lock()
				sent[msg] = msg
				mu.Unlock()
				id, err := deliverChunked(s, msg)
				if err != nil {
					t.Errorf("delivery %d: %v", w*perWorker+i, err)
					return
				}
				mu.Lock()
				if !down {
					acked[id] = msg
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	s.Close()
	mu.Lock()
	defer mu.Unlock()
	if !down { // the burst took fewer operations than crashAt
		img = m.crash(crashRng)
	}
	checkPowerLoss(t, img, sent, acked)
}

// powerLossMessage is message n of a round: headers, a body of size bytes
// and an end marker, so a torn copy never equals a whole one.
func powerLossMessage(seed uint64, n, size int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Subject: seed %d message %d\r\n\r\n", seed, n)
	for b.Len() < size {
		fmt.Fprintf(&b, "line %d of message %d\r\n", b.Len(), n)
	}
	fmt.Fprintf(&b, "END %d\r\n", n)
	return b.String()
}

// deliverChunked writes msg in chunks of up to 4 KB and commits it.
func deliverChunked(s *Store, msg string) (string, error) {
	d, err := s.Create()
	if err != nil {
		return "", err
	}
	for b := []byte(msg); len(b) > 0; {
		n := min(len(b), 4096)
		if _, err := d.Write(b[:n]); err != nil {
			return "", err
		}
		b = b[n:]
	}
	sum, err := d.Commit(Record{MailFrom: "a@b.test", Rcpts: []string{"c@d.test"}})
	return sum.ID, err
}

// checkPowerLoss checks the image before and after Open.
func checkPowerLoss(t *testing.T, img crashImage, sent, acked map[string]string) {
	for rel, b := range img.maildir() {
		if _, ok := sent[string(b)]; !ok {
			t.Errorf("after the power loss, before Open: %s holds %d bytes that are not a whole message", rel, len(b))
		}
	}
	dir := t.TempDir()
	img.write(t, dir)
	// NoSync: this Open's own syncs are not what is tested, and cost time.
	s, err := Open(dir, Options{NoSync: true})
	if err != nil {
		t.Fatalf("Open after the power loss: %v", err)
	}
	defer s.Close()
	for id, msg := range acked {
		rc, err := s.Open(id)
		if err != nil {
			t.Errorf("acknowledged message %s lost: %v", id, err)
			continue
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if string(b) != msg {
			t.Errorf("acknowledged message %s has %d bytes, want its %d", id, len(b), len(msg))
		}
	}
	files := 0
	for _, sub := range []string{dirNew, dirCur} {
		for _, name := range dirNames(t, filepath.Join(dir, sub)) {
			files++
			b, err := os.ReadFile(filepath.Join(dir, sub, name))
			if _, ok := sent[string(b)]; err != nil || !ok {
				t.Errorf("after Open: %s/%s is not a whole message (%d bytes, %v)", sub, name, len(b), err)
			}
			if _, err := s.Get(idFromName(name)); err != nil {
				t.Errorf("after Open: %s/%s is not in the index: %v", sub, name, err)
			}
		}
	}
	if total, _ := s.Counts(); total != files {
		t.Errorf("after Open the index counts %d messages, the Maildir holds %d", total, files)
	}
	if got := dirNames(t, filepath.Join(dir, dirTmp)); len(got) != 0 {
		t.Errorf("tmp/ after Open = %q, want empty", got)
	}
}
