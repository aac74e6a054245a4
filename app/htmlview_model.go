package app

import (
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"letterbox/smtpcore/msg"
)

// This file is the pure half of the HTML view: sanitised HTML becomes a
// small block model (paragraphs, headings, lists, quotes, preformatted
// text, tables, rules) of inline runs (text, links, images, line breaks).
// It knows nothing of Fyne; htmlview.go draws the model.

// htmlBlockKind says what a block is.
type htmlBlockKind int

const (
	htmlPara    htmlBlockKind = iota // Inline
	htmlHeading                      // Level 1–6, Inline
	htmlList                         // Ordered, Start, Items
	htmlQuote                        // Blocks
	htmlPre                          // Text, kept as written
	htmlTable                        // Rows (a data table; layout tables are flattened)
	htmlRule                         // <hr>
)

// htmlBlock is one block of the model.
type htmlBlock struct {
	Kind    htmlBlockKind
	Level   int
	Inline  []htmlInline
	Text    string
	Ordered bool
	Start   int
	Items   [][]htmlBlock
	Blocks  []htmlBlock
	Rows    [][]htmlCell
}

// htmlCell is a table cell; its blocks are run together as inline content.
type htmlCell struct {
	Header bool
	Inline []htmlInline
}

// htmlInlineKind says what an inline run is.
type htmlInlineKind int

const (
	htmlText  htmlInlineKind = iota // Text with Bold, Italic, Mono
	htmlLink                        // Text linking to Href (http, https or mailto)
	htmlImage                       // Img
	htmlBreak                       // <br>
)

// htmlInline is one run of inline content.
type htmlInline struct {
	Kind               htmlInlineKind
	Text               string
	Bold, Italic, Mono bool
	Href               string
	Img                *htmlImg
}

// htmlImgSource says where an image's bytes come from.
type htmlImgSource int

const (
	htmlImgCID    htmlImgSource = iota // a part of the message (RFC 2392 cid: URL); Ref is the Content-ID
	htmlImgData                        // a data: URL (RFC 2397); Ref is the URL
	htmlImgRemote                      // http or https; fetched only after "Load remote content"
)

// htmlImg is an image reference.
type htmlImg struct {
	Source        htmlImgSource
	Ref           string // Content-ID without brackets, data: URL or remote URL
	Host          string // remote images: the host named in the placeholder
	Alt           string
	Width, Height int // from the attributes, 0 when absent
}

// htmlModelLimits bound the model of a hostile or huge document.
const (
	htmlMaxDepth  = 200  // elements deeper than this are read as text only
	htmlMaxBlocks = 4000 // blocks in the model; the rest is dropped with a note
	htmlMaxImages = 200  // images kept; later ones are shown by their alt text
	htmlMaxCells  = 4000 // table cells in all
)

// htmlParse sanitises src (remote image URLs kept, to be shown blocked
// until asked for) and builds its block model. It may run on any goroutine.
func htmlParse(src string) []htmlBlock {
	clean := msg.SanitizeHTMLBody(src, msg.SanitizeOptions{RemoteImages: true, PlainStyles: true})
	doc, err := html.Parse(strings.NewReader(clean))
	if err != nil { // html.Parse fails only on reader errors
		return []htmlBlock{{Kind: htmlPara, Inline: []htmlInline{{Text: clean}}}}
	}
	b := &htmlBuilder{}
	b.blocks(doc, &b.out, 0)
	b.flush(&b.out)
	if b.cut {
		b.out = append(b.out, htmlBlock{Kind: htmlPara, Inline: []htmlInline{{Kind: htmlText, Italic: true,
			Text: "[The rest of this HTML is too long to show here; Open in browser shows all of it.]"}}})
	}
	return b.out
}

// htmlStyle is the inline style in force.
type htmlStyle struct {
	bold, italic, mono bool
	href               string
}

// htmlBuilder walks the parsed document. para collects the inline runs of
// the paragraph being built; flush turns it into a block of the sink.
type htmlBuilder struct {
	out    []htmlBlock
	para   []htmlInline
	style  htmlStyle
	nblock int
	nimg   int
	ncell  int
	cut    bool // htmlMaxBlocks was reached
}

// add appends blk to sink. Past htmlMaxBlocks leaf blocks the document is
// cut: nothing more is read. Lists, quotes and tables hold blocks already
// counted, so they are always kept.
func (b *htmlBuilder) add(sink *[]htmlBlock, blk htmlBlock) {
	switch blk.Kind {
	case htmlList, htmlQuote, htmlTable:
	default:
		if b.nblock >= htmlMaxBlocks {
			b.cut = true
			return
		}
		b.nblock++
	}
	*sink = append(*sink, blk)
}

