package app

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// htmlResolver returns the bytes and media type of the message part whose
// Content-ID (RFC 2392, without angle brackets) is cid, and whether there
// is one. It is called off the Fyne goroutine.
type htmlResolver func(cid string) (data []byte, mediaType string, ok bool)

// htmlView shows an HTML body rendered as Fyne rich text: headings,
// paragraphs, bold and italic, links (their host shown after them, opened
// in the browser on a click: http, https and mailto only), lists, block
// quotes, preformatted text, data tables as grids (layout tables
// flattened), a rule for <hr>, and images. Images of the message itself
// (cid: parts, via the resolver) and data: images are drawn in place;
// remote images are never fetched until the reader presses the one
// "Load remote content" button, and show as "[image blocked: host]" until
// then. The HTML is sanitised (msg.SanitizeHTMLBody) before it is read,
// so nothing but <img src> can even name remote content.
//
// Use: v := newHTMLView(async, ui); put v.CanvasObject() in a container;
// call v.SetHTML(body, resolve) on the Fyne goroutine for each message.
// Parsing, image decoding and fetching run through async (goroutines in the
// app, inline in tests) and come back through ui (fyne.Do in the app).
type htmlView struct {
	async, ui func(func())
	// openURL opens a link; nil means fyne.CurrentApp().OpenURL.
	openURL func(*url.URL) error
	fetch   *htmlFetcher

	page       *fyne.Container // the rich texts, one per chunk of the document (htmlPageLayout)
	pageW      *htmlPage       // page as the scroll's content
	scroll     *container.Scroll
	remoteBar  *fyne.Container
	remoteNote *widget.Label
	loadRemote *widget.Button
	obj        fyne.CanvasObject

	seq    int                // bumped by SetHTML; stale results are dropped
	gen    int                // bumped by render; chunks of an older render stop
	cancel context.CancelFunc // stops the remote fetch in flight, nil when none
	blocks []htmlBlock
	pics   map[string]*htmlPic // decoded images by htmlImg.Ref
	remote []string            // distinct remote image URLs, in document order
	loaded bool                // "Load remote content" was pressed for this body
}

// newHTMLView makes the view, empty. async runs work off the Fyne
// goroutine; ui brings results back onto it.
func newHTMLView(async, ui func(func())) *htmlView {
	v := &htmlView{async: async, ui: ui, fetch: newHTMLFetcher(), pics: map[string]*htmlPic{}}
	v.page = container.New(&htmlPageLayout{})
	v.pageW = newHTMLPage(v.page)
	v.scroll = container.NewVScroll(v.pageW)
	v.remoteNote = widget.NewLabel("")
	v.remoteNote.Truncation = fyne.TextTruncateEllipsis
	v.loadRemote = widget.NewButtonWithIcon("Load remote content", theme.DownloadIcon(), v.onLoadRemote)
	v.remoteBar = container.NewBorder(nil, nil, v.loadRemote, nil, v.remoteNote)
	v.remoteBar.Hide()
	v.obj = container.NewBorder(v.remoteBar, nil, nil, nil, v.scroll)
	return v
}

// CanvasObject is the view's content: the remote-content bar over the
// scrolling rendered body.
func (v *htmlView) CanvasObject() fyne.CanvasObject { return v.obj }

// SetHTML shows body (raw, unsanitised HTML in UTF-8; "" empties the view).
// Call it on the Fyne goroutine. resolve finds cid: images; nil means the
// message has none. Any fetch of remote images for the previous body stops.
func (v *htmlView) SetHTML(body string, resolve htmlResolver) {
	v.seq++
	v.stopFetch()
	seq := v.seq
	v.loaded = false
	v.remoteBar.Hide()
	if body == "" {
		v.show(nil, map[string]*htmlPic{})
		return
	}
	v.async(func() {
		blocks := htmlParse(body)
		pics := htmlDecodeInline(blocks, resolve)
		v.ui(func() {
			if seq != v.seq {
				return
			}
			v.show(blocks, pics)
		})
	})
}

// show draws blocks with pics and offers remote content if it has any.
func (v *htmlView) show(blocks []htmlBlock, pics map[string]*htmlPic) {
	v.blocks, v.pics = blocks, pics
	v.remote = htmlRemoteURLs(blocks)
	v.render()
	v.scroll.ScrollToTop()
	if len(v.remote) == 0 {
		v.remoteBar.Hide()
		return
	}
	v.loadRemote.SetText("Load remote content")
	v.loadRemote.Enable()
	v.loadRemote.Show()
	v.remoteNote.SetText(htmlBlockedNote(v.remote))
	v.remoteBar.Show()
}

// htmlChunk is how many top-level segments one rich text holds. Fyne lays
// a rich text out whole on every change, so a long document is drawn as a
// column of chunks: the first shows at once, the others follow one per
// turn of the Fyne goroutine, which never holds it for long.
const htmlChunk = 40

