package app

import (
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"letterbox/smtpcore"
)

// transcriptLine is one line of a transcript as shown: an event whose Text
// holds a single line, and the theme colour its marker and text are drawn in.
type transcriptLine struct {
	ev    smtpcore.Event
	color fyne.ThemeColorName
}

// transcriptSplit turns an event into its lines: a multi-line reply
// ("250-mx\n250 SIZE") becomes one line each, all with the event's time; the
// latency belongs to the first line only. Each line is escaped with
// smtpcore.Printable (a peer's control characters, C1 controls and bidi
// overrides shown as \x1b, \u009b, \u202e), for the pane and the clipboard. A server line is coloured by its
// reply code (RFC 5321 §4.2.1: 4yz transient, 5yz permanent failure); a line
// without a code of its own takes the code of the reply's first line.
func transcriptSplit(ev smtpcore.Event) []transcriptLine {
	texts := strings.Split(strings.TrimRight(ev.Text, "\r\n"), "\n")
	out := make([]transcriptLine, 0, len(texts))
	first := 0
	for i, text := range texts {
		l := transcriptLine{ev: ev}
		l.ev.Text = smtpcore.Printable(strings.TrimRight(text, "\r"))
		if i > 0 {
			l.ev.Elapsed = 0
		}
		class := replyClass(l.ev.Text)
		if i == 0 {
			first = class
		} else if class == 0 {
			class = first
		}
		l.color = transcriptColor(ev.Dir, class)
		out = append(out, l)
	}
	return out
}

// replyClass returns the first digit of the reply code a server line starts
// with ("550 5.7.1 …", "250-PIPELINING"), or 0 when it starts with none.
func replyClass(s string) int {
	if len(s) < 3 || s[0] < '2' || s[0] > '5' || s[1] < '0' || s[1] > '9' || s[2] < '0' || s[2] > '9' {
		return 0
	}
	if len(s) > 3 && s[3] != ' ' && s[3] != '-' {
		return 0
	}
	return int(s[0] - '0')
}

// transcriptColor is the colour of a line: by direction, and for a server
// reply by its class: 4xx in the warning colour, 5xx in the error colour.
func transcriptColor(d smtpcore.Dir, class int) fyne.ThemeColorName {
	if d == smtpcore.DirServer {
		switch class {
		case 4:
			return theme.ColorNameWarning
		case 5:
			return theme.ColorNameError
		}
	}
	return dirColor(d)
}

// dirColor maps a transcript direction to the theme colour it is drawn in.
func dirColor(d smtpcore.Dir) fyne.ThemeColorName {
	switch d {
	case smtpcore.DirClient:
		return theme.ColorNamePrimary
	case smtpcore.DirServer:
		return theme.ColorNameForeground
	case smtpcore.DirTLS:
		return theme.ColorNameSuccess
	case smtpcore.DirError:
		return theme.ColorNameError
	default:
		return theme.ColorNamePlaceHolder
	}
}

// transcriptWrap breaks s into rows of at most cols cells (transcriptCells),
// after the last space of a row when it has one, else inside the word. Spaces
// stay at the end of their row, where they may hang past cols, so the rows
// joined give back s exactly. It calls emit with each row when emit is not
// nil and returns the number of rows, at least 1. Linear in len(s).
func transcriptWrap(s string, cols int, emit func(string)) int {
	if cols < 1 {
		cols = 1
	}
	if emit == nil {
		emit = func(string) {}
	}
	rows := 0
	start, brk := 0, 0 // byte offsets: row start, just after the row's last space (none while brk <= start)
	w, wBrk := 0, 0    // cells in the row, and up to brk
	for i, r := range s {
		if r == ' ' {
			w++
			brk, wBrk = i+1, w
			continue
		}
		cw := transcriptCells(r)
		if w > 0 && w+cw > cols {
			if brk > start {
				emit(s[start:brk])
				start, w = brk, w-wBrk
			} else {
				emit(s[start:i])
				start, w = i, 0
			}
			brk = start
			rows++
		}
		w += cw
	}
	emit(s[start:])
	return rows + 1
}

// transcriptCells is how many monospace cells r takes: 2 for the East Asian
// wide scripts and emoji, 1 for everything else.
func transcriptCells(r rune) int {
	switch {
	case r < 0x1100:
		return 1
	case r >= 0xFF01 && r <= 0xFF60, r >= 0x1F300 && r <= 0x1FAFF,
		unicode.In(r, unicode.Han, unicode.Hangul, unicode.Hiragana, unicode.Katakana):
		return 2
	}
	return 1
}

// transcriptCellCount is the width of s in cells.
func transcriptCellCount(s string) int {
	n := 0
	for _, r := range s {
		n += transcriptCells(r)
	}
	return n
}
