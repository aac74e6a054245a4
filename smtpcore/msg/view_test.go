package msg

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReadView(t *testing.T) {
	tests := []struct {
		file          string
		wantErr       string // "" = no error
		wantFrom      string
		wantSubject   string
		wantText      string // substring
		wantHTML      bool
		wantAttach    []string // file names of attachments
		wantParts     int
		wantNotInText string
	}{
		{file: "plain.eml", wantFrom: "Jörg <j@example.org>", wantSubject: "Grüße from the folded line", wantText: "Hello Wörld,\na soft break.\n", wantParts: 1},
		{file: "alternative.eml", wantSubject: "alt", wantText: "plain version", wantHTML: true, wantParts: 3},
		{file: "htmlonly.eml", wantSubject: "html only", wantText: "Title\n\nCafé site <https://example.org/x>\n\n• one\n• two", wantHTML: true, wantParts: 1, wantNotInText: "alert"},
		{file: "attachments.eml", wantText: "see attached", wantAttach: []string{"Straße ✓.pdf", "passwd"}, wantParts: 4},
		{file: "broken-boundary.eml", wantErr: "broken multipart", wantText: "the text is still here", wantParts: 1},
		{file: "bad-base64.eml", wantErr: "not base64", wantText: "hello world", wantAttach: []string{"t.bin"}, wantParts: 3},
		{file: "wrong-charset.eml", wantErr: "not valid UTF-8", wantText: "café crème"},
		{file: "unknown-charset.eml", wantErr: "x-no-such-charset", wantText: "plain ascii text"},
		{file: "deep-nesting.eml", wantErr: "nested deeper than 32", wantParts: 33, wantAttach: []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			v, err := ReadView(bytes.NewReader(readTestdata(t, tt.file)), ReadLimits{})
			if v == nil {
				t.Fatalf("ReadView(%s) returned a nil View", tt.file)
			}
			if (err == nil) != (tt.wantErr == "") || err != nil && !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ReadView(%s) error = %v, want %q", tt.file, err, tt.wantErr)
			}
			if tt.wantFrom != "" && v.From != tt.wantFrom {
				t.Errorf("ReadView(%s).From = %q, want %q", tt.file, v.From, tt.wantFrom)
			}
			if tt.wantSubject != "" && v.Subject != tt.wantSubject {
				t.Errorf("ReadView(%s).Subject = %q, want %q", tt.file, v.Subject, tt.wantSubject)
			}
			if !strings.Contains(v.Text, tt.wantText) || tt.wantNotInText != "" && strings.Contains(v.Text, tt.wantNotInText) {
				t.Errorf("ReadView(%s).Text = %q, want it to contain %q (and not %q)", tt.file, v.Text, tt.wantText, tt.wantNotInText)
			}
			if (v.HTML != "") != tt.wantHTML {
				t.Errorf("ReadView(%s).HTML = %q, want present %v", tt.file, v.HTML, tt.wantHTML)
			}
			var names []string
			for _, a := range v.Attachments {
				names = append(names, a.Filename)
			}
			if strings.Join(names, "|") != strings.Join(tt.wantAttach, "|") {
				t.Errorf("ReadView(%s) attachments = %q, want %q", tt.file, names, tt.wantAttach)
			}
			if tt.wantParts != 0 && len(v.Parts) != tt.wantParts {
				t.Errorf("ReadView(%s) has %d parts, want %d", tt.file, len(v.Parts), tt.wantParts)
			}
		})
	}
}

func TestReadViewHeader(t *testing.T) {
	v, err := ReadView(bytes.NewReader(readTestdata(t, "plain.eml")), ReadLimits{})
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2006, 1, 2, 15, 4, 5, 0, time.FixedZone("", -7*3600))
	if !v.Date.Equal(want) || v.MessageID != "<plain-1@example.org>" || v.To != "you@example.net, Doe, Jane <jane@example.net>" {
		t.Errorf("Date %v, MessageID %q, To %q", v.Date, v.MessageID, v.To)
	}
	if len(v.Header) != 7 || v.Header[2] != [2]string{"Subject", "Grüße from the folded line"} {
		t.Errorf("Header = %q", v.Header)
	}
}

