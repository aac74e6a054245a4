package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// completeOptions makes sure the required fields are there: From, at least
// one recipient, a subject and a body. On a terminal it asks for the missing
// ones line by line like a classic mail agent (From, To, Subject, the body up
// to a line holding a single ".", then attachment paths); without one it
// names what is missing.
func completeOptions(o *sendOptions, sio sendIO) error {
	missing := o.missing()
	if len(missing) == 0 {
		return nil
	}
	if !sio.stdinTTY || o.bodyFile == "-" {
		return fmt.Errorf("missing %s (no terminal to ask on; see letterbox send -h)", strings.Join(missing, ", "))
	}
	p := prompter{in: sio, out: sio.stderr}
	return p.ask(o)
}

// missing names the required flags that were not given.
func (o *sendOptions) missing() []string {
	var m []string
	if o.from == "" {
		m = append(m, "--from")
	}
	if len(o.to)+len(o.cc)+len(o.bcc) == 0 {
		m = append(m, "--to")
	}
	if !o.given["subject"] {
		m = append(m, "--subject")
	}
	if !o.given["body"] && o.bodyFile == "" {
		m = append(m, "--body or --body-file")
	}
	return m
}

type prompter struct {
	in  sendIO
	out io.Writer
}

func (p prompter) line(prompt string) (string, error) {
	fmt.Fprint(p.out, prompt)
	s, err := p.in.stdin.ReadString('\n')
	if err != nil && (err != io.EOF || s == "") {
		if err == io.EOF {
			return "", errors.New("input ended")
		}
		return "", err
	}
	return strings.TrimRight(s, "\r\n"), nil
}

// ask prompts for each missing field. Attachments are asked for only when
// the body was typed here, as part of the same classic sequence.
func (p prompter) ask(o *sendOptions) error {
	var err error
	if o.from == "" {
		if o.from, err = p.required("From: "); err != nil {
			return err
		}
	}
	if len(o.to)+len(o.cc)+len(o.bcc) == 0 {
		to, err := p.required("To: ")
		if err != nil {
			return err
		}
		o.to = append(o.to, to)
	}
	if !o.given["subject"] {
		if o.subject, err = p.line("Subject: "); err != nil {
			return err
		}
		o.given["subject"] = true
	}
	if o.given["body"] || o.bodyFile != "" {
		return nil
	}
	fmt.Fprintln(p.out, `Type the message; end it with a line holding a single "."`)
	var body strings.Builder
	for {
		l, err := p.in.stdin.ReadString('\n')
		t := strings.TrimRight(l, "\r\n")
		if t == "." {
			break
		}
		body.WriteString(t + "\n")
		if err != nil {
			return fmt.Errorf(`input ended before the "." that ends the body`)
		}
	}
	o.body, o.given["body"] = body.String(), true
	if len(o.attach) > 0 {
		return nil
	}
	for {
		a, err := p.line("Attach (file path, empty line to finish): ")
		if err != nil || strings.TrimSpace(a) == "" {
			return nil
		}
		o.attach = append(o.attach, strings.TrimSpace(a))
	}
}

// required asks until it gets a non-empty answer.
func (p prompter) required(prompt string) (string, error) {
	for {
		s, err := p.line(prompt)
		if err != nil {
			return "", err
		}
		if s = strings.TrimSpace(s); s != "" {
			return s, nil
		}
	}
}
