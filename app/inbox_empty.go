package app

import (
	"fmt"
	"net"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// inboxDefaultAddr is where the local server listens unless told otherwise.
const inboxDefaultAddr = "127.0.0.1:2525"

// inboxEmpty is shown over the list when it has nothing to show: with no
// filter, how to get mail in (switch the local server on, its address, and
// commands that can be copied); with a filter, that nothing matches.
type inboxEmpty struct {
	box         fyne.CanvasObject
	title, hint *widget.Label
	cmds        *fyne.Container
	swaks, send *widget.Label
	copied      *widget.Label
}

func newInboxEmpty() *inboxEmpty {
	e := &inboxEmpty{
		title:  widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		hint:   widget.NewLabel(""),
		swaks:  inboxCommandLabel(),
		send:   inboxCommandLabel(),
		copied: widget.NewLabel(""),
	}
	e.hint.Wrapping = fyne.TextWrapWord
	e.copied.Importance = widget.SuccessImportance
	e.cmds = container.NewVBox(
		e.commandRow(e.swaks),
		e.commandRow(e.send),
		e.copied,
	)
	e.box = container.NewVScroll(container.NewPadded(container.NewVBox(e.title, e.hint, e.cmds)))
	e.box.Hide()
	return e
}

func inboxCommandLabel() *widget.Label {
	l := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	l.Wrapping = fyne.TextWrapBreak
	l.Selectable = true
	return l
}

// commandRow is a command with a button that copies it to the clipboard.
func (e *inboxEmpty) commandRow(cmd *widget.Label) fyne.CanvasObject {
	b := widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() {
		if a := fyne.CurrentApp(); a != nil {
			a.Clipboard().SetContent(cmd.Text)
			e.copied.SetText("Copied: " + cmd.Text)
		}
	})
	b.Importance = widget.LowImportance
	return container.NewBorder(nil, nil, nil, b, cmd)
}

// set fills the panel. filtered says a search or mailbox hides everything;
// what describes it. addr is where the local server listens, "" when off.
func (e *inboxEmpty) set(filtered bool, what, addr string) {
	if filtered {
		e.title.SetText("No messages match")
		e.hint.SetText(fmt.Sprintf("Nothing %s. Clear the search or choose All messages.", what))
		e.cmds.Hide()
		return
	}
	e.title.SetText("No mail yet")
	target := inboxCommandAddr(addr)
	if addr == "" {
		e.hint.SetText("Letterbox keeps the mail your programs send to its local SMTP server. " +
			"Switch Local server on in the toolbar (it listens on " + inboxDefaultAddr + " unless you change the port), " +
			"then point your program's SMTP settings at it, or send a test message:")
	} else {
		e.hint.SetText("The local server is listening on " + addr + ". " +
			"Point your program's SMTP settings at it, or send a test message:")
	}
	e.swaks.SetText("swaks --server " + target + " --to you@example.test")
	e.send.SetText("letterbox send --server " + target +
		" --from me@example.test --to you@example.test --subject Hello --body 'It works'")
	e.cmds.Show()
}

// inboxCommandAddr is the address a client on this machine uses to reach a
// server listening on addr: a wildcard host becomes the loopback one.
func inboxCommandAddr(addr string) string {
	if addr == "" {
		return inboxDefaultAddr
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return net.JoinHostPort(host, port)
}

// SetServerAddr tells the inbox where the local server listens ("" when it
// is off), for the guidance an empty inbox shows. Call it on the Fyne
// goroutine, before or after Build, whenever the server starts or stops.
func (in *Inbox) SetServerAddr(addr string) {
	in.serverAddr = addr
	in.showEmpty()
}

// showEmpty shows the empty-inbox panel when the list has loaded and holds
// nothing, and fills it for the current query and server.
func (in *Inbox) showEmpty() {
	if in.empty == nil || in.list == nil {
		return
	}
	l := in.list
	if !l.loaded || l.total > 0 || l.loadErr != nil {
		inboxShow(in.empty.box, false)
		return
	}
	q := in.query
	filtered := q.Search != "" || q.Domain != "" || q.Recipient != ""
	what := inboxQueryLabel(q)
	if q.Search != "" {
		what = strings.TrimSpace(fmt.Sprintf("%s matching %q", what, q.Search))
	}
	in.empty.set(filtered, what, in.serverAddr)
	inboxShow(in.empty.box, true)
}