func TestReadViewLimits(t *testing.T) {
	var b strings.Builder
	b.WriteString("Subject: many\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n")
	for range 50 {
		b.WriteString("--b\r\nContent-Type: application/octet-stream\r\n\r\nx\r\n")
	}
	b.WriteString("--b--\r\n")
	v, err := ReadView(strings.NewReader(b.String()), ReadLimits{MaxParts: 10})
	if err == nil || !strings.Contains(err.Error(), "more than 10 MIME parts") || len(v.Parts) != 10 {
		t.Errorf("ReadView with MaxParts 10: %d parts, error %v", len(v.Parts), err)
	}
	big := "Subject: big\r\n\r\n" + strings.Repeat("y", 5000)
	v, _ = ReadView(strings.NewReader(big), ReadLimits{MaxTextBytes: 100})
	if len(v.Text) != 100 || !v.TextTruncated || v.Parts[0].Size != 5000 {
		t.Errorf("ReadView with MaxTextBytes 100: text %d octets, truncated %v, size %d", len(v.Text), v.TextTruncated, v.Parts[0].Size)
	}
	huge := "Subject: x\r\nX-Long: " + strings.Repeat("z", 3000) + "\r\nX-After: 1\r\n\r\nbody\r\n"
	v, err = ReadView(strings.NewReader(huge), ReadLimits{MaxHeaderBytes: 1000})
	if err == nil || !strings.Contains(err.Error(), "header section larger") || v.Text != "body\n" || v.Subject != "x" {
		t.Errorf("ReadView with MaxHeaderBytes 1000: subject %q text %q error %v", v.Subject, v.Text, err)
	}
}

// TestReadViewOwnMessage reads what Build writes: the composer and the
// reader agree.
func TestReadViewOwnMessage(t *testing.T) {
	d := sampleDraft(t)
	_, raw := build(t, d, BuildOptions{})
	v, err := ReadView(bytes.NewReader(raw), ReadLimits{})
	if err != nil {
		t.Fatalf("ReadView of a built message: %v", err)
	}
	if v.Subject != d.Subject || v.Text != strings.ReplaceAll(d.Text, "\r\n", "\n")+"\n" || v.HTML != d.HTML+"\n" {
		t.Errorf("read back subject %q text %.40q html %q", v.Subject, v.Text, v.HTML)
	}
	if len(v.Attachments) != 1 || v.Attachments[0].Filename != d.Attachments[0].Name || v.Attachments[0].Size != 5000 {
		t.Fatalf("attachments = %+v", v.Attachments)
	}
	var got bytes.Buffer
	if err := ExtractPart(bytes.NewReader(raw), v.Attachments[0].Path, &got); err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile(d.Attachments[0].Path)
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("ExtractPart(%q) gave %d octets, want the %d of the file", v.Attachments[0].Path, got.Len(), len(want))
	}
}

func TestExtractPart(t *testing.T) {
	raw := readTestdata(t, "attachments.eml")
	tests := []struct {
		path    string
		want    []byte
		wantErr string
	}{
		{path: "1", want: []byte("see attached")},
		{path: "2", want: bytes.Repeat(func() []byte {
			b := make([]byte, 256)
			for i := range b {
				b[i] = byte(i)
			}
			return b
		}(), 4)},
		{path: "3", want: []byte("hello")},
		{path: "4", wantErr: "no MIME part"},
		{path: "", wantErr: "container"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			var b bytes.Buffer
			err := ExtractPart(bytes.NewReader(raw), tt.path, &b)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ExtractPart(%q) error = %v, want %q", tt.path, err, tt.wantErr)
				}
				return
			}
			if err != nil || !bytes.Equal(b.Bytes(), tt.want) {
				t.Fatalf("ExtractPart(%q) = %q (err %v), want %q", tt.path, b.Bytes(), err, tt.want)
			}
		})
	}
	var b bytes.Buffer
	err := ExtractPart(bytes.NewReader(readTestdata(t, "bad-base64.eml")), "2", &b)
	if err == nil || b.String() != "hel" {
		t.Errorf("ExtractPart of truncated base64 = %q, %v; want \"hel\" and an error", b.String(), err)
	}
}

// FuzzReadView: no input makes ReadView panic or return nil, and the text
// it returns is valid UTF-8.
func FuzzReadView(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.eml"))
	for _, file := range files {
		f.Add(readTestdata(f, filepath.Base(file)))
	}
	f.Add([]byte("Content-Type: multipart/mixed; boundary=\"\"\r\n\r\n--\r\n"))
	f.Add([]byte("Content-Transfer-Encoding: base64\r\n\r\n===="))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, _ := ReadView(bytes.NewReader(data), ReadLimits{MaxDepth: 8, MaxParts: 50, MaxTextBytes: 1 << 16})
		if v == nil {
			t.Fatal("ReadView returned nil")
		}
		if !utf8Valid(v.Text) || !utf8Valid(v.Subject) || !utf8Valid(v.From) {
			t.Fatalf("ReadView returned invalid UTF-8: %q %q %q", v.Text, v.Subject, v.From)
		}
		for _, p := range v.Parts {
			if strings.ContainsAny(p.Filename, "/\\\x00") {
				t.Fatalf("unclean file name %q", p.Filename)
			}
			_ = ExtractPart(bytes.NewReader(data), p.Path, &bytes.Buffer{})
		}
		_ = SanitizeHTML(v.HTML)
	})
}
