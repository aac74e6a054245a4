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
