package app

import (
	"encoding/base64"
	"errors"
	"fmt"
	"image"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

const (
	htmlImageMaxBytes  = 10 << 20   // an image's encoded size
	htmlImageMaxPixels = 25_000_000 // width × height, against decompression bombs
	htmlImageMaxWidth  = 640        // drawn width; wider images are scaled down
)

// htmlPic is a decoded image, or why it could not be decoded.
type htmlPic struct {
	img image.Image
	err error
}

// htmlDecodeInline decodes the cid: and data: images of blocks (each
// once). It runs off the Fyne goroutine.
func htmlDecodeInline(blocks []htmlBlock, resolve htmlResolver) map[string]*htmlPic {
	pics := map[string]*htmlPic{}
	htmlEachImage(blocks, func(img *htmlImg) {
		if _, done := pics[img.Ref]; done {
			return
		}
		switch img.Source {
		case htmlImgCID:
			if resolve == nil {
				pics[img.Ref] = &htmlPic{err: errors.New("no such part")}
				return
			}
			data, _, ok := resolve(img.Ref)
			if !ok {
				pics[img.Ref] = &htmlPic{err: fmt.Errorf("no part with Content-ID <%s>", img.Ref)}
				return
			}
			pics[img.Ref] = htmlDecodeImage(data)
		case htmlImgData:
			pics[img.Ref] = htmlDecodeImage(htmlDataURL(img.Ref))
		}
	})
	return pics
}

// htmlDataURL returns the bytes of a base64 data: URL (RFC 2397), or nil.
func htmlDataURL(u string) []byte {
	_, payload, ok := strings.Cut(u, ",")
	if !ok || !strings.Contains(strings.ToLower(u[:len(u)-len(payload)]), ";base64") {
		return nil
	}
	payload = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\r' || r == '\t' {
			return -1
		}
		return r
	}, payload)
	data, err := base64.StdEncoding.DecodeString(payload)
	if err != nil {
		data, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(payload, "="))
	}
	if err != nil {
		return nil
	}
	return data
}

// htmlDecodeImage decodes PNG, JPEG or GIF data within the size limits.
func htmlDecodeImage(data []byte) *htmlPic {
	if len(data) == 0 {
		return &htmlPic{err: errors.New("empty image")}
	}
	if len(data) > htmlImageMaxBytes {
		return &htmlPic{err: fmt.Errorf("image of %d bytes is over the limit", len(data))}
	}
	img, err := decodeImageBounded(data, htmlImageMaxPixels)
	if err != nil {
		return &htmlPic{err: err}
	}
	return &htmlPic{img: img}
}

// htmlImageSize is the size an image is drawn at: the width and height
// attributes when given (one of them keeps the aspect), else the picture's
// own size, scaled down to htmlImageMaxWidth.
func htmlImageSize(ref *htmlImg, p *htmlPic) fyne.Size {
	b := p.img.Bounds()
	w, h := float32(b.Dx()), float32(b.Dy())
	switch {
	case ref.Width > 0 && ref.Height > 0:
		w, h = float32(ref.Width), float32(ref.Height)
	case ref.Width > 0:
		w, h = float32(ref.Width), h*float32(ref.Width)/w
	case ref.Height > 0:
		w, h = w*float32(ref.Height)/h, float32(ref.Height)
	}
	if w > htmlImageMaxWidth {
		w, h = htmlImageMaxWidth, h*htmlImageMaxWidth/w
	}
	return fyne.NewSize(max(w, 1), max(h, 1))
}

// htmlImageSegment is a picture in the rich text. It is inline (on the row
// of the text around it) unless it ends a line. A picture inside a link
// opens it when tapped (onTap set).
type htmlImageSegment struct {
	pic    *htmlPic
	size   fyne.Size
	inline bool
	title  string
	onTap  func()
}

func (s *htmlImageSegment) Inline() bool { return s.inline }

// Textual is what the picture stands for in a plain-text copy.
func (s *htmlImageSegment) Textual() string { return "[image " + s.title + "]" }

func (s *htmlImageSegment) Visual() fyne.CanvasObject {
	img := canvas.NewImageFromImage(s.pic.img)
	img.FillMode = canvas.ImageFillContain
	img.ScaleMode = canvas.ImageScaleSmooth
	img.SetMinSize(s.size)
	t := &htmlTapImage{img: img, onTap: s.onTap}
	t.ExtendBaseWidget(t)
	return t
}

func (s *htmlImageSegment) Update(o fyne.CanvasObject) {
	t := o.(*htmlTapImage)
	t.img.Image = s.pic.img
	t.img.SetMinSize(s.size)
	t.onTap = s.onTap
	t.Refresh()
}

func (s *htmlImageSegment) Select(_, _ fyne.Position) {}
func (s *htmlImageSegment) SelectedText() string      { return "" }
func (s *htmlImageSegment) Unselect()                 {}

// htmlTapImage draws a picture of the HTML view and, when it is a link,
// opens it on a tap with a pointer cursor over it.
type htmlTapImage struct {
	widget.BaseWidget
	img   *canvas.Image
	onTap func()
}

func (t *htmlTapImage) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(t.img)
}

// Tapped opens the link around the picture, if any.
func (t *htmlTapImage) Tapped(*fyne.PointEvent) {
	if t.onTap != nil {
		t.onTap()
	}
}

// Cursor is a pointer over a linked picture.
func (t *htmlTapImage) Cursor() desktop.Cursor {
	if t.onTap != nil {
		return desktop.PointerCursor
	}
	return desktop.DefaultCursor
}
