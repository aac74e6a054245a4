package app

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"letterbox/server/store"
	"letterbox/smtpcore/msg"
)

// messageTestdata reads a file of testdata/mime.
func messageTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "mime", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// messageNestedFixture shows testdata/mime/nested.eml in an inbox.
func messageNestedFixture(t *testing.T) (*inboxFixture, *messageData) {
	t.Helper()
	raw := string(messageTestdata(t, "nested.eml"))
	f := newInboxFixture(t, func(st *store.Store) { inboxDeliver(t, st, raw, inboxRecord("ann@a.test", "bob@b.test")) })
	f.waitTotal(t, 1)
	return f, f.selectSubject(t, "MIME tree")
}

// messageObjects lists what is laid out under o, of type T.
func messageObjects[T fyne.CanvasObject](o fyne.CanvasObject) []T {
	var out []T
	for _, c := range test.LaidOutObjects(o) {
		if x, ok := c.(T); ok && c.Visible() {
			out = append(out, x)
		}
	}
	return out
}

func TestMessagePartsSelectShowsHeadersAndContent(t *testing.T) {
	f, _ := messageNestedFixture(t)
	v := f.in.view
	v.tabs.SelectIndex(messageTabParts)
	if got, want := v.parts.children["#"], []string{"#1", "#2", "#3", "#4"}; !slices.Equal(got, want) {
		t.Fatalf("MIME tree children of the message = %q, want %q", got, want)
	}
	if got, want := v.parts.children["#1.2"], []string{"#1.2.1", "#1.2.2"}; !slices.Equal(got, want) {
		t.Fatalf("MIME tree children of 1.2 = %q, want %q", got, want)
	}
	tests := []struct {
		path     string
		header   string   // a header value shown for the part
		content  []string // texts shown in the content area
		image    string   // "W × H" of a preview, "" for none
		canWrite bool     // Save part… and Open enabled
	}{
		{"", "multipart/mixed; boundary=\"outer\"", []string{"multipart/mixed container of 4 parts"}, "", false},
		{"1.1", "text/plain; charset=iso-8859-1", []string{"Grüße aus Köln,\nthe chart and the report are attached."}, "", true},
		{"1.2", "multipart/related; boundary=\"rel\"", []string{"container of 2 parts"}, "", false},
		{"1.2.1", "text/html; charset=utf-8", nil, "", true}, // drawn by htmlView: see below
		{"1.2.2", "<logo@a.test>", nil, "24 × 16 pixels", true},
		{"2", "attachment; filename=\"report.pdf\"", []string{"application/pdf, 777 B (777 octets decoded): no preview", "25 50 44 46 2d 31 2e 34"}, "", true},
		{"3", "image/png; name=\"chart.png\"", nil, "120 × 80 pixels", true},
		{"4", "message/rfc822", []string{"Subject: the earlier note\n\nInner body of the forwarded note."}, "", true},
	}
	for _, tc := range tests {
		t.Run("part "+tc.path, func(t *testing.T) {
			v.parts.selectPath(tc.path)
			f.pump.waitFor(t, "the part's content", func() bool {
				return !slices.Contains(inboxLabels(v.parts.content), "Reading the part…")
			})
			if v.parts.selected != "#"+tc.path {
				t.Fatalf("selected %q, want #%s", v.parts.selected, tc.path)
			}
			if h := strings.Join(inboxLabels(v.parts.headers), "\n"); !strings.Contains(h, tc.header) {
				t.Errorf("part %s headers = %q, want %q among them", tc.path, h, tc.header)
			}
			shown := strings.Join(inboxLabels(v.parts.content), "\n")
			for _, want := range tc.content {
				if !strings.Contains(shown, want) {
					t.Errorf("part %s content = %q, want it to contain %q", tc.path, shown, want)
				}
			}
			if tc.path == "1.2.1" {
				// The HTML part is drawn as the HTML tab draws it: rich text,
				// the link's host after it, the cid: logo in place.
				f.pump.waitFor(t, "the HTML part drawn with its inline image", func() bool {
					return strings.Contains(messageRichText(v.parts.content), "Quarterly") &&
						len(messageObjects[*htmlTapImage](v.parts.content)) == 1
				})
				for _, want := range []string{"Quarterly", "Grüße aus ", "Köln", "the figures"} {
					if got := messageRichText(v.parts.content); !strings.Contains(got, want) {
						t.Errorf("part 1.2.1 rich text = %q, want it to contain %q", got, want)
					}
				}
				return
			}
			imgs := messageObjects[*canvas.Image](v.parts.content)
			if tc.image != "" && (len(imgs) != 1 || !strings.Contains(shown, tc.image)) {
				t.Errorf("part %s shows %d images and %q; want one preview of %s", tc.path, len(imgs), shown, tc.image)
			}
			if tc.image == "" && len(imgs) != 0 {
				t.Errorf("part %s shows an image preview", tc.path)
			}
			if v.parts.save.Disabled() == tc.canWrite || v.parts.open.Disabled() == tc.canWrite {
				t.Errorf("part %s: Save part… disabled %v, Open disabled %v; want enabled %v", tc.path, v.parts.save.Disabled(), v.parts.open.Disabled(), tc.canWrite)
			}
		})
	}
}

