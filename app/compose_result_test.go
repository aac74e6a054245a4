package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"letterbox/smtpcore"
)

// replySender answers each recipient with the reply in replies (250 when
// absent) and the message with 250 queued as Q1, as a server would.
type replySender struct {
	replies map[string]*smtpcore.Reply
	calls   int
}

func (f *replySender) send(_ context.Context, _ smtpcore.ClientConfig, env smtpcore.Envelope,
	build func(bool) (smtpcore.Message, error)) (*smtpcore.Result, error) {
	f.calls++
	if _, err := build(true); err != nil {
		return nil, err
	}
	res := &smtpcore.Result{}
	for _, to := range env.To {
		r, ok := f.replies[to]
		if !ok {
			r = &smtpcore.Reply{Code: 250, Enhanced: "2.1.5", Text: "OK"}
		}
		res.Rcpts = append(res.Rcpts, smtpcore.RcptResult{Addr: to, Accepted: r.Positive(), Reply: r})
	}
	if res.Accepted() == 0 {
		return res, &smtpcore.SendError{Phase: smtpcore.PhaseRcpt, Err: smtpcore.ErrNoRecipients}
	}
	res.Data = &smtpcore.Reply{Code: 250, Enhanced: "2.0.0", Text: "OK queued as Q1"}
	res.QueueID = "Q1"
	res.Partial = res.Accepted() < len(res.Rcpts)
	return res, nil
}

// rowFor returns the label of the panel row that starts with addr.
func rowFor(t *testing.T, c *Compose, addr string) *widget.Label {
	t.Helper()
	for _, o := range c.result.rows.Objects {
		for _, l := range labelsIn(o) {
			if strings.HasPrefix(l.Text, addr+" ") {
				return l
			}
		}
	}
	t.Fatalf("the result panel has no row for %s:\n%s", addr, c.result.Text())
	return nil
}

func TestComposeResultPanelPerRecipient(t *testing.T) {
	f := &replySender{replies: map[string]*smtpcore.Reply{
		"carol@example.net": {Code: 550, Enhanced: "5.1.1", Text: "no such user"},
		"dave@example.net":  {Code: 451, Enhanced: "4.3.0", Text: "try later"},
	}}
	c, _, _ := newTestCompose(t, f.send)
	c.SetLocalServer("127.0.0.1:2525", "")
	c.from.SetText("ann@example.org")
	c.to.SetText("bob@example.net, carol@example.net, dave@example.net")
	c.subject.SetText("Minutes")
	c.body.SetText("See you")
	test.Tap(c.sendBtn)

	if top := c.window.Canvas().Overlays().Top(); top != nil {
		t.Errorf("after a send an overlay (%T) is shown, want the result in Compose and no dialog", top)
	}
	if !c.result.Visible() {
		t.Fatal("the result panel is hidden after a send")
	}
	tests := []struct {
		addr, words string
		imp         widget.Importance
	}{
		{"bob@example.net", "accepted: 250 2.1.5 OK", widget.MediumImportance},
		{"carol@example.net", "refused: 550 5.1.1 no such user", widget.DangerImportance},
		{"dave@example.net", "refused: 451 4.3.0 try later", widget.WarningImportance},
	}
	for _, tt := range tests {
		l := rowFor(t, c, tt.addr)
		if !strings.Contains(l.Text, tt.words) || l.Importance != tt.imp {
			t.Errorf("row %q (importance %v), want it to say %q with importance %v", l.Text, l.Importance, tt.words, tt.imp)
		}
	}
	text := c.result.Text()
	for _, want := range []string{"Sent to some recipients", `"Minutes"`, "queued as Q1", "Message: 250 2.0.0 OK queued as Q1"} {
		if !strings.Contains(text, want) {
			t.Errorf("result panel lacks %q:\n%s", want, text)
		}
	}
	if c.subject.Text != "Minutes" || c.body.Text != "See you" || c.to.Text() == "" {
		t.Errorf("after a partial send: subject %q, body %q, To %q; want the message kept", c.subject.Text, c.body.Text, c.to.Text())
	}
	if !strings.Contains(c.Status(), "Sent to 1 of 3") || c.status.Importance != widget.WarningImportance {
		t.Errorf("status %q (importance %v), want a warning that 1 of 3 got it", c.Status(), c.status.Importance)
	}
}

