package app

import (
	"fmt"
	"image"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"letterbox/smtpcore"
	"letterbox/smtpcore/msg"
)

const (
	// messageAttachRows is how many rows of attachment cards show before
	// the grid scrolls; the header with Save all… stays above it.
	messageAttachRows = 2
	// messageCardWidth is the narrowest card the grid lays out side by side.
	messageCardWidth = 420
	// messageThumbSide is the size of a card's icon or image thumbnail.
	messageThumbSide = 40
	// messageMaxThumbs is how many image attachments get a thumbnail.
	messageMaxThumbs = 24
)

// messageAttachments is the attachment area under the summary: a header
// with the count and Save all… that never scrolls away, and the attachments
// as cards (thumbnail or icon, name, type and size, Save As…, Open) in a
// grid that wraps to the pane's width and scrolls past messageAttachRows
// rows. Image thumbnails are decoded off the UI goroutine, bounded by
// messageImageMax octets and messageImagePixels pixels. Fyne goroutine.
type messageAttachments struct {
	v       *MessageView
	count   *widget.Label
	saveAll *widget.Button
	grid    *fyne.Container
	layout  *messageCardLayout
	scroll  *container.Scroll
	thumbs  map[string]*fyne.Container // by part path: the box a thumbnail goes in
	seq     int
	obj     *fyne.Container
}

func newMessageAttachments(v *MessageView) *messageAttachments {
	a := &messageAttachments{v: v, count: widget.NewLabel("")}
	a.count.Importance = widget.MediumImportance
	a.count.Truncation = fyne.TextTruncateEllipsis
	a.saveAll = widget.NewButtonWithIcon("Save all…", theme.FolderOpenIcon(), a.onSaveAll)
	a.layout = &messageCardLayout{onRows: a.fitRows}
	a.grid = container.New(a.layout)
	a.scroll = container.NewVScroll(a.grid)
	a.obj = newBorder(newBorder(nil, nil, nil, a.saveAll, a.count), nil, nil, nil, a.scroll)
	a.obj.Hide()
	return a
}

func (a *messageAttachments) onSaveAll() {
	if d := a.v.data; d != nil {
		a.v.onSaveAll(d.id, d.view.Attachments)
	}
}

// set shows the attachments of d and starts reading their thumbnails.
func (a *messageAttachments) set(d *messageData) {
	a.seq++
	atts := d.view.Attachments
	a.grid.Objects = nil
	a.thumbs = map[string]*fyne.Container{}
	if len(atts) == 0 {
		a.obj.Hide()
		a.grid.Refresh()
		return
	}
	var total int64
	for _, p := range atts {
		total += p.Size
	}
	a.count.SetText(fmt.Sprintf("%s, %s", inboxPlural(len(atts), "attachment"), smtpcore.FormatSize(total)))
	if len(atts) > 1 {
		a.saveAll.Show()
	} else {
		a.saveAll.Hide()
	}
	var images []msg.Part
	for i, p := range atts {
		if i == messageMaxCards {
			more := widget.NewLabel(fmt.Sprintf("and %d more (see the MIME tab)", len(atts)-i))
			more.Truncation = fyne.TextTruncateEllipsis
			a.grid.Add(more)
			break
		}
		a.grid.Add(a.card(d.id, p))
		if strings.HasPrefix(p.ContentType, "image/") && p.Size <= messageImageMax && len(images) < messageMaxThumbs {
			images = append(images, p)
		}
	}
	a.layout.rows = 0
	a.fitRows(min(len(a.grid.Objects), messageAttachRows))
	a.scroll.ScrollToTop()
	a.obj.Show()
	a.grid.Refresh()
	a.loadThumbs(d.id, images)
}

