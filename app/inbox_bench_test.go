package app

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"letterbox/server/store"
)

// inboxBenchN is the size of the big inbox benchmarks.
const inboxBenchN = 100_000

// inboxBenchStore fills a store with n small messages spread over a few
// domains and recipients, the way a busy test inbox looks.
func inboxBenchStore(b *testing.B, n int) *store.Store {
	b.Helper()
	st, err := store.Open(b.TempDir(), store.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	doms := []string{"example.com", "example.org", "test.example", "mail.test", "dev.local"}
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		d, err := st.Create()
		if err != nil {
			b.Fatal(err)
		}
		to := fmt.Sprintf("user%d@%s", i%37, doms[i%len(doms)])
		fmt.Fprintf(d, "From: Sender %d <s%d@senders.test>\r\nTo: %s\r\nSubject: Message %d\r\nMessage-ID: <%d@bench>\r\n\r\nHello,\r\nthis is message %d.\r\n", i, i%101, to, i, i, i)
		if _, err := d.Commit(store.Record{MailFrom: "s@senders.test", Rcpts: []string{to}, Received: base.Add(time.Duration(i) * time.Second)}); err != nil {
			b.Fatal(err)
		}
	}
	return st
}

// BenchmarkInboxOpen100k measures building the inbox over 100,000 messages
// until the first page is drawn (target: well under 1 s).
func BenchmarkInboxOpen100k(b *testing.B) {
	test.NewTempApp(b)
	st := inboxBenchStore(b, inboxBenchN)
	b.ResetTimer()
	for b.Loop() {
		pump := newInboxPump()
		in := NewInbox(st, func(f func()) { f() })
		in.setUI(pump.post)
		t0 := time.Now()
		w := test.NewTempWindow(b, in.Build())
		w.Resize(fyne.NewSize(1200, 800))
		t1 := time.Now()
		pump.drain()
		b.ReportMetric(float64(t1.Sub(t0).Microseconds()), "build-µs")
		b.ReportMetric(float64(time.Since(t1).Microseconds()), "drain-µs")
		if in.list.total != inboxBenchN {
			b.Fatalf("list counts %d, want 100000", in.list.total)
		}
		in.Close()
	}
}

// BenchmarkMessageShow measures selecting an ordinary message with an
// attachment until the view is filled (target: under 100 ms).
func BenchmarkMessageShow(b *testing.B) {
	test.NewTempApp(b)
	st, err := store.Open(b.TempDir(), store.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	var ids []string
	for i := range 2 {
		d, _ := st.Create()
		fmt.Fprint(d, strings.ReplaceAll(messageMixed(fmt.Sprintf("report%d.pdf", i)), "\n", "\r\n"))
		sum, err := d.Commit(inboxRecord("ann@a.test", "bob@b.test"))
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, sum.ID)
	}
	pump := newInboxPump()
	in := NewInbox(st, func(f func()) { f() })
	in.setUI(pump.post)
	w := test.NewTempWindow(b, in.Build())
	w.Resize(fyne.NewSize(1200, 800))
	defer in.Close()
	pump.drain()
	i := 0
	for b.Loop() {
		id := ids[i%2]
		i++
		in.view.Show(id)
		pump.drain()
		if in.view.data == nil || in.view.data.id != id {
			b.Fatalf("view does not show %s", id)
		}
	}
}