// TestComposeSendToLocalServerClears replaces compose_test.go's
// TestComposeSendToLocalServer: after a send accepted for every recipient the
// message is cleared (Send is disabled until a new recipient is typed) and
// the result panel says what went.
func TestComposeSendToLocalServerClears(t *testing.T) {
	srv, st := startServer(t)
	c, tr, a := newTestCompose(t, nil)
	c.SetLocalServer(srv.Addr().String(), srv.Fingerprint())
	test.Type(c.from.entry, "Ann <ann@example.org>")
	test.Type(c.to.entry, "bob@example.net")
	test.Type(c.subject, "Quarterly numbers")
	test.Type(c.body, "Hello Bob")
	test.Tap(c.sendBtn)

	if total, _ := st.Counts(); total != 1 {
		t.Fatalf("store holds %d messages after sending, want 1 (status %q)\n%s", total, c.Status(), tr.Text())
	}
	if top := c.window.Canvas().Overlays().Top(); top != nil {
		t.Errorf("after a send an overlay (%T) is shown, want none", top)
	}
	id := tr.MessageLink()
	if _, err := st.Get(id); err != nil {
		t.Errorf("transcript links to %q; store.Get: %v", id, err)
	}
	if !strings.Contains(c.Status(), "Sent to 1 of 1") {
		t.Errorf("status %q, want it to say the message was sent", c.Status())
	}
	if c.HasContent() || c.subject.Text != "" || c.body.Text != "" || c.to.Text() != "" {
		t.Errorf("after a successful send: To %q, subject %q, body %q; want a new, empty message", c.to.Text(), c.subject.Text, c.body.Text)
	}
	if c.from.Text() != "Ann <ann@example.org>" || c.server.Selected != localTarget {
		t.Errorf("after a successful send: From %q, server %q; want both kept", c.from.Text(), c.server.Selected)
	}
	if c.Sending() || c.CanSend() {
		t.Errorf("after a successful send: Sending %v, CanSend %v; want false, false (nothing to send twice)", c.Sending(), c.CanSend())
	}
	text := c.result.Text()
	for _, want := range []string{"Sent", `"Quarterly numbers"`, "bob@example.net — accepted", "queued as " + id} {
		if !strings.Contains(text, want) {
			t.Errorf("result panel lacks %q:\n%s", want, text)
		}
	}
	if got := a.Preferences().String(prefFrom); got != "Ann <ann@example.org>" {
		t.Errorf("remembered From %q, want %q", got, "Ann <ann@example.org>")
	}
}

func TestComposeSentMessageCannotBeSentTwice(t *testing.T) {
	f := &replySender{}
	c, _, _ := newTestCompose(t, f.send)
	c.SetLocalServer("127.0.0.1:2525", "")
	c.from.SetText("ann@example.org")
	c.to.SetText("bob@example.net")
	c.subject.SetText("Once")
	test.Tap(c.sendBtn)
	c.onSend() // Ctrl+Enter again
	if f.calls != 1 {
		t.Errorf("Send then Ctrl+Enter: %d sends, want 1", f.calls)
	}
	if !strings.Contains(c.result.Text(), `"Once"`) {
		t.Errorf("result panel %q, want it to still name the message sent", c.result.Text())
	}
}

// TestComposeSendRefusedConnectionExplained replaces compose_test.go's
// TestComposeSendRefusedConnection: the status and the panel say in words that
// nothing listens there, and Details holds the Go error.
func TestComposeSendRefusedConnectionExplained(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	var sendErr error
	send := func(ctx context.Context, cfg smtpcore.ClientConfig, env smtpcore.Envelope, build func(bool) (smtpcore.Message, error)) (*smtpcore.Result, error) {
		res, err := smtpcore.Send(ctx, cfg, env, build)
		sendErr = err
		return res, err
	}
	c, tr, _ := newTestCompose(t, send)
	c.SetLocalServer(addr, "")
	test.Type(c.from.entry, "ann@example.org")
	test.Type(c.to.entry, "bob@example.net")
	test.Type(c.subject, "Kept")
	test.Tap(c.sendBtn)

	words := "Nothing is listening on " + addr + " — is the server running?"
	if !strings.Contains(c.Status(), "Not sent: nothing is listening on "+addr) {
		t.Errorf("status %q, want it to say nothing listens on %s", c.Status(), addr)
	}
	if !strings.Contains(c.result.Text(), words) {
		t.Errorf("result panel %q, want %q", c.result.Text(), words)
	}
	if top := c.window.Canvas().Overlays().Top(); top != nil {
		t.Errorf("after a failed send an overlay (%T) is shown, want the error in Compose", top)
	}
	if sendErr == nil || !strings.Contains(sendErr.Error(), "connection refused") {
		t.Fatalf("smtpcore.Send to a closed port returned %v, want connection refused", sendErr)
	}
	if c.result.DetailsShown() || !c.result.detailsBtn.Visible() {
		t.Errorf("before Details: details shown %v, button shown %v; want hidden, shown", c.result.DetailsShown(), c.result.detailsBtn.Visible())
	}
	test.Tap(c.result.detailsBtn)
	if !c.result.DetailsShown() || c.result.Details() != sendErr.Error() || !c.result.details.Selectable {
		t.Errorf("after Details: shown %v, text %q (selectable %v); want the Go error %q, selectable", c.result.DetailsShown(), c.result.Details(), c.result.details.Selectable, sendErr.Error())
	}
	test.Tap(c.result.copyBtn)
	if got := fyne.CurrentApp().Clipboard().Content(); got != sendErr.Error() {
		t.Errorf("Copy put %q on the clipboard, want %q", got, sendErr.Error())
	}
	if c.subject.Text != "Kept" || c.to.Text() != "bob@example.net" {
		t.Errorf("after a failed send: subject %q, To %q; want the message kept", c.subject.Text, c.to.Text())
	}
	if tr.MessageLink() != "" {
		t.Errorf("a failed send links to message %q, want no link", tr.MessageLink())
	}
}

