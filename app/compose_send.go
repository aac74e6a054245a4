package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"letterbox/smtpcore"
	"letterbox/smtpcore/msg"
)

// progressValue holds the latest DATA progress, written by the sending
// goroutine and read on the Fyne goroutine.
type progressValue struct {
	mu          sync.Mutex
	sent, total int64
}

func (p *progressValue) set(sent, total int64) {
	p.mu.Lock()
	p.sent, p.total = sent, total
	p.mu.Unlock()
}

func (p *progressValue) get() (sent, total int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.sent, p.total
}

// sendJob is one message on its way: where to, what, and how.
type sendJob struct {
	cfg     smtpcore.ClientConfig
	env     smtpcore.Envelope
	draft   msg.Draft
	local   bool   // to the in-process server: link the transcript to the stored message
	profile string // the saved server sent through, "" for the local one
	account string // the profile's keyring account when it logs in, else ""
}

// onSend checks the message, works out the server settings (asking for a
// password when neither this session nor the keyring has one), and sends it
// off the UI goroutine.
func (c *Compose) onSend() {
	if c.cancel != nil || c.missing() != "" {
		return
	}
	d := c.Draft()
	if err := d.Validate(); err != nil {
		c.fail("The message cannot be sent", err)
		return
	}
	from, rcpts, err := d.Envelope()
	if err != nil {
		c.fail("The message cannot be sent", err)
		return
	}
	job := &sendJob{env: smtpcore.Envelope{From: from, To: rcpts}, draft: d}
	if c.server.Selected == localTarget {
		job.cfg, job.local = c.localConfig(), true
		c.start(job)
		return
	}
	p, ok := c.profiles.Find(c.server.Selected)
	if !ok {
		c.fail("The message cannot be sent", fmt.Errorf("the server %q is no longer saved", c.server.Selected))
		return
	}
	job.profile = p.Name
	job.cfg = smtpcore.ClientConfig{Addr: p.Addr(), Security: p.Security(), PinnedSHA256: p.Fingerprint}
	if !p.NeedsPassword() {
		c.start(job)
		return
	}
	job.account = p.Account()
	c.withPassword(p, func(password string) {
		job.cfg.Auth = &smtpcore.Auth{Username: p.Username, Password: password}
		c.start(job)
	})
}

// localConfig reaches the in-process server over loopback, with STARTTLS
// pinned to its own certificate when it has one, so the transcript shows TLS.
func (c *Compose) localConfig() smtpcore.ClientConfig {
	addr := c.localAddr
	if host, port, err := net.SplitHostPort(addr); err == nil {
		if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
			addr = net.JoinHostPort("127.0.0.1", port)
		}
	}
	cfg := smtpcore.ClientConfig{Addr: addr, Security: smtpcore.SecurityNone}
	if c.localFingerprint != "" {
		cfg.Security, cfg.PinnedSHA256 = smtpcore.SecuritySTARTTLS, c.localFingerprint
	}
	return cfg
}

// start switches the form to sending and runs the conversation through async.
func (c *Compose) start(job *sendJob) {
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	c.sendBtn.Disable()
	c.cancelBtn.Show()
	c.progressVal.set(0, 0)
	c.progress.SetValue(0)
	c.progress.Show()
	c.status.SetText("")
	c.result.Clear()
	c.transcript.SetMessageLink("")
	c.transcript.FollowNew()
	job.cfg.Events = c.onEvent
	job.cfg.Session = time.Now().Format("150405.000")
	c.transcript.Append(smtpcore.Event{Time: time.Now(), Dir: smtpcore.DirInfo,
		Text: fmt.Sprintf("Sending %s to %s via %s", subjectForHumans(job.draft.Subject), strings.Join(job.env.To, ", "), job.cfg.Addr)})
	draft := job.draft
	build := func(allow8bit bool) (smtpcore.Message, error) {
		m, err := draft.Build(msg.BuildOptions{Allow8bit: allow8bit})
		if err != nil {
			return nil, err
		}
		return m, nil
	}
	c.async(func() {
		res, err := c.send(ctx, job.cfg, job.env, build)
		fyne.Do(func() { c.finish(job, res, err) })
	})
}

// onEvent receives the client's transcript events on the sending goroutine.
func (c *Compose) onEvent(ev smtpcore.Event) {
	if ev.Dir == smtpcore.DirProgress {
		c.progressVal.set(ev.Sent, ev.Total)
		c.progressUpdate.Trigger()
		return
	}
	c.transcript.Append(ev)
}

func (c *Compose) showProgress() {
	sent, total := c.progressVal.get()
	if total > 0 {
		c.progress.SetValue(float64(sent) / float64(total))
		c.status.SetText(fmt.Sprintf("%s of %s sent", smtpcore.FormatSize(sent), smtpcore.FormatSize(total)))
	}
}

func (c *Compose) onCancel() {
	if c.cancel != nil {
		c.status.SetText("Cancelling…")
		c.cancel() // the last thing: finish may run at once on another goroutine in tests
	}
}

