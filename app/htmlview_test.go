package app

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"letterbox/server/store"
)

// htmlTestPNG is a w×h PNG of one colour.
func htmlTestPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{R: 200, G: 40, B: 40, A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// newTestHTMLView is an htmlView that works inline, in a test window.
func newTestHTMLView(t *testing.T) (*htmlView, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	v := newHTMLView(func(f func()) { f() }, func(f func()) { f() })
	w := test.NewTempWindow(t, v.CanvasObject())
	w.Resize(fyne.NewSize(800, 900))
	return v, w
}

// htmlSegs flattens the view's segments (paragraphs and table cells opened).
func htmlSegs(segs []widget.RichTextSegment) []widget.RichTextSegment {
	var out []widget.RichTextSegment
	for _, s := range segs {
		out = append(out, s)
		switch s := s.(type) {
		case *widget.ParagraphSegment:
			out = append(out, htmlSegs(s.Texts)...)
		case *widget.TableSegment:
			for _, c := range s.Headers {
				out = append(out, htmlSegs(c)...)
			}
			for _, r := range s.Rows {
				for _, c := range r {
					out = append(out, htmlSegs(c)...)
				}
			}
		}
	}
	return out
}

// htmlShown is the text of the view as a reader sees it, segment by segment.
func htmlShown(v *htmlView) string {
	var parts []string
	for _, s := range htmlSegs(v.segments()) {
		switch s := s.(type) {
		case *widget.TextSegment:
			parts = append(parts, s.Text)
		case *widget.HyperlinkSegment:
			parts = append(parts, "<"+s.Text+">")
		case *widget.CodeBlockSegment:
			parts = append(parts, "pre:"+s.Text)
		case *widget.SeparatorSegment:
			parts = append(parts, "---")
		case *htmlImageSegment:
			parts = append(parts, "IMG:"+s.title)
		}
	}
	return strings.Join(parts, "|")
}

func TestHTMLViewElements(t *testing.T) {
	v, _ := newTestHTMLView(t)
	src, err := os.ReadFile("testdata/html/newsletter.html")
	if err != nil {
		t.Fatal(err)
	}
	logo := htmlTestPNG(t, 12, 4)
	var asked []string
	v.SetHTML(string(src), func(cid string) ([]byte, string, bool) {
		asked = append(asked, cid)
		return logo, "image/png", cid == "logo@news.example"
	})
	shown := htmlShown(v)
	for _, want := range []string{
		"IMG:Example News", "Weekly News", "reader", "<Read the story>", " (news.example)", "<editor@news.example>",
		"[image blocked: tracker.example]", "[image blocked: cdn.example]", "Prices", "• ", "3. ", "4. ",
		"quoted", "pre:  code   keeps\n    its spaces", "---", "Styled bold",
	} {
		if !strings.Contains(shown, want) {
			t.Errorf("the view lacks %q:\n%s", want, shown)
		}
	}
	for _, bad := range []string{"Preheader", "tracking", "alert", "steal", "evil.example", "(editor@news.example)"} {
		if strings.Contains(shown, bad) {
			t.Errorf("the view shows %q:\n%s", bad, shown)
		}
	}
	if len(asked) != 1 || asked[0] != "logo@news.example" {
		t.Errorf("resolver asked for %q, want only logo@news.example", asked)
	}
	var table *widget.TableSegment
	var heading *widget.TextSegment
	for _, s := range htmlSegs(v.segments()) {
		switch s := s.(type) {
		case *widget.TableSegment:
			table = s
		case *widget.TextSegment:
			if s.Text == "Weekly News" {
				heading = s
			}
		}
	}
	if table == nil || len(table.Headers) != 2 || len(table.Rows) != 2 {
		t.Errorf("table = %+v, want a grid with a 2-cell header and 2 rows", table)
	}
	if heading == nil || !heading.Style.TextStyle.Bold || heading.Style.SizeName != "headingText" {
		t.Errorf("h1 segment = %+v, want bold heading text", heading)
	}
	if !v.remoteBar.Visible() || !v.loadRemote.Visible() || v.remoteNote.Text != "2 remote images blocked (from cdn.example, tracker.example)." {
		t.Errorf("remote bar visible %v, button visible %v, note %q", v.remoteBar.Visible(), v.loadRemote.Visible(), v.remoteNote.Text)
	}
}

func TestHTMLViewLinkOpens(t *testing.T) {
	v, w := newTestHTMLView(t)
	var opened []string
	v.openURL = func(u *url.URL) error { opened = append(opened, u.String()); return nil }
	v.SetHTML(`<p><a href="https://e.example/a?b=1">site</a> <a href="javascript:alert(1)">js</a></p>`, nil)
	var links []*widget.HyperlinkSegment
	for _, s := range htmlSegs(v.segments()) {
		if l, ok := s.(*widget.HyperlinkSegment); ok {
			links = append(links, l)
		}
	}
	if len(links) != 1 {
		t.Fatalf("links = %d, want 1 (javascript: is text)", len(links))
	}
	links[0].OnTapped()
	if len(opened) != 1 || opened[0] != "https://e.example/a?b=1" {
		t.Errorf("tapping the link opened %q", opened)
	}
	_ = w

	// A picture inside a link opens it too, and says where it goes.
	dot := base64.StdEncoding.EncodeToString(htmlTestPNG(t, 4, 4))
	v.SetHTML(`<a href="https://shop.example/buy"><img src="data:image/png;base64,`+dot+`" alt="Buy"></a>`, nil)
	var pic *htmlImageSegment
	for _, s := range htmlSegs(v.segments()) {
		if p, ok := s.(*htmlImageSegment); ok {
			pic = p
		}
	}
	if pic == nil || !strings.Contains(htmlShown(v), "(shop.example)") {
		t.Fatalf("a linked data: picture is not drawn with its host: %q", htmlShown(v))
	}
	pic.Visual().(*htmlTapImage).Tapped(nil)
	if len(opened) != 2 || opened[1] != "https://shop.example/buy" {
		t.Errorf("tapping the linked picture opened %q", opened)
	}
}

func TestHTMLViewNoHTML(t *testing.T) {
	v, _ := newTestHTMLView(t)
	v.SetHTML("<p>x</p><img src='https://a.example/x.png'>", nil)
	v.SetHTML("", nil)
	if len(v.segments()) != 0 || v.remoteBar.Visible() {
		t.Errorf("after SetHTML(\"\"): %d segments, remote bar visible %v", len(v.segments()), v.remoteBar.Visible())
	}
}

// TestHTMLViewRemoteBlockedUntilLoad: nothing is fetched until the one
// "Load remote content" button is pressed; then every remote image is
// fetched once and drawn.
func TestHTMLViewRemoteBlockedUntilLoad(t *testing.T) {
	var hits atomic.Int32
	pic := htmlTestPNG(t, 20, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path == "/missing.png" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "image/png")
		w.Write(pic)
	}))
	t.Cleanup(srv.Close)
	v, w := newTestHTMLView(t)
	body := fmt.Sprintf(`<p>Hi <img src="%[1]s/a.png" alt="A"><img src="%[1]s/b.png"><img src="%[1]s/a.png"></p>`+
		`<div style="background-image:url(%[1]s/bg.png)">bg</div><img src="%[1]s/missing.png" alt="gone">`, srv.URL)
	v.SetHTML(body, nil)
	w.Canvas().Refresh(v.CanvasObject())
	if n := hits.Load(); n != 0 {
		t.Fatalf("%d requests before Load remote content, want 0", n)
	}
	host := strings.Split(strings.TrimPrefix(srv.URL, "http://"), ":")[0]
	if shown := htmlShown(v); strings.Count(shown, "[image blocked: "+host+"]") != 4 || strings.Contains(shown, "IMG:") {
		t.Errorf("before loading the view shows %q, want 4 blocked placeholders and no image", shown)
	}
	if !v.remoteBar.Visible() || !v.loadRemote.Visible() {
		t.Fatalf("Load remote content is not offered")
	}
	test.Tap(v.loadRemote)
	if n := hits.Load(); n != 3 {
		t.Errorf("%d requests after Load remote content, want 3 (a.png once, b.png, missing.png; no CSS url)", n)
	}
	shown := htmlShown(v)
	if strings.Count(shown, "IMG:") != 3 || !strings.Contains(shown, "[image: gone]") || strings.Contains(shown, "blocked") {
		t.Errorf("after loading the view shows %q, want 3 images and the missing one by its alt text", shown)
	}
	if v.loadRemote.Visible() || v.remoteNote.Text != "Remote content loaded: 2 of 3 images. 1 could not be fetched." {
		t.Errorf("after loading: button visible %v, note %q", v.loadRemote.Visible(), v.remoteNote.Text)
	}
	// A new message starts blocked again.
	v.SetHTML(body, nil)
	if !v.loadRemote.Visible() || strings.Contains(htmlShown(v), "IMG:") {
		t.Errorf("a new body is not blocked again: %q", htmlShown(v))
	}
}

