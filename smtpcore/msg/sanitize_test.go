package msg

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// sanitizeCases are the table for TestSanitizeHTML and the seeds of
// FuzzSanitize.
var sanitizeCases = []struct {
	name, in string
	mustNot  []string
	must     []string
}{
	{"script", `<p>hi</p><script>alert(1)</script><SCRIPT src=x></SCRIPT>`, []string{"script", "alert"}, []string{"<p>hi</p>"}},
	{"onerror", `<img src="cid:a" onerror="alert(1)" ONLOAD=x>`, []string{"onerror", "onload", "alert"}, []string{`<img src="cid:a">`}},
	{"remote img", `<img src="https://tracker.example/p.gif" alt="t"><img src="//x.example/a"><img src=a.png>`, []string{"tracker", "x.example", "a.png"}, []string{`<img alt="t">`}},
	{"data img kept", `<img src="data:image/png;base64,AAAA">`, nil, []string{`src="data:image/png;base64,AAAA"`}},
	{"svg data refused", `<img src="data:image/svg+xml;base64,PHN2Zz4=">`, []string{"svg+xml"}, nil},
	{"css url", `<div style="background:url(http://e.example/x.png)">a</div><p style="color: red">b</p>`, []string{"e.example", "url("}, []string{`<p style="color: red">b</p>`}},
	{"css url cid", `<div style="background-image:url('cid:bg'); color: blue">a</div>`, []string{"url("}, []string{`color: blue`}},
	{"css escape", `<div style="background:u\72l(http://e.example)">a</div>`, []string{"e.example"}, nil},
	{"css expression", `<div style="width: expression(alert(1))">a</div>`, []string{"expression", "alert"}, []string{"a</div>"}},
	{"background attr", `<table background="http://e.example/b.png"><tr><td>x</td></tr></table>`, []string{"e.example"}, []string{"<table>"}},
	{"srcset", `<img srcset="http://e.example/a 1x" src="cid:z">`, []string{"e.example", "srcset"}, nil},
	{"javascript link", `<a href=" jav&#x09;ascript:alert(1)">x</a><a href="https://ok.example/">y</a>`, []string{"alert", "javascript"}, []string{`<a href="https://ok.example/" rel="noreferrer">y</a>`}},
	{"vbscript and data links", `<a href="vbscript:x">v</a><a href="data:text/html;base64,PHNjcmlwdD4=">d</a>`, []string{"vbscript", "text/html"}, nil},
	{"iframe object embed form", `<iframe src="https://e.example"></iframe><object data=x><p>in</p></object><embed src=x><form action="https://e.example/f"><input name=q>text</form>`, []string{"iframe", "object", "embed", "form", "input", "e.example", "in</p>"}, []string{"text"}},
	{"meta refresh and base", `<meta http-equiv="refresh" content="0;url=https://e.example"><base href="https://e.example/">`, []string{"refresh", "e.example", "<base"}, nil},
	{"link stylesheet", `<link rel=stylesheet href="https://e.example/s.css">`, []string{"e.example"}, nil},
	{"style element", `<style>@import url(https://e.example/s.css); body{}</style>ok`, []string{"e.example", "@import"}, []string{"ok"}},
	{"comment", `<!--[if IE]><script>x</script><![endif]-->ok`, []string{"script", "[if"}, []string{"ok"}},
	{"text escaped", `a &lt;script&gt; b`, []string{"<script"}, []string{"a &lt;script&gt; b"}},
	{"attribute quoting", `<p title='"><script>x</script>'>t</p>`, []string{"<script"}, []string{">t</p>"}},
	{"unknown element unwrapped", `<blink>on</blink><marquee onstart=x>m</marquee>`, []string{"blink", "marquee", "onstart"}, []string{"on", "m"}},
	{"unknown attribute", `<p data-x="1" foo="bar" class="c">t</p>`, []string{"foo", "data-x"}, []string{">t</p>"}},
	{"svg and math", `<svg><script>alert(1)</script><image href="http://e.example/"/></svg><math><mi>x</mi></math>ok`, []string{"svg", "alert", "e.example", "math"}, []string{"ok"}},
	{"head and title", `<html><head><title>T</title><meta charset=utf-8></head><body><h1>H</h1></body></html>`, []string{"<title", "T<"}, []string{"<h1>H</h1>"}},
	{"layout kept", `<table width="600" cellpadding="0"><tr><td align="center" bgcolor="#fff" colspan="2">x</td></tr></table>`, nil, []string{`<table width="600" cellpadding="0">`, `<td align="center" bgcolor="#fff" colspan="2">`}},
	{"lists kept", `<ol start="3"><li>a</li></ol><ul><li>b</li></ul>`, nil, []string{`<ol start="3"><li>a</li></ol>`, "<ul><li>b</li></ul>"}},
	{"mailto and cid links", `<a href="mailto:a@b.example">m</a><a href="cid:part1">c</a>`, nil, []string{`href="mailto:a@b.example"`, `href="cid:part1"`}},
	{"embed is void", `<p>a<embed src=x>after</p>`, []string{"embed"}, []string{"after"}},
}