// flush ends the paragraph being built, if it has any content.
func (b *htmlBuilder) flush(sink *[]htmlBlock) {
	runs := htmlTrim(b.para)
	b.para = nil
	if len(runs) > 0 {
		b.add(sink, htmlBlock{Kind: htmlPara, Inline: runs})
	}
}

// blocks reads the children of n into sink.
func (b *htmlBuilder) blocks(n *html.Node, sink *[]htmlBlock, depth int) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.node(c, sink, depth+1)
	}
}

// node reads one node: block elements flush the paragraph and add blocks,
// inline ones add runs to it.
func (b *htmlBuilder) node(n *html.Node, sink *[]htmlBlock, depth int) {
	if b.cut {
		return
	}
	switch n.Type {
	case html.TextNode:
		b.text(n.Data)
		return
	case html.ElementNode:
	default:
		b.blocks(n, sink, depth)
		return
	}
	if htmlHidden(n) {
		return
	}
	if depth > htmlMaxDepth {
		b.text(htmlTextContent(n))
		return
	}
	if !b.blockElement(n, sink, depth) {
		b.inlineElement(n, sink, depth)
	}
}

// blockElement reads n if it is a block element and reports whether it was.
func (b *htmlBuilder) blockElement(n *html.Node, sink *[]htmlBlock, depth int) bool {
	switch n.DataAtom {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		b.flush(sink)
		b.blocks(n, sink, depth)
		if runs := htmlTrim(b.para); len(runs) > 0 {
			b.add(sink, htmlBlock{Kind: htmlHeading, Level: int(n.Data[1] - '0'), Inline: runs})
		}
		b.para = nil
	case atom.Ul, atom.Ol:
		b.flush(sink)
		b.list(n, sink, depth)
	case atom.Blockquote:
		b.flush(sink)
		var inner []htmlBlock
		b.blocks(n, &inner, depth)
		b.flush(&inner)
		if len(inner) > 0 {
			b.add(sink, htmlBlock{Kind: htmlQuote, Blocks: inner})
		}
	case atom.Pre:
		b.flush(sink)
		text := strings.TrimPrefix(htmlTextContent(n), "\n") // HTML §13.2.6.4.7: a leading newline is dropped
		if strings.TrimSpace(text) != "" {
			b.add(sink, htmlBlock{Kind: htmlPre, Text: strings.TrimRight(text, "\n")})
		}
	case atom.Table:
		b.flush(sink)
		b.table(n, sink, depth)
	case atom.Hr:
		b.flush(sink)
		b.add(sink, htmlBlock{Kind: htmlRule})
	case atom.P, atom.Div, atom.Section, atom.Article, atom.Header, atom.Footer, atom.Main, atom.Nav,
		atom.Aside, atom.Center, atom.Address, atom.Figure, atom.Figcaption, atom.Details, atom.Summary,
		atom.Dl, atom.Dt, atom.Dd, atom.Caption, atom.Li, atom.Tr, atom.Body:
		b.flush(sink)
		b.inline(n, sink, depth, htmlCSSStyle(n))
		b.flush(sink)
	default:
		return false
	}
	return true
}

// inlineElement reads an inline element (or one the model does not know,
// whose content is read in place).
func (b *htmlBuilder) inlineElement(n *html.Node, sink *[]htmlBlock, depth int) {
	switch n.DataAtom {
	case atom.Br:
		b.para = append(b.para, htmlInline{Kind: htmlBreak})
	case atom.Img:
		b.image(n)
	case atom.A:
		b.inline(n, sink, depth, func(s *htmlStyle) { s.href = htmlLinkTarget(htmlAttr(n, "href")) })
	case atom.B, atom.Strong:
		b.inline(n, sink, depth, func(s *htmlStyle) { s.bold = true })
	case atom.I, atom.Em, atom.Cite, atom.Dfn, atom.Var:
		b.inline(n, sink, depth, func(s *htmlStyle) { s.italic = true })
	case atom.Code, atom.Kbd, atom.Samp, atom.Tt:
		b.inline(n, sink, depth, func(s *htmlStyle) { s.mono = true })
	default:
		b.inline(n, sink, depth, htmlCSSStyle(n))
	}
}

