package app

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Helpers of the block model for text, attributes and inline styles.

// htmlTextContent is the text of n and its descendants, as written.
func htmlTextContent(n *html.Node) string {
	var sb strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			sb.WriteString(n.Data)
		case n.Type == html.ElementNode && n.DataAtom == atom.Br:
			sb.WriteByte('\n')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return sb.String()
}

// htmlAttr returns the value of attribute key of n, or "".
func htmlAttr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// htmlHidden: display:none, as newsletters use for their preheader text.
func htmlHidden(n *html.Node) bool {
	st := htmlAttr(n, "style")
	if st == "" {
		return false
	}
	return strings.Contains(strings.ReplaceAll(strings.ToLower(st), " ", ""), "display:none")
}

// htmlCSSStyle reads bold and italic from an inline style attribute; nil
// when it sets neither.
func htmlCSSStyle(n *html.Node) func(*htmlStyle) {
	st := strings.ReplaceAll(strings.ToLower(htmlAttr(n, "style")), " ", "")
	if st == "" {
		return nil
	}
	bold := strings.Contains(st, "font-weight:bold") || strings.Contains(st, "font-weight:bolder") ||
		strings.Contains(st, "font-weight:6") || strings.Contains(st, "font-weight:7") ||
		strings.Contains(st, "font-weight:8") || strings.Contains(st, "font-weight:9")
	italic := strings.Contains(st, "font-style:italic") || strings.Contains(st, "font-style:oblique")
	if !bold && !italic {
		return nil
	}
	return func(s *htmlStyle) {
		s.bold = s.bold || bold
		s.italic = s.italic || italic
	}
}

// htmlCollapse turns every run of HTML white space into one space.
func htmlCollapse(s string) string {
	if !strings.ContainsAny(s, " \t\n\r\f") {
		return s
	}
	var sb strings.Builder
	sb.Grow(len(s))
	space := false
	for _, r := range s {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' {
			space = true
			continue
		}
		if space {
			sb.WriteByte(' ')
			space = false
		}
		sb.WriteRune(r)
	}
	if space {
		sb.WriteByte(' ')
	}
	return sb.String()
}

// htmlTrim drops the white space at the start and end of a paragraph and
// around line breaks, and runs left empty.
func htmlTrim(runs []htmlInline) []htmlInline {
	out := runs[:0:0]
	lineStart := true
	for _, r := range runs {
		if r.Kind == htmlBreak {
			if n := len(out); n > 0 && out[n-1].Kind != htmlBreak && out[n-1].Kind != htmlImage {
				out[n-1].Text = strings.TrimRight(out[n-1].Text, " ")
			}
			out = append(out, r)
			lineStart = true
			continue
		}
		if r.Kind != htmlImage {
			if lineStart {
				r.Text = strings.TrimLeft(r.Text, " ")
			}
			if r.Text == "" {
				continue
			}
		}
		out = append(out, r)
		lineStart = false
	}
	for len(out) > 0 {
		last := &out[len(out)-1]
		if last.Kind == htmlBreak {
			out = out[:len(out)-1]
			continue
		}
		if last.Kind == htmlImage {
			break
		}
		last.Text = strings.TrimRight(last.Text, " ")
		if last.Text != "" {
			break
		}
		out = out[:len(out)-1]
	}
	return out
}