// Save part… writes the decoded bytes of the selected part, nested or not.
func TestMessageSavePartWritesDecodedBytes(t *testing.T) {
	f, d := messageNestedFixture(t)
	v := f.in.view
	tests := []struct {
		path, want string // want: a file of testdata/mime, or the text
		name       string
	}{
		{"1.2.2", "logo.png", "part-1-2-2.png"},
		{"2", "report.pdf", "report.pdf"},
		{"3", "chart.png", "chart.png"},
		{"1.1", "Gr\xfc\xdfe aus K\xf6ln,\r\nthe chart and the report are attached.", "part-1-1.txt"},
	}
	dir := t.TempDir()
	for _, tc := range tests {
		v.parts.selectPath(tc.path)
		p := v.parts.byID["#"+tc.path]
		if got := messageAttachmentName(p); got != tc.name {
			t.Errorf("Save part… of %s offers the name %q, want %q", tc.path, got, tc.name)
		}
		out := filepath.Join(dir, tc.name)
		w, err := os.Create(out)
		if err != nil {
			t.Fatal(err)
		}
		v.writePart(d.id, p, w)
		f.pump.drain()
		got, err := os.ReadFile(out)
		want := []byte(tc.want)
		if strings.Contains(tc.want, ".") && !strings.Contains(tc.want, " ") {
			want = messageTestdata(t, tc.want)
		}
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("Save part %s wrote %d bytes (err %v), want the %d decoded bytes", tc.path, len(got), err, len(want))
		}
	}
	if v.problem.Visible() {
		t.Errorf("saving showed a problem: %s", v.problem.Text)
	}
}

func TestMessageRawFind(t *testing.T) {
	test.NewTempApp(t)
	tv := newMessageTextView()
	w := test.NewTempWindow(t, tv.obj)
	w.Resize(fyne.NewSize(400, 300))
	text := "Received: from a\nSubject: Hello\n" + strings.Repeat("filler line\n", 200) + "hello again, HELLO.\nend"
	tv.SetText(text)
	if tv.cols < 20 || tv.cols > 60 {
		t.Fatalf("a 400-wide view wraps at %d columns", tv.cols)
	}
	test.Type(tv.findEntry, "hello")
	if got := tv.count.Text; got != "1 of 3" {
		t.Errorf("after typing hello the count is %q, want \"1 of 3\"", got)
	}
	steps := []struct {
		tap  *widget.Button
		want string
	}{{tv.nextBtn, "2 of 3"}, {tv.nextBtn, "3 of 3"}, {tv.nextBtn, "1 of 3"}, {tv.prevBtn, "3 of 3"}, {tv.prevBtn, "2 of 3"}}
	for i, s := range steps {
		test.Tap(s.tap)
		if tv.count.Text != s.want {
			t.Errorf("step %d: count %q, want %q", i, tv.count.Text, s.want)
		}
	}
	tv.findEntry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // Enter: the next match
	if tv.count.Text != "3 of 3" {
		t.Errorf("Enter in the field: count %q, want \"3 of 3\"", tv.count.Text)
	}
	// The current match (HELLO at the end) is highlighted in its row, the
	// others in the hit colour.
	row := tv.rowOf(tv.matches[2])
	if row < 200 {
		t.Errorf("the third match is on row %d, want past the filler", row)
	}
	g := widget.NewTextGridFromString("M")
	tv.updateRow(row, g)
	line, start := tv.rowText(row)
	col := strings.Index(line, "HELLO")
	if col < 0 || tv.matches[2] != start+col {
		t.Fatalf("row %d = %q does not hold the current match", row, line)
	}
	cells := g.Rows[0].Cells
	if cells[col].Style != tv.curHit || cells[col+4].Style != tv.curHit || cells[col+5].Style != nil {
		t.Errorf("the current match is not highlighted exactly: styles %v %v %v", cells[col].Style, cells[col+4].Style, cells[col+5].Style)
	}
	if first := strings.Index(line, "hello"); cells[first].Style != tv.hit {
		t.Errorf("another match on the row is not highlighted")
	}
	test.Type(tv.findEntry, "zzz")
	if tv.count.Text != "not found" || !tv.nextBtn.Disabled() {
		t.Errorf("for no match: count %q, next disabled %v", tv.count.Text, tv.nextBtn.Disabled())
	}
	// A narrower view re-wraps; every character stays.
	w.Resize(fyne.NewSize(250, 300))
	if got := messageWrapped(text, tv.cols); strings.ReplaceAll(got, "\n", "") != strings.ReplaceAll(text, "\n", "") {
		t.Errorf("re-wrapping at %d columns lost characters", tv.cols)
	}
}

