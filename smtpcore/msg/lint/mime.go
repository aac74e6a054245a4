package lint

import (
	"bytes"
	"fmt"
	"strings"

	"letterbox/smtpcore/msg/internal/mimesyntax"
)

// parseContentType reads the entity's Content-Type and
// Content-Transfer-Encoding (RFC 2045 §5, §6) and checks their parameters.
func (c *checker) parseContentType(e *entity) {
	e.contentType, e.cte = "text/plain", "7bit" // RFC 2045 §5.2, §6.1 defaults
	if f, ok := e.get("Content-Type"); ok {
		ct, ps, err := splitParams(f.value)
		if err == nil && !validMediaType(ct) {
			err = fmt.Errorf("%q is not type/subtype", ct)
		}
		if err != nil {
			c.add("mime.content-type-syntax", Where{Header: f.name, Part: e.path, Line: f.line + 1}, "Content-Type: "+err.Error(), []byte(f.value))
		}
		if validMediaType(ct) {
			e.contentType = ct
		}
		e.params = ps
		c.checkParams(e, f, ps)
	}
	if f, ok := e.get("Content-Transfer-Encoding"); ok {
		e.cte = strings.ToLower(strings.TrimSpace(stripComments(f.value)))
	}
	e.multipart = strings.HasPrefix(e.contentType, "multipart/")
	if f, ok := e.get("Content-Disposition"); ok {
		e.disposition, e.dparams, _ = splitParams(f.value)
		c.checkParams(e, f, e.dparams)
	}
}

func validMediaType(ct string) bool {
	t, sub, ok := strings.Cut(ct, "/")
	return ok && mimesyntax.IsToken(t) && mimesyntax.IsToken(sub)
}

// checkParams checks RFC 2231 continuations and encodings, and encoded words
// used as parameter values (RFC 2047 §5 forbids them in quoted strings).
func (c *checker) checkParams(e *entity, f field, ps params) {
	done := map[string]bool{}
	for _, p := range ps {
		w := Where{Header: f.name, Part: e.path, Line: f.line + 1}
		if base, _, ext := strings.Cut(p.name, "*"); ext && !done[base] {
			done[base] = true
			if _, _, err := ps.lookup(base); err != nil {
				c.add("mime.rfc2231-continuation", w, err.Error(), []byte(p.name+"="+p.value))
			}
			for _, q := range ps {
				if q.name == base {
					c.add("mime.rfc2231-continuation", w, base+" is given both plain and with RFC 2231 sections", []byte(q.name+"="+q.value))
					break
				}
			}
		}
		if encodedWord.MatchString(p.value) {
			c.add("rfc2047.in-parameter", w, "parameter "+p.name+" holds an RFC 2047 encoded word; RFC 2231 is the way to encode a parameter", []byte(p.value))
		}
	}
}

// walk checks an entity and, for a multipart, each of its children.
// bounds are the boundaries of the enclosing multiparts.
func (c *checker) walk(e *entity, depth int, bounds []string) {
	c.parts++
	if depth > maxDepth || c.parts > maxParts {
		return
	}
	cf, _ := e.get("Content-Transfer-Encoding")
	w := Where{Header: "Content-Transfer-Encoding", Part: e.path, Line: cf.line + 1}
	switch e.cte {
	case "7bit", "8bit", "binary":
	case "quoted-printable", "base64":
		if e.multipart {
			c.add("mime.cte-multipart", w, "a multipart entity must be 7bit, 8bit or binary, not "+e.cte, []byte(cf.value))
		}
	default:
		c.add("mime.cte-unknown", w, fmt.Sprintf("unknown Content-Transfer-Encoding %q", e.cte), []byte(cf.value))
	}
	if !e.multipart {
		c.checkLeaf(e)
		return
	}
	b, ok, _ := e.params.lookup("boundary")
	if !ok || b == "" {
		f, _ := e.get("Content-Type")
		c.add("mime.boundary-missing", Where{Header: f.name, Part: e.path, Line: f.line + 1}, "", []byte(f.value))
		return
	}
	c.checkBoundary(e, b, bounds)
	children := c.splitMultipart(e, b)
	var kinds []string
	for i, r := range children {
		child := c.parseEntity(r[0], r[1], childPath(e.path, i+1))
		child.parent = e.contentType
		kinds = append(kinds, child.contentType)
		c.walk(child, depth+1, append(bounds[:len(bounds):len(bounds)], b))
	}
	if e.contentType == "multipart/alternative" {
		c.checkAlternative(e, kinds)
	}
}

// checkBoundary: 1 to 70 bchars, not ending in a space, and no delimiter an
// enclosing multipart would take for its own (RFC 2046 §5.1.1).
func (c *checker) checkBoundary(e *entity, b string, bounds []string) {
	f, _ := e.get("Content-Type")
	w := Where{Header: f.name, Part: e.path, Line: f.line + 1}
	if len(b) > 70 || strings.HasSuffix(b, " ") || strings.Trim(b, bchars) != "" {
		c.add("mime.boundary-syntax", w, fmt.Sprintf("boundary %q: at most 70 of the characters of bchars, no space at the end", b), []byte(b))
	}
	for _, outer := range bounds {
		if strings.HasPrefix(b, outer) {
			c.add("mime.boundary-not-unique", w, fmt.Sprintf("boundary %q starts with the enclosing boundary %q, so its delimiters end the outer part", b, outer), []byte(b))
			return
		}
	}
}

const bchars = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=? "

// splitMultipart finds the body parts of a multipart entity: the line ranges
// between its delimiter lines. A delimiter line is "--" boundary, then "--"
// for the last one, then optional white space (RFC 2046 §5.1.1).
func (c *checker) splitMultipart(e *entity, b string) [][2]int {
	delim := []byte("--" + b)
	var parts [][2]int
	start, found, closed := -1, false, false
	for i := e.bodyFrom; i < e.bodyTo; i++ {
		l := c.lineBytes(i)
		if !bytes.HasPrefix(l, delim) {
			continue
		}
		rest := bytes.TrimRight(l[len(delim):], " \t")
		last := bytes.Equal(rest, []byte("--"))
		if len(rest) > 0 && !last {
			continue
		}
		if start >= 0 {
			parts = append(parts, [2]int{start, i})
		}
		found = true
		if last {
			closed = true
			break
		}
		start = i + 1
	}
	f, _ := e.get("Content-Type")
	switch {
	case !found:
		c.add("mime.boundary-not-found", Where{Header: f.name, Part: e.path, Line: f.line + 1},
			fmt.Sprintf("no line \"--%s\" in the body", b), []byte(b))
	case !closed:
		if start >= 0 && start < e.bodyTo {
			parts = append(parts, [2]int{start, e.bodyTo})
		}
		c.add("mime.boundary-not-closed", Where{Part: e.path, Line: e.bodyTo},
			fmt.Sprintf("no close delimiter \"--%s--\" before the end of the entity", b), nil)
	}
	return parts
}

// checkAlternative: the alternatives go from the plainest to the richest,
// the last being the preferred one (RFC 2046 §5.1.4).
func (c *checker) checkAlternative(e *entity, kinds []string) {
	plain, html := -1, -1
	for i, k := range kinds {
		if k == "text/plain" && plain < 0 {
			plain = i
		}
		if k == "text/html" && html < 0 {
			html = i
		}
	}
	if plain >= 0 && html >= 0 && html < plain {
		f, _ := e.get("Content-Type")
		c.add("mime.alternative-order", Where{Header: f.name, Part: e.path, Line: f.line + 1},
			"text/html comes before text/plain, so clients that take the last alternative they understand show the plain text", nil)
	}
}