// inline reads n's children with the style changed by set.
func (b *htmlBuilder) inline(n *html.Node, sink *[]htmlBlock, depth int, set func(*htmlStyle)) {
	saved := b.style
	if set != nil {
		set(&b.style)
	}
	b.blocks(n, sink, depth)
	b.style = saved
}

// text adds a text run; white space collapses to one space (CSS 2.1
// §16.6.1, white-space: normal; <pre> is read whole by node).
func (b *htmlBuilder) text(s string) {
	if s = htmlCollapse(s); s == "" {
		return
	}
	run := htmlInline{Kind: htmlText, Text: s, Bold: b.style.bold, Italic: b.style.italic, Mono: b.style.mono}
	if b.style.href != "" {
		run.Kind, run.Href = htmlLink, b.style.href
	}
	if k := len(b.para) - 1; k >= 0 && htmlSameRun(b.para[k], run) {
		if strings.HasSuffix(b.para[k].Text, " ") && strings.HasPrefix(s, " ") {
			s = s[1:]
		}
		b.para[k].Text += s
		return
	}
	b.para = append(b.para, run)
}

func htmlSameRun(a, r htmlInline) bool {
	return a.Kind == r.Kind && a.Kind != htmlImage && a.Kind != htmlBreak &&
		a.Bold == r.Bold && a.Italic == r.Italic && a.Mono == r.Mono && a.Href == r.Href
}

// image adds an image run for an <img> whose src the sanitiser kept; one
// without a usable src is shown by its alt text.
func (b *htmlBuilder) image(n *html.Node) {
	alt := htmlCollapse(htmlAttr(n, "alt"))
	img := htmlImageRef(htmlAttr(n, "src"))
	if img == nil || b.nimg >= htmlMaxImages {
		if strings.TrimSpace(alt) != "" {
			b.text("[" + strings.TrimSpace(alt) + "]")
		}
		return
	}
	b.nimg++
	img.Alt = strings.TrimSpace(alt)
	img.Width, _ = strconv.Atoi(strings.TrimSuffix(htmlAttr(n, "width"), "px"))
	img.Height, _ = strconv.Atoi(strings.TrimSuffix(htmlAttr(n, "height"), "px"))
	b.para = append(b.para, htmlInline{Kind: htmlImage, Img: img, Href: b.style.href})
}

// htmlImageRef classifies an image source; nil when it cannot be shown.
func htmlImageRef(src string) *htmlImg {
	lower := strings.ToLower(src)
	switch {
	case strings.HasPrefix(lower, "cid:"):
		// RFC 2392 §2: the cid URL is the Content-ID, %-encoded, without brackets.
		id, err := url.PathUnescape(src[4:])
		if err != nil {
			id = src[4:]
		}
		return &htmlImg{Source: htmlImgCID, Ref: id}
	case strings.HasPrefix(lower, "data:image/"):
		return &htmlImg{Source: htmlImgData, Ref: src}
	case strings.HasPrefix(lower, "http:") || strings.HasPrefix(lower, "https:"):
		u, err := url.Parse(src)
		if err != nil || u.Host == "" {
			return nil
		}
		return &htmlImg{Source: htmlImgRemote, Ref: u.String(), Host: u.Hostname()}
	}
	return nil
}

// htmlLinkTarget returns href if a click may open it (http, https,
// mailto), else "".
func htmlLinkTarget(href string) string {
	u, err := url.Parse(strings.TrimSpace(href))
	if err != nil {
		return ""
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" {
			return ""
		}
		return u.String()
	case "mailto":
		return u.String()
	}
	return ""
}

// list reads <ul> or <ol>: each <li> is an item of blocks; content
// outside any <li> makes an item of its own.
func (b *htmlBuilder) list(n *html.Node, sink *[]htmlBlock, depth int) {
	blk := htmlBlock{Kind: htmlList, Ordered: n.DataAtom == atom.Ol, Start: 1}
	if s, err := strconv.Atoi(htmlAttr(n, "start")); err == nil && blk.Ordered {
		blk.Start = s
	}
	saved := b.para
	b.para = nil
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		var item []htmlBlock
		if c.Type == html.ElementNode && c.DataAtom == atom.Li {
			if htmlHidden(c) {
				continue
			}
			b.blocks(c, &item, depth+1)
		} else {
			b.node(c, &item, depth+1)
		}
		b.flush(&item)
		if len(item) > 0 {
			blk.Items = append(blk.Items, item)
		}
	}
	b.para = saved
	if len(blk.Items) > 0 {
		b.add(sink, blk)
	}
}
