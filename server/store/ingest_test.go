package store

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"letterbox/smtpcore/msg"
)

// ingestCases are messages whose index summary is checked both ways the
// store reads mail: streamed through a Delivery and re-read at a rebuild.
var ingestCases = []struct {
	name    string
	msg     string
	want    Summary // the fields compared: From, To, Subject, HasAttachments, Attachments, Snippet
	snippet string
}{
	{"plain", "Subject: x\r\n\r\nHello  world\r\n", Summary{Subject: "x"}, "Hello world"},
	{"no body", "Subject: x\r\n", Summary{Subject: "x"}, ""},
	{"qp latin1", "Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nGr=FC=DFe, soft=\r\nbreak\r\n", Summary{}, "Grüße, softbreak"},
	{"base64", "Content-Transfer-Encoding: base64\r\n\r\nSGVsbG8gZnJv\r\nbSBiYXNlNjQ=\r\n", Summary{}, "Hello from base64"},
	{"pdf alone", "Content-Type: application/pdf\r\n\r\nJVBERi0=\r\n", Summary{HasAttachments: true, Attachments: []string{""}}, ""},
	{"mixed with attachment", "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\npreamble\r\n--b1\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--b1\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"a.bin\"\r\n\r\nAAAA\r\n--b1--\r\n",
		Summary{HasAttachments: true, Attachments: []string{"a.bin"}}, "see attached"},
	{"html only", "Content-Type: text/html\r\n\r\n<html><style>p{}</style><p>Hi &amp; bye</p></html>\r\n", Summary{}, "Hi & bye"},
	{"inline image", "Content-Type: multipart/related; boundary=r\r\n\r\n--r\r\nContent-Type: text/html\r\n\r\n<p>see <img src=cid:x></p>\r\n--r\r\nContent-Type: image/png\r\nContent-Disposition: inline\r\nContent-ID: <x>\r\n\r\niVBO\r\n--r--\r\n",
		Summary{Attachments: []string{""}}, "see"},
	{"bare LF", "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nlf body\n--b\nContent-Disposition: attachment; filename=f\n\nx\n--b--\n", Summary{HasAttachments: true, Attachments: []string{"f"}}, "lf body"},
	// The bug of issue 10: the store's own decoder knew three charsets,
	// so this Subject showed as U+FFFD in the Inbox list (this case failed
	// before the store used smtpcore/msg).
	{"euc-kr subject", "From: =?euc-kr?B?yKux5rW/?= <hong@example.kr>\r\nTo: a@x.test\r\nSubject: =?euc-kr?B?x9Gxub7uIMGmuPE=?=\r\n\r\nx\r\n",
		Summary{From: "홍길동 <hong@example.kr>", To: []string{"a@x.test"}, Subject: "한국어 제목"}, "x"},
	{"encoded words", "From: =?utf-8?b?SsO8cmdlbg==?= <j@x.test>\r\nTo: a@x.test\r\nCc: b@x.test\r\nSubject: =?utf-8?q?caf=C3=A9?= =?utf-8?q?_au_lait?=\r\n\r\n",
		Summary{From: "Jürgen <j@x.test>", To: []string{"a@x.test", "b@x.test"}, Subject: "café au lait"}, ""},
	{"raw 8-bit latin1", "Subject: caf\xe9\r\n\r\n", Summary{Subject: "café"}, ""},
	{"bad address list", "From: <<broken\r\nTo: a@x.test, <<b\r\n\r\n", Summary{From: "<<broken", To: []string{"a@x.test", "<<b"}}, ""},
	{"control chars", "Subject: a\x01b\tc\r\n\r\n", Summary{Subject: "ab c"}, ""},
}

func TestIngestSummaries(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	ids := make([]string, len(ingestCases))
	for i, tc := range ingestCases {
		sum := deliver(t, s, tc.msg, Record{Rcpts: []string{"r@x.test"}})
		ids[i] = sum.ID
		checkIngest(t, "Commit", tc.msg, sum, tc.want, tc.snippet)
	}
	s.Close()
	os.Remove(filepath.Join(dir, indexFile)) // the rebuild reads every file again
	s = openStore(t, dir)
	for i, tc := range ingestCases {
		sum, err := s.Get(ids[i])
		if err != nil {
			t.Fatalf("Get(%s) after a rebuild: %v", ids[i], err)
		}
		checkIngest(t, "rebuild", tc.msg, sum, tc.want, tc.snippet)
	}
}

