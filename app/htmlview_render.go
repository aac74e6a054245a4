package app

import (
	"net/url"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// htmlRenderer turns the block model into rich-text segments. It runs on
// the Fyne goroutine (segments hold callbacks and images for widgets).
type htmlRenderer struct {
	pics   map[string]*htmlPic
	loaded bool           // remote images may be drawn
	open   func(*url.URL) // a link was tapped
}

// blocks renders blocks at a block-quote depth.
func (r htmlRenderer) blocks(blocks []htmlBlock, quote int) []widget.RichTextSegment {
	var out []widget.RichTextSegment
	for _, b := range blocks {
		out = append(out, r.block(b, quote, 0)...)
	}
	return out
}

func (r htmlRenderer) block(b htmlBlock, quote, list int) []widget.RichTextSegment {
	switch b.Kind {
	case htmlPara:
		return []widget.RichTextSegment{r.para(b.Inline, htmlRunStyle(quote, ""))}
	case htmlHeading:
		size := theme.SizeNameText
		switch b.Level {
		case 1:
			size = theme.SizeNameHeadingText
		case 2:
			size = theme.SizeNameSubHeadingText
		}
		runs := append([]htmlInline(nil), b.Inline...)
		for i := range runs {
			runs[i].Bold = true
		}
		return []widget.RichTextSegment{r.para(runs, htmlRunStyle(quote, size))}
	case htmlList:
		return r.list(b, quote, list)
	case htmlQuote:
		var out []widget.RichTextSegment
		for _, inner := range b.Blocks {
			out = append(out, r.block(inner, quote+1, list)...)
		}
		return out
	case htmlPre:
		return []widget.RichTextSegment{&widget.CodeBlockSegment{Text: b.Text}}
	case htmlTable:
		return []widget.RichTextSegment{r.table(b, quote)}
	case htmlRule:
		return []widget.RichTextSegment{&widget.SeparatorSegment{}}
	}
	return nil
}

// list renders a list as paragraphs led by a bullet or number; nested
// lists are indented one step more. Wrapped lines of an item continue
// under its text, not under the bullet.
func (r htmlRenderer) list(b htmlBlock, quote, depth int) []widget.RichTextSegment {
	var out []widget.RichTextSegment
	for i, item := range b.Items {
		mark := "•"
		if b.Ordered {
			mark = strconv.Itoa(b.Start+i) + "."
		}
		bulletStyle := htmlRunStyle(quote, "")
		bulletStyle.Inline = true
		bulletStyle.TextStyle.Bold = true
		bullet := &widget.TextSegment{Text: strings.Repeat("    ", depth) + mark + " ", Style: bulletStyle}
		for j, blk := range item {
			if j == 0 && (blk.Kind == htmlPara || blk.Kind == htmlHeading) {
				first := r.block(blk, quote, depth+1)
				out = append(out, &widget.ParagraphSegment{Texts: append([]widget.RichTextSegment{bullet}, first...)})
				continue
			}
			if j == 0 {
				out = append(out, &widget.TextSegment{Text: bullet.Text, Style: htmlRunStyle(quote, "")})
			}
			if blk.Kind == htmlPara {
				indent := &widget.TextSegment{Text: strings.Repeat("    ", depth+1), Style: bulletStyle}
				out = append(out, &widget.ParagraphSegment{Texts: append([]widget.RichTextSegment{indent}, r.block(blk, quote, depth+1)...)})
				continue
			}
			out = append(out, r.block(blk, quote, depth+1)...)
		}
	}
	return out
}

// table renders a data table as a grid; a first row of <th> cells is its
// header.
func (r htmlRenderer) table(b htmlBlock, quote int) widget.RichTextSegment {
	t := &widget.TableSegment{}
	rows := b.Rows
	if len(rows) > 0 && htmlAllHeader(rows[0]) {
		t.Headers = r.cells(rows[0], quote)
		rows = rows[1:]
	}
	for _, row := range rows {
		t.Rows = append(t.Rows, r.cells(row, quote))
	}
	return t
}

func (r htmlRenderer) cells(row []htmlCell, quote int) [][]widget.RichTextSegment {
	out := make([][]widget.RichTextSegment, len(row))
	for i, c := range row {
		runs := c.Inline
		if c.Header {
			runs = append([]htmlInline(nil), runs...)
			for k := range runs {
				runs[k].Bold = true
			}
		}
		out[i] = r.runs(runs, htmlRunStyle(quote, ""))
	}
	return out
}

func htmlAllHeader(row []htmlCell) bool {
	for _, c := range row {
		if !c.Header {
			return false
		}
	}
	return true
}

// para renders inline runs as one paragraph.
func (r htmlRenderer) para(runs []htmlInline, base widget.RichTextStyle) widget.RichTextSegment {
	return &widget.ParagraphSegment{Texts: r.runs(runs, base)}
}

// runs renders inline runs. Fyne's rich text puts inline segments on one
// row until a segment that is not inline, so a line break (and the end)
// turns the segment before it into a block; two breaks in a row give an
// empty line.
func (r htmlRenderer) runs(runs []htmlInline, base widget.RichTextStyle) []widget.RichTextSegment {
	var out []widget.RichTextSegment
	endLine := func() {
		if n := len(out); n > 0 {
			switch s := out[n-1].(type) {
			case *widget.TextSegment:
				if s.Style.Inline {
					s.Style.Inline = false
					return
				}
			case *htmlImageSegment:
				if s.inline {
					s.inline = false
					return
				}
			}
		}
		st := base
		st.Inline = false
		out = append(out, &widget.TextSegment{Text: "", Style: st})
	}
	for _, run := range runs {
		switch run.Kind {
		case htmlBreak:
			endLine()
		case htmlText:
			out = append(out, &widget.TextSegment{Text: run.Text, Style: htmlTextStyle(base, run)})
		case htmlLink:
			out = append(out, r.link(run, base)...)
		case htmlImage:
			out = append(out, r.image(run, base)...)
		}
	}
	endLine()
	return out
}

// link renders a link and, when its text does not already say where it
// goes, the host (or mail address) after it in a quieter colour.
func (r htmlRenderer) link(run htmlInline, base widget.RichTextStyle) []widget.RichTextSegment {
	u, err := url.Parse(run.Href)
	if err != nil {
		return []widget.RichTextSegment{&widget.TextSegment{Text: run.Text, Style: htmlTextStyle(base, run)}}
	}
	open := r.open
	seg := &widget.HyperlinkSegment{Text: run.Text, URL: u, OnTapped: func() { open(u) },
		TextStyle: fyne.TextStyle{Bold: run.Bold, Italic: run.Italic, Monospace: run.Mono}, SizeName: base.SizeName}
	target := htmlLinkShown(u)
	if target == "" || strings.Contains(strings.ToLower(run.Text), strings.ToLower(target)) {
		return []widget.RichTextSegment{seg}
	}
	return []widget.RichTextSegment{seg, htmlLinkHint(target, base)}
}

// htmlLinkHint says where a link goes, after it, in a quieter colour.
func htmlLinkHint(target string, base widget.RichTextStyle) *widget.TextSegment {
	hint := base
	hint.Inline = true
	hint.ColorName = theme.ColorNamePlaceHolder
	hint.SizeName = theme.SizeNameCaptionText
	return &widget.TextSegment{Text: " (" + target + ")", Style: hint}
}

// htmlLinkShown is what the reader is told a link opens: the host of a web
// link, the address of a mailto: link.
func htmlLinkShown(u *url.URL) string {
	if strings.EqualFold(u.Scheme, "mailto") {
		return strings.SplitN(u.Opaque, "?", 2)[0]
	}
	return u.Hostname()
}

// image renders an image run: the picture if it is decoded (and, for a
// remote one, loading was asked for), else a bracketed placeholder. A
// picture inside a link opens it when tapped, and the link's host follows.
func (r htmlRenderer) image(run htmlInline, base widget.RichTextStyle) []widget.RichTextSegment {
	img := run.Img
	p := r.pics[img.Ref]
	switch {
	case img.Source == htmlImgRemote && !r.loaded:
		return []widget.RichTextSegment{htmlPlaceholder("[image blocked: "+img.Host+"]", base)}
	case p == nil || p.err != nil:
		what := img.Alt
		if what == "" && img.Source == htmlImgRemote {
			what = img.Host
		}
		if what == "" {
			what = "not shown"
		}
		return []widget.RichTextSegment{htmlPlaceholder("[image: "+what+"]", base)}
	}
	seg := &htmlImageSegment{pic: p, size: htmlImageSize(img, p), inline: true, title: img.Alt}
	u, err := url.Parse(run.Href)
	if run.Href == "" || err != nil {
		return []widget.RichTextSegment{seg}
	}
	open := r.open
	seg.onTap = func() { open(u) }
	if target := htmlLinkShown(u); target != "" {
		return []widget.RichTextSegment{seg, htmlLinkHint(target, base)}
	}
	return []widget.RichTextSegment{seg}
}

func htmlPlaceholder(text string, base widget.RichTextStyle) *widget.TextSegment {
	st := base
	st.Inline = true
	st.ColorName = theme.ColorNamePlaceHolder
	st.TextStyle.Italic = true
	return &widget.TextSegment{Text: text, Style: st}
}

// htmlRunStyle is the base style of the text of a block.
func htmlRunStyle(quote int, size fyne.ThemeSizeName) widget.RichTextStyle {
	st := widget.RichTextStyleInline
	st.QuotingDepth = quote
	if size != "" {
		st.SizeName = size
	}
	return st
}

func htmlTextStyle(base widget.RichTextStyle, run htmlInline) widget.RichTextStyle {
	st := base
	st.Inline = true
	st.TextStyle.Bold = st.TextStyle.Bold || run.Bold
	st.TextStyle.Italic = st.TextStyle.Italic || run.Italic
	st.TextStyle.Monospace = st.TextStyle.Monospace || run.Mono
	return st
}
