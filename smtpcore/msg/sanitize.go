package msg

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"
)

// CSPMeta is the Content-Security-Policy that SanitizeHTML puts first in
// its output: nothing may load or run except inline styles and images that
// are in the message itself (data: and cid: URLs).
const CSPMeta = `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data: cid:; style-src 'unsafe-inline'">`

// droppedElements are removed with everything inside them.
var droppedElements = map[string]bool{
	"script": true, "style": true, "iframe": true, "object": true, "embed": true, "applet": true,
	"frame": true, "frameset": true, "noscript": true, "template": true, "svg": true, "math": true,
	"audio": true, "video": true, "base": true, "meta": true, "link": true, "portal": true,
	"textarea": true, "select": true, "noembed": true, "noframes": true, "xmp": true, "plaintext": true,
}

// unwrappedElements lose their tags but keep their content.
var unwrappedElements = map[string]bool{
	"form": true, "input": true, "button": true, "option": true, "optgroup": true, "html": true,
	"head": true, "body": true, "picture": true, "source": true, "track": true, "param": true,
	"keygen": true, "datalist": true, "output": true, "dialog": true, "slot": true,
}

// voidElements never have content or an end tag (WHATWG HTML §13.1.2).
var voidElements = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true,
	"input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true,
	"param": true, "frame": true, "keygen": true,
}

// resourceAttrs make the browser fetch something by themselves; only
// message-internal URLs (cid:, data:image/) may stay.
var resourceAttrs = map[string]bool{
	"src": true, "srcset": true, "background": true, "poster": true, "lowsrc": true,
	"dynsrc": true, "data": true, "codebase": true, "xlink:href": true, "manifest": true,
	"longdesc": true, "usemap": true, "profile": true, "imagesrcset": true,
}

var cssURL = regexp.MustCompile(`url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))`)

// SanitizeHTML makes a copy of an HTML mail that is safe to open in a web
// browser ("Open in browser"): script, style, iframe, object, embed, form
// controls, meta/base/link and other active or loading elements are
// dropped; on* event attributes and javascript:/vbscript: URLs go; every
// remote or local resource (http, https, protocol-relative, relative and
// file URLs in src, srcset, background, poster, …, and CSS url() in style
// attributes) is removed, while cid: and data:image/ images stay as they are.
// Comments are dropped. Links stay clickable (http, https, mailto). The
// result starts with a charset declaration and CSPMeta, so even a
// sanitiser miss cannot load or run anything.
func SanitizeHTML(src string) string {
	z := html.NewTokenizer(strings.NewReader(src))
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<meta charset=\"utf-8\">\n" + CSPMeta + "\n")
	skip, depth := "", 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		tok := z.Token()
		name := tok.Data
		if skip != "" {
			switch {
			case tt == html.StartTagToken && name == skip:
				depth++
			case tt == html.EndTagToken && name == skip:
				depth--
				if depth == 0 {
					skip = ""
				}
			}
			continue
		}
		switch tt {
		case html.TextToken:
			b.WriteString(html.EscapeString(tok.Data))
		case html.StartTagToken, html.SelfClosingTagToken:
			if droppedElements[name] {
				if tt == html.StartTagToken && !voidElements[name] {
					skip, depth = name, 1
				}
				continue
			}
			if unwrappedElements[name] {
				continue
			}
			writeStartTag(&b, tok, tt == html.SelfClosingTagToken)
		case html.EndTagToken:
			if !droppedElements[name] && !unwrappedElements[name] && !voidElements[name] {
				b.WriteString("</" + name + ">")
			}
		}
	}
	return b.String()
}

func writeStartTag(b *strings.Builder, tok html.Token, selfClosing bool) {
	b.WriteString("<" + tok.Data)
	for _, a := range tok.Attr {
		key := strings.ToLower(a.Key)
		if a.Namespace != "" {
			key = strings.ToLower(a.Namespace + ":" + a.Key)
		}
		if !safeAttr(tok.Data, key, a.Val) {
			continue
		}
		b.WriteString(" " + key + `="` + html.EscapeString(a.Val) + `"`)
	}
	if selfClosing {
		b.WriteString(" /")
	}
	b.WriteString(">")
}

// safeAttr decides whether an attribute may stay.
func safeAttr(elem, key, val string) bool {
	switch {
	case strings.HasPrefix(key, "on"), key == "ping", key == "formaction", key == "action",
		key == "http-equiv", key == "srcdoc", key == "is", strings.ContainsAny(key, "\"'<>/="):
		return false
	case key == "style":
		return safeCSS(val)
	case resourceAttrs[key]:
		if key == "srcset" || key == "imagesrcset" {
			return false // a list of URLs; never needed for cid:/data: images
		}
		return inlineURL(val)
	case key == "href":
		return elem != "a" && elem != "area" && inlineURL(val) || linkURL(val)
	}
	return true
}

// urlScheme normalizes a URL the way browsers read it (control characters
// and whitespace ignored, case folded) for scheme checks.
func urlScheme(v string) string {
	v = strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, v)
	return strings.ToLower(v)
}

// inlineURL: content carried in the message itself.
func inlineURL(v string) bool {
	u := urlScheme(v)
	return strings.HasPrefix(u, "cid:") || strings.HasPrefix(u, "data:image/") && !strings.HasPrefix(u, "data:image/svg")
}

// linkURL: targets a user may follow by clicking.
func linkURL(v string) bool {
	u := urlScheme(v)
	return strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://") ||
		strings.HasPrefix(u, "mailto:") || strings.HasPrefix(u, "#") || strings.HasPrefix(u, "cid:")
}

// safeCSS accepts an inline style only if every url() in it is inline
// content and it has no escapes, imports or expressions that could hide one.
func safeCSS(css string) bool {
	l := strings.ToLower(css)
	if strings.ContainsAny(l, `\`) || strings.Contains(l, "/*") || strings.Contains(l, "@import") ||
		strings.Contains(l, "expression") || strings.Contains(l, "image-set") || strings.Contains(l, "-moz-binding") ||
		strings.Contains(l, "behavior") {
		return false
	}
	if strings.Count(l, "url") != len(cssURL.FindAllStringIndex(l, -1)) {
		return false // a url token the pattern did not understand
	}
	for _, m := range cssURL.FindAllStringSubmatch(l, -1) {
		if !inlineURL(m[1] + m[2] + m[3]) {
			return false
		}
	}
	return true
}
