package app

import (
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// table reads a <table>. A data table (two columns or more, no table
// inside) becomes a grid of cells. A layout table — one column, or tables
// nested in it, as newsletters build their pages — is flattened: its cells
// are read as blocks, row by row, so the content reads top to bottom.
func (b *htmlBuilder) table(n *html.Node, sink *[]htmlBlock, depth int) {
	rows, caption := htmlTableRows(n)
	if caption != nil {
		b.node(caption, sink, depth+1)
	}
	cols, cells := 0, 0
	for _, r := range rows {
		cols = max(cols, len(r))
		cells += len(r)
	}
	if cols < 2 || htmlHasTable(n) || b.ncell+cells > htmlMaxCells {
		for _, r := range rows {
			for _, c := range r {
				b.flush(sink)
				b.blocks(c, sink, depth+2)
				b.flush(sink)
			}
		}
		return
	}
	b.ncell += cells
	blk := htmlBlock{Kind: htmlTable}
	for _, r := range rows {
		row := make([]htmlCell, 0, len(r))
		for _, c := range r {
			var inner []htmlBlock
			b.blocks(c, &inner, depth+2)
			b.flush(&inner)
			row = append(row, htmlCell{Header: c.DataAtom == atom.Th, Inline: htmlJoin(inner)})
		}
		blk.Rows = append(blk.Rows, row)
	}
	b.add(sink, blk)
}

// htmlTableRows returns the cells of n's own rows (in thead, tbody, tfoot
// or directly in the table), leaving out hidden ones, and its caption.
func htmlTableRows(n *html.Node) (rows [][]*html.Node, caption *html.Node) {
	var row func(tr *html.Node)
	row = func(tr *html.Node) {
		var cells []*html.Node
		for c := tr.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && (c.DataAtom == atom.Td || c.DataAtom == atom.Th) && !htmlHidden(c) {
				cells = append(cells, c)
			}
		}
		if len(cells) > 0 {
			rows = append(rows, cells)
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || htmlHidden(c) {
			continue
		}
		switch c.DataAtom {
		case atom.Caption:
			caption = c
		case atom.Tr:
			row(c)
		case atom.Thead, atom.Tbody, atom.Tfoot:
			for tr := c.FirstChild; tr != nil; tr = tr.NextSibling {
				if tr.Type == html.ElementNode && tr.DataAtom == atom.Tr && !htmlHidden(tr) {
					row(tr)
				}
			}
		}
	}
	return rows, caption
}

// htmlHasTable reports whether a table element is inside n.
func htmlHasTable(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.DataAtom == atom.Table || htmlHasTable(c) {
			return true
		}
	}
	return false
}

// htmlJoin runs blocks together as the inline content of a table cell:
// one line each, headings bold, list items bulleted.
func htmlJoin(blocks []htmlBlock) []htmlInline {
	var out []htmlInline
	line := func(runs ...htmlInline) {
		if len(out) > 0 {
			out = append(out, htmlInline{Kind: htmlBreak})
		}
		out = append(out, runs...)
	}
	for _, blk := range blocks {
		switch blk.Kind {
		case htmlPara:
			line(blk.Inline...)
		case htmlHeading:
			runs := append([]htmlInline(nil), blk.Inline...)
			for i := range runs {
				runs[i].Bold = true
			}
			line(runs...)
		case htmlPre:
			line(htmlInline{Kind: htmlText, Text: blk.Text, Mono: true})
		case htmlQuote:
			line(htmlJoin(blk.Blocks)...)
		case htmlList:
			for _, item := range blk.Items {
				line(append([]htmlInline{{Kind: htmlText, Text: "• "}}, htmlJoin(item)...)...)
			}
		}
	}
	return out
}
