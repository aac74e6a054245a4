package msg

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func utf8Valid(s string) bool { return utf8.ValidString(s) }

func TestHTMLToText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<p>One</p><p>Two</p>", "One\n\nTwo"},
		{"a<br>b<br/>c", "a\nb\nc"},
		{"<ul><li>x</li><li>y<ol><li>n</li><li>m</li></ol></li></ul>", "• x\n• y\n  1. n\n  2. m"},
		{`see <a href="https://e.org/a?b=1&amp;c=2">the site</a>.`, "see the site <https://e.org/a?b=1&c=2>."},
		{`<a href="https://e.org">https://e.org</a>`, "https://e.org"},
		{`<a href="javascript:alert(1)">x</a>`, "x"},
		{"<script>alert(1)</script><style>p{color:red}</style><head><title>T</title></head>Body", "Body"},
		{"<pre>  keep\n    this</pre>", "keep\n    this"},
		{"Fish &amp; chips&nbsp;&lt;3", "Fish & chips <3"},
		{`<img src="cid:x" alt="logo"> hi`, "[logo] hi"},
		{"<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc"},
		{"<h1>Head</h1>text", "Head\n\ntext"},
		{"<<<>>>&&&", "<<<>>>&&&"},
	}
	for _, tt := range tests {
		if got := HTMLToText(tt.in); got != tt.want {
			t.Errorf("HTMLToText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSanitizeHTML(t *testing.T) {
	tests := []struct {
		name, in string
		mustNot  []string
		must     []string
	}{
		{"script", `<p>hi</p><script>alert(1)</script><SCRIPT src=x></SCRIPT>`, []string{"script", "alert"}, []string{"<p>hi</p>"}},
		{"onerror", `<img src="cid:a" onerror="alert(1)" ONLOAD=x>`, []string{"onerror", "onload", "alert"}, []string{`<img src="cid:a">`}},
		{"remote img", `<img src="https://tracker.example/p.gif"><img src="//x.example/a"><img src=a.png>`, []string{"tracker", "x.example", "a.png"}, []string{"<img>"}},
		{"data img kept", `<img src="data:image/png;base64,AAAA">`, nil, []string{`src="data:image/png;base64,AAAA"`}},
		{"svg data refused", `<img src="data:image/svg+xml,<svg onload=alert(1)>">`, []string{"svg+xml"}, nil},
		{"css url", `<div style="background:url(http://e.example/x.png)">a</div><p style="color: red">b</p>`, []string{"e.example", "url("}, []string{`<p style="color: red">b</p>`}},
		{"css url cid kept", `<div style="background:url('cid:bg')">a</div>`, nil, []string{`url(&#39;cid:bg&#39;)`}},
		{"css escape", `<div style="background:u\72l(http://e.example)">a</div>`, []string{"e.example"}, nil},
		{"background attr", `<table background="http://e.example/b.png"><td>x</td></table>`, []string{"e.example"}, []string{"<table>"}},
		{"srcset", `<img srcset="http://e.example/a 1x">`, []string{"e.example"}, nil},
		{"javascript link", `<a href=" jav&#x09;ascript:alert(1)">x</a><a href="https://ok.example/">y</a>`, []string{"alert", "javascript"}, []string{`<a href="https://ok.example/">y</a>`}},
		{"iframe object embed form", `<iframe src="https://e.example"></iframe><object data=x><p>in</p></object><embed src=x><form action="https://e.example/f"><input name=q>text</form>`, []string{"iframe", "object", "embed", "form", "input", "e.example", "in</p>"}, []string{"text"}},
		{"meta refresh and base", `<meta http-equiv="refresh" content="0;url=https://e.example"><base href="https://e.example/">`, []string{"refresh", "e.example", "<base"}, nil},
		{"link stylesheet", `<link rel=stylesheet href="https://e.example/s.css">`, []string{"e.example"}, nil},
		{"style element", `<style>@import url(https://e.example/s.css); body{}</style>ok`, []string{"e.example", "@import"}, []string{"ok"}},
		{"comment", `<!--[if IE]><script>x</script><![endif]-->ok`, []string{"script", "[if"}, []string{"ok"}},
		{"text escaped", `a &lt;script&gt; b`, []string{"<script"}, []string{"a &lt;script&gt; b"}},
		{"attribute quoting", `<p title='"><script>x</script>'>t</p>`, []string{"<script"}, []string{"&#34;&gt;&lt;script&gt;"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SanitizeHTML(tt.in)
			if !strings.HasPrefix(got, "<!DOCTYPE html>\n<meta charset=\"utf-8\">\n"+CSPMeta) {
				t.Fatalf("SanitizeHTML(%q) does not start with the CSP meta tag: %q", tt.in, got)
			}
			body := strings.TrimPrefix(got, "<!DOCTYPE html>\n<meta charset=\"utf-8\">\n"+CSPMeta+"\n")
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
		})
	}
	if !strings.Contains(CSPMeta, "default-src 'none'; img-src data: cid:; style-src 'unsafe-inline'") {
		t.Errorf("CSPMeta = %q", CSPMeta)
	}
}

func TestCleanFilename(t *testing.T) {
	tests := []struct{ in, want string }{
		{"report.pdf", "report.pdf"},
		{"../../etc/passwd", "passwd"},
		{`..\..\Windows\system32\evil.dll`, "evil.dll"},
		{"/abs/path/file.txt", "file.txt"},
		{"..", "attachment"},
		{"", "attachment"},
		{"...", "attachment"},
		{".bashrc", "bashrc"},
		{"a\x00b\r\nc.txt", "abc.txt"},
		{"inv\u202eoice.pdf", "invoice.pdf"},
		{`a<b>c:d"e|f?g*h.txt`, "a_b_c_d_e_f_g_h.txt"},
		{"CON", "_CON"},
		{"nul.txt", "_nul.txt"},
		{"trailing. . ", "trailing"},
		{"Straße ✓.pdf", "Straße ✓.pdf"},
		{strings.Repeat("ü", 200) + ".pdf", strings.Repeat("ü", 98) + ".pdf"},
		{"bad\xffutf8.txt", "bad_utf8.txt"},
	}
	for _, tt := range tests {
		got := CleanFilename(tt.in)
		if got != tt.want {
			t.Errorf("CleanFilename(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if len(got) > maxFilename || !utf8.ValidString(got) || strings.ContainsAny(got, "/\\") {
			t.Errorf("CleanFilename(%q) = %q is not safe", tt.in, got)
		}
	}
}
