package app

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"letterbox/smtpcore"
	"letterbox/smtpcore/msg"
)

const (
	messageMaxHeaderRows = 300  // header fields laid out in the Headers tab
	messageMaxSession    = 2000 // transcript lines in the SMTP session tab
	messageMaxField      = 4000 // bytes of one header value shown (the Raw tab has it all)
)

// fillBodies writes the Text and HTML tabs. The HTML tab draws the
// sanitised HTML (htmlView); "Open in browser" writes a sanitised copy.
func (v *MessageView) fillBodies(d *messageData) {
	w := d.view
	text, cut := messageShown(messageTrimBlank(w.Text))
	var notes []string
	switch {
	case w.HTML != "" && !messageHasPlainText(w):
		notes = append(notes, "This message has only an HTML body; it is shown here as text.")
	case strings.TrimSpace(text) == "":
		notes = append(notes, "This message has no text body.")
	}
	if cut || w.TextTruncated {
		notes = append(notes, "The text is long; only its beginning is shown. Save as .eml to see it all.")
	}
	messageSetNote(v.textNote, strings.Join(notes, " "))
	v.text.set(text)

	if w.HTML == "" {
		v.openHTML.Disable()
		v.htmlBar.Hide()
		messageSetNote(v.htmlNote, "This message has no HTML body.")
		v.html.SetHTML("", nil)
		return
	}
	v.openHTML.Enable()
	v.htmlBar.Show()
	note := ""
	if w.HTMLTruncated {
		note = "The HTML is long; only its beginning is shown."
	}
	messageSetNote(v.htmlNote, note)
	v.html.SetHTML(w.HTML, messageCIDResolver(v.st, d.id, w.Parts))
}

// messageHasPlainText reports whether a text/plain body was found (ReadView
// fills Text from the HTML when there is none).
func messageHasPlainText(w *msg.View) bool {
	for _, p := range w.Parts {
		if p.ContentType == "text/plain" && p.Disposition != "attachment" && p.Filename == "" {
			return true
		}
	}
	return false
}

// fillHeaders lays the header fields out in two columns, in order.
func (v *MessageView) fillHeaders(d *messageData) {
	h := d.view.Header
	note := ""
	if len(h) > messageMaxHeaderRows {
		note = fmt.Sprintf("The first %d of %d header fields; the Raw tab has them all.", messageMaxHeaderRows, len(h))
		h = h[:messageMaxHeaderRows]
	}
	messageSetNote(v.headersNote, note)
	rows := make([]fyne.CanvasObject, 0, 2*len(h))
	for _, f := range h {
		k := widget.NewLabelWithStyle(f[0], fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
		val := widget.NewLabel(messageClip(f[1], messageMaxField))
		val.Wrapping = fyne.TextWrapBreak
		val.Selectable = true
		rows = append(rows, k, val)
	}
	v.headers.Objects = rows
	v.headers.Refresh()
	v.headersScroll.ScrollToTop()
	v.headersRaw.set(messageRawHeader(strings.ReplaceAll(d.raw, "\r", "␍")))
	v.showRawHeaders(v.headersRawCheck.Checked)
}

// fillRaw shows the raw source, cut for huge messages, in a view that
// wraps at its width and finds within it. A CR not followed by LF is shown
// as ␍ (a bare CR is a protocol error worth seeing, RFC 5322 §2.3).
func (v *MessageView) fillRaw(d *messageData) {
	note := ""
	if d.rawSize > int64(len(d.raw)) && d.rawSize > messageRawMax {
		note = fmt.Sprintf("Showing the first %s of %s. Save as .eml for the whole message.",
			smtpcore.FormatSize(messageRawMax), smtpcore.FormatSize(d.rawSize))
	}
	messageSetNote(v.rawNote, note)
	v.raw.SetText(strings.ReplaceAll(d.raw, "\r", "␍"))
}

// fillSession shows the delivering SMTP session: who, how, and the
// server-side transcript coloured by direction.
func (v *MessageView) fillSession(d *messageData) {
	rec := d.rec
	if rec == nil {
		note := widget.NewLabel("No session record: this message was put in the Maildir by another program.")
		note.Wrapping = fyne.TextWrapWord
		v.sessionInfo.Objects = []fyne.CanvasObject{widget.NewLabel(""), note}
		v.sessionInfo.Refresh()
		v.session.Segments = nil
		v.session.Refresh()
		return
	}
	var rows []fyne.CanvasObject
	add := func(k, val string) {
		if val == "" {
			return
		}
		l := widget.NewLabel(val)
		l.Wrapping = fyne.TextWrapWord
		l.Selectable = true
		rows = append(rows, widget.NewLabelWithStyle(k, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}), l)
	}
	add("Client", strings.TrimSpace(rec.Remote+" "+messageParen(rec.Helo)))
	add("Protocol", rec.Protocol)
	if rec.TLS != nil {
		tls := rec.TLS.Version + ", " + rec.TLS.Cipher
		if rec.TLS.ServerName != "" {
			tls += ", SNI " + rec.TLS.ServerName
		}
		add("TLS", tls)
	}
	add("AUTH", rec.AuthUser)
	add("Connected", messageTime(rec.Started))
	add("Stored", messageTime(rec.Received))
	add("Warnings", strings.Join(rec.Warnings, "\n"))
	v.sessionInfo.Objects = rows
	v.sessionInfo.Refresh()
	v.session.Segments = messageTranscript(rec.Transcript)
	v.session.Refresh()
}

func messageParen(s string) string {
	if s == "" {
		return ""
	}
	return "(HELO " + s + ")"
}

func messageTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2006-01-02 15:04:05.000 MST")
}

// messageTranscript renders transcript events, one paragraph per line
// (a multi-line reply gives one each), coloured like the compose transcript:
// by direction, and replies by code (4xx warning, 5xx error). Paragraphs wrap
// in the tab, so no line is cut.
func messageTranscript(evs []smtpcore.Event) []widget.RichTextSegment {
	var segs []widget.RichTextSegment
	n := len(evs)
	if n > messageMaxSession {
		evs = evs[:messageMaxSession]
	}
	for _, e := range evs {
		for _, l := range transcriptSplit(e) {
			segs = append(segs, &widget.TextSegment{
				Text: l.ev.String(),
				Style: widget.RichTextStyle{
					ColorName: l.color,
					TextStyle: fyne.TextStyle{Monospace: true, Bold: e.Dir == smtpcore.DirError},
				},
			})
		}
	}
	if n > messageMaxSession {
		segs = append(segs, &widget.TextSegment{
			Text:  fmt.Sprintf("… %d more lines not shown", n-messageMaxSession),
			Style: widget.RichTextStyle{TextStyle: fyne.TextStyle{Italic: true}},
		})
	}
	return segs
}
