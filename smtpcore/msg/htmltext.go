package msg

import (
	"strconv"
	"strings"

	"golang.org/x/net/html"
)

// Elements whose content is never shown as text.
var hiddenElements = map[string]bool{
	"script": true, "style": true, "head": true, "title": true, "template": true,
	"noscript": true, "iframe": true, "object": true, "embed": true, "svg": true, "math": true,
}

// Elements that start and end a paragraph (a blank line) or a line.
var (
	paragraphElements = map[string]bool{
		"p": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
		"blockquote": true, "ul": true, "ol": true, "dl": true, "table": true, "pre": true,
		"hr": true, "address": true, "figure": true,
	}
	lineElements = map[string]bool{
		"div": true, "tr": true, "li": true, "dt": true, "dd": true, "section": true, "article": true,
		"header": true, "footer": true, "nav": true, "main": true, "aside": true, "form": true,
		"caption": true, "center": true, "body": true,
	}
)

// textWriter accumulates readable text with collapsed whitespace and
// pending line breaks.
type textWriter struct {
	b       strings.Builder
	breaks  int  // newlines owed before the next text
	space   bool // a space is owed before the next text
	started bool
}

func (t *textWriter) brk(n int) {
	t.breaks = max(t.breaks, n)
	t.space = false
}

func (t *textWriter) text(s string, pre bool) {
	trailing := false
	if !pre {
		lead := s != "" && isHTMLSpace(s[0])
		trailing = s != "" && isHTMLSpace(s[len(s)-1])
		s = strings.Join(strings.Fields(s), " ")
		if lead && t.started {
			t.space = true
		}
	}
	if s == "" {
		return
	}
	if t.started {
		if t.breaks > 0 {
			t.b.WriteString(strings.Repeat("\n", t.breaks))
		} else if t.space {
			t.b.WriteByte(' ')
		}
	}
	t.b.WriteString(s)
	t.started, t.breaks, t.space = true, 0, trailing
}

func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

// htmlList tracks list nesting for bullets and numbers.
type htmlList struct {
	ordered bool
	n       int
}

// HTMLToText renders HTML as readable plain text: paragraphs and headings
// separated by blank lines, <br> and block elements as line breaks, list
// items as "• item" or "1. item" (indented when nested), links as
// "text <url>", images as their alt text, <pre> kept as is; script, style
// and head content never appear. Entities are decoded. Any input is
// accepted (the WHATWG tokenizer recovers from every error).
func HTMLToText(src string) string {
	z := html.NewTokenizer(strings.NewReader(src))
	var out textWriter
	var lists []htmlList
	var hrefs []string
	hidden, pre := "", 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		tok := z.Token()
		name := tok.Data
		if hidden != "" {
			if tt == html.EndTagToken && name == hidden {
				hidden = ""
			}
			continue
		}
		switch tt {
		case html.TextToken:
			out.text(tok.Data, pre > 0)
		case html.StartTagToken, html.SelfClosingTagToken:
			switch {
			case hiddenElements[name] && tt == html.StartTagToken:
				hidden = name
			case name == "br":
				out.brk(max(out.breaks, 0) + 1)
				out.b.WriteString(strings.Repeat("\n", out.breaks))
				out.breaks = 0
			case name == "pre":
				pre++
				out.brk(2)
			case name == "ul" || name == "ol":
				lists = append(lists, htmlList{ordered: name == "ol"})
				out.brk(lineOrPara(len(lists)))
			case name == "li":
				out.brk(1)
				out.text(bullet(lists), true)
				out.space = true
			case name == "a":
				hrefs = append(hrefs, linkTarget(tok))
			case name == "img":
				if alt := attr(tok, "alt"); strings.TrimSpace(alt) != "" {
					out.text("["+strings.TrimSpace(alt)+"]", false)
				}
			case name == "td" || name == "th":
				out.space = out.started
			case paragraphElements[name]:
				out.brk(2)
			case lineElements[name]:
				out.brk(1)
			}
		case html.EndTagToken:
			switch {
			case name == "pre":
				pre = max(pre-1, 0)
				out.brk(2)
			case name == "ul" || name == "ol":
				if len(lists) > 0 {
					lists = lists[:len(lists)-1]
				}
				out.brk(lineOrPara(len(lists) + 1))
			case name == "a" && len(hrefs) > 0:
				if h := hrefs[len(hrefs)-1]; h != "" && !strings.HasSuffix(out.b.String(), h) {
					out.space = out.started
					out.text("<"+h+">", false)
				}
				hrefs = hrefs[:len(hrefs)-1]
			case paragraphElements[name]:
				out.brk(2)
			case lineElements[name]:
				out.brk(1)
			}
		}
	}
	return tidyText(out.b.String())
}

// lineOrPara: a top-level list is a paragraph, a nested one just a line.
func lineOrPara(depth int) int {
	if depth > 1 {
		return 1
	}
	return 2
}

func bullet(lists []htmlList) string {
	if len(lists) == 0 {
		return "•"
	}
	l := &lists[len(lists)-1]
	indent := strings.Repeat("  ", len(lists)-1)
	if l.ordered {
		l.n++
		return indent + strconv.Itoa(l.n) + "."
	}
	return indent + "•"
}

// linkTarget is the href worth showing after a link's text: not for
// in-page anchors or script URLs.
func linkTarget(tok html.Token) string {
	h := strings.TrimSpace(attr(tok, "href"))
	l := strings.ToLower(h)
	if h == "" || strings.HasPrefix(h, "#") || strings.HasPrefix(l, "javascript:") || strings.HasPrefix(l, "vbscript:") || strings.HasPrefix(l, "data:") {
		return ""
	}
	return h
}

func attr(tok html.Token, key string) string {
	for _, a := range tok.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// tidyText trims line ends and keeps at most one blank line in a row.
func tidyText(s string) string {
	lines := strings.Split(s, "\n")
	var out []string
	blank := 0
	for _, l := range lines {
		l = strings.TrimRight(strings.ReplaceAll(l, "\u00a0", " "), " \t")
		if l == "" {
			blank++
			if blank > 1 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}
