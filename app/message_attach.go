package app

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"

	"letterbox/smtpcore/msg"
)

// messageMaxCards is how many attachments get a card; Save all saves every
// one, and the MIME parts tab lists them all.
const messageMaxCards = 60

// messageFiles is a private temporary folder (mode 0700) for attachments and
// HTML copies handed to other programs, and for the files a forward attaches.
// removeAll deletes it; safe from any goroutine.
type messageFiles struct {
	mu   sync.Mutex
	root string
}

// newDir returns a fresh folder inside the private root.
func (f *messageFiles) newDir() (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.root == "" {
		root, err := os.MkdirTemp("", "letterbox-")
		if err != nil {
			return "", fmt.Errorf("make a temporary folder: %w", err)
		}
		f.root = root
	}
	dir, err := os.MkdirTemp(f.root, "m")
	if err != nil {
		return "", fmt.Errorf("make a temporary folder: %w", err)
	}
	return dir, nil
}

func (f *messageFiles) removeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.root != "" {
		_ = os.RemoveAll(f.root)
		f.root = ""
	}
}

// messageAttachmentName is the file name an attachment is saved under: its
// own name cleaned, or one made from its part path and media type.
func messageAttachmentName(p msg.Part) string {
	if p.Filename != "" {
		return msg.CleanFilename(p.Filename)
	}
	ext, ok := messageUsualExt[p.ContentType]
	if !ok {
		ext = ".bin"
		if exts, _ := mime.ExtensionsByType(p.ContentType); len(exts) > 0 {
			ext = exts[0] // sorted: the usual one for most types
		}
	}
	return msg.CleanFilename("part-" + strings.ReplaceAll(p.Path, ".", "-") + ext)
}

// messageUsualExt is the extension a nameless part gets where the first
// of mime.ExtensionsByType (sorted) is not the one people use.
var messageUsualExt = map[string]string{
	"message/rfc822": ".eml", "text/plain": ".txt", "text/html": ".html", "image/jpeg": ".jpg",
	"text/calendar": ".ics", "audio/mpeg": ".mp3", "video/mp4": ".mp4", "application/zip": ".zip",
}

// messageCreateInDir creates a new file named name inside dir, never replacing a
// file: "a.pdf" becomes "a (2).pdf" when taken. name goes through
// CleanFilename again and the result is checked to be directly inside dir,
// so nothing is ever written outside the chosen folder.
func messageCreateInDir(dir, name string) (*os.File, string, error) {
	dir = filepath.Clean(dir)
	name = msg.CleanFilename(name)
	ext := filepath.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	for i := 1; i < 1000; i++ {
		n := name
		if i > 1 {
			n = fmt.Sprintf("%s (%d)%s", stem, i, ext)
		}
		p := filepath.Join(dir, n)
		if filepath.Dir(p) != dir {
			return nil, "", fmt.Errorf("file name %q leaves the folder", n)
		}
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return nil, "", err
		}
		return f, p, nil
	}
	return nil, "", fmt.Errorf("no free file name for %q in %s", name, dir)
}

// messageSaveAttachment writes the decoded attachment p of message id into dir
// under its cleaned name and returns the file's path. A damaged part is
// saved as far as it decodes and the damage is returned with the path.
// It runs off the UI goroutine.
func messageSaveAttachment(st InboxStore, id string, p msg.Part, dir string) (string, error) {
	f, path, err := messageCreateInDir(dir, messageAttachmentName(p))
	if err != nil {
		return "", fmt.Errorf("save %s: %w", messageAttachmentName(p), err)
	}
	xerr := messageExtract(st, id, p.Path, f)
	if cerr := f.Close(); xerr == nil && cerr != nil {
		xerr = cerr
	}
	var werr *messageWriteError
	if errors.As(xerr, &werr) {
		_ = os.Remove(path)
		return "", fmt.Errorf("save %s: %w", filepath.Base(path), xerr)
	}
	return path, xerr
}

// messageWriteError marks a failure of the destination, not of the message.
type messageWriteError struct{ err error }

func (e *messageWriteError) Error() string { return e.err.Error() }
func (e *messageWriteError) Unwrap() error { return e.err }

type messageErrWriter struct{ w io.Writer }

func (m messageErrWriter) Write(p []byte) (int, error) {
	n, err := m.w.Write(p)
	if err != nil {
		err = &messageWriteError{err}
	}
	return n, err
}

// extractPart streams the decoded part at path of message id into w.
func messageExtract(st InboxStore, id, path string, w io.Writer) error {
	rc, err := st.Open(id)
	if err != nil {
		return err
	}
	defer rc.Close()
	return msg.ExtractPart(rc, path, messageErrWriter{w})
}

// onSaveAttachment asks where to save and writes the decoded part there:
// an attachment's Save As… and the MIME tree's Save part….
func (v *MessageView) onSaveAttachment(id string, p msg.Part) {
	if v.Window == nil {
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			v.showError("Save attachment", err)
			return
		}
		if w == nil {
			return // cancelled
		}
		v.writePart(id, p, w)
	}, v.Window)
	d.SetFileName(messageAttachmentName(p))
	showFileDialog(d, v.Window)
}

// writePart writes the decoded part p of message id to w and closes it, off
// the UI goroutine; a failure is shown.
func (v *MessageView) writePart(id string, p msg.Part, w io.WriteCloser) {
	st := v.st
	v.async(func() {
		err := messageExtract(st, id, p.Path, w)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			v.ui(func() { v.showError("Save "+messageAttachmentName(p), err) })
		}
	})
}

// onSaveAll asks for a folder and saves every attachment into it.
func (v *MessageView) onSaveAll(id string, atts []msg.Part) {
	if v.Window == nil {
		return
	}
	d := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil {
			v.showError("Save attachments", err)
			return
		}
		if dir == nil || dir.Scheme() != "file" {
			return
		}
		st, path := v.st, dir.Path()
		v.async(func() {
			var errs []error
			for _, p := range atts {
				if _, err := messageSaveAttachment(st, id, p, path); err != nil {
					errs = append(errs, err)
				}
			}
			if err := errors.Join(errs...); err != nil {
				v.ui(func() { v.showError("Save attachments", err) })
			}
		})
	}, v.Window)
	showFileDialog(d, v.Window)
}

// onOpenAttachment extracts the part into the private folder and asks the
// desktop to open it: an attachment's Open and the MIME tree's.
func (v *MessageView) onOpenAttachment(id string, p msg.Part) {
	st, files := v.st, v.files
	v.async(func() {
		dir, err := files.newDir()
		path := ""
		if err == nil {
			path, err = messageSaveAttachment(st, id, p, dir)
		}
		v.ui(func() {
			if path != "" {
				err = errors.Join(err, messageOpenFile(path))
			}
			if err != nil {
				v.showError("Open "+messageAttachmentName(p), err)
			}
		})
	})
}

// messageOpenFile asks the desktop to open a local file. When the desktop
// has no opener (no xdg-open), the error says where the file is.
func messageOpenFile(path string) error {
	a := fyne.CurrentApp()
	if a == nil {
		return errors.New("no application to open files with")
	}
	err := a.OpenURL(&url.URL{Scheme: "file", Path: path})
	if errors.Is(err, exec.ErrNotFound) {
		return fmt.Errorf("this desktop has no program to open files (xdg-open is missing); the file is at %s: %w", path, err)
	}
	return err
}