// The highlights are drawn, not only set, and follow next and a new query.
// (Fyne's TextGrid.SetRow does not redraw; the test driver redraws anyway,
// so the real-window screenshots are what showed that bug.)
func TestMessageRawFindDrawsHighlights(t *testing.T) {
	test.NewTempApp(t)
	tv := newMessageTextView()
	w := test.NewTempWindow(t, tv.obj)
	w.Resize(fyne.NewSize(400, 300))
	tv.SetText("alpha beta\ngamma beta\n")
	drawn := func() (hit, cur int) {
		for _, o := range test.LaidOutObjects(tv.obj) {
			if r, ok := o.(*canvas.Rectangle); ok && r.FillColor != nil {
				switch r.FillColor {
				case tv.hit.BackgroundColor():
					hit++
				case tv.curHit.BackgroundColor():
					cur++
				}
			}
		}
		return hit, cur
	}
	test.Type(tv.findEntry, "beta")
	if hit, cur := drawn(); hit != 4 || cur != 4 {
		t.Errorf("cells drawn highlighted: %d as matches, %d as the current one; want 4 and 4", hit, cur)
	}
	test.Tap(tv.nextBtn)
	if hit, cur := drawn(); hit != 4 || cur != 4 {
		t.Errorf("after next, cells drawn highlighted: %d as matches, %d as the current one; want 4 and 4", hit, cur)
	}
	tv.findEntry.SetText("alpha")
	if hit, cur := drawn(); hit != 0 || cur != 5 {
		t.Errorf("after a new query, cells drawn highlighted: %d as matches, %d as the current one; want 0 and 5", hit, cur)
	}
}

func TestMessageRawFindInView(t *testing.T) {
	f, _ := messageNestedFixture(t)
	v := f.in.view
	if v.FocusFind() {
		t.Errorf("FocusFind on the Text tab = true, want false (Ctrl+F searches the inbox)")
	}
	v.tabs.SelectIndex(messageTabRaw)
	if !v.FocusFind() || f.win.Canvas().Focused() != fyne.Focusable(v.raw.findEntry) {
		t.Fatalf("FocusFind on the Raw source tab did not focus its search field")
	}
	test.Type(v.raw.findEntry, "--outer")
	if v.raw.count.Text != "1 of 5" {
		t.Errorf("finding the boundary: count %q, want \"1 of 5\"", v.raw.count.Text)
	}
}

func TestMessageHeadersRawToggleAndCopy(t *testing.T) {
	f, d := messageNestedFixture(t)
	v := f.in.view
	v.tabs.SelectIndex(messageTabHeaders)
	if !v.headersScroll.Visible() || v.headersRaw.obj.Visible() {
		t.Fatalf("the Headers tab does not start decoded")
	}
	test.Tap(v.headersCopy)
	clip := fyne.CurrentApp().Clipboard().Content()
	if !strings.Contains(clip, "Subject: MIME tree\n") || !strings.Contains(clip, "From: Ann Example <ann@a.test>\n") {
		t.Errorf("Copy of the decoded fields put %q on the clipboard", clip)
	}
	test.Tap(v.headersRawCheck)
	if v.headersScroll.Visible() || !v.headersRaw.obj.Visible() {
		t.Fatalf("Raw did not switch to the header block")
	}
	want := d.raw[:strings.Index(d.raw, "\n\n")+1]
	if v.headersRaw.text != want || !strings.HasSuffix(want, "boundary=\"outer\"\n") || strings.Contains(want, "multi-part message") {
		t.Errorf("raw header block = %q, want %q", v.headersRaw.text, want)
	}
	test.Tap(v.headersCopy)
	if got := fyne.CurrentApp().Clipboard().Content(); got != want {
		t.Errorf("Copy of the raw block put %q on the clipboard, want %q", got, want)
	}
	test.Tap(v.headersRawCheck)
	if !v.headersScroll.Visible() || v.headersRaw.obj.Visible() {
		t.Errorf("unticking Raw did not bring the decoded fields back")
	}
}

