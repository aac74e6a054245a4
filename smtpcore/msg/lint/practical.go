package lint

import (
	"bytes"
	"regexp"
	"strings"

	"golang.org/x/net/html"
)

// checkPractical applies the rules about what real clients do with a message.
func (c *checker) checkPractical() {
	if c.hasHTML && !c.hasText {
		c.add("practical.html-without-text", Where{},
			"an HTML body with no text/plain alternative: text-only clients and many spam filters see little or nothing", nil)
	}
}

// remoteURL matches a URL that makes a client fetch something from the
// network: http, https or protocol-relative.
var remoteURL = regexp.MustCompile(`(?i)^\s*(https?:)?//`)

// cssRemote matches url(...) or @import of a remote resource in CSS.
var cssRemote = regexp.MustCompile(`(?i)(url\(\s*['"]?\s*(https?:)?//|@import\s+['"](https?:)?//)`)

// loadingAttrs are the attributes whose URL a renderer fetches by itself
// (links in href are only fetched when clicked, except on <link>).
var loadingAttrs = map[string]bool{"src": true, "background": true, "poster": true, "srcset": true, "data": true}

// checkHTML looks for script (no mail client runs it; a message that needs
// it is broken, one that carries it looks malicious) and for remote content
// (blocked by most clients, a tracking beacon when not).
func (c *checker) checkHTML(e *entity, path, src string) {
	z := html.NewTokenizer(strings.NewReader(src))
	script, remote := "", ""
	inStyle := false
	for script == "" || remote == "" {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		t := z.Token()
		switch tt {
		case html.TextToken:
			if inStyle && remote == "" && cssRemote.MatchString(t.Data) {
				remote = t.Data
			}
			continue
		case html.EndTagToken:
			inStyle = false
			continue
		case html.StartTagToken, html.SelfClosingTagToken:
		default:
			continue
		}
		inStyle = t.Data == "style"
		if t.Data == "script" && script == "" {
			script = "<script>"
		}
		for _, a := range t.Attr {
			k := strings.ToLower(a.Key)
			switch {
			case strings.HasPrefix(k, "on") && script == "":
				script = k + "=" + a.Val
			case (k == "href" || k == "src") && strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:") && script == "":
				script = k + "=" + a.Val
			case remote == "" && (loadingAttrs[k] || k == "href" && t.Data == "link") && remoteURL.MatchString(a.Val):
				remote = "<" + t.Data + " " + k + "=" + a.Val + ">"
			case remote == "" && k == "style" && cssRemote.MatchString(a.Val):
				remote = k + "=" + a.Val
			}
		}
	}
	if script != "" {
		c.add("practical.html-script", Where{Part: path, Line: c.findLine(e, script)}, "the HTML holds script or event handlers", []byte(script))
	}
	if remote != "" {
		c.add("practical.html-remote-content", Where{Part: path, Line: c.findLine(e, remote)}, "the HTML loads content from the network when shown", []byte(remote))
	}
}

// findLine returns the 1-based line of the part's body that holds the start
// of what (up to its first "=" or space, compared case-insensitively), or
// the body's first line when the transfer encoding hides it.
func (c *checker) findLine(e *entity, what string) int {
	key := strings.ToLower(strings.TrimPrefix(what, "<"))
	if i := strings.IndexAny(key, "= >"); i > 0 {
		key = key[:i]
	}
	for i := e.bodyFrom; i < e.bodyTo && key != ""; i++ {
		if bytes.Contains(bytes.ToLower(c.lineBytes(i)), []byte(key)) {
			return i + 1
		}
	}
	return min(e.bodyFrom+1, len(c.lines))
}