func checkIngest(t *testing.T, how, msg string, got, want Summary, snippet string) {
	t.Helper()
	g := Summary{From: got.From, To: got.To, Subject: got.Subject, HasAttachments: got.HasAttachments, Attachments: got.Attachments}
	if !reflect.DeepEqual(g, want) {
		t.Errorf("%s of %q: summary %+v, want %+v", how, msg, g, want)
	}
	if got.Snippet != snippet {
		t.Errorf("%s of %q: snippet %q, want %q", how, msg, got.Snippet, snippet)
	}
	for _, f := range append([]string{got.From, got.Subject, got.Snippet}, got.To...) {
		if strings.ContainsAny(f, "\r\n") || !utf8.ValidString(f) {
			t.Errorf("%s of %q: field %q has a line break or bad UTF-8", how, msg, f)
		}
	}
}

// TestBodySearchDecodes finds words in bodies whatever their transfer
// encoding and charset (before issue 10 the search read raw bytes: the
// base64, quoted-printable and KOI8-R cases failed).
func TestBodySearchDecodes(t *testing.T) {
	s := openStore(t, t.TempDir())
	msgs := map[string]string{
		"base64": "Subject: a\r\nContent-Transfer-Encoding: base64\r\n\r\nSGVsbG8gZnJvbSBiYXNlNjQ=\r\n",
		"qp":     "Subject: b\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nGr=FC=DFe aus M=FCn=\r\nchen\r\n",
		"koi8":   "Subject: c\r\nContent-Type: text/plain; charset=koi8-r\r\n\r\n\xf0\xd2\xc9\xd7\xc5\xd4, \xcd\xc9\xd2\r\n",
		"html":   "Subject: d\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>caf&eacute; <b>cr&egrave;me</b></p>\r\n",
		"name":   "Subject: e\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nsee\r\n--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename*=utf-8''%C3%A9t%C3%A9.pdf\r\n\r\nJVBERi0=\r\n--b--\r\n",
	}
	subjects := map[string]string{}
	for k, m := range msgs {
		sum := deliver(t, s, m, Record{Rcpts: []string{"r@x.test"}})
		subjects[k] = sum.Subject
	}
	for _, tc := range []struct{ query, want string }{
		{"from BASE64", "a"}, {"münchen", "b"}, {"GRÜSSE", ""}, {"grüße", "b"}, {"привет, МИР", "c"},
		{"café crème", "d"}, {"<b>", ""}, {"été.pdf", "e"}, {"no such words", ""},
	} {
		items, total, err := s.List(Query{Search: tc.query, SearchBody: true})
		if err != nil {
			t.Fatalf("List(%q) error: %v", tc.query, err)
		}
		var got []string
		for _, it := range items {
			got = append(got, it.Subject)
		}
		want := []string(nil)
		if tc.want != "" {
			want = []string{tc.want}
		}
		if !reflect.DeepEqual(got, want) || total != len(want) {
			t.Errorf("List(Search %q, SearchBody) = %q (total %d), want %q", tc.query, got, total, want)
		}
	}
}

// TestSearchTextIsACache: a delivery keeps its search text; a lost one is
// made again from the message by the next search; a deleted message's text
// is never found.
func TestSearchTextIsACache(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	sum := deliver(t, s, "Subject: x\r\nContent-Transfer-Encoding: base64\r\n\r\nc2VjcmV0IHdvcmQ=\r\n", Record{})
	if got := textIDs(t, filepath.Join(dir, dirText)); !got[sum.ID] {
		t.Fatalf("the delivery kept no search text: %v", got)
	}
	s.Close()
	if err := os.RemoveAll(filepath.Join(dir, dirText)); err != nil {
		t.Fatal(err)
	}
	s = openStore(t, dir)
	if _, total, _ := s.List(Query{Search: "secret word", SearchBody: true}); total != 1 {
		t.Errorf("List(secret word) without a search text found %d, want 1", total)
	}
	if got := textIDs(t, filepath.Join(dir, dirText)); !got[sum.ID] {
		t.Errorf("the search made no search text again: %v", got)
	}
	if err := s.Delete(sum.ID); err != nil {
		t.Fatal(err)
	}
	if _, total, _ := s.List(Query{Search: "secret word", SearchBody: true}); total != 0 {
		t.Errorf("List(secret word) after Delete found %d, want 0", total)
	}
}