func TestHTMLFetcherLimits(t *testing.T) {
	big := bytes.Repeat([]byte{0}, 2048)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/big":
			w.Write(big)
		case "/redirect":
			http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
		case "/notimage":
			w.Write([]byte("<html>"))
		default:
			http.Error(w, "no", http.StatusForbidden)
		}
	}))
	t.Cleanup(srv.Close)
	f := newHTMLFetcher()
	f.maxBytes = 1024
	got := f.all(context.Background(), []string{srv.URL + "/big", srv.URL + "/redirect", srv.URL + "/notimage", srv.URL + "/x"})
	for u, p := range got {
		if p.err == nil {
			t.Errorf("fetch %s: no error", u)
		}
	}
	if len(got) != 4 {
		t.Errorf("results for %d URLs, want 4", len(got))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if p := f.all(ctx, []string{srv.URL + "/x"})[srv.URL+"/x"]; p == nil || p.err == nil {
		t.Errorf("a cancelled fetch returned %+v", p)
	}
}

func TestHTMLImageSize(t *testing.T) {
	p := htmlDecodeImage(htmlTestPNG(t, 100, 50))
	tests := []struct {
		w, h int
		want fyne.Size
	}{
		{0, 0, fyne.NewSize(100, 50)},
		{200, 0, fyne.NewSize(200, 100)},
		{0, 10, fyne.NewSize(20, 10)},
		{30, 30, fyne.NewSize(30, 30)},
		{1280, 0, fyne.NewSize(640, 320)},
	}
	for _, tt := range tests {
		if got := htmlImageSize(&htmlImg{Width: tt.w, Height: tt.h}, p); got != tt.want {
			t.Errorf("htmlImageSize(%dx%d) = %v, want %v", tt.w, tt.h, got, tt.want)
		}
	}
	if p := htmlDecodeImage([]byte("not an image")); p.err == nil {
		t.Errorf("htmlDecodeImage(garbage) has no error")
	}
	if got := htmlDataURL("data:image/png;base64,aGk="); string(got) != "hi" {
		t.Errorf("htmlDataURL = %q", got)
	}
}

