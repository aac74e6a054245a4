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
	if c.body8bitLine > 0 && !c.env.Body8BitMIME && !c.env.SMTPUTF8 {
		c.add("env.8bit-without-8bitmime", Where{Line: c.body8bitLine},
			"the body has 8-bit bytes but MAIL FROM did not say BODY=8BITMIME", nil)
	}
	if !c.env.SMTPUTF8 {
		for _, a := range append([]string{c.env.MailFrom}, c.env.Rcpts...) {
			if firstHigh([]byte(a)) >= 0 {
				c.add("env.utf8-without-smtputf8", Where{}, fmt.Sprintf("envelope address %s is not ASCII", Excerpt([]byte(a))), []byte(a))
				break
			}
		}
		if c.header8bitLine > 0 {
			c.add("env.utf8-without-smtputf8", Where{Line: c.header8bitLine},
				"header fields hold UTF-8 (RFC 6532) but MAIL FROM did not say SMTPUTF8", nil)
		}
	}
	if c.env.BareLF {
		c.add("env.bare-lf-accepted", Where{Line: c.bareLine},
			"the server took this message only because it runs with --allow-bare-lf; most servers refuse it (SMTP smuggling)", nil)
	}
}
