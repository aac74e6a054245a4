package lint

import "fmt"

// checkEnvelope compares what the SMTP session declared with what the
// message holds. Without a known envelope only the Bcc rule applies.
func (c *checker) checkEnvelope(top *entity) {
	if f, ok := top.get("Bcc"); ok {
		c.add("env.bcc-leak", Where{Header: f.name, Line: f.line + 1},
			"the message that reached the server still has its Bcc field, so every recipient sees the blind copies", []byte(f.name+":"+f.value))
	}
	if !c.env.Known {
		return
	}
	// RFC 6531 §3.1: SMTPUTF8 implies 8-bit content as well.
	if c.has8bitBody && !c.env.Body8BitMIME && !c.env.SMTPUTF8 {
		c.add("env.8bit-without-8bitmime", Where{Line: c.first8bitBodyLine()},
			"the body has 8-bit bytes but MAIL FROM did not say BODY=8BITMIME", nil)
	}
	if !c.env.SMTPUTF8 {
		for _, a := range append([]string{c.env.MailFrom}, c.env.Rcpts...) {
			if firstHigh([]byte(a)) >= 0 {
				c.add("env.utf8-without-smtputf8", Where{}, fmt.Sprintf("envelope address %s is not ASCII", Excerpt([]byte(a))), []byte(a))
				break
			}
		}
		if c.has8bitHeader {
			c.add("env.utf8-without-smtputf8", Where{Line: c.first8bitHeaderLine()},
				"header fields hold UTF-8 (RFC 6532) but MAIL FROM did not say SMTPUTF8", nil)
		}
	}
	if c.env.BareLF {
		c.add("env.bare-lf-accepted", Where{Line: c.firstBareLine()},
			"the server took this message only because it runs with --allow-bare-lf; most servers refuse it (SMTP smuggling)", nil)
	}
}

func (c *checker) firstBareLine() int {
	for i, l := range c.lines {
		if l.term == 'l' || l.term == 'r' {
			return i + 1
		}
	}
	return 0
}

// first8bitHeaderLine and first8bitBodyLine locate the first 8-bit octet
// before and after the top-level header's blank line.
func (c *checker) first8bitHeaderLine() int {
	for i := range c.lines {
		if len(c.lineBytes(i)) == 0 {
			break
		}
		if firstHigh(c.lineBytes(i)) >= 0 {
			return i + 1
		}
	}
	return 0
}

func (c *checker) first8bitBodyLine() int {
	body := false
	for i := range c.lines {
		if !body {
			body = len(c.lineBytes(i)) == 0
			continue
		}
		if firstHigh(c.lineBytes(i)) >= 0 {
			return i + 1
		}
	}
	return 0
}