// TestHTMLViewMarkup pins how a small HTML body is drawn.
func TestHTMLViewMarkup(t *testing.T) {
	v, w := newTestHTMLView(t)
	w.Resize(fyne.NewSize(500, 600))
	v.SetHTML(`<h2>Hello</h2><p>Some <b>bold</b> and <a href="https://e.example/">a link</a>.</p><ul><li>one</li></ul>`+
		`<table><tr><th>k</th><th>v</th></tr><tr><td>a</td><td>1</td></tr></table><blockquote>quoted</blockquote><pre>pre</pre>`, nil)
	test.AssertRendersToMarkup(t, "html/markup.xml", w.Canvas())
}

// TestMessageViewHTMLTab: the HTML tab of a stored message draws its
// inline (cid:) image from the message and blocks the remote one.
func TestMessageViewHTMLTab(t *testing.T) {
	logo := htmlTestPNG(t, 8, 8)
	b64 := base64Lines(logo)
	raw := "From: news@n.test\nTo: me@m.test\nSubject: Newsletter\nMIME-Version: 1.0\n" +
		"Content-Type: multipart/related; boundary=\"rel\"\n\n--rel\nContent-Type: text/html; charset=utf-8\n\n" +
		`<h1>News</h1><img src="cid:logo@n.test" alt="Logo"><img src="https://remote.example/x.png">` + "\n" +
		"--rel\nContent-Type: image/png\nContent-ID: <logo@n.test>\nContent-Transfer-Encoding: base64\n\n" + b64 + "\n--rel--\n"
	f := newInboxFixture(t, func(st *store.Store) { inboxDeliver(t, st, raw, inboxRecord("news@n.test", "me@m.test")) })
	f.waitTotal(t, 1)
	d := f.selectSubject(t, "Newsletter")
	f.pump.drain()
	if d.view.HTML == "" {
		t.Fatalf("the test message has no HTML body: %v", d.damage)
	}
	v := f.in.view
	shown := htmlShown(v.html)
	if !strings.Contains(shown, "IMG:Logo") || !strings.Contains(shown, "[image blocked: remote.example]") || !strings.Contains(shown, "News") {
		t.Errorf("HTML tab shows %q, want the inline logo drawn and the remote image blocked", shown)
	}
	if v.openHTML.Disabled() || !v.html.loadRemote.Visible() {
		t.Errorf("Open in browser disabled %v, Load remote content visible %v", v.openHTML.Disabled(), v.html.loadRemote.Visible())
	}
}

