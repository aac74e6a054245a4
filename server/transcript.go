package server

import (
	"bytes"
	"fmt"
	"time"

	"letterbox/smtpcore"
)

// Transcript bounds: a session may run for hours and send a million commands,
// but what a message's record keeps stays small.
const (
	maxHeadEvents     = 200   // connection, greeting, EHLO, STARTTLS, AUTH
	maxTailEvents     = 1000  // the transaction of the message
	maxTailEventsFull = 20000 // the same with the DATA text line by line
)

// transcript keeps the events that go into each message's session record: the
// head of the session (up to the first MAIL) and the tail since the last
// message ended. When the tail overflows its oldest half is dropped and
// counted, so the end of a long transaction, which explains its outcome, is kept.
type transcript struct {
	session  string
	full     bool // FullTranscript: the DATA text is recorded too
	head     []smtpcore.Event
	tail     []smtpcore.Event
	inTail   bool // the first MAIL has been seen
	headLost int
	tailLost int
}

// add records one event now.
func (t *transcript) add(dir smtpcore.Dir, text string) {
	t.addEvent(smtpcore.Event{Dir: dir, Text: text})
}

// addEvent records e, filling in its time and session. Its text is escaped
// here (smtpcore.Printable), where peer text enters the record: the record is
// shown in the window and written to the store.
func (t *transcript) addEvent(e smtpcore.Event) {
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	e.Session = t.session
	e.Text = smtpcore.Printable(e.Text)
	if !t.inTail {
		if len(t.head) >= maxHeadEvents {
			t.headLost++
			return
		}
		t.head = append(t.head, e)
		return
	}
	limit := maxTailEvents
	if t.full {
		limit = maxTailEventsFull
	}
	if len(t.tail) >= limit {
		half := len(t.tail) / 2
		t.tailLost += half
		t.tail = append(t.tail[:0], t.tail[half:]...)
	}
	t.tail = append(t.tail, e)
}

// startTail sends later events to the tail; the session calls it at MAIL.
func (t *transcript) startTail() { t.inTail = true }

// snapshot returns a copy of what a message's record keeps, with notes where
// events were dropped, followed by extra (escaped as addEvent does).
func (t *transcript) snapshot(extra ...smtpcore.Event) []smtpcore.Event {
	out := make([]smtpcore.Event, 0, len(t.head)+len(t.tail)+len(extra)+2)
	out = append(out, t.head...)
	if t.headLost > 0 {
		out = append(out, t.note(fmt.Sprintf("… %d more lines before the first MAIL not recorded", t.headLost)))
	}
	if t.tailLost > 0 {
		out = append(out, t.note(fmt.Sprintf("… %d earlier lines not recorded", t.tailLost)))
	}
	out = append(out, t.tail...)
	for _, e := range extra {
		e.Session = t.session
		e.Text = smtpcore.Printable(e.Text)
		out = append(out, e)
	}
	return out
}

// resetTail starts the tail afresh after a message ended.
func (t *transcript) resetTail() {
	if cap(t.tail) > maxTailEvents {
		t.tail = nil // a full-text transcript: give the memory back
	} else {
		clear(t.tail) // let the strings go
		t.tail = t.tail[:0]
	}
	t.tailLost = 0
}

func (t *transcript) note(text string) smtpcore.Event {
	return smtpcore.Event{Time: time.Now(), Session: t.session, Dir: smtpcore.DirInfo, Text: text}
}

// Bounds of the DATA text kept by FullTranscript.
const (
	maxCaptureBytes = 1 << 20 // per message
	maxCaptureLine  = 4096    // per line; longer lines are cut
)

// lineCapture records the message text line by line as client events
// (Config.FullTranscript), up to maxCaptureBytes.
type lineCapture struct {
	t       *transcript
	line    []byte
	total   int
	cut     bool // the current line is longer than maxCaptureLine
	stopped bool
}

func (c *lineCapture) write(p []byte) {
	for len(p) > 0 && !c.stopped {
		i := bytes.IndexByte(p, '\n')
		chunk := p
		if i >= 0 {
			chunk = p[:i]
			p = p[i+1:]
		} else {
			p = nil
		}
		room := maxCaptureLine - len(c.line)
		if len(chunk) > room {
			chunk, c.cut = chunk[:room], true
		}
		c.line = append(c.line, chunk...)
		if i >= 0 {
			c.emit()
		}
	}
}

// emit records the line gathered so far.
func (c *lineCapture) emit() {
	text := smtpcore.PrintableN(string(bytes.TrimSuffix(c.line, []byte("\r"))), maxCaptureLine)
	if c.cut {
		text += " …"
	}
	c.t.add(smtpcore.DirClient, text)
	c.total += len(c.line)
	c.line, c.cut = c.line[:0], false
	if c.total >= maxCaptureBytes {
		c.stopped = true
		c.t.add(smtpcore.DirInfo, "… the rest of the message text is not recorded")
	}
}

// flush records a last line that had no line ending.
func (c *lineCapture) flush() {
	if len(c.line) > 0 && !c.stopped {
		c.emit()
	}
}
