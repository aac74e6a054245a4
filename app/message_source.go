package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// messageMono shows text as written, in monospace, wrapping: short text as
// a selectable label (select with the mouse, copy with Ctrl+C), long text in
// a messageTextView (drawn row by row, with Find), for the reason
// messageBody gives. Fyne goroutine.
type messageMono struct {
	label *widget.Label
	scrl  *container.Scroll
	long  *messageTextView
	text  string
	obj   *fyne.Container
}

func newMessageMono() *messageMono {
	m := &messageMono{label: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})}
	m.label.Wrapping = fyne.TextWrapBreak
	m.label.Selectable = true
	m.scrl = container.NewScroll(m.label)
	m.long = newMessageTextView()
	m.long.obj.Hide()
	m.obj = container.NewStack(m.scrl, m.long.obj)
	return m
}

// set shows text (LF line ends).
func (m *messageMono) set(text string) {
	m.text = text
	if len(text) <= messageWrapMax {
		m.long.obj.Hide()
		m.long.SetText("")
		m.label.SetText(text)
		m.scrl.ScrollToTop()
		m.scrl.Show()
		return
	}
	m.scrl.Hide()
	m.label.SetText("")
	m.long.SetText(text)
	m.long.obj.Show()
}

// messageCopyButton copies what text returns to the clipboard.
func messageCopyButton(text func() string) *widget.Button {
	return widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() {
		if a := fyne.CurrentApp(); a != nil {
			a.Clipboard().SetContent(text())
		}
	})
}

// buildHeadersTab makes the Headers tab: the decoded fields in two columns,
// or with Raw the header block as received; Copy copies what is shown.
func (v *MessageView) buildHeadersTab() fyne.CanvasObject {
	v.headers = container.New(messageFormLayout{})
	v.headersScroll = container.NewVScroll(v.headers)
	v.headersNote = messageNote()
	v.headersRaw = newMessageMono()
	v.headersRaw.obj.Hide()
	v.headersRawCheck = widget.NewCheck("Raw (as received)", func(on bool) { v.showRawHeaders(on) })
	v.headersCopy = messageCopyButton(v.headersText)
	bar := newBorder(nil, nil, v.headersRawCheck, v.headersCopy)
	return newBorder(container.NewVBox(bar, v.headersNote), nil, nil, nil, container.NewStack(v.headersScroll, v.headersRaw.obj))
}

// showRawHeaders switches the Headers tab between decoded and raw.
func (v *MessageView) showRawHeaders(raw bool) {
	if raw {
		v.headersScroll.Hide()
		v.headersRaw.obj.Show()
		v.headersNote.Hide()
		return
	}
	v.headersRaw.obj.Hide()
	v.headersScroll.Show()
	messageSetNote(v.headersNote, v.headersNote.Text)
}

// headersText is what the Headers tab shows, as text: the raw block, or
// one "Name: value" line per decoded field (every field, uncut).
func (v *MessageView) headersText() string {
	if v.data == nil {
		return ""
	}
	if v.headersRawCheck.Checked {
		return v.headersRaw.text
	}
	var b strings.Builder
	for _, f := range v.data.view.Header {
		b.WriteString(f[0] + ": " + f[1] + "\n")
	}
	return b.String()
}

// messageRawHeader returns the header section of raw (LF line ends): up to
// the first empty line, which ends it (RFC 5322 §2.1); all of raw when the
// shown part holds no empty line.
func messageRawHeader(raw string) string {
	if strings.HasPrefix(raw, "\n") {
		return ""
	}
	if i := strings.Index(raw, "\n\n"); i >= 0 {
		return raw[:i+1]
	}
	return raw
}

// buildHTMLSourceTab makes the HTML source tab: the HTML body as written.
func (v *MessageView) buildHTMLSourceTab() fyne.CanvasObject {
	v.htmlSource = newMessageMono()
	v.htmlSourceNote = messageNote()
	v.htmlSourceCopy = messageCopyButton(func() string { return v.htmlSource.text })
	bar := newBorder(nil, nil, nil, v.htmlSourceCopy, v.htmlSourceNote)
	return newBorder(bar, nil, nil, nil, v.htmlSource.obj)
}

// fillHTMLSource shows the first text/html body as written (in UTF-8).
func (v *MessageView) fillHTMLSource(d *messageData) {
	w := d.view
	if w.HTML == "" {
		messageSetNote(v.htmlSourceNote, "This message has no HTML body.")
		v.htmlSourceCopy.Disable()
		v.htmlSource.set("")
		return
	}
	src, cut := messageShown(strings.ReplaceAll(w.HTML, "\r", "␍"))
	note := "The HTML body as written, converted to UTF-8."
	if cut || w.HTMLTruncated {
		note += " It is long; only its beginning is shown."
	}
	messageSetNote(v.htmlSourceNote, note)
	v.htmlSourceCopy.Enable()
	v.htmlSource.set(src)
}
