package smtpcore

import (
	"crypto/hmac"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// The client's SASL mechanisms (RFC 4954 for the AUTH command; RFC 4616
// PLAIN, draft-murchison-sasl-login LOGIN, RFC 2195 CRAM-MD5).

// saslClient is one side of a SASL exchange.
type saslClient interface {
	// start returns the initial response to send with AUTH, or nil for none.
	start() []byte
	// next answers a server challenge.
	next(challenge []byte) ([]byte, error)
}

// needsTLS reports whether a mechanism shows the password to anyone who can
// read the connection.
func needsTLS(mech string) bool { return mech == "PLAIN" || mech == "LOGIN" }

func newSASL(mech string, a *Auth) saslClient {
	switch mech {
	case "PLAIN":
		return &plainAuth{a}
	case "LOGIN":
		return &loginAuth{a: a}
	case "CRAM-MD5":
		return &cramAuth{a}
	}
	return nil
}

type plainAuth struct{ a *Auth }

// RFC 4616 §2: [authzid] NUL authcid NUL passwd.
func (p *plainAuth) start() []byte {
	return []byte("\x00" + p.a.Username + "\x00" + p.a.Password)
}

func (p *plainAuth) next([]byte) ([]byte, error) {
	return nil, errors.New("unexpected challenge after AUTH PLAIN")
}

type loginAuth struct {
	a    *Auth
	step int
}

func (l *loginAuth) start() []byte { return nil }

// next answers "Username:" then "Password:". The prompts' text varies between
// servers, so the answer goes by step, not by prompt.
func (l *loginAuth) next([]byte) ([]byte, error) {
	l.step++
	switch l.step {
	case 1:
		return []byte(l.a.Username), nil
	case 2:
		return []byte(l.a.Password), nil
	}
	return nil, errors.New("unexpected third challenge in AUTH LOGIN")
}

type cramAuth struct{ a *Auth }

func (c *cramAuth) start() []byte { return nil }

// RFC 2195 §2: user SP hex(HMAC-MD5(password, challenge)).
func (c *cramAuth) next(challenge []byte) ([]byte, error) {
	h := hmac.New(md5.New, []byte(c.a.Password))
	h.Write(challenge)
	return []byte(c.a.Username + " " + hex.EncodeToString(h.Sum(nil))), nil
}

// chooseMech picks the mechanism: the configured one if the server offers
// it, else the best offered. PLAIN and LOGIN are refused without TLS unless
// AllowInsecureAuth.
func (c *Client) chooseMech() (string, error) {
	offered := map[string]bool{}
	for _, m := range strings.Fields(strings.ToUpper(c.ext["AUTH"])) {
		offered[m] = true
	}
	secure := c.tls != nil || c.cfg.AllowInsecureAuth
	if want := strings.ToUpper(strings.TrimSpace(c.cfg.Auth.Mechanism)); want != "" {
		if newSASL(want, c.cfg.Auth) == nil {
			return "", fmt.Errorf("unknown AUTH mechanism %q (want PLAIN, LOGIN or CRAM-MD5)", want)
		}
		if !offered[want] {
			return "", fmt.Errorf("%w: AUTH %s is not offered (the server offers %q)", ErrAuthNotOffered, want, c.ext["AUTH"])
		}
		if needsTLS(want) && !secure {
			return "", ErrInsecureAuth
		}
		return want, nil
	}
	refused := false
	// The order Auth{Mechanism: ""} picks in: CRAM-MD5 never sends the
	// password, so it goes first.
	for _, m := range []string{"CRAM-MD5", "PLAIN", "LOGIN"} {
		if !offered[m] {
			continue
		}
		if needsTLS(m) && !secure {
			refused = true
			continue
		}
		return m, nil
	}
	if refused {
		return "", ErrInsecureAuth
	}
	if _, ok := c.ext["STARTTLS"]; ok && c.tls == nil {
		return "", fmt.Errorf("%w (offered: %q); it may offer AUTH only after STARTTLS", ErrAuthNotOffered, c.ext["AUTH"])
	}
	return "", fmt.Errorf("%w (offered: %q)", ErrAuthNotOffered, c.ext["AUTH"])
}

// auth runs AUTH (RFC 4954). Every payload is masked in the transcript; the
// server's challenges are shown decoded, as they carry no secret.
func (c *Client) auth() error {
	mech, err := c.chooseMech()
	if err != nil {
		return err
	}
	sasl := newSASL(mech, c.cfg.Auth)
	line, display := "AUTH "+mech, "AUTH "+mech
	if ir := sasl.start(); ir != nil {
		display += " <masked>"
		if len(ir) == 0 {
			line += " =" // RFC 4954 §4: an empty initial response
		} else {
			line += " " + base64.StdEncoding.EncodeToString(ir)
		}
	}
	start := time.Now()
	if err := c.send(line, display); err != nil {
		return err
	}
	if err := c.flush(); err != nil {
		return err
	}
	for {
		r, err := c.reply(start, c.cfg.commandTimeout(), showChallenge)
		if err != nil {
			return err
		}
		switch {
		case r.Code == 235:
			c.mech = mech
			return nil
		case r.Code != 334:
			return r
		}
		resp, err := c.answer(sasl, r)
		if err != nil {
			return err
		}
		start = time.Now()
		if err := c.send(resp, "<masked>"); err != nil {
			return err
		}
		if err := c.flush(); err != nil {
			return err
		}
	}
}

// answer computes the reply to a 334 challenge. A challenge that is not
// base64 cancels the exchange with "*" (RFC 4954 §4).
func (c *Client) answer(sasl saslClient, r *Reply) (string, error) {
	ch, derr := base64.StdEncoding.DecodeString(strings.TrimSpace(r.Text))
	var resp []byte
	err := derr
	if err == nil {
		resp, err = sasl.next(ch)
	}
	if err != nil {
		start := time.Now()
		if serr := c.send("*", "*"); serr == nil && c.flush() == nil {
			c.reply(start, c.cfg.commandTimeout(), nil)
		}
		return "", fmt.Errorf("AUTH exchange cancelled: %w", err)
	}
	return base64.StdEncoding.EncodeToString(resp), nil
}

// showChallenge renders "334 VXNlcm5hbWU6" as `334 VXNlcm5hbWU6 ["Username:"]`.
func showChallenge(line string) string {
	code, text, _ := strings.Cut(line, " ")
	if code != "334" || text == "" {
		return line
	}
	b, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		return line
	}
	return fmt.Sprintf("%s [%q]", line, b)
}
