package app

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/widget"
)

// FuzzHTMLRender: whatever the HTML, building the model and its rich text
// does not panic; every link the model keeps opens only http, https or
// mailto; every image is a cid:, data: or http(s) reference with a host;
// and with remote content not loaded, no remote picture is drawn (there is
// nothing fetched to draw: the fetcher runs only on the button).
func FuzzHTMLRender(f *testing.F) {
	files, _ := filepath.Glob("testdata/html/*.html")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(string(b))
		}
	}
	for _, s := range []string{
		`<a href="javascript:alert(1)">x</a><a href=" https://e.example/">y</a>`,
		`<img src="https://e.example/a.png" onerror="x()"><img src="cid:a%40b"><img src="data:image/png;base64,AAAA">`,
		`<table><tr><td><table><tr><td>a</td><td>b</td></tr></table></td></tr></table>`,
		`<ul><li><ol><li><blockquote><pre>x</pre></blockquote></li></ol></li></ul>`,
		`<p>a<br><br></p><h1></h1><hr><div style="display:none">h</div>`,
		strings.Repeat("<div>", 300) + "deep" + strings.Repeat("</div>", 300),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		blocks := htmlParse(in)
		htmlEachRun(blocks, func(r htmlInline) {
			if r.Kind == htmlLink || r.Href != "" {
				u, err := url.Parse(r.Href)
				if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "mailto") {
					t.Fatalf("htmlParse(%q) keeps a link to %q", in, r.Href)
				}
			}
			if r.Kind == htmlImage {
				img := r.Img
				switch img.Source {
				case htmlImgRemote:
					u, err := url.Parse(img.Ref)
					if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
						t.Fatalf("htmlParse(%q) keeps a remote image %q", in, img.Ref)
					}
				case htmlImgData:
					if !strings.HasPrefix(strings.ToLower(img.Ref), "data:image/") || strings.HasPrefix(strings.ToLower(img.Ref), "data:image/svg") {
						t.Fatalf("htmlParse(%q) keeps a data image %.40q", in, img.Ref)
					}
				}
			}
		})
		segs := htmlRenderer{pics: htmlDecodeInline(blocks, nil), open: func(*url.URL) {}}.blocks(blocks, 0)
		for _, s := range htmlSegs(segs) {
			if img, ok := s.(*htmlImageSegment); ok && img.pic == nil {
				t.Fatalf("htmlParse(%q) draws an image without a picture", in)
			}
			if l, ok := s.(*widget.HyperlinkSegment); ok && l.URL.Scheme != "http" && l.URL.Scheme != "https" && l.URL.Scheme != "mailto" {
				t.Fatalf("htmlParse(%q) draws a link to %v", in, l.URL)
			}
		}
	})
}

// htmlEachRun calls f for every inline run of blocks.
func htmlEachRun(blocks []htmlBlock, f func(htmlInline)) {
	for _, b := range blocks {
		for _, r := range b.Inline {
			f(r)
		}
		for _, item := range b.Items {
			htmlEachRun(item, f)
		}
		htmlEachRun(b.Blocks, f)
		for _, row := range b.Rows {
			for _, c := range row {
				for _, r := range c.Inline {
					f(r)
				}
			}
		}
	}
}