func TestMessageAttachmentNameForNamelessParts(t *testing.T) {
	for _, tc := range []struct{ path, ct, want string }{
		{"1.2.1", "text/html", "part-1-2-1.html"},
		{"2", "image/jpeg", "part-2.jpg"},
		{"3", "image/png", "part-3.png"},
		{"4", "message/rfc822", "part-4.eml"},
		{"5", "application/x-no-such-type", "part-5.bin"},
		{"6", "application/pdf", "part-6.pdf"},
	} {
		if got := messageAttachmentName(msg.Part{Path: tc.path, ContentType: tc.ct}); got != tc.want {
			t.Errorf("name of nameless part %s (%s) = %q, want %q", tc.path, tc.ct, got, tc.want)
		}
	}
}

func TestMessageRawHeader(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"A: 1\nB: 2\n\nbody\n\nmore", "A: 1\nB: 2\n"},
		{"\nbody only", ""},
		{"A: 1\nno body", "A: 1\nno body"},
	} {
		if got := messageRawHeader(tc.in); got != tc.want {
			t.Errorf("messageRawHeader(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestMessageHTMLSource(t *testing.T) {
	f, d := messageNestedFixture(t)
	v := f.in.view
	if v.htmlSource.text != d.view.HTML || !strings.Contains(v.htmlSource.text, `<a href="https://example.test/q">`) {
		t.Errorf("HTML source = %q, want the HTML body as written", v.htmlSource.text)
	}
	if !v.htmlSource.label.Selectable || !v.htmlSource.label.TextStyle.Monospace || v.htmlSource.label.Wrapping != fyne.TextWrapBreak {
		t.Errorf("HTML source is not selectable, monospace, wrapping text")
	}
	test.Tap(v.htmlSourceCopy)
	if got := fyne.CurrentApp().Clipboard().Content(); got != d.view.HTML {
		t.Errorf("Copy put %q on the clipboard", got)
	}
	long := "Subject: long html\nContent-Type: text/html\n\n<p>" + strings.Repeat("word ", 10000) + "needle</p>\n"
	id := inboxDeliver(t, f.st, long, inboxRecord("a@a.test", "b@b.test"))
	v.Show(id)
	f.pump.waitFor(t, "the long message", func() bool { return v.data != nil && v.data.id == id })
	if !v.htmlSource.long.obj.Visible() || v.htmlSource.scrl.Visible() {
		t.Fatalf("a 50 KB HTML source is not in the long text view")
	}
	v.tabs.SelectIndex(messageTabHTMLSource)
	if !v.FocusFind() {
		t.Errorf("FocusFind on a long HTML source = false")
	}
	test.Type(v.htmlSource.long.findEntry, "needle")
	if v.htmlSource.long.count.Text != "1 of 1" {
		t.Errorf("find in the HTML source: %q", v.htmlSource.long.count.Text)
	}
}

func TestMessageAttachmentsGridAndThumbnails(t *testing.T) {
	f, _ := messageNestedFixture(t)
	a := f.in.view.attach
	f.pump.drain()
	if !a.obj.Visible() || !a.saveAll.Visible() || a.count.Text != "4 attachments, 13.6 KB" {
		t.Fatalf("attachments: visible %v, Save all visible %v, count %q", a.obj.Visible(), a.saveAll.Visible(), a.count.Text)
	}
	for _, o := range test.LaidOutObjects(a.scroll) {
		if o == fyne.CanvasObject(a.saveAll) {
			t.Errorf("Save all… is inside the scrolling grid; it must stay in view")
		}
	}
	labels := strings.Join(inboxLabels(a.grid), "|")
	for _, want := range []string{"part-1-2-2.png (image/png", "report.pdf (application/pdf, 777 B)", "chart.png (image/png", "part-4.eml (message/rfc822"} {
		if !strings.Contains(labels, want) {
			t.Errorf("cards = %q, want one for %q", labels, want)
		}
	}
	for path, want := range map[string]int{"1.2.2": 1, "3": 1, "2": 0} {
		var imgs []*canvas.Image // the box holds the icon until the thumbnail comes
		for _, o := range a.thumbs[path].Objects {
			if img, ok := o.(*canvas.Image); ok {
				imgs = append(imgs, img)
			}
		}
		if len(imgs) != want {
			t.Errorf("card %s shows %d thumbnails, want %d", path, len(imgs), want)
			continue
		}
		if want == 1 {
			b := imgs[0].Image.Bounds()
			if b.Dx() > 2*messageThumbSide || b.Dy() > 2*messageThumbSide {
				t.Errorf("thumbnail of %s is %v, want within %d px", path, b, 2*messageThumbSide)
			}
		}
	}
	// Wide: cards side by side; narrow: one column, the grid scrolls.
	f.win.Resize(fyne.NewSize(2400, 900))
	wide := a.layout.rows
	f.win.Resize(fyne.NewSize(700, 900))
	if narrow := a.layout.rows; narrow != 4 || wide >= narrow {
		t.Errorf("rows of cards: %d wide, %d narrow; want fewer when wide and 4 when narrow", wide, narrow)
	}
	if h := a.scroll.MinSize().Height; h > 3*a.layout.cellHeight(a.grid.Objects) {
		t.Errorf("the attachment grid asks for %.0f px, want at most %d rows", h, messageAttachRows)
	}
}

func TestMessageDecodeImageBounds(t *testing.T) {
	var b bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 300, 100))
	img.Set(0, 0, color.RGBA{255, 0, 0, 255})
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	got, w, h, err := messageDecodeImage(b.Bytes(), 60)
	if err != nil || w != 300 || h != 100 || got.Bounds().Dx() != 60 || got.Bounds().Dy() != 20 {
		t.Errorf("messageDecodeImage(300×100, 60) = %v, %d×%d, %v; want a 60×20 image of a 300×100 one", got.Bounds(), w, h, err)
	}
	// A PNG header claiming 100000 × 100000 pixels is refused before decoding.
	huge := append([]byte(nil), b.Bytes()...)
	copy(huge[16:24], []byte{0, 1, 0x86, 0xa0, 0, 1, 0x86, 0xa0})
	binary.BigEndian.PutUint32(huge[29:33], crc32.ChecksumIEEE(huge[12:29])) // the IHDR chunk's CRC
	if _, _, _, err := messageDecodeImage(huge, 60); err == nil || !strings.Contains(err.Error(), "too large") {
		t.Errorf("messageDecodeImage of a 100000² header = %v, want too large", err)
	}
	if p := htmlDecodeImage(huge); p.err == nil || !strings.Contains(p.err.Error(), "too large") {
		t.Errorf("htmlDecodeImage of a 100000² header = %v, want too large", p.err)
	}
	if _, _, _, err := messageDecodeImage([]byte("not an image"), 60); err == nil {
		t.Errorf("messageDecodeImage of text = nil error")
	}
}

