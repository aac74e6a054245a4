package app

import (
	"fmt"
	"image/color"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"letterbox/smtpcore"
)

// DefaultTranscriptLines is how many lines a Transcript keeps when MaxLines is 0.
const DefaultTranscriptLines = 5000

// Transcript is the live SMTP transcript pane: one entry per line, coloured by
// direction (client primary, server foreground, TLS success, errors in the
// error colour, notes dimmed) and for replies by code (4xx warning, 5xx
// error), each with its time and, on replies, the elapsed time. Long lines
// wrap under the text column (transcriptView). It follows new lines unless the
// user has scrolled up, and offers Copy line (the selected one), Copy all,
// Save… and Clear.
//
// Append may be called from any goroutine; everything else runs on the Fyne
// goroutine.
type Transcript struct {
	// MaxLines caps the lines kept (oldest dropped first); 0 = DefaultTranscriptLines.
	MaxLines int
	// OnShowMessage, when set, is called with a queue id when the user taps
	// "Show in Inbox" after a message was accepted by the local server.
	OnShowMessage func(id string)

	mu      sync.Mutex
	pending []smtpcore.Event // appended by any goroutine, drained on the Fyne goroutine

	followNext bool // Fyne goroutine: scroll to the next lines whatever the position
	flusher    coalescer

	view     *transcriptView // holds the lines; Fyne goroutine only
	linkID   string
	link     *widget.Button
	copyLine *widget.Button
	count    *widget.Label
	head     *fyne.Container // title, count and actions
	actions  *fyne.Container
	empty    *widget.Label
	window   fyne.Window
}

// NewTranscript returns an empty transcript pane. The window is used as the
// parent of the Save dialog and may be nil in tests.
func NewTranscript(w fyne.Window) *Transcript {
	t := &Transcript{window: w, view: newTranscriptView()}
	t.flusher.run = t.drain
	return t
}

