package app

import (
	"errors"
	"fmt"
	"io"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"letterbox/smtpcore/msg"
)

// onReply hands Compose a reply to the shown message.
func (v *MessageView) onReply() {
	if v.data != nil && v.OnReply != nil {
		v.OnReply(messageReplyDraft(v.data))
	}
}

// onForward extracts the attachments into the private folder (off the UI
// goroutine) and hands Compose a forward that attaches them. When they
// cannot be extracted (a damaged message) the original is attached whole, as
// message/rfc822.
func (v *MessageView) onForward() {
	d := v.data
	if d == nil || v.OnForward == nil {
		return
	}
	st, files := v.st, v.files
	v.forward.Disable()
	v.async(func() {
		atts, err := messageForwardFiles(st, files, d)
		v.ui(func() {
			v.forward.Enable()
			if err != nil {
				v.showError("Forward", err)
				return
			}
			v.OnForward(messageForwardDraft(d, atts))
		})
	})
}

// messageForwardFiles writes the attachments of d into a new private folder.
func messageForwardFiles(st InboxStore, files *messageFiles, d *messageData) ([]msg.Attachment, error) {
	if len(d.view.Attachments) == 0 {
		return nil, nil
	}
	dir, err := files.newDir()
	if err != nil {
		return nil, err
	}
	var atts []msg.Attachment
	for _, p := range d.view.Attachments {
		path, err := messageSaveAttachment(st, d.id, p, dir)
		if err != nil {
			return messageForwardWhole(st, d, dir)
		}
		atts = append(atts, msg.Attachment{Path: path, Name: filepath.Base(path), ContentType: p.ContentType})
	}
	return atts, nil
}

// messageForwardWhole attaches the original message as an .eml file.
func messageForwardWhole(st InboxStore, d *messageData, dir string) ([]msg.Attachment, error) {
	f, path, err := messageCreateInDir(dir, messageEMLName(d))
	if err != nil {
		return nil, err
	}
	err = messageCopyRaw(st, d.id, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	return []msg.Attachment{{Path: path, Name: filepath.Base(path), ContentType: "message/rfc822"}}, nil
}

// messageCopyRaw writes the stored bytes of message id to w.
func messageCopyRaw(st InboxStore, id string, w io.Writer) error {
	rc, err := st.Open(id)
	if err != nil {
		return err
	}
	defer rc.Close()
	_, err = io.Copy(w, rc)
	return err
}

// messageReplyDraft answers the sender (Reply-To, else From, else the
// envelope sender), quoting the text and threading with In-Reply-To and
// References (RFC 5322 §3.6.4). From stays empty: Compose keeps its own.
func messageReplyDraft(d *messageData) msg.Draft {
	to := d.headerValue("Reply-To")
	if strings.TrimSpace(to) == "" {
		to = d.headerValue("From")
	}
	rcpts := messageComposeAddrs(to)
	if len(rcpts) == 0 && d.sum.MailFrom != "" {
		rcpts = []string{d.sum.MailFrom}
	}
	w := d.view
	who := w.From
	if who == "" {
		who = d.sum.MailFrom
	}
	text, _ := messageShown(messageTrimBlank(w.Text))
	intro := who + " wrote:"
	if !w.Date.IsZero() {
		intro = "On " + w.Date.Format("Mon, 2 Jan 2006 at 15:04") + ", " + intro
	}
	draft := msg.Draft{
		To:      rcpts,
		Subject: messageSubjectPrefix("Re:", w.Subject),
		Text:    "\n\n" + intro + "\n" + messageQuote(text),
	}
	if id := strings.TrimSpace(w.MessageID); id != "" && !strings.ContainsAny(id, "\r\n") {
		refs := strings.Join(strings.Fields(d.headerValue("References")+" "+id), " ")
		draft.Headers = [][2]string{{"In-Reply-To", id}, {"References", refs}}
	}
	return draft
}

// messageForwardDraft forwards the text inline, under a header block, with
// atts attached.
func messageForwardDraft(d *messageData, atts []msg.Attachment) msg.Draft {
	w := d.view
	var b strings.Builder
	b.WriteString("\n\n---------- Forwarded message ----------\n")
	for _, f := range [][2]string{{"From", w.From}, {"Date", messageDate(w.Date, time.Time{})}, {"Subject", w.Subject}, {"To", w.To}, {"Cc", w.Cc}} {
		if f[1] != "" {
			fmt.Fprintf(&b, "%s: %s\n", f[0], inboxOneLine(f[1]))
		}
	}
	text, _ := messageShown(messageTrimBlank(w.Text))
	b.WriteString("\n" + text + "\n")
	return msg.Draft{Subject: messageSubjectPrefix("Fwd:", w.Subject), Text: b.String(), Attachments: atts}
}

// messageSubjectPrefix adds "Re:" or "Fwd:" unless the subject has it.
func messageSubjectPrefix(prefix, subject string) string {
	subject = strings.TrimSpace(inboxOneLine(subject))
	if strings.HasPrefix(strings.ToLower(subject), strings.ToLower(prefix)) {
		return subject
	}
	return strings.TrimSpace(prefix + " " + subject)
}

// messageQuote puts "> " before every line.
func messageQuote(text string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, ">") || l == "" {
			lines[i] = ">" + l
		} else {
			lines[i] = "> " + l
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

// messageComposeAddrs turns an address list header into entries for the
// Compose fields; names that need it are quoted. A list that does not parse
// gives its bare addresses.
func messageComposeAddrs(list string) []string {
	if strings.TrimSpace(list) == "" {
		return nil
	}
	as, err := msg.ParseAddressList(list)
	if err != nil {
		return messageAddrRe.FindAllString(list, -1)
	}
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = messageComposeAddr(a)
	}
	return out
}

// messageComposeAddr writes a as Compose's fields take it; the addr-spec
// through msg.AddrSpec, so a quoted local part ("x>y"@y.test) stays quoted.
func messageComposeAddr(a *mail.Address) string {
	spec := msg.AddrSpec(a)
	if a.Name == "" {
		return spec
	}
	name := a.Name
	if strings.ContainsAny(name, `()<>[]:;@\,."`) {
		name = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(name) + `"`
	}
	return name + " <" + spec + ">"
}

// messageEMLName is the file name offered for Save as .eml.
func messageEMLName(d *messageData) string {
	base := strings.TrimSpace(d.view.Subject)
	if base == "" {
		base = d.id
	}
	return msg.CleanFilename(base + ".eml")
}

// onSaveEML asks where to save the message exactly as stored.
func (v *MessageView) onSaveEML() {
	d := v.data
	if d == nil || v.Window == nil {
		return
	}
	dlg := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			v.showError("Save as .eml", err)
			return
		}
		if w == nil {
			return
		}
		st := v.st
		v.async(func() {
			err := messageCopyRaw(st, d.id, w)
			if cerr := w.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				v.ui(func() { v.showError("Save as .eml", err) })
			}
		})
	}, v.Window)
	dlg.SetFileName(messageEMLName(d))
	showFileDialog(dlg, v.Window)
}