// A damaged image part falls back to the hex summary with a note.
func TestMessagePartBrokenImage(t *testing.T) {
	raw := "Subject: broken image\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nsee\n--b\n" +
		"Content-Type: image/png\nContent-Transfer-Encoding: base64\n\n" + base64.StdEncoding.EncodeToString([]byte("\x89PNG\r\n\x1a\nnot really")) + "\n--b--\n"
	f := newInboxFixture(t, func(st *store.Store) { inboxDeliver(t, st, raw, inboxRecord("a@a.test", "b@b.test")) })
	f.waitTotal(t, 1)
	f.selectSubject(t, "broken image")
	v := f.in.view
	v.parts.selectPath("2")
	f.pump.drain()
	shown := strings.Join(inboxLabels(v.parts.content), "\n")
	if !strings.Contains(shown, "no preview") || !strings.Contains(shown, "89 50 4e 47") {
		t.Errorf("broken image part shows %q, want a note and the hex dump", shown)
	}
	if n := len(messageObjects[*canvas.Image](v.parts.content)); n != 0 {
		t.Errorf("broken image part shows %d images", n)
	}
}

// The parts pane puts the detail beside the tree when wide, below when narrow.
func TestMessagePartsLayout(t *testing.T) {
	tree, detail := container.NewStack(), container.NewStack()
	for _, tc := range []struct {
		w      float32
		beside bool
	}{{1000, true}, {500, false}} {
		messagePartsLayout{}.Layout([]fyne.CanvasObject{tree, detail}, fyne.NewSize(tc.w, 600))
		beside := detail.Position().X > 0 && detail.Position().Y == 0
		if beside != tc.beside {
			t.Errorf("at %.0f px the detail is at %v (tree %v), beside = %v; want %v", tc.w, detail.Position(), tree.Size(), beside, tc.beside)
		}
	}
}

// messageRichText is the text of every rich text laid out in o.
func messageRichText(o fyne.CanvasObject) string {
	var sb strings.Builder
	for _, rt := range messageObjects[*widget.RichText](o) {
		for _, seg := range htmlSegs(rt.Segments) {
			if t, ok := seg.(*widget.TextSegment); ok {
				sb.WriteString(t.Text)
			}
			if l, ok := seg.(*widget.HyperlinkSegment); ok {
				sb.WriteString(l.Text)
			}
		}
	}
	return sb.String()
}