func TestAbortEndsTheReader(t *testing.T) {
	s := openStore(t, t.TempDir())
	d, err := s.Create()
	if err != nil {
		t.Fatal(err)
	}
	d.Write([]byte("Subject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"))
	if err := d.Abort(); err != nil { // returns only once the reader has ended
		t.Fatalf("Abort() = %v", err)
	}
}

// FuzzIngest checks that the summary a delivery streams (in chunks of any
// size) is the one msg.Summarize reads from the whole file at a rebuild,
// and that every field is valid UTF-8 on one line.
func FuzzIngest(f *testing.F) {
	for _, tc := range ingestCases {
		f.Add(tc.msg, 3)
	}
	f.Fuzz(func(t *testing.T, m string, chunk int) {
		chunk = max(1, chunk%64+1)
		in := startIngest()
		for b := []byte(m); len(b) > 0; {
			n := min(len(b), chunk)
			in.write(b[:n])
			b = b[n:]
		}
		streamed := summaryOf("ID", int64(len(m)), in.finish())
		whole, _ := msg.Summarize(strings.NewReader(m), readLimits)
		if read := summaryOf("ID", int64(len(m)), whole); !reflect.DeepEqual(streamed, read) {
			t.Errorf("message %q: streamed summary %+v, read %+v", m, streamed, read)
		}
		for _, s := range append(append([]string{streamed.From, streamed.Subject, streamed.Snippet}, streamed.To...), streamed.Attachments...) {
			if strings.ContainsAny(s, "\r\n") || !utf8.ValidString(s) {
				t.Errorf("message %q: field %q has a line break or bad UTF-8", m, s)
			}
		}
	})
}

// TestOpenFoldsGoneSegments: once foldAfter segments have writers that are
// gone, the owner's Open folds the texts of messages still in the store into
// its own segment and removes them (and an earlier format's directory); the
// text of a message another tool removed goes with them.
func TestOpenFoldsGoneSegments(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	gone := deliver(t, s, "Subject: gone\r\n\r\nx\r\n", Record{})
	kept := deliver(t, s, "Subject: kept\r\n\r\nfound here\r\n", Record{})
	s.Close()
	if err := os.RemoveAll(filepath.Join(dir, dirText)); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(dir, dirText), 0o700)
	os.MkdirAll(filepath.Join(dir, "letterbox-meta/text1"), 0o700)
	dead := deadPid(t)
	for i := range foldAfter {
		w := &texts{dir: filepath.Join(dir, dirText), name: fmt.Sprintf("%s%d%s%d.%s", segPrefix, i, tmpMarker, dead, maildirHost())}
		if err := w.add(kept.ID, "found here"); err != nil {
			t.Fatal(err)
		}
		w.add(gone.ID, "x")
		w.close()
	}
	if err := os.Remove(filepath.Join(dir, dirNew, gone.ID)); err != nil { // as mutt would expunge it
		t.Fatal(err)
	}
	openStore(t, dir).Close() // openStore waits for the fold
	segs, _ := (&texts{dir: filepath.Join(dir, dirText)}).segments()
	if len(segs) != 1 {
		t.Errorf("segments after the fold = %q, want one (the owner's)", segs)
	}
	if got := textIDs(t, filepath.Join(dir, dirText)); !got[kept.ID] || got[gone.ID] {
		t.Errorf("texts after the fold = %v, want only %s", got, kept.ID)
	}
	if _, err := os.Stat(filepath.Join(dir, "letterbox-meta/text1")); !os.IsNotExist(err) {
		t.Errorf("the old format's directory is still there: %v", err)
	}
}