func TestComposeResultPanelCloseAndNewSend(t *testing.T) {
	f := &replySender{replies: map[string]*smtpcore.Reply{"carol@example.net": {Code: 550, Text: "no"}}}
	var shownWhileSending bool
	var c *Compose
	send := func(ctx context.Context, cfg smtpcore.ClientConfig, env smtpcore.Envelope, build func(bool) (smtpcore.Message, error)) (*smtpcore.Result, error) {
		shownWhileSending = c.result.Visible()
		return f.send(ctx, cfg, env, build)
	}
	c, _, _ = newTestCompose(t, send)
	c.SetLocalServer("127.0.0.1:2525", "")
	c.from.SetText("ann@example.org")
	c.to.SetText("carol@example.net, bob@example.net")
	test.Tap(c.sendBtn)
	if !c.result.Visible() {
		t.Fatal("no result after the first send")
	}
	test.Tap(c.sendBtn) // partial: the message is still there
	if shownWhileSending {
		t.Error("the last result was still shown while a new send ran, want it cleared when the send starts")
	}
	test.Tap(c.result.closeBtn)
	if c.result.Visible() {
		t.Error("the result panel is shown after its close button, want it hidden")
	}
}

func TestComposeValidationErrorInPanel(t *testing.T) {
	f := &replySender{}
	c, _, _ := newTestCompose(t, f.send)
	if err := (profileStore{c.prefs}).Put("", Profile{Name: "Gone", Host: "smtp.example.org", Port: 587, TLS: TLSStartTLS}); err != nil {
		t.Fatal(err)
	}
	c.RefreshServers()
	c.server.SetSelected("Gone")
	c.from.SetText("ann@example.org")
	c.to.SetText("bob@example.net")
	if err := (profileStore{c.prefs}).Delete("Gone"); err != nil {
		t.Skipf("profileStore.Delete: %v", err)
	}
	c.onSend()
	if f.calls != 0 {
		t.Errorf("a deleted server: %d sends, want none", f.calls)
	}
	if top := c.window.Canvas().Overlays().Top(); top != nil {
		t.Errorf("a problem before sending opened an overlay (%T), want it in the result panel", top)
	}
	if !strings.Contains(c.result.Text(), "no longer saved") {
		t.Errorf("result panel %q, want it to say the server is no longer saved", c.result.Text())
	}
}

// The panel's size must not depend on what it shows: a long reply or many
// recipients scroll inside it, so the window and the Compose/Transcript
// divider never move when a result arrives.
func TestResultPanelBoundedSize(t *testing.T) {
	c, _, _ := newTestCompose(t, (&replySender{}).send)
	root := c.window.Content()
	before := root.MinSize()
	long := strings.Repeat("a long reply from a chatty server ", 30)
	one := &smtpcore.Result{Rcpts: []smtpcore.RcptResult{{Addr: "bob@example.net", Accepted: true, Reply: &smtpcore.Reply{Code: 250, Text: "OK"}}}}
	many := &smtpcore.Result{Data: &smtpcore.Reply{Code: 250, Text: long}}
	for i := 0; i < 40; i++ {
		many.Rcpts = append(many.Rcpts, smtpcore.RcptResult{Addr: strings.Repeat("x", 60) + "@example.net", Reply: &smtpcore.Reply{Code: 550, Text: long}})
	}
	c.result.Show(sendOutcome{Title: "Sent", Subject: "s", To: []string{"bob@example.net"}, Res: one})
	small := root.MinSize()
	c.result.Show(sendOutcome{Title: "Not sent", Subject: long, Res: many, Err: smtpcore.ErrNoRecipients, Explain: long})
	test.Tap(c.result.detailsBtn)
	big := root.MinSize()
	if small != big {
		t.Errorf("Compose's minimum size with one short row %v, with 40 long rows %v; want the same", small, big)
	}
	if big.Width > before.Width {
		t.Errorf("Compose's minimum width %v with a result, %v without; want no wider", big.Width, before.Width)
	}
	rowH := widget.NewLabel("Xg").MinSize().Height
	if grow := big.Height - before.Height; grow > rowH*(resultRows+1) {
		t.Errorf("a result adds %v to Compose's minimum height, want at most %v (a label row is %v)", grow, rowH*(resultRows+1), rowH)
	}
	c.result.Clear()
	if after := root.MinSize(); after != before {
		t.Errorf("after Clear the minimum size is %v, want %v as before", after, before)
	}
}

