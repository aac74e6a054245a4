package store

import (
	"errors"
	"io"
	"strings"

	"letterbox/smtpcore/msg"
)

// readLimits bound what reading one message for the index keeps in memory:
// the text kept (and searched) is read from at most 1 MiB of decoded body
// (a 1 MB HTML newsletter is found by words far past its first 256 KiB,
// where the limit was); header
// sections, nesting and part counts use msg's defaults, the very limits of
// the message view, so the list and the view read the same fields.
var readLimits = msg.ReadLimits{MaxTextBytes: 1 << 20}

// errAborted ends the reading of a delivery that was dropped.
var errAborted = errors.New("store: delivery aborted")

// ingest reads a message with msg.Summarize while Delivery.Write streams it
// to disk, so that the summary costs no second read: the bytes go through a
// pipe to a goroutine, which only ever holds what msg.ReadLimits allow.
// The summary is exactly what msg.Summarize gives for the file, which is
// what the message view and the command line read too.
type ingest struct {
	pw   *io.PipeWriter
	done chan struct{}
	sum  msg.Summary
}

func startIngest() *ingest {
	pr, pw := io.Pipe()
	in := &ingest{pw: pw, done: make(chan struct{})}
	go func() {
		defer close(in.done)
		// Damage (a broken boundary, bad base64) is not an error here: the
		// summary is what could be read, as the message view shows it.
		in.sum, _ = msg.Summarize(pr, readLimits)
		_, _ = io.Copy(io.Discard, pr) // Summarize may stop before the end
	}()
	return in
}

// write hands p to the reader and returns once it has taken all of it. It
// cannot fail: the reader drains the pipe to its end.
func (in *ingest) write(p []byte) {
	_, _ = in.pw.Write(p)
}

// finish ends the message and returns its summary.
func (in *ingest) finish() msg.Summary {
	_ = in.pw.Close()
	<-in.done
	return in.sum
}

// abort stops the reader and waits for it.
func (in *ingest) abort() {
	_ = in.pw.CloseWithError(errAborted)
	<-in.done
}

// summaryOf makes the index's Summary of message id from what msg read.
// Received and the envelope fields are the caller's.
func summaryOf(id string, size int64, m msg.Summary) Summary {
	sum := Summary{
		ID: id, Size: size, Date: m.Date, Subject: m.Subject,
		From: strings.Join(m.From, ", "), To: append(append([]string(nil), m.To...), m.Cc...),
		HasAttachments: m.HasAttachments(), Snippet: m.Snippet,
	}
	for _, a := range m.Attachments {
		sum.Attachments = append(sum.Attachments, a.Name)
	}
	if len(sum.To) == 0 {
		sum.To = nil
	}
	return sum
}
