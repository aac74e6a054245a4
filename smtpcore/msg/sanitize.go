package msg

import (
	"regexp"
	"sync"

	"github.com/microcosm-cc/bluemonday"
)

// CSPMeta is the Content-Security-Policy that SanitizeHTML puts first in
// its output: nothing may load or run except inline styles and images that
// are in the message itself (data: and cid: URLs).
const CSPMeta = `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data: cid:; style-src 'unsafe-inline'">`

// SanitizeOptions choose what SanitizeHTMLBody lets through beyond the
// default allowlist. The zero value blocks every remote resource.
type SanitizeOptions struct {
	// RemoteImages keeps http and https URLs in <img src> (and nowhere
	// else): the reader asked to "Load remote content", or a renderer that
	// shows them as blocked placeholders until asked. Every other remote
	// reference (CSS url(), background, srcset, link, ...) is removed
	// whatever this says.
	RemoteImages bool
	// PlainStyles keeps a style attribute only if it has no parenthesis,
	// backslash, at-sign, ampersand or angle bracket — so no url(), no
	// expression(), no escape can be in it — without parsing its CSS. It is
	// several times faster on style-heavy mail, for a renderer that reads
	// only a few properties (display, font-weight, font-style); a style with
	// rgb() or calc() is dropped whole.
	PlainStyles bool
}

// SanitizeHTML makes a copy of an HTML mail that is safe to open in a web
// browser ("Open in browser"). It is SanitizeHTMLBody with remote content
// blocked, preceded by a charset declaration and CSPMeta, so even a
// sanitiser miss cannot load or run anything.
func SanitizeHTML(src string) string {
	return "<!DOCTYPE html>\n<meta charset=\"utf-8\">\n" + CSPMeta + "\n" + SanitizeHTMLBody(src, SanitizeOptions{})
}

// SanitizeHTMLBody cleans an HTML mail with an allowlist (bluemonday):
// only text-level, block and table elements, lists, links and images stay;
// everything else loses its tags, and script, style, iframe, object,
// embed, form controls, svg, math, audio and video lose their content too.
// Only presentational attributes stay; no on* handler, no srcset, no
// background. Links keep http, https, mailto and cid targets; images keep
// cid: and base64 data:image/ (png, jpeg, gif, webp, bmp) sources, plus
// http/https when o.RemoteImages. Inline styles keep a fixed set of
// properties whose values bluemonday validates (colours, fonts, text
// alignment, sizes, spacing, borders, display) and never a url().
// Comments are dropped. The result is an HTML fragment; it is safe to call
// from any goroutine.
func SanitizeHTMLBody(src string, o SanitizeOptions) string {
	return mailPolicies()[o].Sanitize(src)
}

// Image sources a policy accepts. RFC 2392 gives cid: URLs; data: URLs
// (RFC 2397) only as base64 raster images (no SVG: it can carry script).
var (
	inlineImageSrc = regexp.MustCompile(`(?i)^(cid:|data:image/(png|jpe?g|gif|webp|bmp);base64,)`)
	anyImageSrc    = regexp.MustCompile(`(?i)^(cid:|data:image/(png|jpe?g|gif|webp|bmp);base64,|https?://)`)
)

// plainStyle is a style attribute that cannot name or load anything.
var plainStyle = regexp.MustCompile(`^[^()\\@&<>]*$`)

// mailPolicies are built once, one per option set, and only read
// afterwards (bluemonday policies are safe for concurrent Sanitize calls).
var mailPolicies = sync.OnceValue(func() map[SanitizeOptions]*bluemonday.Policy {
	m := map[SanitizeOptions]*bluemonday.Policy{}
	for _, remote := range []bool{false, true} {
		for _, plain := range []bool{false, true} {
			m[SanitizeOptions{RemoteImages: remote, PlainStyles: plain}] = newMailPolicy(remote, plain)
		}
	}
	return m
})

