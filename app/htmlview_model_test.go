package app

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updateHTMLGolden = flag.Bool("update-html", false, "rewrite app/testdata/html/*.golden from the current model")

// htmlDump writes the block model as indented text, one block a line: the
// golden form of the HTML view.
func htmlDump(blocks []htmlBlock) string {
	var sb strings.Builder
	htmlDumpBlocks(&sb, blocks, "")
	return sb.String()
}

func htmlDumpBlocks(sb *strings.Builder, blocks []htmlBlock, indent string) {
	for _, b := range blocks {
		switch b.Kind {
		case htmlPara:
			fmt.Fprintf(sb, "%sp %s\n", indent, htmlDumpRuns(b.Inline))
		case htmlHeading:
			fmt.Fprintf(sb, "%sh%d %s\n", indent, b.Level, htmlDumpRuns(b.Inline))
		case htmlList:
			kind := "ul"
			if b.Ordered {
				kind = fmt.Sprintf("ol start=%d", b.Start)
			}
			fmt.Fprintf(sb, "%s%s\n", indent, kind)
			for _, item := range b.Items {
				fmt.Fprintf(sb, "%s  -\n", indent)
				htmlDumpBlocks(sb, item, indent+"    ")
			}
		case htmlQuote:
			fmt.Fprintf(sb, "%squote\n", indent)
			htmlDumpBlocks(sb, b.Blocks, indent+"  ")
		case htmlPre:
			fmt.Fprintf(sb, "%spre %q\n", indent, b.Text)
		case htmlTable:
			fmt.Fprintf(sb, "%stable\n", indent)
			for _, row := range b.Rows {
				fmt.Fprintf(sb, "%s  |", indent)
				for _, c := range row {
					tag := "td"
					if c.Header {
						tag = "th"
					}
					fmt.Fprintf(sb, " %s %s |", tag, htmlDumpRuns(c.Inline))
				}
				sb.WriteByte('\n')
			}
		case htmlRule:
			fmt.Fprintf(sb, "%shr\n", indent)
		}
	}
}

func htmlDumpRuns(runs []htmlInline) string {
	parts := make([]string, 0, len(runs))
	for _, r := range runs {
		flags := ""
		if r.Bold {
			flags += "b"
		}
		if r.Italic {
			flags += "i"
		}
		if r.Mono {
			flags += "m"
		}
		switch r.Kind {
		case htmlText:
			parts = append(parts, fmt.Sprintf("%s%q", flags, r.Text))
		case htmlLink:
			parts = append(parts, fmt.Sprintf("link%s(%q -> %s)", flags, r.Text, r.Href))
		case htmlBreak:
			parts = append(parts, "br")
		case htmlImage:
			src := [...]string{"cid", "data", "remote"}[r.Img.Source]
			ref := r.Img.Ref
			if len(ref) > 40 {
				ref = ref[:40] + "…"
			}
			parts = append(parts, fmt.Sprintf("img(%s %s alt=%q %dx%d)", src, ref, r.Img.Alt, r.Img.Width, r.Img.Height))
		}
	}
	return strings.Join(parts, " ")
}

// TestHTMLModelGolden compares the model of each testdata/html/*.html with
// its .golden file (go test -run TestHTMLModelGolden -update-html rewrites them).
func TestHTMLModelGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/html/*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/html/*.html: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			got := htmlDump(htmlParse(string(src)))
			golden := strings.TrimSuffix(f, ".html") + ".golden"
			if *updateHTMLGolden {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update-html to write it)", err)
			}
			if got != string(want) {
				t.Errorf("model of %s:\n%s\nwant (%s):\n%s", f, got, golden, want)
			}
		})
	}
}

func TestHTMLModelElements(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"paragraphs", "<p>One</p><p>Two  \n three</p>", "p \"One\"\np \"Two three\"\n"},
		{"headings", "<h1>A</h1><h2>B</h2><h6>F</h6>", "h1 \"A\"\nh2 \"B\"\nh6 \"F\"\n"},
		{"bold italic mono", "<p>a <b>b</b> <strong><em>bi</em></strong> <code>m</code></p>", "p \"a \" b\"b\" \" \" bi\"bi\" \" \" m\"m\"\n"},
		{"break", "<p>a<br>b<br><br>c</p>", "p \"a\" br \"b\" br br \"c\"\n"},
		{"link", `<p><a href="https://e.example/x">go</a></p>`, "p link(\"go\" -> https://e.example/x)\n"},
		{"mailto link", `<a href="mailto:a@b.example">mail</a>`, "p link(\"mail\" -> mailto:a@b.example)\n"},
		{"javascript link is text", `<a href="javascript:alert(1)">x</a>`, "p \"x\"\n"},
		{"ftp link is text", `<a href="ftp://e.example/">x</a>`, "p \"x\"\n"},
		{"unordered", "<ul><li>a</li><li>b</li></ul>", "ul\n  -\n    p \"a\"\n  -\n    p \"b\"\n"},
		{"ordered start", `<ol start="4"><li>d</li></ol>`, "ol start=4\n  -\n    p \"d\"\n"},
		{"nested list", "<ul><li>a<ul><li>b</li></ul></li></ul>", "ul\n  -\n    p \"a\"\n    ul\n      -\n        p \"b\"\n"},
		{"quote", "<blockquote>q<blockquote>qq</blockquote></blockquote>", "quote\n  p \"q\"\n  quote\n    p \"qq\"\n"},
		{"pre", "<pre>\n  a\n    b\n</pre>", "pre \"  a\\n    b\"\n"},
		{"data table", "<table><tr><th>h1</th><th>h2</th></tr><tr><td>a</td><td><p>b</p><p>c</p></td></tr></table>",
			"table\n  | th \"h1\" | th \"h2\" |\n  | td \"a\" | td \"b\" br \"c\" |\n"},
		{"one-column table flattened", "<table><tr><td>a</td></tr><tr><td>b</td></tr></table>", "p \"a\"\np \"b\"\n"},
		{"nested tables flattened", "<table><tr><td>x</td><td><table><tr><td>1</td><td>2</td></tr></table></td></tr></table>",
			"p \"x\"\ntable\n  | td \"1\" | td \"2\" |\n"},
		{"rule", "a<hr>b", "p \"a\"\nhr\np \"b\"\n"},
		{"cid image", `<img src="cid:logo%40x.example" alt="L">`, "p img(cid logo@x.example alt=\"L\" 0x0)\n"},
		{"remote image", `<img src="https://i.example/a.png" width="10" height="5">`, "p img(remote https://i.example/a.png alt=\"\" 10x5)\n"},
		{"relative image dropped, alt kept", `<img src="a.png" alt="pic">`, "p \"[pic]\"\n"},
		{"hidden preheader", `<div style="display: none">pre</div><p>x</p>`, "p \"x\"\n"},
		{"script and style gone", `<script>s()</script><style>p{}</style><p onclick="x()">t</p>`, "p \"t\"\n"},
		{"css bold", `<span style="font-weight: 700">b</span>`, "p b\"b\"\n"},
		{"entities", "<p>Fish &amp; chips&nbsp;&lt;3</p>", `p "Fish & chips\u00a0<3"` + "\n"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := htmlDump(htmlParse(tt.in)); got != tt.want {
				t.Errorf("htmlParse(%q):\n%s\nwant:\n%s", tt.in, got, tt.want)
			}
		})
	}
}