// finish shows the outcome on the Fyne goroutine: a one-line summary in the
// status line and the whole of it in the result panel. A message accepted for
// every recipient is done, so Compose starts a new one; after a partial or
// failed send the message stays to be fixed and sent again.
func (c *Compose) finish(job *sendJob, res *smtpcore.Result, err error) {
	c.cancel = nil
	c.cancelBtn.Hide()
	c.progress.Hide()
	if res != nil && res.Accepted() > 0 {
		c.prefs.SetString(prefFrom, job.draft.From)
		c.recent.Add(acceptedAddrs(res))
		if job.local && res.QueueID != "" {
			c.transcript.SetMessageLink(res.QueueID)
		}
	}
	out := sendOutcome{Subject: job.draft.Subject, To: job.env.To, When: time.Now(), Res: res, Err: err}
	switch {
	case errors.Is(err, smtpcore.ErrUnknownOutcome): // before Canceled: a cancel after the final "." is unknown too
		out.Title = "Outcome unknown"
		out.Explain = "No answer after the message: it may or may not have been delivered — check before sending it again, or it may arrive twice"
		c.validate()
		c.setStatus(widget.WarningImportance, out.Explain)
		c.result.Show(out)
		return
	case errors.Is(err, context.Canceled):
		c.validate()
		c.setStatus(widget.WarningImportance, "Cancelled: nothing was delivered")
		return
	case err != nil:
		if job.account != "" && loginRefused(err) {
			c.passwords().Refused(job.account)
		}
		out.Title, out.Explain = "Not sent", explainSendError(err, job.cfg)
		c.validate()
		c.setStatus(widget.DangerImportance, "Not sent: "+decapitalise(out.Explain))
		c.result.Show(out)
		if leaf := smtpcore.UnverifiedLeaf(err); leaf != nil && job.profile != "" {
			c.offerTrust(job.profile, smtpcore.LeafFingerprint(leaf), out.Explain)
		}
		return
	}
	text := fmt.Sprintf("Sent to %d of %d recipients in %s", res.Accepted(), len(res.Rcpts), res.Elapsed.Round(time.Millisecond))
	if res.QueueID != "" {
		text += " · queued as " + res.QueueID
	}
	if res.Partial {
		out.Title = "Sent to some recipients"
		c.validate()
		c.setStatus(widget.WarningImportance, text)
		c.result.Show(out)
		return
	}
	out.Title = "Sent"
	c.afterSent()
	c.setStatus(widget.SuccessImportance, text)
	c.result.Show(out)
}

func (c *Compose) setStatus(imp widget.Importance, text string) {
	c.reasonShown = false
	c.status.Importance = imp
	c.status.SetText(smtpcore.Printable(text)) // may quote the server
}

func acceptedAddrs(res *smtpcore.Result) []string {
	var out []string
	for _, r := range res.Rcpts {
		if r.Accepted {
			out = append(out, r.Addr)
		}
	}
	return out
}

// fail reports a problem found before anything was sent, in the status line
// and the result panel (no dialog: the message stays as it is, to be fixed).
func (c *Compose) fail(title string, err error) {
	c.setStatus(widget.DangerImportance, err.Error())
	c.result.Show(sendOutcome{Title: title, Err: err, Explain: capitalise(err.Error())})
}

func subjectForHumans(s string) string {
	if strings.TrimSpace(s) == "" {
		return "a message without subject"
	}
	return fmt.Sprintf("%q", s)
}

// offerTrust explains a refused certificate and offers to pin it in the
// profile (its "trusted certificate") and send again.
func (c *Compose) offerTrust(profile, fingerprint, explained string) {
	if c.window == nil {
		return
	}
	showTrustDialog(c.window, explained, "the server \""+profile+"\"", fingerprint, "Trust and send again", func() {
		c.TrustCertificate(profile, fingerprint)
	})
}

// showTrustDialog explains a certificate that failed verification
// (explained), shows its SHA-256 fingerprint and offers, under the button
// confirm, to trust exactly that certificate for what (a server profile, a
// remote account); trust runs when the user accepts.
func showTrustDialog(w fyne.Window, explained, what, fingerprint, confirm string, trust func()) {
	text := widget.NewLabel(explained + "\n\nIf this is your own server with a self-signed certificate, " +
		"you can trust this certificate for " + what + ". Letterbox then accepts exactly this " +
		"certificate, and still refuses any other one that fails the usual checks.")
	text.Wrapping = fyne.TextWrapWord
	fp := widget.NewLabelWithStyle("SHA-256 "+fingerprint, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	fp.Wrapping = fyne.TextWrapBreak
	dlg := dialog.NewCustomConfirm("Certificate not trusted", confirm, "Close", container.NewVBox(text, fp), func(ok bool) {
		if ok {
			trust()
		}
	}, w)
	dlg.Show()
	dlg.Resize(fyne.NewSize(560, 0)) // after Show: some dialogs crash when resized before it
}

// TrustCertificate pins fingerprint in the saved server profile and sends the
// message again.
func (c *Compose) TrustCertificate(profile, fingerprint string) {
	p, ok := c.profiles.Find(profile)
	if !ok {
		return
	}
	p.Fingerprint = fingerprint
	if err := c.profiles.Put(profile, p); err != nil {
		c.fail("The certificate cannot be trusted", err)
		return
	}
	c.onSend()
}
