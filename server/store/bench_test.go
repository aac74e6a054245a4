package store

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// benchStore is one large store shared by the benchmarks of a run, built
// straight into the Maildir (as another tool would) and indexed once.
type benchStore struct {
	once sync.Once
	dir  string
	n    int
	err  error
}

var bench benchStore

// TestMain removes the benchmark store after the run.
func TestMain(m *testing.M) {
	code := m.Run()
	if bench.dir != "" {
		os.RemoveAll(bench.dir)
	}
	os.Exit(code)
}

// benchDir returns the shared store, LETTERBOX_BENCH_N messages (default
// 10,000), half of them read.
func benchDir(b *testing.B) (string, int) {
	b.Helper()
	bench.once.Do(func() {
		bench.n = 10000
		if v, err := strconv.Atoi(os.Getenv("LETTERBOX_BENCH_N")); err == nil && v > 0 {
			bench.n = v
		}
		bench.dir, bench.err = os.MkdirTemp("", "letterbox-bench-")
		if bench.err == nil {
			bench.err = fillStore(bench.dir, bench.n)
		}
	})
	if bench.err != nil {
		b.Fatalf("building the benchmark store: %v", bench.err)
	}
	return bench.dir, bench.n
}

func fillStore(dir string, n int) error {
	for _, d := range []string{dirTmp, dirNew, dirCur, dirRecords, dirText} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			return err
		}
	}
	var ids idGen
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	body := strings.Repeat("Lorem ipsum dolor sit amet, consectetur adipiscing elit.\r\n", 80)
	for i := range n {
		when := base.Add(time.Duration(i) * time.Second)
		id := ids.next(when)
		rcpt := fmt.Sprintf("user%d@domain%d.test", i%97, i%13)
		msg := fmt.Sprintf("Return-Path: <sender%d@example.org>\r\nReceived: from x by letterbox id %s\r\n"+
			"From: Sender %d <sender%d@example.org>\r\nTo: %s\r\nSubject: subject %d =?UTF-8?Q?caf=C3=A9?=\r\n"+
			"Date: %s\r\nMessage-ID: <%s@example.org>\r\n\r\n%s", i%500, id, i%500, i%500, rcpt, i,
			when.Format(time.RFC1123Z), id, body)
		dir2, name := dirNew, id
		if i%2 == 0 {
			dir2, name = dirCur, id+":2,S"
		}
		if err := os.WriteFile(filepath.Join(dir, dir2, name), []byte(msg), 0o600); err != nil {
			return err
		}
		rec, _ := json.Marshal(Record{ID: id, MailFrom: "sender@example.org", Rcpts: []string{rcpt, "bcc@hidden.test"},
			Received: when, Size: int64(len(msg)), Protocol: "ESMTP", Linted: true})
		if err := os.WriteFile(filepath.Join(dir, dirRecords, id+".json"), rec, 0o600); err != nil {
			return err
		}
	}
	s, err := Open(dir, Options{}) // first open: builds and saves the index
	if err != nil {
		return err
	}
	// The messages were written behind the store's back, so none has the
	// search text a delivery keeps; one body search makes them all.
	if _, _, err := s.List(Query{Search: "warm", SearchBody: true}); err != nil {
		return err
	}
	return s.Close()
}

func openBench(b *testing.B) (*Store, int) {
	dir, n := benchDir(b)
	s, err := Open(dir, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s, n
}

// BenchmarkOpen measures Open with a warm index cache (target: 100,000
// messages in under 1 s).
func BenchmarkOpen(b *testing.B) {
	dir, n := benchDir(b)
	b.ReportMetric(float64(n), "messages")
	for b.Loop() {
		s, err := Open(dir, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if total, _ := s.Counts(); total != n {
			b.Fatalf("Counts() = %d, want %d", total, n)
		}
		s.Close()
	}
}

// BenchmarkRebuild measures Open without an index cache (target: 100,000
// messages in under 10 s).
func BenchmarkRebuild(b *testing.B) {
	dir, n := benchDir(b)
	b.ReportMetric(float64(n), "messages")
	for b.Loop() {
		b.StopTimer()
		os.Remove(filepath.Join(dir, indexFile))
		b.StartTimer()
		s, err := Open(dir, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if total, _ := s.Counts(); total != n {
			b.Fatalf("Counts() = %d, want %d", total, n)
		}
		s.Close()
	}
}

// BenchmarkList measures the inbox's queries (targets: first page and
// subject search under 100 ms at 100,000 messages).
func BenchmarkList(b *testing.B) {
	s, n := openBench(b)
	for _, q := range []struct {
		name string
		q    Query
	}{
		{"FirstPage", Query{Limit: 50}},
		{"DeepPage", Query{Offset: n / 2, Limit: 50}},
		{"Domain", Query{Domain: "domain7.test", Limit: 50}},
		{"Recipient", Query{Recipient: "user5@domain5.test", Limit: 50}},
		{"SearchSubject", Query{Search: "subject 4242 ", Limit: 50}},
		{"SearchMiss", Query{Search: "no such text", Limit: 50}},
		{"SearchBodies", Query{Search: "no such text", SearchBody: true, Limit: 50}},
	} {
		b.Run(q.name, func(b *testing.B) {
			for b.Loop() {
				if _, _, err := s.List(q.q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCommit measures one durable delivery of a 5 KB message, fsyncs
// included.
func BenchmarkCommit(b *testing.B) {
	s, msg := commitBench(b)
	for b.Loop() {
		d, err := s.Create()
		if err != nil {
			b.Fatal(err)
		}
		d.Write(msg)
		if _, err := d.Commit(Record{Rcpts: []string{"c@d.test"}}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCommitConcurrent measures durable deliveries of 5 KB messages from
// 20 goroutines at once, as 20 SMTP sessions make them: the case group
// commit is for.
func BenchmarkCommitConcurrent(b *testing.B) {
	s, msg := commitBench(b)
	b.SetParallelism(max(1, 20/runtime.GOMAXPROCS(0)))
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			d, err := s.Create()
			if err != nil {
				b.Error(err)
				return
			}
			d.Write(msg)
			if _, err := d.Commit(Record{Rcpts: []string{"c@d.test"}}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// commitBench opens a durable store (fsync on) for the test and returns it
// with the 5 KB message the commit benchmarks deliver.
func commitBench(b *testing.B) (*Store, []byte) {
	s, err := Open(b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	msg := []byte("From: a@b.test\r\nTo: c@d.test\r\nSubject: bench\r\n\r\n" + strings.Repeat("x", 5000) + "\r\n")
	b.SetBytes(int64(len(msg)))
	return s, msg
}
