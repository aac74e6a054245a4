package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"letterbox/smtpcore"
	"letterbox/smtpcore/msg"
)

// messageParts is the MIME parts tab: a tree of the entities by path and,
// beside it (below it when the pane is narrow), the selected part: its
// header fields, its decoded content (text in its charset, HTML, an image
// preview, or a hex summary) and Save part… and Open. Fyne goroutine only;
// the part is read through the view's async seam.
type messageParts struct {
	v        *MessageView
	tree     *widget.Tree
	byID     map[string]msg.Part
	children map[string][]string
	selected string // the tree id shown in the detail pane; "" when none
	seq      int    // bumped by every selection; stale loads are dropped
	// html draws the selected text/html part; made on first use, emptied
	// (its remote fetch stopped) when the selection or the message changes.
	html *htmlView

	title          *widget.Label
	save, open     *widget.Button
	headers        *fyne.Container
	detailScroll   *container.Scroll
	content        *fyne.Container // holds the content object of the selected part
	detail, hint   fyne.CanvasObject
	detailBox, obj *fyne.Container
}

// Tree node ids are "#" + the part's path; the root multipart's path is "".
func newMessageParts(v *MessageView) *messageParts {
	m := &messageParts{v: v, byID: map[string]msg.Part{}, children: map[string][]string{}}
	m.tree = widget.NewTree(
		func(uid widget.TreeNodeID) []widget.TreeNodeID { return m.children[uid] },
		func(uid widget.TreeNodeID) bool { return len(m.children[uid]) > 0 },
		func(bool) fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(uid widget.TreeNodeID, _ bool, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(messagePartLine(m.byID[uid]))
		},
	)
	m.tree.OnSelected = m.show
	m.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	m.title.Truncation = fyne.TextTruncateEllipsis
	m.save = widget.NewButtonWithIcon("Save part…", theme.DocumentSaveIcon(), func() { m.act(m.v.onSaveAttachment) })
	m.open = widget.NewButtonWithIcon("Open", theme.FileIcon(), func() { m.act(m.v.onOpenAttachment) })
	m.headers = container.New(messageFormLayout{})
	m.content = container.NewStack()
	top := container.NewVBox(newBorder(nil, nil, nil, container.NewHBox(m.save, m.open), m.title), m.headers)
	m.detailScroll = container.NewVScroll(container.New(messageDetailLayout{}, top, m.content))
	m.detail = m.detailScroll
	m.hint = container.NewCenter(widget.NewLabelWithStyle("Select a part to see its header fields and content.",
		fyne.TextAlignCenter, fyne.TextStyle{Italic: true}))
	m.detailBox = container.NewStack(m.hint)
	m.obj = container.New(messagePartsLayout{}, m.tree, m.detailBox)
	return m
}

// act runs f (Save As… or Open) for the selected part of the shown message.
func (m *messageParts) act(f func(id string, p msg.Part)) {
	p, ok := m.byID[m.selected]
	if !ok || m.v.data == nil || strings.HasPrefix(p.ContentType, "multipart/") {
		return
	}
	f(m.v.data.id, p)
}

// set shows parts (tree order, as msg.View lists them) and selects none.
func (m *messageParts) set(parts []msg.Part) {
	m.byID = make(map[string]msg.Part, len(parts))
	m.children = map[string][]string{}
	for _, p := range parts {
		uid := "#" + p.Path
		if _, dup := m.byID[uid]; dup {
			continue // a tree needs unique ids; ReadView never repeats a path
		}
		m.byID[uid] = p
		parent := ""
		switch i := strings.LastIndexByte(p.Path, '.'); {
		case i >= 0:
			parent = "#" + p.Path[:i]
		case p.Path != "":
			parent = "#"
		}
		if _, ok := m.byID[parent]; !ok {
			parent = "" // the tree's root
		}
		m.children[parent] = append(m.children[parent], uid)
	}
	m.seq++
	m.selected = ""
	m.leaveHTML()
	m.tree.UnselectAll()
	m.tree.Refresh()
	m.tree.OpenAllBranches()
	m.detailBox.Objects = []fyne.CanvasObject{m.hint}
	m.detailBox.Refresh()
}

// selectPath selects the part at path ("" is the root multipart), as a
// click on its row does.
func (m *messageParts) selectPath(path string) { m.tree.Select("#" + path) }

// show fills the detail pane for tree node uid and reads its content.
func (m *messageParts) show(uid widget.TreeNodeID) {
	p, ok := m.byID[uid]
	d := m.v.data
	if !ok || d == nil {
		return
	}
	m.seq++
	m.selected = uid
	m.leaveHTML()
	m.title.SetText(messagePartLine(p))
	m.fillHeaders(p)
	m.detailBox.Objects = []fyne.CanvasObject{m.detail}
	m.detailBox.Refresh()
	if strings.HasPrefix(p.ContentType, "multipart/") {
		m.save.Disable()
		m.open.Disable()
		m.setContent(messagePartNote(fmt.Sprintf("A %s container of %s. Select one of them to see it.",
			p.ContentType, inboxPlural(len(m.children[uid]), "part"))))
		return
	}
	m.save.Enable()
	m.open.Enable()
	m.setContent(messagePartNote("Reading the part…"))
	seq, st, id := m.seq, m.v.st, d.id
	m.v.async(func() {
		c := messageLoadPart(st, id, p)
		m.v.ui(func() {
			if seq == m.seq {
				m.setContent(c.object(m.partHTML))
			}
		})
	})
}