// Build returns the pane: a header with the actions and the line view.
func (t *Transcript) Build() fyne.CanvasObject {
	t.link = widget.NewButtonWithIcon("Show in Inbox", theme.MailComposeIcon(), t.onShowMessage)
	t.link.Importance = widget.HighImportance
	t.link.Hide()
	t.count = widget.NewLabel("")
	t.count.Importance = widget.LowImportance
	t.copyLine = widget.NewButtonWithIcon("Copy line", theme.ContentCopyIcon(), t.view.copySelected)
	t.copyLine.Disable()
	t.view.OnSelected = func(id int) {
		if id < 0 {
			t.copyLine.Disable()
		} else {
			t.copyLine.Enable()
		}
	}
	t.view.OnCopyAll = t.onCopyAll
	title := widget.NewLabelWithStyle("Transcript", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	t.actions = container.NewHBox(
		t.link,
		t.copyLine,
		widget.NewButtonWithIcon("Copy all", theme.ContentCopyIcon(), t.onCopyAll),
		widget.NewButtonWithIcon("Save…", theme.DocumentSaveIcon(), t.onSave),
		widget.NewButtonWithIcon("Clear", theme.ContentClearIcon(), t.Clear),
	)
	t.head = newTranscriptHead(title, t.count, t.actions)
	t.empty = widget.NewLabel("The SMTP conversation shows here, line by line, when you send: " +
		"-> what Letterbox sends, <- what the server replies, ~~ TLS, == notes, !! errors. " +
		"Tap a line to select it; Ctrl+C or Copy line copies it.")
	t.empty.Wrapping = fyne.TextWrapWord
	t.empty.Importance = widget.LowImportance
	lines := container.NewThemeOverride(t.view, compactTheme{})
	return container.NewBorder(t.head, nil, nil, nil, container.NewStack(lines, container.NewVBox(t.empty)))
}

// formatElapsed renders a reply's latency for people: "0.4 ms", "12 ms", "1.25 s".
func formatElapsed(d time.Duration) string {
	switch {
	case d < 100*time.Microsecond:
		return "<0.1 ms"
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	default:
		return fmt.Sprintf("%.2f s", d.Seconds())
	}
}

// Append adds ev to the transcript. Safe from any goroutine: the line is
// queued and shown by one coalesced fyne.Do. Progress events are not lines and
// are ignored here (Compose draws them as a progress bar).
func (t *Transcript) Append(ev smtpcore.Event) {
	if ev.Dir == smtpcore.DirProgress {
		return
	}
	if ev.Time.IsZero() {
		ev.Time = time.Now()
	}
	t.mu.Lock()
	t.pending = append(t.pending, ev)
	t.mu.Unlock()
	t.flusher.Trigger()
}

// drain moves the queued events into the list; Fyne goroutine.
func (t *Transcript) drain() {
	t.mu.Lock()
	evs := t.pending
	t.pending = nil
	t.mu.Unlock()
	if len(evs) == 0 {
		return
	}
	var add []transcriptLine
	for _, ev := range evs {
		add = append(add, transcriptSplit(ev)...)
	}
	follow := t.view.atBottom() || t.followNext
	t.followNext = false
	t.view.appendLines(add, t.maxLines())
	t.refresh(follow)
}

// FollowNew makes the next lines scroll into view even when the user had
// scrolled up to read: a new conversation starts (Compose calls it at Send).
// Fyne goroutine.
func (t *Transcript) FollowNew() { t.followNext = true }

func (t *Transcript) maxLines() int {
	if t.MaxLines > 0 {
		return t.MaxLines
	}
	return DefaultTranscriptLines
}

func (t *Transcript) refresh(follow bool) {
	if t.count != nil {
		t.count.SetText(lineCount(len(t.view.lines)))
	}
	if t.empty != nil {
		if len(t.view.lines) == 0 {
			t.empty.Show()
		} else {
			t.empty.Hide()
		}
	}
	if follow {
		t.view.scrollToBottom()
	}
}

func lineCount(n int) string {
	switch n {
	case 0:
		return ""
	case 1:
		return "1 line"
	}
	return fmt.Sprintf("%d lines", n)
}

// header returns the action buttons (the header row holds them in a
// sideways scroller).
func (t *Transcript) header() *fyne.Container { return t.actions }

// Lines returns the number of lines shown. Fyne goroutine.
func (t *Transcript) Lines() int { return len(t.view.lines) }

// Text returns the transcript as plain text, one "15:04:05.000 -> EHLO x" line
// each, as Copy all and Save write it. Fyne goroutine.
func (t *Transcript) Text() string {
	var b strings.Builder
	for _, l := range t.view.lines {
		b.WriteString(l.ev.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// Clear removes every line and the "Show in Inbox" link. Fyne goroutine.
func (t *Transcript) Clear() {
	t.mu.Lock()
	t.pending = nil
	t.mu.Unlock()
	t.view.setLines(nil)
	t.SetMessageLink("")
	t.refresh(true)
}

// SetMessageLink shows "Show in Inbox" for the stored message id, or hides it
// when id is "". Fyne goroutine.
func (t *Transcript) SetMessageLink(id string) {
	t.linkID = id
	if t.link == nil {
		return
	}
	if id == "" || t.OnShowMessage == nil {
		t.link.Hide()
		return
	}
	t.link.Show()
}

// MessageLink returns the queue id the "Show in Inbox" link points to, or "".
func (t *Transcript) MessageLink() string { return t.linkID }

func (t *Transcript) onShowMessage() {
	if t.linkID != "" && t.OnShowMessage != nil {
		t.OnShowMessage(t.linkID)
	}
}

func (t *Transcript) onCopyAll() {
	fyne.CurrentApp().Clipboard().SetContent(t.Text())
}

func (t *Transcript) onSave() {
	if t.window == nil {
		return
	}
	text := t.Text()
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			dialog.ShowError(err, t.window)
			return
		}
		if w == nil {
			return // cancelled
		}
		_, werr := w.Write([]byte(text))
		if cerr := w.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			dialog.ShowError(fmt.Errorf("saving the transcript: %w", werr), t.window)
		}
	}, t.window)
	d.SetFileName("transcript-" + time.Now().Format("20060102-150405") + ".txt")
	showFileDialog(d, t.window)
}

// compactTheme tightens the transcript's rows: a log reads better dense. It
// follows the app's theme (and so the system's light or dark variant) in
// everything but spacing.
type compactTheme struct{}

func (compactTheme) base() fyne.Theme { return fyne.CurrentApp().Settings().Theme() }

func (c compactTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	return c.base().Color(n, v)
}

func (c compactTheme) Font(s fyne.TextStyle) fyne.Resource { return c.base().Font(s) }

func (c compactTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return c.base().Icon(n) }

func (c compactTheme) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case theme.SizeNamePadding:
		return 1
	case theme.SizeNameInnerPadding:
		return 2
	case theme.SizeNameText:
		return c.base().Size(n) - 1
	}
	return c.base().Size(n)
}
