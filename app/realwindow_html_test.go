//go:build realwindow

package app

import (
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"letterbox/server/store"
)

// TestRealHTMLNewsletter opens an HTML newsletter (testdata/html/newsletter.eml)
// on the real driver: its inline cid: logo is drawn from the message, its
// remote banner is blocked and not fetched; a real click on Load remote
// content fetches the banner (from a local server standing in for the
// sender's) and draws it. With REALWINDOW_SHOTS set it saves html-blocked.png
// and html-loaded.png.
func TestRealHTMLNewsletter(t *testing.T) {
	var hits atomic.Int32
	banner := htmlTestPNG(t, 300, 60)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "image/png")
		w.Write(banner)
	}))
	t.Cleanup(srv.Close)
	raw, err := os.ReadFile("testdata/html/newsletter.eml")
	if err != nil {
		t.Fatal(err)
	}
	r := openReal(t, 1100, 900)
	st := uiValue(func() *store.Store { return r.m.store })
	d, err := st.Create()
	if err != nil {
		t.Fatalf("store.Create: %v", err)
	}
	if _, err := d.Write([]byte(strings.ReplaceAll(string(raw), "http://REMOTE", srv.URL))); err != nil {
		t.Fatalf("Delivery.Write: %v", err)
	}
	if _, err := d.Commit(store.Record{MailFrom: "news@news.example.test", Rcpts: []string{"you@letterbox.test"}}); err != nil {
		t.Fatalf("Delivery.Commit: %v", err)
	}
	const subject = "Weekly letter with pictures"
	r.waitFor("the newsletter is listed", func() bool {
		items, _, err := st.List(store.Query{})
		for _, it := range items {
			if it.Subject == subject {
				return err == nil
			}
		}
		return false
	})
	r.openMessage(subject)
	onUI(func() { r.m.inbox.view.tabs.SelectIndex(1); r.m.window.Canvas().Unfocus() })
	v := r.m.inbox.view.html
	image := func(title string) bool {
		for _, s := range htmlSegs(v.segments()) {
			if img, ok := s.(*htmlImageSegment); ok && img.title == title {
				return img.pic != nil && img.pic.img != nil
			}
		}
		return false
	}
	r.waitFor("the inline logo is drawn", func() bool { return image("Example News logo") })
	if shown := uiValue(func() string { return htmlShown(v) }); !strings.Contains(shown, "[image blocked: 127.0.0.1]") ||
		!strings.Contains(shown, "The Weekly Letter") || image("Banner") {
		t.Errorf("before Load remote content the view shows %q, want the banner blocked", shown)
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("%d requests for remote content before Load remote content was clicked", n)
	}
	if !uiValue(v.loadRemote.Visible) {
		t.Fatal("Load remote content is not shown")
	}
	shot(t, r, "html-blocked")
	r.click(v.loadRemote)
	r.waitFor("the remote banner is drawn", func() bool { return image("Banner") })
	if n := hits.Load(); n != 1 {
		t.Errorf("%d requests after Load remote content, want 1", n)
	}
	if note := uiValue(func() string { return v.remoteNote.Text }); note != "Remote content loaded." {
		t.Errorf("remote note = %q", note)
	}
	shot(t, r, "html-loaded")
}
