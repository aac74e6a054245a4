package app

import (
	"errors"
	"fmt"
	"mime"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"letterbox/smtpcore"
	"letterbox/smtpcore/msg"
)

// attachment is a file the user attached, as listed under the body.
type attachment struct {
	Path, Name, Type string
	Size             int64
}

// newAttachment checks that path is a readable regular file and describes it.
func newAttachment(path string) (attachment, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return attachment{}, fmt.Errorf("cannot attach %s: %w", filepath.Base(path), err)
	}
	if !fi.Mode().IsRegular() {
		return attachment{}, fmt.Errorf("cannot attach %s: it is not a regular file", filepath.Base(path))
	}
	f, err := os.Open(path)
	if err != nil {
		return attachment{}, fmt.Errorf("cannot attach %s: %w", filepath.Base(path), err)
	}
	f.Close()
	return attachment{Path: path, Name: filepath.Base(path), Type: typeByName(path), Size: fi.Size()}, nil
}

// typeByName returns the MIME type for a file name's extension, without
// parameters, or application/octet-stream.
func typeByName(name string) string {
	t := mime.TypeByExtension(strings.ToLower(filepath.Ext(name)))
	if t == "" {
		return "application/octet-stream"
	}
	if i := strings.IndexByte(t, ';'); i >= 0 {
		t = t[:i]
	}
	return t
}

// attachmentList is the attachments part of Compose.
type attachmentList struct {
	items    []attachment
	box      *fyne.Container
	scroll   *container.Scroll
	summary  *widget.Label
	onChange func()
	lastDir  string // where the file picker opens next
	addBtn   *fyne.Container
}

func newAttachmentList(onChange func()) *attachmentList {
	a := &attachmentList{box: container.NewVBox(), onChange: onChange}
	a.scroll = container.NewVScroll(a.box)
	a.scroll.Hide()
	a.summary = widget.NewLabel("No attachments — add files or drop them on the window")
	a.summary.Truncation = fyne.TextTruncateEllipsis
	a.summary.Importance = widget.LowImportance
	return a
}

// Add attaches the files at paths; files already attached are skipped. It
// returns the errors of files that cannot be attached, joined.
func (a *attachmentList) Add(paths []string) error {
	var errs []error
	for _, p := range paths {
		if a.has(p) {
			continue
		}
		at, err := newAttachment(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		a.items = append(a.items, at)
	}
	a.refresh()
	return errors.Join(errs...)
}

func (a *attachmentList) has(path string) bool {
	for _, it := range a.items {
		if it.Path == path {
			return true
		}
	}
	return false
}

// Remove drops the attachment at index i.
func (a *attachmentList) Remove(i int) {
	if i < 0 || i >= len(a.items) {
		return
	}
	a.items = append(a.items[:i:i], a.items[i+1:]...)
	a.refresh()
}

// Clear drops every attachment.
func (a *attachmentList) Clear() {
	a.items = nil
	a.refresh()
}

// Draft returns the attachments in the form the message builder takes.
func (a *attachmentList) Draft() []msg.Attachment {
	out := make([]msg.Attachment, len(a.items))
	for i, it := range a.items {
		out[i] = msg.Attachment{Path: it.Path, Name: it.Name}
	}
	return out
}

func (a *attachmentList) refresh() {
	a.box.Objects = nil
	var total int64
	for i, it := range a.items {
		total += it.Size
		a.box.Add(a.row(i, it))
	}
	switch len(a.items) {
	case 0:
		a.summary.SetText("No attachments — add files or drop them on the window")
	case 1:
		a.summary.SetText("1 attachment, " + smtpcore.FormatSize(total))
	default:
		a.summary.SetText(fmt.Sprintf("%d attachments, %s", len(a.items), smtpcore.FormatSize(total)))
	}
	rows := min(len(a.items), 3)
	h := float32(0)
	if rows > 0 {
		h = a.box.Objects[0].MinSize().Height*float32(rows) + theme.Padding()*float32(rows-1)
	}
	a.scroll.SetMinSize(fyne.NewSize(0, h))
	if rows == 0 {
		a.scroll.Hide() // an empty scroller would still take its minimum height
	} else {
		a.scroll.Show()
	}
	a.box.Refresh()
	a.scroll.Refresh()
	if a.onChange != nil {
		a.onChange()
	}
}

func (a *attachmentList) row(i int, it attachment) fyne.CanvasObject {
	// One label, cut with an ellipsis when the pane is narrow: an attachment
	// never makes Compose wider (which would move the divider).
	name := widget.NewLabel(it.Name + " · " + smtpcore.FormatSize(it.Size) + " · " + it.Type)
	name.Truncation = fyne.TextTruncateEllipsis
	remove := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { a.Remove(i) })
	remove.Importance = widget.LowImportance
	return newBorder(nil, nil, widget.NewIcon(theme.FileIcon()), remove, name)
}

// Build returns the list with its header and the "Add file…" button.
func (a *attachmentList) Build(w fyne.Window) fyne.CanvasObject {
	add := widget.NewButtonWithIcon("Add file…", theme.ContentAddIcon(), func() { a.pick(w) })
	a.addBtn = container.NewHBox(add)
	return newBorder(newBorder(nil, nil, nil, a.addBtn, a.summary), nil, nil, nil, a.scroll)
}

func (a *attachmentList) pick(w fyne.Window) {
	if w == nil {
		return
	}
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			dialog.ShowError(err, w)
			return
		}
		if r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		a.lastDir = filepath.Dir(path)
		if err := a.Add([]string{path}); err != nil {
			dialog.ShowError(err, w)
		}
	}, w)
	if a.lastDir != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(a.lastDir)); err == nil {
			d.SetLocation(l)
		}
	}
	showFileDialog(d, w)
}

// dialogSize is a comfortable size for a file dialog in w: most of the window.
func dialogSize(w fyne.Window) fyne.Size {
	s := w.Canvas().Size()
	return fyne.NewSize(max(min(s.Width-80, 900), 400), max(min(s.Height-80, 620), 300))
}
