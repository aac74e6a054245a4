package app

import (
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"letterbox/smtpcore/msg/lint"
)

func TestFindingsViewHighlightsTheLine(t *testing.T) {
	test.NewTempApp(t)
	raw, err := os.ReadFile("../smtpcore/msg/lint/testdata/bad/many-faults.eml")
	if err != nil {
		t.Fatal(err)
	}
	fs := lint.Check(raw, lint.Envelope{})
	v := newFindingsView()
	w := test.NewTempWindow(t, v.object())
	w.Resize(fyne.NewSize(800, 600))
	v.set(raw, fs)
	if !strings.HasPrefix(v.summary.Text, "8 error(s), 4 warning(s), 0 info") {
		t.Errorf("summary = %q", v.summary.Text)
	}
	for i, f := range fs {
		v.list.Select(i)
		want := f.Where.Line - 1
		if f.Where.Line == 0 {
			want = -1
		}
		if got := v.highlighted(); got != want {
			t.Errorf("select %s (line %d): highlighted line %d, want %d", f.Rule, f.Where.Line, got, want)
		}
		if f.Rule == "rfc6532.header-not-utf8" {
			row := v.source.CreateItem()
			v.source.UpdateItem(want, row)
			if got := row.(*widget.Label).Text; got != `    3  Subject: Gr\xfc\xdfe` {
				t.Errorf("source line 3 = %q, want the Subject line escaped", got)
			}
		}
	}
	v.set(nil, nil)
	if v.highlighted() != -1 || !strings.HasPrefix(v.summary.Text, "No findings") {
		t.Errorf("after set(nil, nil): highlighted %d, summary %q", v.highlighted(), v.summary.Text)
	}
}

func TestFindingsViewRows(t *testing.T) {
	test.NewTempApp(t)
	v := newFindingsView()
	f := lint.Finding{Rule: "rfc5322.date-missing", Severity: lint.Error, RFC: "RFC 5322 §3.6", Where: lint.Where{Header: "Date"}, Message: "no Date field"}
	v.set([]byte("From: a@b\r\n\r\nx\r\n"), []lint.Finding{f})
	row := newFindingRow()
	v.updateFindingRow(0, row)
	c := row.(*fyne.Container)
	if got := c.Objects[0].(*widget.Label).Text; got != "rfc5322.date-missing  (RFC 5322 §3.6)  header Date: no Date field" {
		t.Errorf("finding row = %q", got)
	}
	if got := c.Objects[1].(*widget.Icon).Resource.Name(); !strings.HasPrefix(got, "error") {
		t.Errorf("finding row icon = %q, want the error icon", got)
	}
}

func TestSplitSourceLinesMatchesLint(t *testing.T) {
	for _, tc := range []struct {
		raw  string
		want int
	}{{"a\r\nb\nc\rd", 4}, {"a\r\n", 1}, {"", 0}, {"a\r\n\r\nb", 3}} {
		if got := len(splitSourceLines([]byte(tc.raw))); got != tc.want {
			t.Errorf("splitSourceLines(%q) = %d lines, want %d", tc.raw, got, tc.want)
		}
	}
}

func TestInboxBadge(t *testing.T) {
	test.NewTempApp(t)
	b := newInboxBadge()
	test.NewTempWindow(t, b)
	for _, tc := range []struct {
		c       lint.Counts
		visible bool
		text    string
		bg      fyne.ThemeColorName
	}{
		{lint.Counts{}, false, "", ""},
		{lint.Counts{Info: 3}, false, "", ""},
		{lint.Counts{Warning: 2, Info: 1}, true, "2", theme.ColorNameWarning},
		{lint.Counts{Error: 5, Warning: 2}, true, "5", theme.ColorNameError},
		{lint.Counts{}, false, "", ""}, // a recycled row goes back to no badge
	} {
		b.set(tc.c)
		if b.Visible() != tc.visible {
			t.Errorf("set(%+v): visible %v, want %v", tc.c, b.Visible(), tc.visible)
			continue
		}
		if !tc.visible {
			continue
		}
		if b.text.Text != tc.text || b.bg.FillColor != theme.Color(tc.bg) {
			t.Errorf("set(%+v): %q on %v, want %q on %s", tc.c, b.text.Text, b.bg.FillColor, tc.text, tc.bg)
		}
		if b.MinSize().Width <= 0 {
			t.Errorf("set(%+v): badge has no size", tc.c)
		}
	}
}
