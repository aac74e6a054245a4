package app

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // decoders for the previews
	_ "image/jpeg"
	_ "image/png"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp"

	"letterbox/smtpcore"
	"letterbox/smtpcore/msg"
)

const (
	// messageImageMax is the largest image (octets, decoded) previewed.
	messageImageMax = 20 << 20
	// messageImagePixels is the most pixels decoded for a preview: an image
	// of a few kilobytes can claim gigapixels.
	messageImagePixels = 40_000_000
	// messagePreviewSide is the longest side of a part's image preview.
	messagePreviewSide = 1600
	// messageHexBytes is how much of a part without a preview is dumped.
	messageHexBytes = 512
)

// messagePartContent is one part read for the MIME tree's detail pane, off
// the UI goroutine by messageLoadPart.
type messagePartContent struct {
	p         msg.Part
	text      string      // a text part in UTF-8 (shown as text)
	html      string      // a text/html part in UTF-8
	isText    bool        // text or html is what to show
	img       image.Image // an image part, scaled down to messagePreviewSide
	imgW      int         // the image's own size
	imgH      int
	head      []byte // the first octets of any other part, for a hex dump
	truncated bool   // the part is longer than what was read
	problem   error  // non-fatal: damage, a wrong charset, an image that does not decode
	err       error  // nothing could be read
}

// messagePartIsText reports whether a part of media type ct reads as text.
func messagePartIsText(ct string) bool {
	switch {
	case strings.HasPrefix(ct, "text/"), strings.HasPrefix(ct, "message/"),
		strings.HasSuffix(ct, "/json"), strings.HasSuffix(ct, "+json"),
		strings.HasSuffix(ct, "/xml"), strings.HasSuffix(ct, "+xml"),
		strings.HasPrefix(ct, "application/pgp-"):
		return true
	}
	return false
}

// messageLoadPart reads the start of part p of message id and decodes it
// for showing. It runs off the UI goroutine; memory is bounded by the
// limits above.
func messageLoadPart(st InboxStore, id string, p msg.Part) *messagePartContent {
	c := &messagePartContent{p: p}
	limit := messageHexBytes
	switch {
	case messagePartIsText(p.ContentType):
		limit = messageReadText
	case strings.HasPrefix(p.ContentType, "image/"):
		limit = messageImageMax
	}
	data, err := messageReadPart(st, id, p.Path, limit)
	c.truncated, c.problem = data.Truncated, err
	if err != nil && len(data.Body) == 0 {
		c.err, c.problem = err, nil
		return c
	}
	switch {
	case messagePartIsText(p.ContentType):
		text, terr := msg.PartText(data.Body, p.Charset)
		c.problem = errors.Join(c.problem, terr)
		c.isText = true
		if p.ContentType == "text/html" {
			c.html = text
		} else {
			c.text = text
		}
	case strings.HasPrefix(p.ContentType, "image/") && !data.Truncated:
		img, w, h, ierr := messageDecodeImage(data.Body, messagePreviewSide)
		if ierr == nil {
			c.img, c.imgW, c.imgH = img, w, h
			return c
		}
		c.problem = errors.Join(c.problem, ierr)
		fallthrough
	default:
		c.head = data.Body[:min(len(data.Body), messageHexBytes)]
		c.truncated = c.truncated || len(data.Body) > messageHexBytes
	}
	return c
}

// messageReadPart reads up to limit decoded octets of the part at path.
func messageReadPart(st InboxStore, id, path string, limit int) (msg.PartData, error) {
	rc, err := st.Open(id)
	if err != nil {
		return msg.PartData{}, err
	}
	defer rc.Close()
	return msg.ReadPart(rc, path, limit)
}

// messageDecodeImage decodes an image (PNG, JPEG, GIF, WebP) of at most
// messageImagePixels pixels and scales it down so that its longest side is
// at most side. It returns the image's own width and height.
func messageDecodeImage(b []byte, side int) (image.Image, int, int, error) {
	img, err := decodeImageBounded(b, messageImagePixels)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("no preview: %w", err)
	}
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	if w <= side && h <= side {
		return img, w, h, nil
	}
	sw, sh := side, max(h*side/w, 1)
	if h > w {
		sw, sh = max(w*side/h, 1), side
	}
	dst := image.NewRGBA(image.Rect(0, 0, sw, sh))
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, img.Bounds(), draw.Src, nil)
	return dst, w, h, nil
}

// decodeImageBounded decodes an image (PNG, JPEG, GIF, WebP) after its
// header showed it has at most maxPixels pixels: a file of a few kilobytes
// can claim gigapixels, and decoding it would take that much memory.
func decodeImageBounded(b []byte, maxPixels int) (image.Image, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxPixels {
		return nil, fmt.Errorf("a %s image of %d × %d pixels is too large", format, cfg.Width, cfg.Height)
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	return img, err
}

// object builds what the detail pane shows for c; html draws an HTML part.
// Fyne goroutine.
func (c *messagePartContent) object(html func(string) fyne.CanvasObject) fyne.CanvasObject {
	if c.err != nil {
		return messagePartNote("This part cannot be read: " + c.err.Error())
	}
	var notes []string
	if c.problem != nil {
		notes = append(notes, "Not everything decoded: "+strings.ReplaceAll(c.problem.Error(), "\n", "; ")+".")
	}
	var body fyne.CanvasObject
	switch {
	case c.img != nil:
		img := canvas.NewImageFromImage(c.img)
		img.FillMode = canvas.ImageFillContain
		img.ScaleMode = canvas.ImageScaleSmooth
		notes = append(notes, fmt.Sprintf("%s, %d × %d pixels, %s.", c.p.ContentType, c.imgW, c.imgH, smtpcore.FormatSize(c.p.Size)))
		b := c.img.Bounds()
		body = container.New(messageImageLayout{w: float32(b.Dx()), h: float32(b.Dy())}, img)
	case c.isText && c.p.ContentType == "text/html":
		if c.truncated {
			notes = append(notes, "The part is long; only its beginning is shown. Save part… writes it all.")
		}
		body = html(c.html)
	case c.isText:
		text, cut := messageShown(c.text)
		if cut || c.truncated {
			notes = append(notes, "The part is long; only its beginning is shown. Save part… writes it all.")
		}
		b := newMessageBody()
		b.set(text)
		body = b.obj
	default:
		what := fmt.Sprintf("%s, %s (%d octets decoded): no preview.", c.p.ContentType, smtpcore.FormatSize(c.p.Size), c.p.Size)
		if len(c.head) > 0 {
			what += fmt.Sprintf(" The first %d octets:", len(c.head))
		}
		notes = append(notes, what)
		dump := widget.NewLabelWithStyle(strings.TrimRight(hex.Dump(c.head), "\n"), fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
		dump.Selectable = true
		body = container.NewScroll(dump)
	}
	if len(notes) == 0 {
		return body
	}
	return newBorder(messagePartNote(strings.Join(notes, " ")), nil, nil, nil, body)
}

// messageImageLayout shows an image at its own size (one pixel per unit),
// smaller when the room is smaller, never blown up; top left, aspect kept.
type messageImageLayout struct{ w, h float32 }

func (l messageImageLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	scale := min(1, size.Width/l.w, size.Height/l.h)
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(fyne.NewSize(l.w*scale, l.h*scale))
	}
}

func (l messageImageLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(min(l.w, 32), min(l.h, 32))
}
