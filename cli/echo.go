package cli

import (
	"fmt"
	"io"
	"sync"

	"letterbox/server/store"
	"letterbox/smtpcore"
)

// echoLines is how many lines of a message's text Echo prints.
const echoLines = 20

// Echo writes one received message for a developer watching a terminal, as
// aiosmtpd's Debugging handler and MailHog do: who sent it to whom (header
// and envelope), Subject, Date, attachments with sizes, the findings count
// and the first 20 lines of its text. Every string from the peer is escaped
// (Clean, CleanBlock).
func Echo(w io.Writer, it *Item) {
	remote := ""
	if it.record != nil && it.record.Remote != "" {
		remote = " from " + Clean(it.record.Remote)
	}
	fmt.Fprintf(w, "──── %s received %s%s, %s ────\n", it.ID, it.Received.Local().Format("15:04:05"), remote, smtpcore.FormatSize(it.Size))
	printMessage(w, it, echoLines)
	fmt.Fprintln(w)
}

// EchoStore echoes every message the store receives to w, one block each,
// from its own goroutine, until the returned stop is called (stop waits for
// the block being written). A burst the console cannot keep up with is
// noted, not queued without bound: the store never waits for the echo.
func EchoStore(w io.Writer, st *store.Store) (stop func()) {
	events, cancel := st.Subscribe(256)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for ev := range events {
			switch ev.Kind {
			case store.Added:
				it, err := loadItem(st, ev.Summary)
				if err != nil {
					continue // deleted before we could read it
				}
				Echo(w, it)
			case store.Resync:
				fmt.Fprintln(w, "──── some messages were not echoed: the console fell behind (letterbox inbox list shows them) ────")
			}
		}
	}()
	return func() {
		cancel()
		wg.Wait()
	}
}