func base64Lines(b []byte) string {
	s := base64.StdEncoding.EncodeToString(b)
	var lines []string
	for len(s) > 76 {
		lines, s = append(lines, s[:76]), s[76:]
	}
	return strings.Join(append(lines, s), "\n")
}

// TestHTMLViewScrollFollowsChunks checks that a document drawn in several
// chunks can be scrolled to its end: the scroll learns the page's height
// after the last chunk. Container.Add lays the page out at its old size, so
// before the scroll was refreshed the page stayed as tall as the view and
// everything below the first screen was out of reach.
func TestHTMLViewScrollFollowsChunks(t *testing.T) {
	v, _ := newTestHTMLView(t)
	v.SetHTML(htmlLongLetter("of a long letter."), nil)
	if n := len(v.page.Objects); n < 3 {
		t.Fatalf("the document is drawn in %d chunks, want at least 3", n)
	}
	if got, want := v.page.Size().Height, v.page.MinSize().Height; got < want {
		t.Errorf("the scrolled page is %.0f high, want its whole height %.0f", got, want)
	}
}

// TestHTMLPageRewrapsOnResize: the page keeps each chunk's height, so when
// the window gets narrower it must measure every chunk again: text wraps
// onto more rows and no chunk may overlap the next.
func TestHTMLPageRewrapsOnResize(t *testing.T) {
	v, w := newTestHTMLView(t)
	v.SetHTML(htmlLongLetter("of a long letter, long enough to wrap onto a second row when the window is narrow."), nil)
	wide := v.page.MinSize().Height
	w.Resize(fyne.NewSize(300, 900))
	if got := v.page.MinSize().Height; got <= wide {
		t.Errorf("page height at 300 px = %.0f, at 800 px %.0f: the chunks were not measured again", got, wide)
	}
	y := float32(0)
	for i, o := range v.page.Objects {
		if o.Position().Y != y || o.Size().Height != o.MinSize().Height {
			t.Fatalf("chunk %d at y=%.0f, %.0f high; want y=%.0f and its own height %.0f", i, o.Position().Y, o.Size().Height, y, o.MinSize().Height)
		}
		y += o.Size().Height
	}
}

// htmlLongLetter is three chunks' worth of numbered paragraphs, each ending
// in text.
func htmlLongLetter(text string) string {
	var b strings.Builder
	for i := range 3 * htmlChunk {
		fmt.Fprintf(&b, "<p>Paragraph %d %s</p>", i, text)
	}
	return b.String()
}