// hostileSender answers with a server's terminal escapes in every reply and
// then err (nil: the message accepted).
func hostileSender(err error) func(context.Context, smtpcore.ClientConfig, smtpcore.Envelope, func(bool) (smtpcore.Message, error)) (*smtpcore.Result, error) {
	const h = " \x1b]0;t\x07\x1b[2J\u009b31m\rFAKE \u202eevil"
	return func(_ context.Context, _ smtpcore.ClientConfig, env smtpcore.Envelope, build func(bool) (smtpcore.Message, error)) (*smtpcore.Result, error) {
		if _, err := build(true); err != nil {
			return nil, err
		}
		res := &smtpcore.Result{QueueID: "Q\x1b[2J"}
		for _, to := range env.To {
			res.Rcpts = append(res.Rcpts, smtpcore.RcptResult{Addr: to, Accepted: true, Reply: &smtpcore.Reply{Code: 250, Text: "ok" + h}})
		}
		if err == nil {
			res.Data = &smtpcore.Reply{Code: 250, Text: "queued" + h}
			return res, nil
		}
		if errors.Is(err, smtpcore.ErrUnknownOutcome) {
			return res, err
		}
		res.Data = &smtpcore.Reply{Code: 554, Enhanced: "5.7.1", Text: "no" + h}
		return res, &smtpcore.SendError{Phase: smtpcore.PhaseMessage, Err: res.Data}
	}
}

// Replies shown in Compose (the result panel, its details, the status line)
// are escaped: no control character, C1 control or bidi override of the
// server's reaches a label. Before the fix they were shown as received.
func TestComposeResultEscapesServerText(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
	}{{"sent", nil}, {"refused", errors.New("refused")}} {
		t.Run(tc.name, func(t *testing.T) {
			c, _, _ := newTestCompose(t, hostileSender(tc.err))
			c.SetLocalServer("127.0.0.1:2525", "")
			c.from.SetText("ann@example.org")
			c.to.SetText("bob@example.net")
			c.subject.SetText("Minutes")
			c.body.SetText("See you")
			test.Tap(c.sendBtn)
			shown := c.result.Text() + "\n" + c.result.Details() + "\n" + c.status.Text
			if strings.ContainsAny(shown, "\x1b\x07\r\u009b\u202e") || !strings.Contains(shown, `\u202eevil`) {
				t.Errorf("Compose shows %q: want the server's text escaped", shown)
			}
		})
	}
}

// No answer after the message: Compose says the outcome is unknown, never
// "Cancelled: nothing was delivered" or "accepted" for a recipient. Before
// the fix a timeout read "Not sent" and the rows "accepted".
func TestComposeUnknownOutcome(t *testing.T) {
	unknown := &smtpcore.SendError{Phase: smtpcore.PhaseMessage, Err: fmt.Errorf("%w (%w)", smtpcore.ErrUnknownOutcome, context.Canceled)}
	c, _, _ := newTestCompose(t, hostileSender(unknown))
	c.SetLocalServer("127.0.0.1:2525", "")
	c.from.SetText("ann@example.org")
	c.to.SetText("bob@example.net")
	c.subject.SetText("Minutes")
	c.body.SetText("See you")
	test.Tap(c.sendBtn)
	text := c.result.Text()
	if !strings.Contains(c.status.Text, "may or may not have been delivered") || strings.Contains(c.status.Text, "nothing was delivered") {
		t.Errorf("status %q, want the outcome unknown", c.status.Text)
	}
	if !strings.Contains(text, "may or may not have been delivered") || strings.Contains(text, "accepted") || strings.Contains(text, "Not sent") {
		t.Errorf("result panel:\n%s\nwant the outcome unknown and no recipient called accepted", text)
	}
}
