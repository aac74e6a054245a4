package app

import (
	"bytes"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"letterbox/smtpcore/msg/lint"
)

// findingsSourceWidth is how many characters of a source line the Findings
// tab shows (escaped; the Raw tab has the whole line).
const findingsSourceWidth = 300

// findingsView is the message view's Findings tab: the conformance findings
// of the message (smtpcore/msg/lint) above its raw source. Selecting a
// finding scrolls the source to the line it names and highlights it. Every
// byte of the source is shown escaped (lint.Escape): no control character
// from a peer reaches a label.
//
// All methods run on Fyne's goroutine; set takes findings computed
// elsewhere (the linter never runs here).
type findingsView struct {
	summary  *widget.Label
	list     *widget.List
	source   *widget.List
	content  *container.Split
	raw      []byte
	lines    [][2]int // start and end (without the line ending) of each line
	findings []lint.Finding
	current  int // 0-based source line highlighted, -1 = none
}

func newFindingsView() *findingsView {
	v := &findingsView{summary: widget.NewLabel(""), current: -1}
	v.summary.Wrapping = fyne.TextWrapWord
	v.list = widget.NewList(func() int { return len(v.findings) }, newFindingRow, v.updateFindingRow)
	v.list.OnSelected = v.selectFinding
	v.source = widget.NewList(func() int { return len(v.lines) }, func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.TextStyle.Monospace = true
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}, v.updateSourceRow)
	v.source.OnSelected = func(id widget.ListItemID) {
		if id != v.current { // the source follows the findings; clicks on it do not stick
			v.source.UnselectAll()
			if v.current >= 0 {
				v.source.Select(v.current)
			}
		}
	}
	v.content = container.NewVSplit(container.NewBorder(v.summary, nil, nil, nil, v.list), v.source)
	v.content.Offset = 0.4
	return v
}

// object is the tab's content.
func (v *findingsView) object() fyne.CanvasObject { return v.content }

// set shows the findings of the message whose stored bytes are raw. The
// view keeps raw (it does not copy it); the caller must not change it.
func (v *findingsView) set(raw []byte, findings []lint.Finding) {
	v.raw, v.findings, v.current = raw, findings, -1
	v.lines = splitSourceLines(raw)
	c := lint.Count(findings)
	switch {
	case len(findings) == 0:
		v.summary.SetText("No findings: this message follows RFC 5322, MIME and RFC 2047 as far as Letterbox checks.")
	default:
		v.summary.SetText(fmt.Sprintf("%d error(s), %d warning(s), %d info. Select one to see where it is in the source.", c.Error, c.Warning, c.Info))
	}
	v.list.UnselectAll()
	v.source.UnselectAll()
	v.list.Refresh()
	v.source.Refresh()
	v.source.ScrollToTop()
}

// selectFinding highlights the source line of finding i; a finding about the
// message as a whole (line 0) highlights nothing.
func (v *findingsView) selectFinding(i widget.ListItemID) {
	if i < 0 || i >= len(v.findings) {
		return
	}
	line := v.findings[i].Where.Line - 1
	if line < 0 || line >= len(v.lines) {
		v.current = -1
		v.source.UnselectAll()
		return
	}
	v.current = line
	v.source.Select(line)
	v.source.ScrollTo(line)
}

// highlighted returns the 0-based source line shown as the current finding's, or -1.
func (v *findingsView) highlighted() int { return v.current }

func newFindingRow() fyne.CanvasObject {
	text := widget.NewLabel("")
	text.Truncation = fyne.TextTruncateEllipsis
	return container.NewBorder(nil, nil, widget.NewIcon(theme.InfoIcon()), nil, text)
}

func (v *findingsView) updateFindingRow(i widget.ListItemID, o fyne.CanvasObject) {
	if i >= len(v.findings) {
		return
	}
	f := v.findings[i]
	row := o.(*fyne.Container)
	row.Objects[1].(*widget.Icon).SetResource(severityIcon(f.Severity))
	row.Objects[0].(*widget.Label).SetText(findingText(f))
}

// findingText is one finding on one line: rule, RFC section, where, what.
func findingText(f lint.Finding) string {
	s := f.Rule
	if f.RFC != "" {
		s += "  (" + f.RFC + ")"
	}
	if w := f.Where.String(); w != "" {
		s += "  " + w
	}
	s += ": " + f.Message
	if f.Excerpt != "" {
		s += "  «" + f.Excerpt + "»"
	}
	return s
}

func severityIcon(s lint.Severity) fyne.Resource {
	switch s {
	case lint.Error:
		return theme.NewErrorThemedResource(theme.ErrorIcon())
	case lint.Warning:
		return theme.NewWarningThemedResource(theme.WarningIcon())
	}
	return theme.InfoIcon()
}

func (v *findingsView) updateSourceRow(i widget.ListItemID, o fyne.CanvasObject) {
	if i >= len(v.lines) {
		return
	}
	l := v.lines[i]
	o.(*widget.Label).SetText(fmt.Sprintf("%5d  %s", i+1, lint.Escape(v.raw[l[0]:l[1]], findingsSourceWidth)))
}

// splitSourceLines cuts raw where the linter does (CRLF, bare LF, bare CR),
// so that line numbers agree with the findings'.
func splitSourceLines(raw []byte) [][2]int {
	var out [][2]int
	start := 0
	for start < len(raw) {
		i := bytes.IndexAny(raw[start:], "\r\n")
		if i < 0 {
			out = append(out, [2]int{start, len(raw)})
			break
		}
		end := start + i
		next := end + 1
		if raw[end] == '\r' && next < len(raw) && raw[next] == '\n' {
			next++
		}
		out = append(out, [2]int{start, end})
		start = next
	}
	return out
}
