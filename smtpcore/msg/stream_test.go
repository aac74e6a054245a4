package msg

import (
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestStreamLargeAttachment writes a message with a 64 MiB attachment (a
// sparse file) and checks that the heap does not grow with the file.
func TestStreamLargeAttachment(t *testing.T) {
	if testing.Short() {
		t.Skip("large attachment test skipped in -short mode")
	}
	const size = 64 << 20
	p := filepath.Join(t.TempDir(), "big.bin")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	f.Close()
	d := &Draft{From: "a@x.test", To: []string{"b@y.test"}, Subject: "big", Text: "see attached",
		Attachments: []Attachment{{Path: p}}}
	m, err := d.Build(BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	peak := &peakWriter{}
	n, err := m.WriteTo(peak)
	if err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if n != m.Size() || n < size*4/3 {
		t.Fatalf("WriteTo wrote %d octets, Size() = %d, want equal and > %d", n, m.Size(), size*4/3)
	}
	const bound = 4 << 20
	if peak.maxHeap > before.HeapInuse+bound || after.TotalAlloc-before.TotalAlloc > bound {
		t.Fatalf("heap in use went from %d to a peak of %d, %d allocated, writing a %d-octet attachment; want growth under %d",
			before.HeapInuse, peak.maxHeap, after.TotalAlloc-before.TotalAlloc, size, bound)
	}
}

// peakWriter discards data and samples the heap every 8 MiB.
type peakWriter struct {
	n, next uint64
	maxHeap uint64
}

func (w *peakWriter) Write(p []byte) (int, error) {
	w.n += uint64(len(p))
	if w.n >= w.next {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		w.maxHeap = max(w.maxHeap, ms.HeapInuse)
		w.next = w.n + 8<<20
	}
	return io.Discard.Write(p)
}
