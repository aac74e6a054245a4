package app

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// htmlNewsletter builds an HTML newsletter of about size bytes the way
// mailing tools write them: nested layout tables with inline styles on
// every cell, a hidden preheader, a cid: logo, remote images and tracking
// pixels, headings, paragraphs with links, lists and a small price table
// per article.
func htmlNewsletter(size int) string {
	var sb strings.Builder
	sb.WriteString(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>News</title><style>td{font-family:Arial}</style></head>` +
		`<body style="margin:0;padding:0;background-color:#f4f4f4"><div style="display:none;max-height:0">Preheader</div>` +
		`<table width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f4f4f4"><tr><td align="center">` +
		`<table width="600" cellpadding="0" cellspacing="0" border="0"><tr><td style="padding:20px"><img src="cid:logo@news.example" alt="Logo" width="120" height="40"></td></tr>`)
	const cell = `style="font-family:Helvetica,Arial,sans-serif;font-size:15px;line-height:22px;color:#333333;padding:10px 20px 10px 20px;text-align:left"`
	for i := 0; sb.Len() < size; i++ {
		fmt.Fprintf(&sb, `<tr><td %[2]s><table width="100%%" cellpadding="0" cellspacing="0" border="0"><tr>`+
			`<td width="180" valign="top" %[2]s><a href="https://news.example/a/%[1]d?utm_source=newsletter&amp;utm_medium=email"><img src="https://cdn.news.example/img/%[1]d.jpg" width="160" height="100" alt="Picture %[1]d" style="display:block;border:0"></a></td>`+
			`<td valign="top" %[2]s><h2 style="font-size:20px;margin:0 0 8px 0;color:#111111">Article %[1]d: what happened this week</h2>`+
			`<p style="margin:0 0 10px 0">Lorem ipsum dolor sit amet, <b>consectetur</b> adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. `+
			`Ut enim ad minim veniam, quis <i>nostrud exercitation</i> ullamco laboris nisi ut aliquip ex ea commodo consequat.</p>`+
			`<ul style="margin:0;padding-left:20px"><li style="margin:0">First point of article %[1]d</li><li style="margin:0">Second point, with <a href="https://news.example/p/%[1]d">a link</a></li></ul>`+
			`<table cellpadding="4" cellspacing="0" border="1" style="border-collapse:collapse;margin:8px 0"><tr><th style="text-align:left">Plan</th><th style="text-align:right">Price</th></tr>`+
			`<tr><td>Basic</td><td style="text-align:right">%[1]d €</td></tr><tr><td>Pro</td><td style="text-align:right">%[1]d9 €</td></tr></table>`+
			`<p style="margin:0"><a href="https://news.example/r/%[1]d" style="color:#0066cc;text-decoration:underline;font-weight:bold">Read more »</a></p></td>`+
			`</tr></table><img src="https://track.news.example/o/%[1]d.gif" width="1" height="1" alt="" style="display:block"></td></tr>`, i, cell)
	}
	sb.WriteString(`</table></td></tr></table></body></html>`)
	return sb.String()
}

// BenchmarkHTMLNewsletter1MB measures showing a 1 MB HTML newsletter in the
// HTML view on Fyne's test driver, in a 1200×800 window: sanitise, parse,
// decode the inline logo, build the rich text and lay every chunk of it
// out (target < 200 ms, issue 10). Metrics: first-ms, until the first
// screen is drawn; ui-ms, the time spent on the Fyne goroutine's side in
// all; cpu-ms, the process's CPU time per op (user + system), which a
// loaded machine does not inflate the way it does wall time.
func BenchmarkHTMLNewsletter1MB(b *testing.B) {
	test.NewTempApp(b)
	body := htmlNewsletter(1 << 20)
	logo := htmlTestPNG(b, 120, 40)
	resolve := func(cid string) ([]byte, string, bool) { return logo, "image/png", true }
	var onUI, first time.Duration
	var queue []func() // the Fyne goroutine's work, run in turn as fyne.Do would
	v := newHTMLView(func(f func()) { f() }, func(f func()) { queue = append(queue, f) })
	w := test.NewTempWindow(b, v.CanvasObject())
	w.Resize(fyne.NewSize(1200, 800))
	cpu0 := htmlCPUTime()
	b.ResetTimer()
	for b.Loop() {
		v.SetHTML("", nil)
		start := time.Now()
		v.SetHTML(body, resolve)
		for i := 0; i < len(queue); i++ {
			t0 := time.Now()
			queue[i]()
			onUI += time.Since(t0)
			if i == 0 {
				first += time.Since(start)
			}
		}
		queue = queue[:0]
		if len(v.page.Objects) < 2 {
			b.Fatalf("%d chunks drawn, want the whole newsletter", len(v.page.Objects))
		}
	}
	b.StopTimer()
	n := float64(b.N)
	b.ReportMetric(float64(first.Microseconds())/n/1000, "first-ms")
	b.ReportMetric(float64(onUI.Microseconds())/n/1000, "ui-ms")
	b.ReportMetric(float64((htmlCPUTime()-cpu0).Microseconds())/n/1000, "cpu-ms")
	b.ReportMetric(float64(len(body))/1e6, "MB")
}

// htmlCPUTime is the CPU time the process has used.
func htmlCPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