// render rebuilds the page from the model: the first chunk now, the rest
// through ui, one chunk at a time.
func (v *htmlView) render() {
	v.gen++
	gen := v.gen
	r := htmlRenderer{pics: v.pics, loaded: v.loaded, open: v.open}
	segs := r.blocks(v.blocks, 0)
	v.page.RemoveAll()
	var next func(rest []widget.RichTextSegment)
	next = func(rest []widget.RichTextSegment) {
		if gen != v.gen || len(rest) == 0 {
			return
		}
		n := min(htmlChunk, len(rest))
		// A new rich text is 0 wide, and wrapping at 0 puts every word on a
		// row of its own: its renderer is made unwrapped (cheap), then it
		// wraps once, at the page's width.
		rt := widget.NewRichText(rest[:n]...)
		rt.MinSize()
		rt.Wrapping = fyne.TextWrapWord
		rt.Resize(fyne.NewSize(v.scroll.Size().Width, 1))
		v.page.Add(rt)
		// Container.Add lays the page out but repaints nothing: a view on
		// screen before its body arrived (an HTML part in the MIME tab)
		// stayed blank in the real window until the next resize. Each
		// chunk is painted as it comes; the scroll, which still holds the
		// page at its old height, is refreshed once, after the last one
		// (refreshing it per chunk re-lays every chunk: quadratic).
		canvas.Refresh(rt)
		if len(rest) == n {
			v.pageW.grew()
			v.scroll.Refresh()
		}
		if len(rest) > n {
			v.ui(func() { next(rest[n:]) })
		}
	}
	next(segs)
}

// segments returns every segment shown, in order.
func (v *htmlView) segments() []widget.RichTextSegment {
	var out []widget.RichTextSegment
	for _, o := range v.page.Objects {
		out = append(out, o.(*widget.RichText).Segments...)
	}
	return out
}

// open opens a link target the model kept (http, https, mailto).
func (v *htmlView) open(u *url.URL) {
	open := v.openURL
	if open == nil {
		open = fyne.CurrentApp().OpenURL
	}
	if err := open(u); err != nil {
		v.remoteNote.SetText("Cannot open " + u.Redacted() + ": " + err.Error())
		v.remoteBar.Show()
	}
}

// onLoadRemote fetches the remote images of the body shown, off the Fyne
// goroutine, and draws them when they are in.
func (v *htmlView) onLoadRemote() {
	if len(v.remote) == 0 || v.cancel != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	v.cancel = cancel
	seq, urls, fetch := v.seq, v.remote, v.fetch
	v.loadRemote.Disable()
	v.loadRemote.SetText("Loading…")
	v.remoteNote.SetText(fmt.Sprintf("Fetching %d remote images…", len(urls)))
	v.async(func() {
		got := fetch.all(ctx, urls)
		v.ui(func() {
			if seq != v.seq {
				return
			}
			v.cancel = nil
			cancel()
			failed := 0
			for u, p := range got {
				v.pics[u] = p
				if p.err != nil {
					failed++
				}
			}
			v.loaded = true
			v.render()
			v.loadRemote.Hide()
			note := "Remote content loaded."
			if failed > 0 {
				note = fmt.Sprintf("Remote content loaded: %d of %d images. %d could not be fetched.", len(urls)-failed, len(urls), failed)
			}
			v.remoteNote.SetText(note)
		})
	})
}

// stopFetch cancels a remote fetch in flight.
func (v *htmlView) stopFetch() {
	if v.cancel != nil {
		v.cancel()
		v.cancel = nil
	}
}

// htmlRemoteURLs lists the distinct remote image URLs of blocks.
func htmlRemoteURLs(blocks []htmlBlock) []string {
	seen := map[string]bool{}
	var out []string
	htmlEachImage(blocks, func(img *htmlImg) {
		if img.Source == htmlImgRemote && !seen[img.Ref] {
			seen[img.Ref] = true
			out = append(out, img.Ref)
		}
	})
	return out
}

// htmlBlockedNote says what is blocked: "3 remote images blocked (from a.example, b.example)".
func htmlBlockedNote(urls []string) string {
	hosts := map[string]bool{}
	for _, u := range urls {
		if p, err := url.Parse(u); err == nil {
			hosts[p.Hostname()] = true
		}
	}
	names := make([]string, 0, len(hosts))
	for h := range hosts {
		names = append(names, h)
	}
	sort.Strings(names)
	if len(names) > 3 {
		names = append(names[:3], "…")
	}
	noun := "images"
	if len(urls) == 1 {
		noun = "image"
	}
	return fmt.Sprintf("%d remote %s blocked (from %s).", len(urls), noun, strings.Join(names, ", "))
}

// htmlEachImage calls f for every image of blocks, in document order.
func htmlEachImage(blocks []htmlBlock, f func(*htmlImg)) {
	runs := func(rs []htmlInline) {
		for _, r := range rs {
			if r.Kind == htmlImage {
				f(r.Img)
			}
		}
	}
	for _, b := range blocks {
		runs(b.Inline)
		for _, item := range b.Items {
			htmlEachImage(item, f)
		}
		htmlEachImage(b.Blocks, f)
		for _, row := range b.Rows {
			for _, c := range row {
				runs(c.Inline)
			}
		}
	}
}