// card is one attachment: its thumbnail (an icon until one is read), its
// name, type and size (cut with an ellipsis when narrow), Save As… and Open.
func (a *messageAttachments) card(id string, p msg.Part) fyne.CanvasObject {
	name := messageAttachmentName(p)
	label := widget.NewLabel(fmt.Sprintf("%s (%s, %s)", name, p.ContentType, smtpcore.FormatSize(p.Size)))
	label.Truncation = fyne.TextTruncateEllipsis
	save := widget.NewButtonWithIcon("Save As…", theme.DocumentSaveIcon(), func() { a.v.onSaveAttachment(id, p) })
	open := widget.NewButtonWithIcon("Open", theme.FileIcon(), func() { a.v.onOpenAttachment(id, p) })
	thumb := container.NewGridWrap(fyne.NewSize(messageThumbSide, messageThumbSide), widget.NewIcon(theme.MailAttachmentIcon()))
	a.thumbs[p.Path] = thumb
	return newBorder(nil, nil, thumb, container.NewHBox(save, open), label)
}

// loadThumbs decodes the image attachments one after the other, off the UI
// goroutine, and puts each thumbnail in its card as it is ready.
func (a *messageAttachments) loadThumbs(id string, images []msg.Part) {
	if len(images) == 0 {
		return
	}
	seq, st := a.seq, a.v.st
	a.v.async(func() {
		for _, p := range images {
			img := messageThumbnail(st, id, p)
			if img == nil {
				continue
			}
			a.v.ui(func() {
				if box := a.thumbs[p.Path]; seq == a.seq && box != nil {
					t := canvas.NewImageFromImage(img)
					t.FillMode = canvas.ImageFillContain
					t.ScaleMode = canvas.ImageScaleSmooth
					box.Objects = []fyne.CanvasObject{t}
					box.Refresh()
				}
			})
		}
	})
}

// messageThumbnail reads image attachment p and scales it to a thumbnail
// (twice the card's size, for high-density screens); nil when it cannot be
// read or decoded, and the card keeps its icon.
func messageThumbnail(st InboxStore, id string, p msg.Part) image.Image {
	data, err := messageReadPart(st, id, p.Path, messageImageMax)
	if (err != nil && len(data.Body) == 0) || data.Truncated {
		return nil
	}
	img, _, _, err := messageDecodeImage(data.Body, 2*messageThumbSide)
	if err != nil {
		return nil
	}
	return img
}

// fitRows makes the scroll as tall as rows rows of cards (at most
// messageAttachRows).
func (a *messageAttachments) fitRows(rows int) {
	rows = max(min(rows, messageAttachRows), 1)
	h := a.layout.cellHeight(a.grid.Objects)
	a.scroll.SetMinSize(fyne.NewSize(0, float32(rows)*h+float32(rows-1)*theme.Padding()))
}

// messageCardLayout lays cards out in as many columns of at least
// messageCardWidth as fit, each column as wide as the others, rows as tall
// as the tallest card; onRows hears when the number of rows changes.
type messageCardLayout struct {
	rows   int
	onRows func(rows int)
}

func (l *messageCardLayout) cellHeight(objs []fyne.CanvasObject) float32 {
	var h float32
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return h
}

func (l *messageCardLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if len(objs) == 0 {
		return
	}
	pad := theme.Padding()
	cols := max(int((size.Width+pad)/(messageCardWidth+pad)), 1)
	cw := (size.Width - pad*float32(cols-1)) / float32(cols)
	h := l.cellHeight(objs)
	for i, o := range objs {
		r, c := i/cols, i%cols
		o.Move(fyne.NewPos(float32(c)*(cw+pad), float32(r)*(h+pad)))
		o.Resize(fyne.NewSize(cw, h))
	}
	if rows := (len(objs) + cols - 1) / cols; rows != l.rows {
		l.rows = rows
		if l.onRows != nil {
			l.onRows(rows)
		}
	}
}

func (l *messageCardLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	rows := l.rows
	if rows == 0 {
		rows = len(objs)
	}
	var w float32
	for _, o := range objs {
		w = max(w, o.MinSize().Width)
	}
	h := l.cellHeight(objs)
	return fyne.NewSize(w, float32(rows)*h+float32(max(rows-1, 0))*theme.Padding())
}
