package server

import (
	"context"
	"strings"
	"testing"
	"time"

	"letterbox/smtpcore"
	"letterbox/smtpcore/msg"
)

// TestAddressRoundTrip (issue 13 point 4): display names with quoted local
// parts and address literals go parse → build → envelope → Letterbox's own
// server, which accepts and stores them; the stored header fields, the
// trace headers and the session record all hold them correctly quoted.
func TestAddressRoundTrip(t *testing.T) {
	_, st, addr := listenServer(t, Config{Hostname: "mx.test"})
	d := &msg.Draft{
		From:    `Quoted Sender <"q\"l"@[IPv6:2001:db8::1]>`,
		To:      []string{`"x>y"@y.test`, `"Doe, Ann" <""@[192.0.2.1]>`},
		Cc:      []string{"c@[x-tag:a>b@c]"},
		Bcc:     []string{`"hidden, bcc"@[IPv6:::ffff:192.0.2.2]`},
		Subject: "literals",
		Text:    "hello",
		Date:    time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC),
	}
	if err := d.Validate(); err != nil {
		t.Fatalf("Validate() = %v, want nil", err)
	}
	from, rcpts, err := d.Envelope()
	wantRcpts := []string{`"x>y"@y.test`, `""@[192.0.2.1]`, "c@[x-tag:a>b@c]", `"hidden, bcc"@[IPv6:::ffff:192.0.2.2]`}
	if err != nil || from != `"q\"l"@[IPv6:2001:db8::1]` || strings.Join(rcpts, " ") != strings.Join(wantRcpts, " ") {
		t.Fatalf("Envelope() = %q, %q, %v; want %q, %q", from, rcpts, err, `"q\"l"@[IPv6:2001:db8::1]`, wantRcpts)
	}
	ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
	defer cancel()
	var sent []string
	res, err := smtpcore.Send(ctx, smtpcore.ClientConfig{Addr: addr, Helo: "c.test", Events: func(e smtpcore.Event) {
		if e.Dir == smtpcore.DirClient {
			sent = append(sent, e.Text)
		}
	}}, smtpcore.Envelope{From: from, To: rcpts}, func(allow8bit bool) (smtpcore.Message, error) {
		return d.Build(msg.BuildOptions{Allow8bit: allow8bit})
	})
	if err != nil || res.Accepted() != len(wantRcpts) {
		t.Fatalf("Send() = %+v, %v; want %d recipients accepted", res, err, len(wantRcpts))
	}
	for _, line := range []string{`MAIL FROM:<"q\"l"@[IPv6:2001:db8::1]> SIZE=`, `RCPT TO:<"x>y"@y.test>`, `RCPT TO:<""@[192.0.2.1]>`, "RCPT TO:<c@[x-tag:a>b@c]>"} {
		if !containsPrefix(sent, line) {
			t.Errorf("the client sent %q, want a line starting %q", sent, line)
		}
	}
	text := stored(t, st, res.QueueID)
	for _, want := range []string{
		"Return-Path: <\"q\\\"l\"@[IPv6:2001:db8::1]>\r\n",
		"From: Quoted Sender <\"q\\\"l\"@[IPv6:2001:db8::1]>\r\n",
		"To: \"x>y\"@y.test, \"Doe, Ann\" <\"\"@[192.0.2.1]>\r\n",
		"Cc: c@[x-tag:a>b@c]\r\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("stored message lacks %q:\n%s", want, shorten(text))
		}
	}
	if _, header, _ := strings.Cut(text, "\r\nFrom: "); strings.Contains(strings.SplitN(header, "\r\n\r\n", 2)[0], "hidden") {
		t.Errorf("the Bcc address shows in the stored header:\n%s", text)
	}
	rec, err := st.Record(res.QueueID)
	if err != nil || rec.MailFrom != from || strings.Join(rec.Rcpts, " ") != strings.Join(wantRcpts, " ") {
		t.Fatalf("Record(%s) = %+v, %v; want MailFrom %q, Rcpts %q", res.QueueID, rec, err, from, wantRcpts)
	}
	// What the writer put in the header reads back to the same addresses.
	_, storedTo, _ := strings.Cut(text, "\r\nTo: ")
	storedTo, _, _ = strings.Cut(storedTo, "\r\n")
	to, err := msg.ParseAddressList(storedTo)
	if err != nil || len(to) != 2 || msg.AddrSpec(to[0]) != `"x>y"@y.test` || msg.AddrSpec(to[1]) != `""@[192.0.2.1]` || to[1].Name != "Doe, Ann" {
		t.Fatalf("ParseAddressList(%q) (the stored To) = %v, %v", storedTo, to, err)
	}
}

func containsPrefix(lines []string, prefix string) bool {
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			return true
		}
	}
	return false
}
