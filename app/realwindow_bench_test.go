//go:build realwindow

package app

import (
	"fmt"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"letterbox/server/store"
)

// BenchmarkRealClickDuringArrivals is the responsiveness scenario of
// `make bench` (scenario 7): while 2,000 messages arrive live in the store,
// one every few milliseconds as a test suite would send them, a real mouse
// click on an Inbox row is timed until the message view shows a message
// other than the one before. One op is one click; it reports the median,
// 95th percentile and worst click in ms, and how many messages had arrived.
//
//	scripts/realwindow.sh -run '^$' -bench BenchmarkRealClickDuringArrivals -benchtime 40x
func BenchmarkRealClickDuringArrivals(b *testing.B) { benchClicks(b, 2000) }

// BenchmarkRealClickIdle is the same clicks with no mail arriving: the
// baseline that tells what the arrivals cost.
func BenchmarkRealClickIdle(b *testing.B) { benchClicks(b, 0) }

// benchClicks times clicks on Inbox rows while arrivals messages are
// delivered into the store.
func benchClicks(b *testing.B, arrivals int) {
	r := openRealB(b, 1366, 768)
	onUI(func() { r.m.tabs.Select(r.m.inboxTab) })
	st := uiValue(func() *store.Store { return r.m.store })
	var arrived atomic.Int64
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		for i := range arrivals {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			d, err := st.Create()
			if err != nil {
				done <- err
				return
			}
			att := ""
			if i%2 == 0 {
				att = " with an attachment"
			}
			fmt.Fprintf(d, "From: CI <ci@build.test>\r\nTo: you@letterbox.test\r\nSubject: Arrival %d%s\r\n\r\nBuild %d.\r\n", i, att, i)
			if _, err := d.Commit(store.Record{MailFrom: "ci@build.test", Rcpts: []string{"you@letterbox.test"}}); err != nil {
				done <- err
				return
			}
			arrived.Add(1)
		}
		done <- nil
	}()
	defer func() {
		close(stop)
		if err := <-done; err != nil {
			b.Errorf("delivering: %v", err)
		}
	}()
	r.waitFor("the inbox is listed", func() bool { return r.m.inbox.list.total >= min(arrivals, 20)+5 })

	// Two rows near the top: clicking them in turn always changes the message.
	var rows [2]fyne.Position
	onUI(func() {
		lw := r.m.inbox.list.widget
		p := fyne.CurrentApp().Driver().AbsolutePositionForObject(lw)
		h := lw.Size().Height
		rows[0] = p.Add(fyne.NewPos(lw.Size().Width/2, h*0.15))
		rows[1] = p.Add(fyne.NewPos(lw.Size().Width/2, h*0.35))
	})
	scale := uiValue(func() float32 { return r.m.window.Canvas().Scale() })
	// The app's own part: from the list asking the view to show a message
	// to the view filled with it, timed on Fyne's goroutine.
	var shownAt time.Time
	var app []float64
	onUI(func() {
		r.m.inbox.view.traceShow = func(string) { shownAt = time.Now() }
		r.m.inbox.view.traceFilled = func(string) {
			if !shownAt.IsZero() {
				app = append(app, float64(time.Since(shownAt).Microseconds())/1000)
			}
		}
	})
	var lat []float64
	unanswered := 0
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		before := uiValue(func() string {
			if d := r.m.inbox.view.data; d != nil {
				return d.id
			}
			return ""
		})
		at := rows[i%2]
		t0 := time.Now()
		r.xdo("mousemove", "--window", r.xid, strconv.Itoa(int(at.X*scale)), strconv.Itoa(int(at.Y*scale)), "click", "1")
		for {
			shown := uiValue(func() bool { d := r.m.inbox.view.data; return d != nil && d.id != before })
			if shown {
				break
			}
			if time.Since(t0) > 5*time.Second {
				unanswered++ // counted apart: a 5 s figure is the wait, not a latency
				break
			}
			time.Sleep(time.Millisecond)
		}
		lat = append(lat, float64(time.Since(t0).Microseconds())/1000)
		time.Sleep(20 * time.Millisecond) // one click every so often, as a person would
	}
	b.StopTimer()
	pct := func(xs []float64, p float64) float64 {
		if len(xs) == 0 {
			return 0
		}
		xs = slices.Sorted(slices.Values(xs))
		return xs[min(len(xs)-1, int(p*float64(len(xs))))]
	}
	appTimes := uiValue(func() []float64 { return slices.Clone(app) })
	b.ReportMetric(pct(lat, 0.5), "p50-ms")
	b.ReportMetric(pct(lat, 0.95), "p95-ms")
	b.ReportMetric(pct(lat, 1), "max-ms")
	b.ReportMetric(pct(appTimes, 0.5), "app-p50-ms")
	b.ReportMetric(pct(appTimes, 0.95), "app-p95-ms")
	b.ReportMetric(float64(arrived.Load()), "arrived")
	b.ReportMetric(float64(unanswered), "unanswered")
}