// deleteShown deletes the shown message from the store.
func (v *MessageView) deleteShown() {
	d := v.data
	if d == nil {
		return
	}
	v.setActions(false)
	st := v.st
	v.async(func() {
		err := st.Delete(d.id)
		v.ui(func() {
			if err != nil {
				v.setActions(v.data == d)
				v.showError("Delete", err)
				return
			}
			if v.data == d {
				v.Clear()
			}
			if v.OnDeleted != nil {
				v.OnDeleted(d.id)
			}
		})
	})
}

// onDeleteAll asks before emptying the store.
func (v *MessageView) onDeleteAll() {
	if v.Window == nil {
		return
	}
	total, _ := v.st.Counts()
	if total == 0 {
		dialog.ShowInformation("Delete all", "The inbox is already empty.", v.Window)
		return
	}
	c := dialog.NewConfirm("Delete all messages?",
		fmt.Sprintf("All %s and their session records will be removed from the store.\nThis cannot be undone.", inboxPlural(total, "message")),
		func(ok bool) {
			if ok {
				v.deleteAll()
			}
		}, v.Window)
	c.SetConfirmText("Delete all")
	c.SetDismissText("Cancel")
	c.SetConfirmImportance(widget.DangerImportance)
	c.Show()
}

// deleteAll empties the store (after the confirmation). The button stays
// off after it worked: the Inbox turns it on again when mail arrives. After
// a failure mail is left, so it comes back on at once.
func (v *MessageView) deleteAll() {
	st := v.st
	v.delAll.Disable()
	v.async(func() {
		err := st.DeleteAll()
		v.ui(func() {
			v.Clear()
			if err != nil {
				v.delAll.Enable()
				v.showError("Delete all", err)
			}
		})
	})
}

// onOpenHTML writes a sanitised copy of the HTML body into the private
// folder and opens it in the browser. Nothing of the HTML runs in the app.
func (v *MessageView) onOpenHTML() {
	d := v.data
	if d == nil || d.view.HTML == "" {
		return
	}
	files := v.files
	v.async(func() {
		path, err := messageWriteHTML(files, d.view.HTML)
		v.ui(func() {
			if err == nil {
				err = messageOpenFile(path)
			}
			if err != nil {
				v.showError("Open in browser", err)
			}
		})
	})
}

// messageWriteHTML writes msg.SanitizeHTML of html to a new private file.
func messageWriteHTML(files *messageFiles, html string) (string, error) {
	dir, err := files.newDir()
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "message.html")
	if err := os.WriteFile(path, []byte(msg.SanitizeHTML(html)), 0o600); err != nil {
		return "", errors.Join(fmt.Errorf("write the HTML copy: %w", err), os.Remove(path))
	}
	return path, nil
}
