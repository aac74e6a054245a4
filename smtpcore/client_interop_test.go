package smtpcore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/smtp"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"letterbox/smtpcore/smtptest"
)

func TestInteropGoSMTP(t *testing.T) {
	now := time.Now()
	ca := testCert(t, []string{"Interop CA"}, nil, true, now.Add(-time.Hour), now.Add(time.Hour))
	leaf := testCert(t, []string{"127.0.0.1"}, &ca, false, now.Add(-time.Hour), now.Add(time.Hour))
	be := smtptest.StartGoSMTP(t, smtptest.Options{Cert: &leaf, MaxBytes: 1 << 20})
	addr := be.Addr
	rec := &recorder{}
	cfg := ClientConfig{Addr: addr, Security: SecuritySTARTTLS, CAFile: pemFile(t, ca), Helo: "client.test",
		Auth: &Auth{Username: smtptest.User, Password: smtptest.Password}, Events: rec.add}
	c, err := Dial(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Dial(go-smtp) = %v\n%s", err, rec.text())
	}
	defer c.Close()
	for _, k := range []string{"PIPELINING", "8BITMIME", "SIZE", "SMTPUTF8"} {
		if _, ok := c.Extensions()[k]; !ok {
			t.Errorf("Extensions() = %v, want %s after STARTTLS", c.Extensions(), k)
		}
	}
	body := "Subject: é\r\n\r\n.leading dot\r\nçà\r\n"
	res, err := c.SendMail(context.Background(), Envelope{From: "a@x.test", To: []string{"b@y.test", "reject@y.test", "jürgen@y.test"}},
		&testMessage{body: body, eightBit: true})
	if err != nil || !res.Partial || res.Accepted() != 2 {
		t.Fatalf("SendMail = %+v, %v; want partial with 2 accepted", res, err)
	}
	big := &testMessage{body: strings.Repeat("x", 2<<20)}
	if _, err := c.SendMail(context.Background(), Envelope{From: "a@x.test", To: []string{"b@y.test"}}, big); !errors.Is(err, ErrTooBig) {
		t.Errorf("SendMail(2 MB to a 1 MB server) = %v, want ErrTooBig", err)
	}
	if err := c.Quit(); err != nil {
		t.Errorf("Quit() = %v", err)
	}
	msgs := be.Messages()
	if len(msgs) != 1 {
		t.Fatalf("go-smtp received %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if string(m.Data) != body || m.Opts.Body != gosmtp.Body8BitMIME || !m.Opts.UTF8 || m.Auth != smtptest.User || m.Opts.Size != int64(len(body)) {
		t.Errorf("go-smtp got data %q, opts %+v, auth %q", m.Data, m.Opts, m.Auth)
	}
}

func TestInteropSmtpSink(t *testing.T) {
	path, err := exec.LookPath("smtp-sink")
	if err != nil {
		path, err = exec.LookPath("/usr/sbin/smtp-sink")
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("smtp-sink (postfix) is required in CI")
		}
		t.Skip("smtp-sink (postfix) is not installed; skipping")
	}
	addr := smtptest.StartSmtpSink(t, path)
	rec := &recorder{}
	res, err := Send(context.Background(), ClientConfig{Addr: addr, Events: rec.add}, Envelope{From: "a@x.test", To: []string{"b@y.test", "c@y.test"}},
		static(&testMessage{body: "Subject: sink\r\n\r\n" + strings.Repeat("line\r\n", 10000)}))
	if err != nil || res.Accepted() != 2 || res.Data.Code != 250 {
		t.Fatalf("Send(smtp-sink) = %+v, %v\n%s", res, err, rec.text())
	}
}

// BenchmarkClientVsNetSMTP sends b.N messages over one connection with
// this client and with Go's net/smtp, to an in-process go-smtp server and to
// Postfix's smtp-sink (when installed). Run with -benchtime=1000x for the
// "1,000 messages over one connection" figure.
func BenchmarkClientVsNetSMTP(b *testing.B) {
	body := []byte("Subject: bench\r\n\r\n" + strings.Repeat("0123456789 abcdefghij klmnopqrst uvwxyz ABCDEFGHIJ KLMNOPQRST\r\n", 32))
	env := Envelope{From: "a@x.test", To: []string{"b@y.test", "c@y.test", "d@y.test"}}
	sinks := map[string]func(b *testing.B) string{
		"go-smtp": func(b *testing.B) string { return smtptest.StartGoSMTP(b, smtptest.Options{}).Addr },
	}
	if path, err := exec.LookPath("/usr/sbin/smtp-sink"); err == nil {
		sinks["smtp-sink"] = func(b *testing.B) string { return smtptest.StartSmtpSink(b, path) }
	}
	for name, start := range sinks {
		b.Run(name+"/smtpcore", func(b *testing.B) {
			c, err := Dial(context.Background(), ClientConfig{Addr: start(b), Helo: "bench.test"})
			if err != nil {
				b.Fatal(err)
			}
			defer c.Quit()
			msg := &testMessage{body: string(body)}
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if _, err := c.SendMail(context.Background(), env, msg); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/net-smtp", func(b *testing.B) {
			c, err := smtp.Dial(start(b))
			if err != nil {
				b.Fatal(err)
			}
			defer c.Quit()
			if err := c.Hello("bench.test"); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if err := netSMTPSend(c, env, body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func netSMTPSend(c *smtp.Client, env Envelope, body []byte) error {
	if err := c.Mail(env.From); err != nil {
		return err
	}
	for _, r := range env.To {
		if err := c.Rcpt(r); err != nil {
			return err
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, bytes.NewReader(body)); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("net/smtp data: %w", err)
	}
	return nil
}