func (m *messageParts) setContent(o fyne.CanvasObject) {
	m.content.Objects = []fyne.CanvasObject{o}
	m.content.Refresh()
}

// fillHeaders lays the part's own header fields out in two columns.
func (m *messageParts) fillHeaders(p msg.Part) {
	rows := make([]fyne.CanvasObject, 0, 2*len(p.Header))
	for i, f := range p.Header {
		if i == messageMaxHeaderRows {
			break
		}
		k := widget.NewLabelWithStyle(f[0], fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
		val := widget.NewLabel(messageClip(f[1], messageMaxField))
		val.Wrapping = fyne.TextWrapBreak
		val.Selectable = true
		rows = append(rows, k, val)
	}
	if len(rows) == 0 {
		rows = append(rows, widget.NewLabel(""), messagePartNote("This part has no header fields of its own (text/plain; charset=us-ascii by RFC 2045 §5.2)."))
	}
	m.headers.Objects = rows
	m.headers.Refresh()
	m.detailScroll.ScrollToTop()
}

// messagePartNote is an italic explanation in the content area.
func messagePartNote(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
	l.Wrapping = fyne.TextWrapWord
	return l
}

// partHTML shows the decoded HTML of a text/html part in the MIME tree as
// the HTML tab does: sanitised and drawn by htmlView, cid: images resolved
// among the shown message's parts, remote content blocked until asked for.
// Called on the Fyne goroutine with the part's HTML in UTF-8, unsanitised.
func (m *messageParts) partHTML(html string) fyne.CanvasObject {
	d := m.v.data
	if m.html == nil {
		m.html = newHTMLView(m.v.async, m.v.ui)
	}
	var resolve htmlResolver
	if d != nil {
		resolve = messageCIDResolver(m.v.st, d.id, d.view.Parts)
	}
	m.html.SetHTML(html, resolve)
	return m.html.CanvasObject()
}

// leaveHTML empties the HTML part's view, if there is one: a fetch of its
// remote images stops, and a parse in flight is dropped.
func (m *messageParts) leaveHTML() {
	if m.html != nil {
		m.html.SetHTML("", nil)
	}
}

// messagePartLine describes one part: path, type, charset, size, name.
func messagePartLine(p msg.Part) string {
	path := p.Path
	if path == "" {
		path = "message"
	}
	fields := []string{path, p.ContentType}
	if p.Charset != "" {
		fields = append(fields, "charset="+p.Charset)
	}
	if !strings.HasPrefix(p.ContentType, "multipart/") {
		fields = append(fields, smtpcore.FormatSize(p.Size))
	}
	if p.Disposition != "" {
		fields = append(fields, p.Disposition)
	}
	if p.Filename != "" {
		fields = append(fields, "“"+p.Filename+"”")
	}
	return strings.Join(fields, "  ·  ")
}

// messagePartsLayout puts the tree beside the detail pane when there is
// room for both (tree 40 %), else above it (tree 30 % of the height).
type messagePartsLayout struct{}

// messagePartsSideBySide is the narrowest pane that shows tree and detail
// side by side.
const messagePartsSideBySide = 720

func (messagePartsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	tree, detail := objs[0], objs[1]
	pad := theme.Padding()
	if size.Width >= messagePartsSideBySide {
		tw := float32(int(size.Width * 0.4))
		tree.Move(fyne.NewPos(0, 0))
		tree.Resize(fyne.NewSize(tw, size.Height))
		detail.Move(fyne.NewPos(tw+pad, 0))
		detail.Resize(fyne.NewSize(size.Width-tw-pad, size.Height))
		return
	}
	th := float32(int(size.Height * 0.3))
	tree.Move(fyne.NewPos(0, 0))
	tree.Resize(fyne.NewSize(size.Width, th))
	detail.Move(fyne.NewPos(0, th+pad))
	detail.Resize(fyne.NewSize(size.Width, size.Height-th-pad))
}

// MinSize is small on purpose: the tree and the detail scroll, and the
// message view must fit an 800×600 window with all its tabs.
func (messagePartsLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(200, messageTabMinHeight)
}

// messagePartContentMin is the least height a part's content gets: on a
// short pane the detail scrolls rather than squeeze the content away.
const messagePartContentMin = 240

// messageDetailLayout stacks the part's title and header fields (at their
// height) over its content, which takes the rest, at least
// messagePartContentMin.
type messageDetailLayout struct{}

func (messageDetailLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	top, content := objs[0], objs[1]
	th := top.MinSize().Height
	top.Move(fyne.NewPos(0, 0))
	top.Resize(fyne.NewSize(size.Width, th))
	content.Move(fyne.NewPos(0, th+theme.Padding()))
	content.Resize(fyne.NewSize(size.Width, max(size.Height-th-theme.Padding(), messagePartContentMin)))
}

func (messageDetailLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	top, content := objs[0].MinSize(), objs[1].MinSize()
	return fyne.NewSize(max(top.Width, content.Width), top.Height+theme.Padding()+max(content.Height, messagePartContentMin))
}