func TestSanitizeHTML(t *testing.T) {
	prefix := "<!DOCTYPE html>\n<meta charset=\"utf-8\">\n" + CSPMeta + "\n"
	for _, tt := range sanitizeCases {
		t.Run(tt.name, func(t *testing.T) {
			got := SanitizeHTML(tt.in)
			if !strings.HasPrefix(got, prefix) {
				t.Fatalf("SanitizeHTML(%q) does not start with the CSP meta tag: %q", tt.in, got)
			}
			body := strings.TrimPrefix(got, prefix)
			for _, bad := range tt.mustNot {
				if strings.Contains(strings.ToLower(body), strings.ToLower(bad)) {
					t.Errorf("SanitizeHTML(%q) = %q, still contains %q", tt.in, body, bad)
				}
			}
			for _, good := range tt.must {
				if !strings.Contains(body, good) {
					t.Errorf("SanitizeHTML(%q) = %q, want it to contain %q", tt.in, body, good)
				}
			}
			if problem := sanitizeProblem(body, false); problem != "" {
				t.Errorf("SanitizeHTML(%q) = %q: %s", tt.in, body, problem)
			}
		})
	}
	if !strings.Contains(CSPMeta, "default-src 'none'; img-src data: cid:; style-src 'unsafe-inline'") {
		t.Errorf("CSPMeta = %q", CSPMeta)
	}
}

func TestSanitizeHTMLBodyRemoteImages(t *testing.T) {
	in := `<img src="https://img.example/a.png" alt="a"><img src="http://img.example/b.png">` +
		`<img src="//img.example/c.png"><img src="ftp://img.example/d.png"><img src="cid:x">` +
		`<div style="background:url(https://img.example/bg.png)">t</div><table background="https://img.example/t.png"><tr><td>c</td></tr></table>`
	tests := []struct {
		o             SanitizeOptions
		must, mustNot []string
	}{
		{SanitizeOptions{}, []string{`<img alt="a">`, `<img src="cid:x">`}, []string{"img.example"}},
		{SanitizeOptions{RemoteImages: true},
			[]string{`<img src="https://img.example/a.png" alt="a">`, `<img src="http://img.example/b.png">`, `<img src="cid:x">`},
			[]string{"c.png", "d.png", "bg.png", "t.png", "url("}},
	}
	for _, tt := range tests {
		got := SanitizeHTMLBody(in, tt.o)
		for _, m := range tt.must {
			if !strings.Contains(got, m) {
				t.Errorf("SanitizeHTMLBody(%+v) = %q, want it to contain %q", tt.o, got, m)
			}
		}
		for _, m := range tt.mustNot {
			if strings.Contains(got, m) {
				t.Errorf("SanitizeHTMLBody(%+v) = %q, still contains %q", tt.o, got, m)
			}
		}
		if problem := sanitizeProblem(got, tt.o.RemoteImages); problem != "" {
			t.Errorf("SanitizeHTMLBody(%+v) = %q: %s", tt.o, got, problem)
		}
	}
}