// mailElements are the elements a mail may keep.
var mailElements = []string{
	"a", "abbr", "address", "article", "aside", "b", "bdi", "bdo", "big", "blockquote", "br",
	"caption", "center", "cite", "code", "col", "colgroup", "dd", "del", "details", "dfn", "div",
	"dl", "dt", "em", "figcaption", "figure", "font", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
	"header", "hr", "i", "img", "ins", "kbd", "li", "main", "mark", "nav", "ol", "p", "pre", "q",
	"s", "samp", "section", "small", "span", "strike", "strong", "sub", "summary", "sup", "table",
	"tbody", "td", "tfoot", "th", "thead", "time", "tr", "tt", "u", "ul", "var", "wbr",
}

// mailStyles are the CSS properties kept in style attributes; each value
// is checked by bluemonday's handler for that property. None takes a URL.
var mailStyles = []string{
	"color", "background-color", "font", "font-family", "font-size", "font-style", "font-weight",
	"text-align", "text-decoration", "text-transform", "vertical-align", "line-height", "white-space",
	"display", "width", "max-width", "min-width", "height", "margin", "margin-top", "margin-right",
	"margin-bottom", "margin-left", "padding", "padding-top", "padding-right", "padding-bottom",
	"padding-left", "border", "border-top", "border-right", "border-bottom", "border-left",
	"border-collapse", "border-color", "border-style", "border-width",
}

func newMailPolicy(remoteImages, plainStyles bool) *bluemonday.Policy {
	imageSrc := inlineImageSrc
	if remoteImages {
		imageSrc = anyImageSrc
	}
	p := bluemonday.NewPolicy()
	p.AllowElements(mailElements...)
	// Content that is never text for a reader, or that runs or loads.
	// Void elements (embed, frame) must not be listed: with no end tag, the
	// rest of the document would be skipped.
	p.SkipElementsContent("head", "script", "style", "title", "template", "svg", "math", "audio", "video",
		"object", "applet", "iframe", "frameset", "noscript", "textarea", "select",
		"xmp", "plaintext", "noembed", "noframes", "portal", "canvas")
	p.AllowElementsContent("frame") // bluemonday skips it by default
	p.AllowStandardAttributes()     // dir, lang, id, title (values checked)
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("src").Matching(imageSrc).OnElements("img")
	p.AllowAttrs("alt", "width", "height", "border", "align", "hspace", "vspace").OnElements("img")
	p.AllowAttrs("align").Matching(regexp.MustCompile(`(?i)^(left|right|center|justify|top|middle|bottom)$`)).Globally()
	p.AllowAttrs("valign").Matching(regexp.MustCompile(`(?i)^(top|middle|bottom|baseline)$`)).OnElements("td", "th", "tr", "tbody", "thead", "tfoot", "col", "colgroup")
	p.AllowAttrs("width", "height", "bgcolor", "nowrap").OnElements("table", "td", "th", "tr", "col", "colgroup")
	p.AllowAttrs("border", "cellpadding", "cellspacing").Matching(bluemonday.Integer).OnElements("table")
	p.AllowAttrs("colspan", "rowspan").Matching(bluemonday.Integer).OnElements("td", "th")
	p.AllowAttrs("start", "reversed").OnElements("ol")
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^(1|a|A|i|I|disc|circle|square)$`)).OnElements("ol", "ul", "li")
	p.AllowAttrs("value").Matching(bluemonday.Integer).OnElements("li")
	p.AllowAttrs("color", "face", "size").OnElements("font")
	p.AllowAttrs("datetime").OnElements("time")
	p.AllowAttrs("open").OnElements("details")
	if plainStyles {
		p.AllowAttrs("style").Matching(plainStyle).Globally()
	} else {
		p.AllowStyles(mailStyles...).Globally()
	}
	p.AllowURLSchemes("http", "https", "mailto", "cid")
	p.AllowDataURIImages() // data: only as base64 images; also requires parseable URLs
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(false)
	p.RequireNoReferrerOnLinks(true)
	return p
}