// TestSegmentTornTail: a reader takes the whole entries of a segment and
// stops at a torn last one or at one whose checksum fails.
func TestSegmentTornTail(t *testing.T) {
	dir := t.TempDir()
	w := &texts{dir: dir, name: segPrefix + "1" + tmpMarker + "1.h"}
	for _, id := range []string{"a", "b", "c"} {
		if err := w.add(id, "text of "+id); err != nil {
			t.Fatal(err)
		}
	}
	w.close()
	path := filepath.Join(dir, w.name)
	whole, _ := os.ReadFile(path)
	read := func() []string {
		var got []string
		if err := w.scanSegment(w.name, func(string) bool { return true }, func(id string, text []byte) {
			got = append(got, id+"="+string(text))
		}); err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := read(); !reflect.DeepEqual(got, []string{"a=text of a", "b=text of b", "c=text of c"}) {
		t.Errorf("whole segment = %q", got)
	}
	os.WriteFile(path, whole[:len(whole)-3], 0o600)
	if got := read(); !reflect.DeepEqual(got, []string{"a=text of a", "b=text of b"}) {
		t.Errorf("torn last entry: %q, want a and b", got)
	}
	bad := append([]byte(nil), whole...)
	bad[len(bad)/2] ^= 0x20 // inside b's entry
	os.WriteFile(path, bad, 0o600)
	if got := read(); len(got) != 1 || got[0] != "a=text of a" {
		t.Errorf("damaged middle entry: %q, want only a", got)
	}
}

// textIDs returns the ids with a search text in the directory dir.
func textIDs(t *testing.T, dir string) map[string]bool {
	t.Helper()
	got, err := (&texts{dir: dir}).ids()
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// TestOpenFoldsMostlyDeadSegment: one gone writer's segment is folded when
// it is large and most of its texts are of deleted messages, and left alone
// when most are of messages still in the store.
func TestOpenFoldsMostlyDeadSegment(t *testing.T) {
	defer func(b int64) { foldBytes = b }(foldBytes)
	foldBytes = 0
	for _, tc := range []struct {
		name       string
		dead, live int
		folded     bool
	}{
		{"mostly dead", 3, 1, true},
		{"mostly live", 1, 3, false},
	} {
		dir := t.TempDir()
		s := openStore(t, dir)
		var live []string
		for i := range tc.live {
			live = append(live, deliver(t, s, fmt.Sprintf("Subject: %d\r\n\r\nx\r\n", i), Record{}).ID)
		}
		s.Close()
		os.RemoveAll(filepath.Join(dir, dirText))
		os.MkdirAll(filepath.Join(dir, dirText), 0o700)
		name := fmt.Sprintf("%s1%s%d.%s", segPrefix, tmpMarker, deadPid(t), maildirHost())
		w := &texts{dir: filepath.Join(dir, dirText), name: name}
		for _, id := range live {
			w.add(id, "x")
		}
		for i := range tc.dead {
			w.add(fmt.Sprintf("GONE%d", i), "x")
		}
		w.close()
		openStore(t, dir).Close()
		_, err := os.Stat(filepath.Join(dir, dirText, name))
		if folded := os.IsNotExist(err); folded != tc.folded {
			t.Errorf("%s: segment folded = %v, want %v", tc.name, folded, tc.folded)
		}
		if got := textIDs(t, filepath.Join(dir, dirText)); len(got) < len(live) {
			t.Errorf("%s: texts after Open = %v, want every live one of %v", tc.name, got, live)
		}
	}
}

// TestBodySearchFindsTheEndOfALongLetter: a word at the end of 600 KB of
// quoted-printable HTML (the size of a large newsletter's text) is found.
func TestBodySearchFindsTheEndOfALongLetter(t *testing.T) {
	s := openStore(t, t.TempDir())
	body := strings.Repeat("<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit=2E</p>=\r\n", 10000)
	deliver(t, s, "Subject: long\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"+
		body+"<p>The last word is kumquat.</p>\r\n", Record{})
	if _, total, err := s.List(Query{Search: "kumquat", SearchBody: true}); total != 1 || err != nil {
		t.Errorf("List(kumquat) = %d, %v; want the long letter", total, err)
	}
}

// ids returns the ids that have a search text (for the tests).
func (t *texts) ids() (map[string]bool, error) {
	have := map[string]bool{}
	var mu sync.Mutex
	err := t.scan(func(id string) bool {
		mu.Lock()
		have[id] = true
		mu.Unlock()
		return false
	}, nil)
	return have, err
}