func TestSanitizeHTMLBodyPlainStyles(t *testing.T) {
	tests := []struct{ in, want string }{
		{`<p style="display: none; font-weight: bold">x</p>`, `<p style="display: none; font-weight: bold">x</p>`},
		{`<p style="color: rgb(1,2,3)">x</p>`, `<p>x</p>`},
		{`<p style="background:url(https://e.example/x)">x</p>`, `<p>x</p>`},
		{`<p style="background:u\72l(https://e.example/x)">x</p>`, `<p>x</p>`},
		{`<p style="x:&quot;&#40;">x</p>`, `<p>x</p>`},
	}
	for _, tt := range tests {
		if got := SanitizeHTMLBody(tt.in, SanitizeOptions{PlainStyles: true}); got != tt.want {
			t.Errorf("SanitizeHTMLBody(%q, PlainStyles) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzSanitize: whatever the input, the sanitised HTML, parsed as a browser
// would, has no script-capable element, no on* handler, no javascript: (or
// other non-allowlisted) URL and nothing that fetches from the network —
// except <img src=http(s)> when RemoteImages is asked for.
func FuzzSanitize(f *testing.F) {
	for _, tt := range sanitizeCases {
		f.Add(tt.in, false, false)
		f.Add(tt.in, true, true)
	}
	f.Add(`<img src="https://e.example/a.png"><a href="https://e.example/">l</a>`, true, false)
	f.Fuzz(func(t *testing.T, in string, remote, plain bool) {
		o := SanitizeOptions{RemoteImages: remote, PlainStyles: plain}
		out := SanitizeHTMLBody(in, o)
		if problem := sanitizeProblem(out, remote); problem != "" {
			t.Fatalf("SanitizeHTMLBody(%q, %+v) = %q: %s", in, o, out, problem)
		}
		if page := SanitizeHTML(in); !strings.Contains(page, CSPMeta) {
			t.Fatalf("SanitizeHTML(%q) lost its CSP: %q", in, page)
		}
	})
}

// sanitizeProblem parses out as a browser would and returns what should
// not have survived sanitising, or "".
func sanitizeProblem(out string, remoteImages bool) string {
	doc, err := html.Parse(strings.NewReader(out))
	if err != nil {
		return "does not parse: " + err.Error()
	}
	var problem string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if problem != "" {
			return
		}
		if n.Type == html.ElementNode {
			if p := sanitizeElementProblem(n, remoteImages); p != "" {
				problem = p
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return problem
}

// sanitizeDangerous are elements that run, embed or load content.
var sanitizeDangerous = map[string]bool{
	"script": true, "style": true, "iframe": true, "object": true, "embed": true, "applet": true,
	"frame": true, "frameset": true, "svg": true, "math": true, "audio": true, "video": true,
	"source": true, "base": true, "meta": true, "link": true, "form": true, "input": true,
	"button": true, "textarea": true, "select": true, "template": true, "portal": true,
}

func sanitizeElementProblem(n *html.Node, remoteImages bool) string {
	if sanitizeDangerous[n.Data] {
		return "element <" + n.Data + "> survived"
	}
	for _, a := range n.Attr {
		key, val := strings.ToLower(a.Key), urlScheme(a.Val)
		switch {
		case strings.HasPrefix(key, "on"):
			return "event handler " + a.Key + " survived"
		case strings.Contains(val, "javascript:") || strings.Contains(val, "vbscript:"):
			return "script URL in " + a.Key + " survived"
		case key == "srcset" || key == "background" || key == "poster" || key == "action" || key == "formaction":
			return "attribute " + a.Key + " survived"
		case key == "style" && strings.Contains(val, "url("):
			return "CSS url() survived"
		case key == "src":
			remote := strings.HasPrefix(val, "http:") || strings.HasPrefix(val, "https:") // the renderer fetches only with a host
			if !(n.Data == "img" && (inlineImage(val) || remote && remoteImages)) {
				return "src " + a.Val + " on <" + n.Data + "> survived"
			}
		case key == "href":
			if n.Data != "a" || !sanitizeLinkOK(val) {
				return "href " + a.Val + " on <" + n.Data + "> survived"
			}
		}
	}
	return ""
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

func inlineImage(u string) bool {
	return strings.HasPrefix(u, "cid:") || strings.HasPrefix(u, "data:image/") && !strings.HasPrefix(u, "data:image/svg")
}

func sanitizeLinkOK(u string) bool {
	for _, p := range []string{"http:", "https:", "mailto:", "cid:", "data:image/"} {
		if strings.HasPrefix(u, p) {
			return !strings.HasPrefix(u, "data:image/svg")
		}
	}
	return false
}
